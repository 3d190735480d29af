/**
 * Reading a help step as actions. A step of a task-plan pair ("Choose **Format - Character**, click
 * the **Highlighting** tab, and then click **OK**.") is split into clauses, and each clause becomes
 * one {@link Intent}: a menu path, a click on a named control, a check box to set, text to type, a
 * key to press, the selection of the text the task acts on, a note that does nothing, or a clause
 * that no replayable action can carry out (with the reason).
 */

/** The kinds of text a selection step names. */
export type SelectionTarget = 'text' | 'word' | 'paragraph' | 'heading' | 'table' | 'list' | 'cursor';

/** One action read from a help step. */
export type Intent =
  /** A menu path: `Format - Character` → click `Format`, then `Character...`. */
  | { kind: 'menu'; path: string[]; clause: string }
  /**
   * A click on a control named in the step. `role` is the word the step uses for it (tab, icon,
   * button, check box, list); `want` is set for check boxes and options the step turns on or off.
   */
  | {
      kind: 'click';
      target: string;
      role?: ClickRole;
      want?: boolean;
      double?: boolean;
      /** The list or box the target is in (`select "Date" in the **Type** list`). */
      within?: string;
      /** Alternatives the step offers (`select **Portrait** or **Landscape**`); `target` is the first. */
      options?: string[];
      clause: string;
    }
  /** Text to type, into a named box or at the caret in the document. */
  | { kind: 'type'; text: string; into?: string; clause: string }
  /** Keys to press, in send_keys syntax. */
  | { kind: 'key'; keys: string; clause: string }
  /** Select the text the task acts on (or put the cursor in it). */
  | { kind: 'select'; target: SelectionTarget; clause: string }
  /** Nothing to do: a description, a result, an optional choice. */
  | { kind: 'note'; clause: string }
  /** A clause no replayable action carries out. */
  | { kind: 'unsupported'; reason: UnsupportedReason; clause: string };

/** The word a step uses for the control it clicks. */
export type ClickRole = 'tab' | 'icon' | 'button' | 'check-box' | 'option' | 'list-item' | 'menu-item';

/** Why a clause cannot be replayed. */
export type UnsupportedReason =
  /** It leaves the target open ("the style that you want"). */
  | 'vague-target'
  /** Mouse gestures a replay cannot reproduce (drag, right-click menus of list entries). */
  | 'gesture'
  /** It repeats steps or waits for a condition ("Press F6 until ..."). */
  | 'loop'
  /** It offers alternatives ("Do one of the following"). */
  | 'alternatives'
  /** Another application, device, file or window is involved. */
  | 'outside-app'
  /** The verb is not one the planner knows. */
  | 'unknown-verb';

const OBJECT = /\*\*([^*]+?)\*\*|"([^"]+)"|“([^”]+)”|'([^']+)'|‘([^’]+)’/g;

/** The objects a clause names: **bold** or quoted, in order, trimmed of trailing punctuation. */
export function namedObjects(clause: string): string[] {
  const out: string[] = [];
  for (const m of clause.matchAll(OBJECT)) {
    const value = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '').trim().replace(/[.,:;]+$/, '');
    if (value !== '') out.push(value);
  }
  return out;
}

/** Splits a menu path on its separators (`Tools -AutoCorrect -AutoCorrect Options`, `File – Save As`). */
export function splitMenuPath(path: string): string[] {
  return path
    .split(/\s+[-–]\s*|\s*[-–]\s+|\s*>\s*/)
    .map((s) => s.replace(/[.,:;]+$/, '').trim())
    .filter((s) => s !== '');
}

function isMenuPath(text: string): boolean {
  return splitMenuPath(text).length >= 2;
}

const VERBS =
  /^(choose|select|click|double-click|press|type|enter|clear|uncheck|check|mark|unmark|place|put|position|go|open|close|apply|set|remove|right-click|drag|hold|repeat|do|follow|use|ensure|make|insert|delete|edit|change|create|move|locate|continue|release|confirm|save|print|keep|return|register|integrate|design|replace|define|specify|add|scroll|navigate|switch|wait|copy|paste|cut|then|either|first)\b/i;

