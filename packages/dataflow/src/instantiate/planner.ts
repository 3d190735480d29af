import { createExecutor, matchControls } from '@lam/grounding';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import type { Control, InstantiatedStep, Observation } from '@lam/schema';
import { expectsChange, observeSettled, parkPointer } from '../live/observe';
import { closeTransients, extraWindows } from '../live/workbench';
import { type Intent, type SelectionTarget, stepIntents, type UnsupportedReason } from './intents';

/** Why a task was filtered out at instantiation (PAPER.md §3.2.1: the filter keeps tasks that can be done). */
export type FilterReason =
  | UnsupportedReason
  /** The pair is not for the app the templates are for. */
  | 'other-app'
  /** The plan has no step that does anything. */
  | 'no-action'
  /** A step names a control that is not there (in the window, menu or dialog of that moment). */
  | 'no-control'
  /** An action failed while rehearsing the plan in LibreOffice. */
  | 'action-failed'
  /** The plan leaves a dialog or menu open and there is no OK or Close to end it. */
  | 'left-open'
  /** The model's prefill could not be parsed, or the model's filter rejected the task. */
  | 'model'
  /** A composed task one of whose two tasks was filtered in its own instantiation (not rehearsed again). */
  | 'part-filtered';

/** The text of the template a task acts on. */
export interface TargetText {
  kind: SelectionTarget;
  text: string;
}

/** A task the planner could not instantiate, and why. */
export interface PlanRejection {
  ok: false;
  reason: FilterReason;
  detail: string;
  /** 1-based index of the help step that failed, when one did. */
  step?: number;
}

/** An instantiated task: the concrete request and its action plan. */
export interface PlanSuccess {
  ok: true;
  request: string;
  plan: InstantiatedStep[];
  target?: TargetText;
  /** Help clauses that were read as descriptions and not acted on. */
  notes: string[];
}

export type PlanResult = PlanSuccess | PlanRejection;

/** Menu paths that leave the document: printing, files, e-mail, macros, extensions, databases, help. */
const OUTSIDE_MENUS =
  /^(file > (print|print preview|printer settings|export|export as|save as|save|save a copy|send|open|open remote|recent documents|templates|new|wizards|exit|close|reload|versions|digital signatures|properties)|tools > (macros|extension manager|xml filter settings|bibliography database|mail merge|address book|customize|development tools)|edit > (exchange database|links to external files|track changes > (compare|merge))|insert > (media|ole object|object|image|text from file)|help|window)\b/i;

/** The offline half of planning: each help step read as intents; a rejection when one cannot be replayed. */
export function readPlan(plan: readonly string[]): { intents: Intent[][] } | PlanRejection {
  const intents = plan.map((s) => stepIntents(s));
  for (const [i, step] of intents.entries()) {
    const bad = step.find((x) => x.kind === 'unsupported');
    if (bad !== undefined && bad.kind === 'unsupported')
      return { ok: false, reason: bad.reason, detail: `step ${i + 1}: "${bad.clause}"`, step: i + 1 };
    for (const x of step) {
      if (x.kind === 'menu' && OUTSIDE_MENUS.test(x.path.join(' > ')))
        return {
          ok: false,
          reason: 'outside-app',
          detail: `step ${i + 1}: the menu path ${x.path.join(' - ')} leaves the document (files, printer, macros or another window)`,
          step: i + 1,
        };
    }
  }
  if (!intents.some((s) => s.some((x) => x.kind !== 'note')))
    return { ok: false, reason: 'no-action', detail: 'no step of the plan is an action' };
  return { intents };
}

