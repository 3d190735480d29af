import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Control, JsonValue, Observation } from '@lam/schema';
import { labelControls, pickControlFilter, selectControls } from '../controls/select';
import type { Environment, ExecuteOutput, ExecuteRequest, ObserveOptions, Screenshot } from '../environment';
import {
  LAM_ActionTargetError,
  LAM_InvalidCoordinatesError,
  LAM_NoEffectError,
  LAM_StaleControlError,
  LAM_UnsupportedActionError,
} from '../errors';
import { writeScreenshot } from '../screenshot-file';
import { type AccessibleRef, hasState, STATE } from './atspi';
import { LAM_DesktopTimeoutError } from './errors';
import { fieldShows } from './fields';
import { buttonNumber, heldKey, sendKeysToXdotool, typeCommands } from './input';
import { controlStates, controlType, LISTED_TYPES } from './roles';
import { type DesktopSession, type DesktopSessionOptions, startDesktopSession } from './session';
import { apiError } from './uno';
import {
  type Box,
  flattenWalk,
  nodeName,
  rootPaneShift,
  type WalkedNode,
  type WalkOptions,
  walkWindows,
} from './walk';

/** Control types of list, tree and table entries: a click selects them. */
const ENTRY_TYPES = new Set(['ListItem', 'TreeItem', 'DataItem']);
/** AT-SPI roles whose click shows in their state (pressed, checked). */
const TOGGLE_ROLES = new Set(['toggle button', 'check box', 'radio button']);

/** UI functions every desktop environment runs. */
const UI_ACTIONS = [
  'click_input',
  'set_edit_text',
  'keyboard_input',
  'wheel_mouse_input',
  'texts',
  'click_on_coordinates',
  'drag_on_coordinates',
] as const;
/** Writer's application APIs (the paper's Word COM APIs). */
const WRITER_APIS = ['select_text', 'insert_table', 'select_table', 'set_font', 'save_as'] as const;
/** Calc's application APIs. */
const CALC_APIS = ['select_range', 'set_cell_values', 'get_cell_values', 'save_as'] as const;

/** What a desktop control's `backendRef` holds: where the object lives and how to correct its box. */
interface DesktopRef {
  /** Observation generation. */
  g: number;
  bus: string;
  path: string;
  /** The correction added to the reported extents at observe time. */
  shift: [number, number];
  /** The root pane's part of `shift`. */
  own?: [number, number];
  /** Root pane and its GTK parent, to recompute the correction live (absent for native widgets). */
  anchor?: [string, string, string, string];
  /** Interfaces: A Action, E EditableText, T Text, C Component, B taBle. */
  ifaces: string;
}

/** Options of {@link DesktopEnvironment.observe}. */
export interface DesktopObserveOptions extends ObserveOptions, WalkOptions {
  /** Include the document text (Writer) or used range (Calc) as `canvasText` (default true). */
  canvas?: boolean;
  /** Cut `canvasText` at this many characters (default 20,000). */
  maxCanvasChars?: number;
  /** Include the walked tree as `observation.tree` (default false). */
  tree?: boolean;
}

/** Options of {@link DesktopEnvironment}. */
export interface DesktopEnvironmentOptions {
  /**
   * `action`: a left single click runs the control's AT-SPI action when it has one, and selects a list,
   * tree or table entry in its parent as a click does (default); `mouse`: always a real click.
   */
  clickMode?: 'action' | 'mouse';
  /** Milliseconds between typed characters (default 12). */
  typeDelayMs?: number;
  /** Where `save_as` puts an untitled document when no directory is given (default the current directory). */
  saveDir?: string;
  /** Close the session when the environment is closed (default true). */
  ownsSession?: boolean;
  /** Timeout of one application API call (default 15 s). */
  apiTimeoutMs?: number;
  /**
   * Check each action's effect (a field read back after typing, a toggle's state after a click, the
   * selection after `select_text` / `select_range`) and report one that did not happen as no-effect
   * (`LAM_NoEffectError`), never ok. Default true; false only to measure what the checks cost.
   */
  checkEffects?: boolean;
}

const CELL_REF = /^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/;

/** The 0-based column index of a column name (`A` → 0, `AA` → 26). */
function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** An A1-style cell or range as its block's corners, `A1:B2`, whatever order they were written in. */
function blockOf(range: string): string | undefined {
  const m = CELL_REF.exec(range);
  if (m === null) return undefined;
  const [c0, r0, c1, r1] = [
    columnIndex(m[1]!),
    Number(m[2]),
    columnIndex(m[3] ?? m[1]!),
    Number(m[4] ?? m[2]),
  ];
  return [Math.min(c0, c1), Math.min(r0, r1), Math.max(c0, c1), Math.max(r0, r1)].join(',');
}