const SELECTION_NOUNS =
  /\b(text|characters?|words?|paragraphs?|heading|title|table|cells?|sentence|item|entry|lines?|range|selection|document|list)\b/i;

/** Optional settings the help leaves to the reader ("Select the options that you want"). */
const OPTIONAL =
  /^(then\s+)?(select|set|choose|specify|change)\s+(any|the|other|additional|further)?\s*(\w+\s+){0,3}(options?|settings?|properties)\b(?!\s*\*\*)/i;

const VAGUE =
  /\b(that|which|whose|where) you (want|wish|would like|need|like|prefer)|\bthe (desired|appropriate|required|relevant|respective)\b|\bany (options|settings)\b|\byour choice\b|\bas (you )?(needed|desired|required|appropriate)\b/i;

/** Keys the help names, in the executor's send_keys syntax. */
const KEYS: Record<string, string> = {
  enter: '{ENTER}',
  return: '{ENTER}',
  tab: '{TAB}',
  escape: '{ESC}',
  esc: '{ESC}',
  backspace: '{BACKSPACE}',
  delete: '{DELETE}',
  del: '{DELETE}',
  space: '{SPACE}',
  spacebar: '{SPACE}',
  home: '{HOME}',
  end: '{END}',
  insert: '{INSERT}',
  'page up': '{PGUP}',
  'page down': '{PGDN}',
  'up arrow': '{UP}',
  'down arrow': '{DOWN}',
  'left arrow': '{LEFT}',
  'right arrow': '{RIGHT}',
};

const MODIFIERS: Record<string, string> = { ctrl: '^', control: '^', shift: '+', alt: '%', command: '^' };

/** A key or chord as the help writes it (`Ctrl+Shift+F10`, `Enter`, `the Backspace key`) in send_keys syntax. */
export function keysOf(text: string): string | undefined {
  const t = text
    .replace(/\bthe\b|\bkeys?\b|\bbutton\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  if (t === '') return undefined;
  const parts = t.split(/\s*\+\s*/);
  let out = '';
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    const mod = MODIFIERS[part];
    if (!last) {
      if (mod === undefined) return undefined;
      out += mod;
      continue;
    }
    if (mod !== undefined) return undefined;
    if (/^f([1-9]|1[0-2])$/.test(part)) out += `{${part.toUpperCase()}}`;
    else if (KEYS[part] !== undefined) out += KEYS[part];
    else if (/^[a-z0-9]$/.test(part)) out += part;
    else if (part === 'plus sign' || part === 'plus') out += '{+}';
    else return undefined;
  }
  return out;
}

/** Splits a sentence into clauses at the joins the help uses between actions. */
function clauses(sentence: string): string[] {
  return sentence
    .split(
      /,?\s+and then\s+|,\s*then\s+|;\s*|,\s+and\s+(?=(?:ensure|make sure)\b)|,\s+and\s+(?=(?:click|select|choose|type|enter|press|clear|mark|check)\b)|,\s+(?=(?:click|select|choose|type|enter|press|clear|mark|check|uncheck)\b)|\s+and\s+(?=(?:click|choose|press|type|enter)\b)/i,
    )
    .map((c) => c.trim())
    .filter((c) => c !== '')
    .reduce<string[]>((out, part) => {
      // "In the **Condition** box, type ...": the place stays with the action that follows it.
      const previous = out.at(-1);
      if (
        previous !== undefined &&
        /^(in|on|under|from|at|within)\s/i.test(previous) &&
        !VERBS.test(previous)
      )
        out[out.length - 1] = `${previous}, ${part}`;
      else out.push(part);
      return out;
    }, []);
}