/** Paragraph facts the target choice needs (from the template's reader state). */
export interface TemplateParagraph {
  text: string;
  style?: string | undefined;
  table?: number | undefined;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/**
 * The text of the template a task acts on, by what the plan selects and the task talks about:
 * a heading, a table cell, a list line, a whole paragraph, one word, or a phrase of the first
 * body paragraph. Always text that occurs once in the document, so `select_text` finds it.
 */
export function chooseTarget(
  paragraphs: readonly TemplateParagraph[],
  kinds: readonly SelectionTarget[],
  task: string,
): TargetText | undefined {
  if (kinds.length === 0) return undefined;
  const all = paragraphs.map((p) => p.text).join('\n');
  const unique = (t: string) => t !== '' && all.indexOf(t) === all.lastIndexOf(t);
  const t = task.toLowerCase();
  const wanted: SelectionTarget =
    (/\b(lists?|bullets?|bulleted|numbered)\b/.test(t) ? 'list' : undefined) ??
    kinds.find((k) => k !== 'text' && k !== 'cursor') ??
    (/\b(table|cell)s?\b/.test(t)
      ? 'table'
      : /\b(heading|title|chapter)s?\b/.test(t)
        ? 'heading'
        : /\bparagraphs?\b/.test(t)
          ? 'paragraph'
          : /\b(lists?|bullets?|numbering)\b/.test(t)
            ? 'list'
            : /\bwords?\b/.test(t)
              ? 'word'
              : (kinds[0] as SelectionTarget));
  const body = paragraphs.filter(
    (p) => p.table === undefined && !/^(heading|title)/i.test(p.style ?? '') && words(p.text).length >= 6,
  );
  const headings = paragraphs.filter((p) => p.table === undefined && /^(heading|title)/i.test(p.style ?? ''));
  const cells = paragraphs.filter((p) => p.table !== undefined && unique(p.text));
  const lines = paragraphs.filter(
    (p) =>
      p.table === undefined &&
      words(p.text).length >= 1 &&
      words(p.text).length <= 4 &&
      !/^(heading|title)/i.test(p.style ?? ''),
  );
  const pick = (kind: SelectionTarget, text: string | undefined): TargetText | undefined =>
    text !== undefined && unique(text) ? { kind, text } : undefined;
  const first = body[0]?.text;
  const phrase = first === undefined ? undefined : words(first).slice(1, 5).join(' ');
  const word =
    first === undefined ? undefined : words(first).find((w) => /^[a-z]{6,}$/i.test(w) && unique(w));
  switch (wanted) {
    case 'table':
      return pick('table', cells[3]?.text ?? cells[0]?.text) ?? pick('text', phrase);
    case 'heading':
      return pick('heading', headings[0]?.text) ?? pick('text', phrase);
    case 'paragraph':
      return pick('paragraph', first) ?? pick('text', phrase);
    case 'list':
      return pick('list', lines[0]?.text) ?? pick('text', phrase);
    case 'word':
      return pick('word', word) ?? pick('text', phrase);
    case 'cursor':
      return pick('cursor', phrase);
    default:
      return pick('text', phrase);
  }
}

const TARGET_NOUN: Record<SelectionTarget, string> = {
  text: 'text',
  word: 'word',
  paragraph: 'paragraph',
  heading: 'heading',
  table: 'table cell',
  list: 'list line',
  cursor: 'text',
};

/** The concrete request of an instantiated task: the task, made specific to the template's text and the values typed. */
export function concreteRequest(
  task: string,
  target: TargetText | undefined,
  typed: readonly string[],
): string {
  const parts: string[] = [];
  if (target !== undefined)
    parts.push(
      target.kind === 'cursor'
        ? `at the text "${target.text}"`
        : `on the ${TARGET_NOUN[target.kind]} "${target.text}"`,
    );
  const values = [...new Set(typed)].slice(0, 3);
  if (values.length > 0) parts.push(`entering ${values.map((v) => `"${v}"`).join(', ')}`);
  const base = task.replace(/[.\s]+$/, '');
  return parts.length === 0 ? `${base}.` : `${base}, ${parts.join(', ')}.`;
}

const CLICKABLE = [
  'Button',
  'MenuItem',
  'TabItem',
  'CheckBox',
  'RadioButton',
  'ListItem',
  'DataItem',
  'TreeItem',
  'Hyperlink',
];
const ROLE_TYPES: Record<string, readonly string[]> = {
  tab: ['TabItem'],
  icon: ['Button', 'MenuItem'],
  button: ['Button'],
  'check-box': ['CheckBox', 'RadioButton', 'Button', 'MenuItem'],
  option: ['RadioButton', 'CheckBox', 'ListItem', 'DataItem'],
  'list-item': ['ListItem', 'DataItem', 'TreeItem', 'RadioButton', 'CheckBox', 'MenuItem', 'Button'],
  'menu-item': ['MenuItem'],
};
const TYPEABLE = ['Edit', 'ComboBox', 'Spinner'];

/** Options of {@link rehearsePlan}. */
export interface RehearseOptions {
  /** Lowest name similarity (0..100) for a help step's object to match a control (default 80). */
  threshold?: number;
  /** Where the plan's last step saves the document (`save_as` arguments); default: in place. */
  save?: { file_dir: string; file_name: string; file_ext: string };
}

interface Found {
  control: Control;
  score: number;
}

/** A name as menus and help write it alike: `Find & Replace` ~ `Find and Replace...`. */
function comparable(name: string): string {
  return name
    .replace(/&/g, ' and ')
    .replace(/\.\.\.|…/g, '')
    .replace(/~/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function usable(c: Control): boolean {
  const r = c.rect;
  const onScreen = r === undefined || (r.width > 0 && r.height > 0 && r.x >= 0 && r.y >= 0);
  return c.states?.enabled !== false && c.states?.visible !== false && onScreen;
}

/**
 * The control a help step names: the best name match among controls of the types the step's
 * role word allows, at or above `threshold`. Ties go to the control listed last when a dialog is
 * open (the dialog's own controls come after the document window's), else to the first.
 */
export function findControl(
  observation: Observation,
  name: string,
  types: readonly string[],
  options: { threshold: number; preferLast: boolean },
): Found | { missing: string } {
  const candidates = observation.controls.filter((c) => types.includes(c.type) && usable(c));
  const byName = new Map<Control, Control>();
  const compared = candidates.map((c) => {
    const copy = { ...c, name: comparable(c.name) };
    byName.set(copy, c);
    return copy;
  });
  const ranked = matchControls(comparable(name), compared).map((m) => ({
    control: byName.get(m.control) as Control,
    score: m.score,
  }));
  const best = ranked[0];
  if (best === undefined || best.score < options.threshold) {
    const near = ranked
      .slice(0, 3)
      .map((m) => `${m.control.type} "${m.control.name}" (${m.score})`)
      .join(', ');
    return {
      missing: `no ${types.join('/')} control named like "${name}" (threshold ${options.threshold}${near ? `; nearest: ${near}` : ''})`,
    };
  }
  const ties = ranked.filter((m) => m.score === best.score);
  const chosen = options.preferLast ? (ties.at(-1) as typeof best) : best;
  return { control: chosen.control, score: chosen.score };
}

function quote(text: string): string {
  return `"${text}"`;
}

/** Whether a control's checked or pressed state is known, and what it is. */
function toggled(control: Control): boolean | undefined {
  return control.states?.checked ?? control.states?.pressed;
}

/**
 * The live half of planning (instantiation, PAPER.md §3.2.1, without a model): walks the help
 * steps' intents in LibreOffice on the task's template and turns each into a function call on a
 * control that is really there at that moment — menu paths into clicks on menu items, named buttons,
 * tabs, check boxes and list entries into clicks, typing into `set_edit_text`, keys into
 * `keyboard_input`, and the selection of the task's text into `select_text`. Every action is
 * performed as it is planned (a rehearsal), so that menus and dialogs open and the next step sees
 * their controls. The plan ends with `save_as`. A step that matches no control, an action that fails,
 * or a dialog left open with no way to close it rejects the task with the reason.
 */
export async function rehearsePlan(
  env: DesktopEnvironment,
  intents: readonly (readonly Intent[])[],
  target: TargetText | undefined,
  options: RehearseOptions = {},
): Promise<{ plan: InstantiatedStep[]; typed: string[]; notes: string[] } | PlanRejection> {
  const threshold = options.threshold ?? 80;
  const executor = createExecutor({
    environment: env,
    resolve: { threshold },
    // Rehearsal runs on a copy of the template: confirm everything but closing LibreOffice itself.
    confirm: (request) => !/close document|close window|exit|quit/i.test(request.control?.name ?? ''),
  });
  const plan: InstantiatedStep[] = [];
  const typed: string[] = [];
  const notes: string[] = [];
  let observation = await env.observe({ canvas: false });
  let dialog = false;

  const reject = (reason: FilterReason, detail: string, step: number): PlanRejection => ({
    ok: false,
    reason,
    detail: `step ${step}: ${detail}`,
    step,
  });

  /** Finds a control; when it is not there yet (a dialog still opening), looks once more a moment later. */
  const find = async (
    name: string,
    types: readonly string[],
    preferLast: boolean,
  ): Promise<Found | { missing: string }> => {
    const first = findControl(observation, name, types, { threshold, preferLast });
    if (!('missing' in first)) return first;
    await new Promise((r) => setTimeout(r, 800));
    observation = await env.observe({ canvas: false });
    dialog = (await extraWindows(env).catch(() => 0)) > 0;
    return findControl(observation, name, types, { threshold, preferLast: dialog || preferLast });
  };

  /** Confirms an open dialog (OK, Close) before an action on the document, as a person would. */
  const closeDialog = async (stepNo: number): Promise<PlanRejection | undefined> => {
    const ok = observation.controls
      .filter((c) => c.type === 'Button' && /^(ok|close)$/i.test(c.name) && usable(c))
      .at(-1);
    if (ok === undefined) return undefined;
    return act(
      stepNo,
      `Click ${quote(ok.name)} to close the dialog`,
      'click_input',
      { button: 'left', double: false },
      ok,
    );
  };

  /** Plans one call, performs it, and observes the result. */
  const act = async (
    stepNo: number,
    subtask: string,
    fn: string,
    args: Record<string, unknown>,
    control: Control | undefined,
    extra?: Record<string, unknown>,
  ): Promise<PlanRejection | undefined> => {
    // The control's type goes with the plan: labels move between runs, and a name can belong to two
    // controls (the Insert Section dialog has an Edit and a Table named "New Section").
    const withType = control === undefined ? extra : { ...extra, controlType: control.type };
    const step: InstantiatedStep = {
      step: plan.length + 1,
      subtask,
      controlLabel: control?.label ?? '',
      controlText: control?.name ?? '',
      function: fn,
      args: args as InstantiatedStep['args'],
      ...(withType === undefined ? {} : { extra: withType as InstantiatedStep['extra'] }),
    };
    const ensure = extra?.ensure as { checked?: boolean } | undefined;
    const skip =
      ensure?.checked !== undefined && control !== undefined && toggled(control) === ensure.checked;
    if (!skip) {
      if (fn === 'click_input') await parkPointer(env);
      const outcome = await executor.run(
        {
          function: fn,
          args: step.args,
          controlLabel: step.controlLabel ?? '',
          controlName: step.controlText ?? '',
        },
        observation,
      );
      if (outcome.status !== 'executed' || outcome.result?.ok !== true) {
        return reject('action-failed', `${subtask}: ${outcome.result?.error ?? outcome.status}`, stepNo);
      }
    }
    plan.push(step);
    const opens = !skip && expectsChange(fn, control, args, dialog);
    observation = await observeSettled(env, observation, { waitForChange: opens });
    dialog = (await extraWindows(env).catch(() => 0)) > 0;
    return undefined;
  };

  for (const [i, stepIntentsList] of intents.entries()) {
    const stepNo = i + 1;
    for (const [j, intent] of stepIntentsList.entries()) {
      const next = stepIntentsList[j + 1] ?? intents[i + 1]?.find((x) => x.kind !== 'note');
      switch (intent.kind) {
        case 'note':
          notes.push(intent.clause);
          break;
        case 'unsupported':
          return reject(intent.reason, `"${intent.clause}"`, stepNo);
        case 'select': {
          if (target === undefined)
            return reject('vague-target', `"${intent.clause}": no text to select`, stepNo);
          if (dialog) {
            // A step in the document while the last dialog is open: confirm the dialog first.
            const closed = await closeDialog(stepNo);
            if (closed) return closed;
            if (dialog)
              return reject(
                'vague-target',
                `"${intent.clause}": it selects something in a dialog without naming it`,
                stepNo,
              );
          }
          const failed = await act(
            stepNo,
            `Select the ${TARGET_NOUN[target.kind]} ${quote(target.text)}`,
            'select_text',
            { text: target.text },
            undefined,
          );
          if (failed) return failed;
          if (intent.target === 'cursor') {
            const moved = await act(
              stepNo,
              'Put the cursor after the selected text',
              'keyboard_input',
              { keys: '{RIGHT}', control_focus: false },
              undefined,
            );
            if (moved) return moved;
          }
          break;
        }
        case 'key': {
          const failed = await act(
            stepNo,
            `Press ${intent.keys}`,
            'keyboard_input',
            { keys: intent.keys, control_focus: false },
            undefined,
          );
          if (failed) return failed;
          break;
        }
        case 'menu': {
          let inMenu = false;
          const topMenu = findControl(observation, intent.path[0] as string, ['MenuItem'], {
            threshold,
            preferLast: false,
          });
          if (dialog && !('missing' in topMenu)) {
            // A new menu command while the last dialog is still open: confirm that dialog first.
            const closed = await closeDialog(stepNo);
            if (closed) return closed;
          }
          for (const [k, segment] of intent.path.entries()) {
            const types = dialog ? ['TabItem', 'TreeItem', 'DataItem', 'ListItem', 'Button'] : ['MenuItem'];
            const found = await find(segment, types, dialog || inMenu);
            if ('missing' in found)
              return reject('no-control', `menu path ${intent.path.join(' - ')}: ${found.missing}`, stepNo);
            const c = found.control;
            const tree = c.type === 'TreeItem' || c.type === 'DataItem';
            // A tree node opens with its action (one click); a leaf page is chosen with a real double click.
            const expand = tree && c.states?.expanded === false;
            const leaf = tree && c.states?.expanded === undefined;
            const subtask =
              c.type === 'MenuItem'
                ? k === 0
                  ? `Open the ${quote(c.name)} menu`
                  : `Click ${quote(c.name)} in the ${quote(intent.path[k - 1] as string)} menu`
                : c.type === 'TabItem'
                  ? `Click the ${quote(c.name)} tab`
                  : `${expand ? 'Open' : 'Click'} ${quote(c.name)} in the dialog`;
            const menuItems = observation.controls.filter((x) => x.type === 'MenuItem').map((x) => x.name);
            const failed = await act(stepNo, subtask, 'click_input', { button: 'left', double: leaf }, c);
            if (failed) return failed;
            inMenu = c.type === 'MenuItem';
            if (inMenu && k === intent.path.length - 1 && !dialog) {
              // The path ends on a submenu ("Insert - Frame"): take its item of the same name ("Frame..."),
              // unless the next step clicks an item of that submenu.
              const shown = new Set(menuItems);
              const opened = observation.controls.filter((x) => x.type === 'MenuItem' && !shown.has(x.name));
              const nextInMenu =
                next?.kind === 'click' &&
                !(
                  'missing' in
                  findControl({ ...observation, controls: opened }, next.target, ['MenuItem'], {
                    threshold,
                    preferLast: false,
                  })
                );
              if (opened.length > 0 && !nextInMenu) {
                const same = findControl({ ...observation, controls: opened }, segment, ['MenuItem'], {
                  threshold,
                  preferLast: false,
                });
                if ('missing' in same)
                  return reject(
                    'no-control',
                    `menu path ${intent.path.join(' - ')} ends on a submenu: ${same.missing}`,
                    stepNo,
                  );
                const more = await act(
                  stepNo,
                  `Click ${quote(same.control.name)} in the ${quote(segment)} menu`,
                  'click_input',
                  { button: 'left', double: false },
                  same.control,
                );
                if (more) return more;
              }
            }
          }
          break;
        }
        case 'click': {
          const types = intent.role === undefined ? CLICKABLE : (ROLE_TYPES[intent.role] ?? CLICKABLE);
          let found = await find(intent.target, types, dialog);
          // Of alternatives ("Portrait or Landscape"), take one that changes something.
          for (const option of intent.options ?? []) {
            const alt = findControl(observation, option, types, { threshold, preferLast: dialog });
            if (!('missing' in alt) && toggled(alt.control) !== true) {
              found = alt;
              break;
            }
          }
          if ('missing' in found) return reject('no-control', `"${intent.clause}": ${found.missing}`, stepNo);
          const c = found.control;
          const checkable =
            c.type === 'CheckBox' ||
            c.type === 'RadioButton' ||
            c.states?.pressed !== undefined ||
            c.states?.checked !== undefined;
          let want = intent.want;
          if (want === undefined && c.type === 'RadioButton') want = true;
          if (want === undefined && c.type === 'CheckBox' && intent.role !== 'check-box') want = true;
          const ensure =
            checkable && want !== undefined ? { ensure: { checked: want, type: c.type } } : undefined;
          const alreadySet = ensure !== undefined && toggled(c) === want;
          const subtask =
            ensure !== undefined
              ? `${want ? 'Select' : 'Clear'} ${quote(c.name)}`
              : c.type === 'TabItem'
                ? `Click the ${quote(c.name)} tab`
                : `Click ${quote(c.name)}`;
          const failed = await act(
            stepNo,
            subtask,
            'click_input',
            { button: 'left', double: intent.double === true },
            c,
            ensure,
          );
          if (failed) return failed;
          if (alreadySet && c.type === 'MenuItem') {
            // The item was already as wanted, so its menu is still open: close it.
            const closed = await act(
              stepNo,
              'Close the menu',
              'keyboard_input',
              { keys: '{ESC}', control_focus: false },
              undefined,
            );
            if (closed) return closed;
          }
          break;
        }
        case 'type': {
          let control: Control | undefined;
          if (intent.into !== undefined) {
            const found = await find(intent.into, TYPEABLE, true);
            if ('missing' in found)
              return reject('no-control', `"${intent.clause}": ${found.missing}`, stepNo);
            control = found.control;
          } else {
            const focused = observation.controls.find(
              (c) => TYPEABLE.includes(c.type) && c.states?.focused === true,
            );
            if (focused !== undefined) control = focused;
            else if (!dialog) control = observation.controls.find((c) => c.type === 'Document');
            else {
              const edits = observation.controls.filter((c) => TYPEABLE.includes(c.type));
              if (edits.length !== 1)
                return reject(
                  'vague-target',
                  `"${intent.clause}": the dialog has ${edits.length} fields and the step does not say which`,
                  stepNo,
                );
              control = edits[0];
            }
          }
          if (control === undefined)
            return reject('no-control', `"${intent.clause}": nothing to type into`, stepNo);
          if (control.type !== 'Document' && (control.value ?? '') !== '') {
            const cleared = await act(
              stepNo,
              `Clear ${quote(control.name || 'the field')}`,
              'keyboard_input',
              { keys: '^a{BACKSPACE}', control_focus: true },
              control,
            );
            if (cleared) return cleared;
            control = observation.controls.find((c) => c.label === control?.label) ?? control;
          }
          const failed = await act(
            stepNo,
            `Type ${quote(intent.text)}${control.type === 'Document' ? '' : ` into ${quote(control.name || 'the field')}`}`,
            'set_edit_text',
            { text: intent.text },
            control,
          );
          if (failed) return failed;
          typed.push(intent.text);
          break;
        }
      }
    }
  }
  const last = intents.length;
  // A dialog the help leaves open (it names its settings and stops): confirm it as a person would.
  for (let guard = 0; dialog && guard < 3; guard++) {
    const ok = ['OK', 'Close', 'Insert', 'Apply']
      .map((n) => observation.controls.filter((c) => c.type === 'Button' && c.name === n && usable(c)).at(-1))
      .find((c) => c !== undefined);
    if (ok === undefined)
      return reject('left-open', 'the plan ends with a dialog open and it has no OK or Close button', last);
    const failed = await act(
      last,
      `Click ${quote(ok.name)} to close the dialog`,
      'click_input',
      { button: 'left', double: false },
      ok,
    );
    if (failed) return failed;
  }
  if (dialog) return reject('left-open', 'a dialog stays open at the end of the plan', last);
  if (observation.controls.filter((c) => c.type === 'MenuItem').length > 12)
    return reject('left-open', 'the plan ends with a menu open', last);
  plan.push({
    step: plan.length + 1,
    subtask: 'Save the document',
    controlLabel: '',
    controlText: '',
    function: 'save_as',
    args: options.save ?? { file_dir: '', file_name: '', file_ext: '' },
  });
  await closeTransients(env).catch(() => false);
  return { plan, typed, notes };
}