function center(box: Box): { x: number; y: number } {
  return { x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height / 2) };
}

/** A control as errors name it: its type and name. */
function describe(control: Control): string {
  return `the ${control.type} ${JSON.stringify(control.name)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * LibreOffice Writer or Calc on an isolated Linux desktop as an {@link Environment}: controls from
 * the AT-SPI tree over D-Bus, real input through the X server (xdotool), AT-SPI actions and
 * EditableText where a control offers them, and the paper's application APIs through UNO.
 * Create one with {@link createDesktopEnvironment}.
 */
export class DesktopEnvironment implements Environment {
  readonly kind = 'desktop';
  readonly supportedActions: readonly string[];
  private generation = 0;
  private readonly options: DesktopEnvironmentOptions;
  private documentPath: string | undefined;

  constructor(
    /** The running desktop session (its processes, buses and UNO bridge). */
    readonly session: DesktopSession,
    options: DesktopEnvironmentOptions = {},
  ) {
    this.options = options;
    this.supportedActions = [...UI_ACTIONS, ...(session.app === 'writer' ? WRITER_APIS : CALC_APIS)];
    this.documentPath = session.document;
  }

  /** The document's path: the one opened, or the last `save_as` target. */
  async location(): Promise<string | undefined> {
    return this.documentPath;
  }

  /** The labelled controls of LibreOffice's windows now, with the document as `canvasText`. */
  async observe(options: DesktopObserveOptions = {}): Promise<Observation> {
    const session = this.session;
    return session.guard('observe', async () => {
      const generation = ++this.generation;
      const frame = await session.frame();
      const app = await session.application();
      const windows = [
        frame,
        ...(await session.atspi.children(app)).filter((w) => w[1] !== frame[1] || w[0] !== frame[0]),
      ];
      const frameBox = await session.atspi.extents(frame);
      const real = session.windowRect;
      const frameShift: [number, number] = [real.x - frameBox[0], real.y - frameBox[1]];
      const canvasWanted = options.canvas ?? true;
      const [walk, canvas] = await Promise.all([
        walkWindows(session.atspi, windows, { ...options, frameShift }),
        canvasWanted ? this.canvas(options.maxCanvasChars ?? 20_000) : Promise.resolve(undefined),
      ]);
      const nodes = flattenWalk(walk.roots);
      const all: Control[] = [];
      const editValues = await Promise.all(
        nodes.map((n) =>
          controlType(n.info.role) === 'Edit' && n.info.interfaces.includes('org.a11y.atspi.Text')
            ? session.atspi.text(n.info.ref).catch(() => undefined)
            : undefined,
        ),
      );
      let nameBox: { node: WalkedNode; text: string } | undefined;
      let sheet: WalkedNode | undefined;
      nodes.forEach((n, i) => {
        const type = controlType(n.info.role);
        if (n.info.role === 'table' && n.large) sheet ??= n;
        const value = editValues[i];
        if (
          session.app === 'calc' &&
          type === 'Edit' &&
          value !== undefined &&
          CELL_REF.test(value.trim()) &&
          nameBox === undefined
        ) {
          nameBox = { node: n, text: value.trim() };
        }
        if (!LISTED_TYPES.has(type)) return;
        const control = this.toControl(n, generation, type);
        if (nameBox?.node === n && control.name === '') control.name = 'Name Box';
        if (value !== undefined) control.value = value;
        all.push(control);
      });
      await this.nameTies(all);
      const metadata: Record<string, JsonValue> = {
        app: session.app,
        display: session.display,
        nodes: walk.count,
        truncated: walk.truncated,
      };
      if (session.app === 'calc') {
        const calc = await this.calcState(sheet, nameBox?.text, generation);
        if (calc.cell !== undefined) all.push(calc.cell);
        metadata.calc = calc.state;
      }
      const filter = pickControlFilter(options);
      const controls = labelControls(selectControls(all, filter));
      const frameNode = walk.roots[0];
      const observation: Observation = {
        application: session.app === 'writer' ? 'soffice-writer' : 'soffice-calc',
        window: {
          title: frameNode?.info.name ?? '',
          id: session.windowId,
          rect: { ...real, space: 'logical' },
        },
        controls,
        screen: { width: session.screen.width, height: session.screen.height, scaleFactor: 1 },
        capturedAt: new Date().toISOString(),
        metadata,
      };
      if (canvas !== undefined) observation.canvasText = canvas;
      if (options.tree) {
        const toTree = (n: WalkedNode): Control => ({
          ...this.toControl(n, generation, controlType(n.info.role)),
          children: n.children.map(toTree),
        });
        if (frameNode !== undefined) observation.tree = toTree(frameNode);
      }
      if (options.screenshotPath !== undefined) {
        observation.screenshot = await writeScreenshot(await this.screenshot(), options.screenshotPath);
      }
      return observation;
    });
  }

  /**
   * Controls of one type that share a name (Writer's Page tab has five spin fields named "Margins")
   * get the text of their own label added ("Margins Left", "Margins Right"), so that each is
   * reachable by name. Only tied controls are asked for their labels.
   */
  private async nameTies(controls: Control[]): Promise<void> {
    const groups = new Map<string, Control[]>();
    for (const c of controls) {
      if (c.name.trim() === '') continue;
      const key = `${c.type}\u0000${c.name}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const tied = [...groups.values()].filter((g) => g.length > 1).flat();
    await Promise.all(
      tied.map(async (c) => {
        const ref = c.backendRef as unknown as DesktopRef;
        const names = await this.session.atspi.labelNames([ref.bus, ref.path]).catch(() => []);
        const label = (names[0] ?? '').replace(/:\s*$/, '').trim();
        if (label !== '' && label.toLowerCase() !== c.name.toLowerCase()) c.name = `${c.name} ${label}`;
      }),
    );
  }

  private toControl(n: WalkedNode, generation: number, type: string): Control {
    const ifaces = n.info.interfaces;
    const flag = (iface: string, letter: string) =>
      ifaces.includes(`org.a11y.atspi.${iface}`) ? letter : '';
    const ref: DesktopRef = {
      g: generation,
      bus: n.info.ref[0],
      path: n.info.ref[1],
      shift: n.shift,
      own: n.own,
      ifaces:
        flag('Action', 'A') +
        flag('EditableText', 'E') +
        flag('Text', 'T') +
        flag('Component', 'C') +
        flag('Table', 'B'),
    };
    if (n.anchor !== undefined) ref.anchor = [n.anchor[0][0], n.anchor[0][1], n.anchor[1][0], n.anchor[1][1]];
    const control: Control = {
      label: '',
      name: nodeName(n),
      type,
      states: controlStates(n.info.states, n.info.role),
      className: n.info.role,
      backendRef: ref as unknown as JsonValue,
    };
    if (n.box !== undefined) control.rect = { ...n.box, space: 'logical' };
    return control;
  }

  /** Writer: the document text; Calc: the used range of the active sheet as tab-separated rows. */
  private async canvas(maxChars: number): Promise<string> {
    const uno = this.session.uno;
    if (this.session.app === 'writer') {
      const text = await uno.request<string>('text');
      return text.length > maxChars
        ? `${text.slice(0, maxChars)}\n[... cut at ${maxChars} characters]`
        : text;
    }
    const used = await uno.request<{
      sheet: string;
      range: string;
      truncated: boolean;
      rows: unknown[][];
      formulas: string[][];
    }>('used_range', { maxRows: 200, maxColumns: 50 });
    const lines = used.rows.map((row) =>
      row.map((v) => (typeof v === 'number' ? String(v) : String(v ?? ''))).join('\t'),
    );
    let text = `Sheet ${used.sheet}, used range ${used.range}${used.truncated ? ' (first 200 rows × 50 columns)' : ''}:\n${lines.join('\n')}`;
    if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n[... cut at ${maxChars} characters]`;
    return text;
  }

  /**
   * Calc's state through the Table interface: the selection (the Name Box), and for a single
   * selected cell its text, formula and box, as a DataItem control. The sheet is never walked.
   */
  private async calcState(
    sheet: WalkedNode | undefined,
    selection: string | undefined,
    generation: number,
  ): Promise<{ state: Record<string, JsonValue>; cell?: Control }> {
    const state: Record<string, JsonValue> = {};
    if (sheet === undefined) return { state };
    const atspi = this.session.atspi;
    state.sheet = sheet.info.name.replace(/^Sheet /, '');
    state.rows = Number(await atspi.property(sheet.info.ref, 'org.a11y.atspi.Table', 'NRows'));
    state.columns = Number(await atspi.property(sheet.info.ref, 'org.a11y.atspi.Table', 'NColumns'));
    if (selection === undefined) return { state };
    state.selection = selection;
    const m = CELL_REF.exec(selection);
    if (m === null || m[3] !== undefined) return { state };
    state.activeCell = selection;
    const ref = await atspi.cellAt(sheet.info.ref, Number(m[2]) - 1, columnIndex(m[1]!));
    const [text, attrs, extents, states] = await Promise.all([
      atspi.text(ref).catch(() => ''),
      atspi.attributes(ref).catch(() => ({}) as Record<string, string>),
      atspi.extents(ref).catch(() => undefined),
      atspi.states(ref).catch(() => [] as number[]),
    ]);
    state.activeCellText = text;
    if (attrs.Formula) state.activeCellFormula = attrs.Formula;
    const cell: Control = {
      label: '',
      name: selection,
      type: 'DataItem',
      value: text,
      states: controlStates(states, 'table cell'),
      className: 'table cell',
      backendRef: {
        g: generation,
        bus: ref[0],
        path: ref[1],
        shift: sheet.shift,
        ifaces: 'TC',
      } as unknown as JsonValue,
    };
    if (extents !== undefined) {
      cell.rect = {
        x: extents[0] + sheet.shift[0],
        y: extents[1] + sheet.shift[1],
        width: extents[2],
        height: extents[3],
        space: 'logical',
      };
    }
    return { state, cell };
  }

  /** The whole display as PNG. */
  async screenshot(): Promise<Screenshot> {
    const data = await this.session.guard('screenshot', () => this.session.screenshotPng());
    return {
      data: new Uint8Array(data),
      mimeType: 'image/png',
      width: data.readUInt32BE(16),
      height: data.readUInt32BE(20),
      scaleFactor: 1,
    };
  }

  /** Runs one action: UI functions through AT-SPI and xdotool, application APIs through UNO. */
  async execute(request: ExecuteRequest): Promise<ExecuteOutput> {
    if (!this.supportedActions.includes(request.function)) {
      throw new LAM_UnsupportedActionError({
        functionName: request.function,
        environment: `desktop (${this.session.app})`,
        supported: this.supportedActions,
      });
    }
    return this.session.guard(request.function, () => this.run(request));
  }

  private async run(request: ExecuteRequest): Promise<ExecuteOutput> {
    const { args } = request;
    switch (request.function) {
      case 'click_input':
        return this.click(request);
      case 'set_edit_text':
        return this.setEditText(request);
      case 'keyboard_input': {
        const control = request.control;
        const keys = String(args.keys);
        if (control !== undefined && args.control_focus !== false) {
          await this.focus(request.function, control);
          if (control.type === 'Spinner') return this.keysIntoField(control, keys, request.signal);
        } else await this.focusWindow();
        await this.xdotoolAll(sendKeysToXdotool(keys, this.typeDelay()), request.signal);
        return { output: keys };
      }
      case 'wheel_mouse_input': {
        const point = await this.point(request.function, request.control);
        const dist = Number(args.wheel_dist);
        const clicks = Math.min(Math.abs(dist), 100);
        await this.pointerTo(point);
        if (clicks > 0)
          await this.session.xdotool([
            'click',
            '--repeat',
            String(clicks),
            '--delay',
            '20',
            dist > 0 ? '4' : '5',
          ]);
        return { output: '' };
      }
      case 'texts':
        return { output: await this.texts(request) };
      case 'click_on_coordinates': {
        const p = this.windowPoint('x', Number(args.x), 'y', Number(args.y));
        await this.mouseClick(p, String(args.button ?? 'left'), args.double === true);
        return { output: '' };
      }
      case 'drag_on_coordinates': {
        const from = this.windowPoint('start_x', Number(args.start_x), 'start_y', Number(args.start_y));
        const to = this.windowPoint('end_x', Number(args.end_x), 'end_y', Number(args.end_y));
        const button = buttonNumber(String(args.button ?? 'left'));
        await this.pointerTo(from);
        await this.session.xdotool(['mousedown', button]);
        try {
          await this.pointerTo(to);
        } finally {
          await this.session.xdotool(['mouseup', button]);
        }
        return { output: '' };
      }
      default:
        return this.api(request.function, args);
    }
  }

  private typeDelay(): { typeDelayMs: number } {
    return { typeDelayMs: this.options.typeDelayMs ?? 12 };
  }

  private async xdotoolAll(commands: readonly string[][], signal?: AbortSignal): Promise<void> {
    for (const command of commands) {
      signal?.throwIfAborted();
      const chars = command[0] === 'type' ? (command.at(-1)?.length ?? 0) : 1;
      await this.session.xdotool(command, 10_000 + chars * ((this.options.typeDelayMs ?? 12) + 20));
    }
  }

  /** The live AT-SPI object of a control from an observation of this environment. */
  private refOf(
    functionName: string,
    control: Control | undefined,
  ): { ref: AccessibleRef; data: DesktopRef } {
    if (control === undefined) {
      throw new LAM_ActionTargetError({
        functionName,
        problem: 'it acts on a control and none was given',
        fix: 'Give the label of the control to act on.',
      });
    }
    const data = control.backendRef as unknown as DesktopRef | undefined;
    if (data === undefined || typeof data !== 'object' || typeof data.path !== 'string') {
      throw new LAM_ActionTargetError({
        functionName,
        problem: `control ${JSON.stringify(control.label)} has no desktop reference (it was not observed by a desktop environment)`,
        fix: 'Observe with this environment and pass a control from that observation.',
      });
    }
    return { ref: [data.bus, data.path], data };
  }

  /** The control's box now: live extents, corrected as at observe time (the correction recomputed live). */
  private async liveBox(functionName: string, control: Control | undefined): Promise<Box> {
    const { ref, data } = this.refOf(functionName, control);
    const atspi = this.session.atspi;
    const extents = await atspi.extents(ref).catch((cause: unknown) => {
      throw new LAM_StaleControlError({
        label: control?.label ?? '',
        reason: `its AT-SPI object is gone (${String(cause)})`,
      });
    });
    let shift = data.shift;
    if (data.anchor !== undefined) {
      // Recompute the root pane's correction now: LibreOffice may have fixed its offsets meanwhile.
      const [rb, rp, pb, pp] = data.anchor;
      const [root, parent] = await Promise.all([atspi.extents([rb, rp]), atspi.extents([pb, pp])]);
      const own = rootPaneShift(
        { x: root[0], y: root[1], width: root[2], height: root[3] },
        { x: parent[0], y: parent[1], width: parent[2], height: parent[3] },
      );
      const was = data.own ?? [0, 0];
      shift = [data.shift[0] - was[0] + own[0], data.shift[1] - was[1] + own[1]];
    }
    const box = { x: extents[0] + shift[0], y: extents[1] + shift[1], width: extents[2], height: extents[3] };
    const screen = this.session.screen;
    const c = center(box);
    if (
      box.width <= 0 ||
      box.height <= 0 ||
      c.x < 0 ||
      c.y < 0 ||
      c.x >= screen.width ||
      c.y >= screen.height
    ) {
      throw new LAM_ActionTargetError({
        functionName,
        problem: `control ${JSON.stringify(control?.label)} (${control?.name}) is not on screen (box ${JSON.stringify(box)})`,
        fix: 'Scroll it into view or open the menu or panel that holds it, observe again, and retry.',
      });
    }
    return box;
  }

  private async point(functionName: string, control: Control | undefined): Promise<{ x: number; y: number }> {
    return center(await this.liveBox(functionName, control));
  }

  private windowPoint(fx: string, x: number, fy: string, y: number): { x: number; y: number } {
    for (const [field, v] of [
      [fx, x],
      [fy, y],
    ] as const) {
      if (!Number.isFinite(v) || v < 0 || v > 1) {
        throw new LAM_InvalidCoordinatesError({
          field,
          value: v,
          problem: 'it must be a fraction from 0 to 1 of the window',
          fix: 'Give x and y as fractions of the window, origin top-left.',
        });
      }
    }
    const w = this.session.windowRect;
    return {
      x: Math.round(w.x + Math.min(x * w.width, w.width - 1)),
      y: Math.round(w.y + Math.min(y * w.height, w.height - 1)),
    };
  }

  /**
   * Moves the pointer and waits until the X server reports it there. (xdotool's own `--sync` can
   * wait until its timeout for a move that has already happened.)
   */
  private async pointerTo(p: { x: number; y: number }): Promise<void> {
    const x = new RegExp(`^X=${p.x}$`, 'm');
    const y = new RegExp(`^Y=${p.y}$`, 'm');
    for (let attempt = 0; attempt < 40; attempt++) {
      if (attempt % 10 === 0) await this.session.xdotool(['mousemove', String(p.x), String(p.y)]);
      const where = await this.session.xdotool(['getmouselocation', '--shell']);
      if (x.test(where) && y.test(where)) return;
      await sleep(10);
    }
    throw new LAM_DesktopTimeoutError({
      operation: `moving the pointer to (${p.x}, ${p.y})`,
      timeoutMs: 400,
    });
  }

  private async mouseClick(
    p: { x: number; y: number },
    button: string,
    double: boolean,
    pressed?: string,
  ): Promise<void> {
    const held = pressed ? heldKey(pressed) : undefined;
    await this.pointerTo(p);
    const args: string[] = [];
    if (held) args.push('keydown', held);
    args.push('click', ...(double ? ['--repeat', '2', '--delay', '80'] : []), buttonNumber(button));
    if (held) args.push('keyup', held);
    await this.session.xdotool(args);
  }

  /**
   * A click, and for a toggle (a toggle button, check box or radio button) the effect check: its state
   * must change (a radio button must end chosen). LibreOffice updates the state asynchronously, so it is
   * polled for up to half a second, and only when it has not changed yet.
   */
  private async click(request: ExecuteRequest): Promise<ExecuteOutput> {
    const control = request.control;
    const role = control?.className ?? '';
    const toggle = this.options.checkEffects !== false && TOGGLE_ROLES.has(role);
    const { ref } = this.refOf('click_input', control);
    const state = async () => {
      const states = await this.session.atspi.states(ref);
      return hasState(states, STATE.CHECKED) || hasState(states, STATE.PRESSED);
    };
    const before = toggle ? await state().catch(() => undefined) : undefined;
    const output = await this.clickOnce(request);
    if (before === undefined || (role === 'radio button' && before)) return output;
    const wanted = role === 'radio button' ? true : !before;
    for (let waited = 0; ; waited += 50) {
      const now = await state().catch(() => wanted);
      if (now === wanted) return output;
      if (waited >= 500) {
        const word = (on: boolean) =>
          role === 'toggle button' ? (on ? 'pressed' : 'not pressed') : on ? 'checked' : 'not checked';
        throw new LAM_NoEffectError({
          functionName: 'click_input',
          target: describe(control!),
          expected: word(wanted),
          read: word(now),
        });
      }
      await sleep(50);
    }
  }

  private async clickOnce(request: ExecuteRequest): Promise<ExecuteOutput> {
    const { args, control } = request;
    const { ref, data } = this.refOf('click_input', control);
    const button = String(args.button ?? 'left');
    const simple = button === 'left' && args.double !== true && args.pressed === undefined;
    // A field's AT-SPI action is "activate" (Enter), which closes a dialog through its default
    // button: a click on a field puts the caret in it, as a person's does.
    if (simple && (control?.type === 'Spinner' || control?.type === 'Edit') && data.ifaces.includes('C')) {
      await this.focus('click_input', control);
      return { output: '' };
    }
    if ((this.options.clickMode ?? 'action') === 'action' && simple && data.ifaces.includes('A')) {
      const done = await this.session.atspi.doAction(ref).catch(() => false);
      if (done) {
        // The action of a list or table entry does not always select it (LibreOffice's Fields
        // dialog keeps its first entry): select it in its parent too, as a click does.
        if (ENTRY_TYPES.has(control?.type ?? ''))
          await this.session.atspi.selectInParent(ref).catch(() => false);
        await sleep(50);
        return { output: '' };
      }
    }
    const p = await this.point('click_input', control);
    await this.mouseClick(p, button, args.double === true, args.pressed as string | undefined);
    return { output: '' };
  }

  private async focusWindow(): Promise<void> {
    await this.session.xdotool(['windowfocus', '--sync', this.session.windowId]).catch(() => undefined);
  }

  /** Gives a control the keyboard focus (AT-SPI GrabFocus), and the X focus to the window. */
  private async focus(functionName: string, control: Control): Promise<void> {
    const { ref, data } = this.refOf(functionName, control);
    await this.focusWindow();
    if (!data.ifaces.includes('C')) return;
    const grab = () =>
      this.session.atspi.call(ref, 'org.a11y.atspi.Component', 'GrabFocus').catch(() => undefined);
    if (control.type !== 'Document' || this.session.app !== 'writer') {
      await grab();
      return;
    }
    // GrabFocus on Writer's document moves the caret to its start: the caret and the selection are
    // kept through UNO and put back, so typing goes where the caret was (as UFO types).
    const uno = this.session.uno;
    const kept = await uno.request<boolean>('keep_selection', {}, 5_000).catch(() => false);
    await grab();
    if (kept) await uno.request('restore_selection', {}, 5_000).catch(() => undefined);
  }

  /**
   * Types text and checks that it took. A spin field holds one value: its text is replaced and committed
   * by moving the focus on (Tab), as a person does (until then it keeps its old value), and read back.
   * Into a text field the text is appended through EditableText (exact, no keyboard) and read back. The
   * document, or anything else, gets real typing at the caret, as UFO's `type_keys`. A value a field
   * did not take throws {@link LAM_NoEffectError}.
   */
  private async setEditText(request: ExecuteRequest): Promise<ExecuteOutput> {
    const text = String(request.args.text);
    const control = request.control!;
    const { ref, data } = this.refOf('set_edit_text', control);
    const atspi = this.session.atspi;
    const editable = data.ifaces.includes('E') && data.ifaces.includes('T');
    if (control.type === 'Spinner' && editable) {
      const before = this.options.checkEffects === false ? '' : await atspi.text(ref);
      await this.focus('set_edit_text', control);
      if (!(await atspi.setTextContents(ref, text).catch(() => false))) {
        await this.xdotoolAll(sendKeysToXdotool('^a', this.typeDelay()));
        await this.xdotoolAll(typeCommands(text, String(this.options.typeDelayMs ?? 12)));
      }
      await this.commitField(control);
      await this.expectShown('set_edit_text', control, ref, before, text, true);
      return { output: text };
    }
    if (control.type === 'Edit' && editable) {
      const end = await atspi.characterCount(ref).catch(() => undefined);
      if (end !== undefined && (await atspi.insertText(ref, end, text).catch(() => false))) {
        const read = this.options.checkEffects === false ? text : await atspi.text(ref);
        if (!read.includes(text))
          throw new LAM_NoEffectError({
            functionName: 'set_edit_text',
            target: describe(control),
            expected: text,
            read,
          });
        return { output: text };
      }
    }
    await this.focus('set_edit_text', control);
    await this.xdotoolAll(typeCommands(text, String(this.options.typeDelayMs ?? 12)), request.signal);
    return { output: text };
  }

  /** Keys into a spin field, committed (Tab) unless they end by leaving it, and checked. */
  private async keysIntoField(control: Control, keys: string, signal?: AbortSignal): Promise<ExecuteOutput> {
    const { ref } = this.refOf('keyboard_input', control);
    const before =
      this.options.checkEffects === false
        ? undefined
        : await this.session.atspi.text(ref).catch(() => undefined);
    await this.xdotoolAll(sendKeysToXdotool(keys, this.typeDelay()), signal);
    if (!/(\{(TAB|ENTER)( \d+)?\}|~)$/i.test(keys)) await this.commitField(control);
    // Only typed text is checked (arrow keys may leave a value at its limit): the field must change.
    const typed = keys.replace(/[\^%+](\{[^}]*\}|.)|\{[^}]*\}/gu, '');
    if (before !== undefined && typed !== '')
      await this.expectShown('keyboard_input', control, ref, before, typed, false);
    return { output: keys };
  }

  /** Commits a spin field's typed value: Tab moves the focus on, and the field takes what it holds. */
  private async commitField(control: Control): Promise<void> {
    if (control.type !== 'Spinner') return;
    await this.session.xdotool(['key', '--clearmodifiers', 'Tab']);
    await sleep(30);
  }

  /**
   * The effect check of typing into a field, read after the commit: with `exact`, a measure the field
   * shows must be the one typed (`3 cm` shows as `1.18″`; a value clamped or refused does not); otherwise,
   * or when the two cannot be compared, the field must no longer read what it read before.
   */
  private async expectShown(
    functionName: string,
    control: Control,
    ref: AccessibleRef,
    before: string,
    expected: string,
    exact: boolean,
  ): Promise<void> {
    if (this.options.checkEffects === false) return;
    const read = await this.session.atspi.text(ref).catch(() => undefined);
    if (read === undefined) return;
    const shows = exact ? fieldShows(read, expected) : undefined;
    if (shows === true || (shows === undefined && read !== before)) return;
    throw new LAM_NoEffectError({ functionName, target: describe(control), expected, read });
  }

  private async texts(request: ExecuteRequest): Promise<string> {
    const control = request.control;
    const { ref, data } = this.refOf('texts', control);
    if (control?.type === 'Document' || data.ifaces.includes('B')) return this.canvas(1_000_000);
    if (data.ifaces.includes('T')) return this.session.atspi.text(ref);
    return control?.value ?? control?.name ?? '';
  }

  private async api(functionName: string, args: Record<string, unknown>): Promise<ExecuteOutput> {
    const uno = this.session.uno;
    const timeout = this.options.apiTimeoutMs ?? 15_000;
    const call = <T>(command: string, a: Record<string, unknown>) =>
      uno.request<T>(command, a, timeout).catch((e: unknown) => {
        throw apiError(functionName, e);
      });
    switch (functionName) {
      case 'select_text': {
        const text = String(args.text);
        // Not found is a failed step (as in the web environment), so no one reads it as done.
        const selected = await call<string | false>('select_text', { text });
        if (selected === false) throw new Error(`Text ${text} is not found.`);
        if (this.options.checkEffects !== false && selected !== text)
          throw new LAM_NoEffectError({
            functionName,
            target: 'the document',
            expected: text,
            read: selected,
          });
        return { output: `Text ${text} is selected.` };
      }
      case 'insert_table': {
        const rows = Number(args.rows);
        const columns = Number(args.columns);
        const table = await call<{ index: number }>('insert_table', { rows, columns });
        return {
          output: `A table of ${rows} rows and ${columns} columns is inserted as table ${table.index}.`,
        };
      }
      case 'select_table': {
        const n = Number(args.number);
        if (!(await call<boolean>('select_table', { number: n })))
          throw new Error(`Table number ${n} is out of range.`);
        return { output: `Table ${n} is selected.` };
      }
      case 'set_font': {
        const a: Record<string, unknown> = {};
        if (args.font_name !== undefined) a.font_name = args.font_name;
        if (args.font_size !== undefined) a.font_size = args.font_size;
        await call('set_font', a);
        const what = [args.font_name, args.font_size === undefined ? undefined : `${args.font_size} pt`]
          .filter(Boolean)
          .join(' ');
        return { output: `The selection is set to ${what}.` };
      }
      case 'save_as':
        return { output: await this.saveAs(args, call) };
      case 'select_range': {
        const range = String(args.range);
        const selected = await call<string>('select_range', {
          range,
          ...(args.sheet ? { sheet: args.sheet } : {}),
        });
        // '$Sales.$A$1:$B$1' against 'A1:B1', as the corners of a block (`B2:A1` is `A1:B2`). Only A1-style
        // cells and ranges are compared (a column `B:B` or a named range reads otherwise).
        const asked = blockOf(range.trim());
        const got = blockOf(selected.replace(/^.*\./, ''));
        if (this.options.checkEffects !== false && asked !== undefined && asked !== got)
          throw new LAM_NoEffectError({ functionName, target: 'the sheet', expected: range, read: selected });
        return { output: `Range ${range} is selected.` };
      }
      case 'set_cell_values': {
        const values = args.values as unknown[][];
        await call('set_cell_values', {
          start: String(args.start),
          values,
          ...(args.sheet ? { sheet: args.sheet } : {}),
        });
        return { output: `Wrote ${values.length} row(s) from ${args.start}.` };
      }
      case 'get_cell_values': {
        const rows = await call<JsonValue>('get_cell_values', {
          range: String(args.range),
          ...(args.sheet ? { sheet: args.sheet } : {}),
        });
        return { output: rows };
      }
      default:
        throw new LAM_UnsupportedActionError({
          functionName,
          environment: 'desktop',
          supported: this.supportedActions,
        });
    }
  }

  private async saveAs(
    args: Record<string, unknown>,
    call: <T>(command: string, a: Record<string, unknown>) => Promise<T>,
  ): Promise<string> {
    const info = await call<{ url: string }>('info', {});
    const current = info.url ? fileURLToPath(info.url) : undefined;
    const fallbackExt = this.session.app === 'writer' ? '.odt' : '.ods';
    const dir = String(
      args.file_dir || (current ? dirname(current) : (this.options.saveDir ?? process.cwd())),
    );
    const currentExt = current ? extname(current) : fallbackExt;
    const name = String(args.file_name || (current ? basename(current, currentExt) : 'Untitled'));
    let ext = String(args.file_ext || currentExt).toLowerCase();
    if (!ext.startsWith('.')) ext = `.${ext}`;
    // A name that already carries the extension ("report.docx") keeps it once.
    const base = name.toLowerCase().endsWith(ext) ? name.slice(0, -ext.length) : name;
    const path = resolve(join(dir, `${base}${ext}`));
    await mkdir(dirname(path), { recursive: true });
    await call('save_as', { path, ext });
    if (!['.pdf', '.html', '.txt', '.csv'].includes(ext)) this.documentPath = path;
    return path;
  }

  /** Closes the session (unless `ownsSession` is false). */
  async close(): Promise<void> {
    if (this.options.ownsSession ?? true) await this.session.close();
  }
}

/** Options of {@link createDesktopEnvironment}: the session's and the environment's. */
export type CreateDesktopEnvironmentOptions = DesktopSessionOptions & DesktopEnvironmentOptions;

/**
 * Starts an isolated desktop with LibreOffice on `document` (see {@link startDesktopSession}) and
 * returns it as an {@link Environment}. `close()` stops every process it started.
 */
export async function createDesktopEnvironment(
  options: CreateDesktopEnvironmentOptions = {},
): Promise<DesktopEnvironment> {
  const session = await startDesktopSession(options);
  return new DesktopEnvironment(session, options);
}