/** Splits a step into sentences, keeping `**...**` and quoted parts whole. */
function sentences(step: string): string[] {
  const out: string[] = [];
  let current = '';
  let bold = false;
  for (let i = 0; i < step.length; i++) {
    const ch = step[i] as string;
    if (ch === '*' && step[i + 1] === '*') {
      bold = !bold;
      current += '**';
      i++;
      continue;
    }
    current += ch;
    if (!bold && /[.!?]/.test(ch) && /\s/.test(step[i + 1] ?? ' ') && /[A-Z"“]/.test(step[i + 2] ?? 'A')) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

function stripEnd(text: string): string {
  return text.replace(/[.!:;]+\s*$/, '').trim();
}

/** Removes a leading "In the **X** area, " (kept as `within`) and fillers such as "Then", "From the menu bar,". */
function leading(clause: string): { rest: string; within?: string } {
  let rest = clause.replace(/^(then|now|next|finally|also)\s*,?\s+/i, '');
  rest = rest.replace(/^from the (menu bar|menu|main menu)\s*,?\s*/i, '');
  const m =
    /^(?:in|on|under|from|at|within)\s+(?:the\s+)?(.+?)\s*(area|box|tab page|tab|dialog|list box|list|field|section|window|bar|toolbar|menu|pane|deck)?\s*,\s*(.+)$/i.exec(
      rest,
    );
  if (m?.[1] !== undefined && m[3] !== undefined && VERBS.test(m[3])) {
    const within = namedObjects(m[1])[0] ?? m[1];
    return { rest: m[3], within };
  }
  return { rest };
}

/** The role word after an object: `the **Highlighting** tab` → tab. */
function roleOf(clause: string): ClickRole | undefined {
  const c = clause.toLowerCase();
  if (/\btab\b/.test(c)) return 'tab';
  if (/\bcheck ?box(es)?\b|\bcheck mark\b/.test(c)) return 'check-box';
  if (/\bicon\b/.test(c)) return 'icon';
  if (/\bbutton\b/.test(c)) return 'button';
  if (/\boption\b|\bradio\b/.test(c)) return 'option';
  if (/\b(list|box)\b/.test(c)) return 'list-item';
  return undefined;
}

/** An object named without bold or quotes: `Click the Bold icon`, `Click OK`. */
function plainObject(rest: string): string | undefined {
  const m =
    /^(?:the\s+)?(.+?)\s+(icon|button|tab|check ?box|option|command)\b/i.exec(rest) ??
    /^([A-Z][\w&/-]*(?:\s+[A-Z][\w&/-]*){0,3})\s*$/.exec(rest);
  const value = m?.[1]?.trim();
  if (value === undefined || value === '' || /^(a|an|the|this|that|one)$/i.test(value)) return undefined;
  return value;
}

/** A value to type that the step names: a quoted or bold text, or "for example X". */
function typedValue(text: string): string | undefined {
  const example = /\b(?:for example|e\.g\.|such as)\s*,?\s*(.+)$/i.exec(text);
  if (example?.[1] !== undefined) {
    const named = namedObjects(example[1])[0];
    return named ?? stripEnd(example[1]).split(/\s*,\s*/)[0];
  }
  return undefined;
}

function unsupported(reason: UnsupportedReason, clause: string): Intent {
  return { kind: 'unsupported', reason, clause };
}

/** Reads one clause as an intent. */
export function clauseIntent(raw: string): Intent {
  // Alternatives: the help offers a choice, a person takes the first one
  // ("Either click **Find Next** or **Find All**", "Do one of the following: Type ..., or leave ...").
  const offered = /^(?:either\s+|do one of the following\s*:\s*)(.+)$/i.exec(stripEnd(raw).trim());
  if (offered?.[1] !== undefined && VERBS.test(offered[1])) return clauseIntent(offered[1]);
  const firstChoice =
    /^(.+?),?\s+or\s+(?=(?:click|select|choose|type|enter|press|leave|use|double-click)\b)/i.exec(raw);
  if (firstChoice?.[1] !== undefined && VERBS.test(firstChoice[1].trim()))
    return clauseIntent(firstChoice[1]);
  const clause = stripEnd(raw);
  if (OPTIONAL.test(clause)) return { kind: 'note', clause };
  const { rest, within } = leading(clause);
  const verbMatch = VERBS.exec(rest);
  if (verbMatch === null) {
    // "Hidden text: hides ...", "The Formula Bar appears", "If ...", "You can ...": not an action.
    return { kind: 'note', clause };
  }
  const verb = (verbMatch[1] as string).toLowerCase();
  const full = rest.slice(verbMatch[0].length).trim();
  // "Choose Edit - Find & Replace to open the Find & Replace dialog": the purpose is not part of the action.
  const after = full.replace(
    /\s+(?:to|in order to) (?:open|display|show|close|make|select|insert|apply|start|get|see)\b.*$/i,
    '',
  );
  const objects = namedObjects(after);
  const lower = after.toLowerCase();

  if (/\buntil\b|\brepeat\b/i.test(rest) || verb === 'repeat' || verb === 'continue')
    return unsupported('loop', clause);
  if (verb === 'do' || verb === 'either' || /\bone of the following\b/i.test(rest))
    return unsupported('alternatives', clause);
  if (
    verb === 'drag' ||
    verb === 'hold' ||
    verb === 'release' ||
    verb === 'right-click' ||
    /\bdrag\b/i.test(rest)
  )
    return unsupported('gesture', clause);
  if (
    /\b(e-?mail|browser|printer|fax|scanner|download|web ?page|internet|server|restart|install|extension|macro|database|command line|other (document|file))\b/i.test(
      rest,
    )
  )
    return unsupported('outside-app', clause);
  if (verb === 'ensure' || verb === 'make') {
    // "ensure that **While Typing** is selected": a state to set, if it is not already.
    const state =
      /\bis\s+(selected|checked|enabled|marked|activated|on|cleared|unchecked|disabled|off|not selected)\b/i.exec(
        after,
      );
    const target = objects[0];
    if (state?.[1] !== undefined && target !== undefined) {
      const on = !/cleared|unchecked|disabled|off|not selected/i.test(state[1]);
      return { kind: 'click', target, role: 'check-box', want: on, clause };
    }
    return unsupported('unknown-verb', clause);
  }
  if (verb === 'follow' || verb === 'keep' || verb === 'wait') return unsupported('unknown-verb', clause);

  if (verb === 'press') {
    const keys = keysOf(objects[0] ?? after.replace(/\bto\b.*$/i, '').replace(/,.*$/, ''));
    if (keys !== undefined) return { kind: 'key', keys, clause };
    if (objects.length > 0) return { kind: 'click', target: objects[0] as string, role: 'button', clause };
    return unsupported('unknown-verb', clause);
  }

  if (verb === 'open') {
    // "Open the document", "Open a new text document": the template is open already.
    if (/^(a |the |your )?(new |existing )?(text )?document\b/i.test(after)) return { kind: 'note', clause };
    if (objects.length > 0 && isMenuPath(objects[0] as string))
      return { kind: 'menu', path: splitMenuPath(objects[0] as string), clause };
    return unsupported('outside-app', clause);
  }

  if (verb === 'type' || verb === 'enter') {
    const into =
      /\b(?:in|into)\s+(?:the\s+)?(.+?)(?:\s+(?:box|field|text box|list box|spin box|area|cell))?\s*(?:,.*)?$/i.exec(
        after,
      );
    let target = into?.[1] === undefined ? undefined : (namedObjects(into[1])[0] ?? into[1]);
    if (
      target !== undefined &&
      /^(your |the )?(document|text|header|footer|frame|table|cell|note)$/i.test(target)
    )
      target = undefined;
    const what = into === null ? after : after.slice(0, into.index);
    // The example is read from the whole clause: "Type the calculation that you want to insert, for
    // example, =10000/12" must not lose it with what looks like a purpose ("to insert, ...").
    const example = typedValue(full);
    let text = namedObjects(what)[0] ?? example;
    if (text === undefined) {
      const literal = stripEnd(what).replace(/^(the|a|an)\s+/i, '');
      if (
        /^\S+$/.test(literal) &&
        !/^(text|name|value|number|word|title|abbreviation|statement|expression|formula|entry|password)$/i.test(
          literal,
        )
      )
        text = literal;
    }
    if (text === undefined) {
      if (/\bpassword\b/i.test(what)) return unsupported('vague-target', clause);
      if (
        VAGUE.test(rest) ||
        /\b(a|the|your|an) (name|value|number|text|word|title|statement|expression|formula)\b/i.test(what)
      ) {
        // The step leaves the value open: type a sample the check can look for.
        text = /\b(number|value)\b/i.test(what) ? '2' : 'Sample text';
      } else return unsupported('vague-target', clause);
    }
    // "In the **Condition** box, type ...": the box named before the verb.
    target ??= within;
    return target === undefined
      ? { kind: 'type', text, clause }
      : { kind: 'type', text, into: target, clause };
  }

  if (
    verb === 'place' ||
    verb === 'put' ||
    verb === 'position' ||
    (verb === 'click' && /^(in|into|at|on|inside|anywhere)\b/i.test(after) && !/\*\*/.test(after))
  ) {
    const t = after.toLowerCase();
    const target: SelectionTarget = /\btable|cell\b/.test(t)
      ? 'table'
      : /\bheading|title\b/.test(t)
        ? 'heading'
        : /\bparagraph\b/.test(t)
          ? 'paragraph'
          : 'cursor';
    if (
      /\b(header|footer|footnote|endnote|frame|field|index entry|envelope|navigator|sidebar|chart|object|graphic|image|page number)\b/.test(
        t,
      )
    )
      return unsupported('vague-target', clause);
    return { kind: 'select', target, clause };
  }

  if (verb === 'go' && /^to\b/i.test(after)) {
    const obj = objects[0];
    if (obj !== undefined && isMenuPath(obj)) return { kind: 'menu', path: splitMenuPath(obj), clause };
    return unsupported('vague-target', clause);
  }

  if (
    verb === 'clear' ||
    verb === 'uncheck' ||
    verb === 'unmark' ||
    (verb === 'remove' && /check ?mark|tick/.test(lower))
  ) {
    const target = objects[0] ?? plainObject(after.replace(/^the\s+/i, ''));
    if (target === undefined) return unsupported('vague-target', clause);
    if (verb === 'clear' && !/check ?box|option|mark/.test(lower) && objects.length === 0)
      return unsupported('vague-target', clause);
    return { kind: 'click', target, role: 'check-box', want: false, clause, ...(within ? { within } : {}) };
  }

  if (verb === 'check' || verb === 'mark') {
    const target = objects[0] ?? plainObject(after.replace(/^the\s+/i, ''));
    if (target === undefined) return unsupported('vague-target', clause);
    return { kind: 'click', target, role: 'check-box', want: true, clause, ...(within ? { within } : {}) };
  }

  if (verb === 'choose' || verb === 'select' || verb === 'click' || verb === 'double-click') {
    const first = objects[0];
    // A menu path, bold or plain ("Choose Edit - Find & Replace").
    if (first !== undefined && isMenuPath(first) && verb !== 'double-click')
      return { kind: 'menu', path: splitMenuPath(first), clause };
    if (
      first === undefined &&
      (verb === 'choose' || verb === 'select') &&
      isMenuPath(after) &&
      !/\bthe\b/i.test(after.split(/\s+[-–]\s*/)[0] ?? '')
    )
      return { kind: 'menu', path: splitMenuPath(after), clause };
    if (first === undefined) {
      // "Select the text", "Select the words that you want to exclude": the task's target text.
      const noun =
        /^(?:(?:the|a|an|all|some|your|one or more|several)\s+)?(?:of the\s+)?(\w+)/i.exec(after)?.[1] ?? '';
      if (verb === 'select' && SELECTION_NOUNS.test(noun) && !/^(document|list|entry)$/i.test(noun)) {
        if (within !== undefined) return unsupported('vague-target', clause);
        const t = after.toLowerCase();
        const target: SelectionTarget = /\btable|cells?\b/.test(t)
          ? 'table'
          : /\bheading|title\b/.test(t)
            ? 'heading'
            : /\bparagraph/.test(t)
              ? 'paragraph'
              : /\bwords?\b/.test(t)
                ? 'word'
                : /\blist|item/.test(t)
                  ? 'list'
                  : 'text';
        return { kind: 'select', target, clause };
      }
      if (VAGUE.test(rest)) return unsupported('vague-target', clause);
      const plain = plainObject(after);
      if (plain !== undefined)
        return {
          kind: 'click',
          target: plain,
          ...(roleOf(after) ? { role: roleOf(after) as ClickRole } : {}),
          ...(verb === 'double-click' ? { double: true } : {}),
          clause,
          ...(within ? { within } : {}),
        };
      return unsupported('vague-target', clause);
    }
    // "select "Date" in the **Type** list": an entry of a named list.
    const inList = /\b(?:in|from)\s+the\s+(.+?)\s*(list|box|list box|area)?\s*$/i.exec(after);
    const head = inList === null ? after : after.slice(0, inList.index);
    if (namedObjects(head).length === 0 && inList !== null) return unsupported('vague-target', clause);
    // "Click **Ctrl+C**": a key chord written as a button.
    const chord = keysOf(first);
    // Only a chord (Ctrl+C) or a function key is a key: "Click **Insert**" is the Insert button.
    if (chord !== undefined && /^[\^%+]|^\{F\d+\}$/.test(chord)) return { kind: 'key', keys: chord, clause };
    const container = inList?.[1] !== undefined ? (namedObjects(inList[1])[0] ?? undefined) : undefined;
    const role =
      roleOf(after.replace(inList?.[0] ?? '', '')) ?? (container !== undefined ? 'list-item' : undefined);
    const wantsOn = verb === 'select' && (role === 'check-box' || role === 'option') ? true : undefined;
    const insideOf = container ?? within;
    const named = namedObjects(head);
    const alternatives = named.length > 1 && /\bor\b/.test(head) ? named : [];
    return {
      kind: 'click',
      target: first,
      ...(alternatives.length > 1 ? { options: alternatives } : {}),
      ...(role ? { role } : {}),
      ...(wantsOn !== undefined ? { want: wantsOn } : {}),
      ...(verb === 'double-click' ? { double: true } : {}),
      clause,
      ...(insideOf ? { within: insideOf } : {}),
    };
  }

  if (verb === 'close') {
    const target = objects[0] ?? plainObject(after);
    if (target !== undefined && !/document|window|libreoffice/i.test(target))
      return { kind: 'click', target: 'Close', role: 'button', clause };
    return unsupported('outside-app', clause);
  }

  if (verb === 'save' || verb === 'print') return unsupported('outside-app', clause);
  return unsupported('unknown-verb', clause);
}

/** What a step says to do: its intents in order (notes included). */
export function stepIntents(step: string): Intent[] {
  const text = step.replace(/^\s*\d+[.)]\s*/, '').trim();
  const out: Intent[] = [];
  for (const [i, sentence] of sentences(text).entries()) {
    const parts = clauses(sentence);
    const intents = parts.map(clauseIntent);
    // Sentences after the first that start with no action verb describe what happens.
    if (i > 0 && intents[0]?.kind === 'note') {
      out.push({ kind: 'note', clause: sentence });
      continue;
    }
    if (/^if\b|^when\b|^to (?!the)\w+ .*?,/i.test(sentence)) {
      // Conditional and optional sentences ("If the list is empty, click New") are not part of the task.
      out.push({ kind: 'note', clause: sentence });
      continue;
    }
    out.push(...intents);
  }
  return out;
}
