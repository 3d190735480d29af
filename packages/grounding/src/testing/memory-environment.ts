import {
  BUILTIN_ACTIONS,
  type Control,
  type ControlStates,
  type JsonValue,
  type Observation,
  type Rect,
} from '@lam/schema';
import { type ControlFilter, labelControls, selectControls } from '../controls/select';
import type { Environment, ExecuteOutput, ExecuteRequest, ObserveOptions, Screenshot } from '../environment';
import { META_ACTIONS } from '../environment';
import {
  LAM_ActionTargetError,
  LAM_EnvironmentError,
  LAM_StaleControlError,
  LAM_UnsupportedActionError,
} from '../errors';
import { parseSendKeys } from '../keys';
import { encodePng } from './png';

/** A control of the in-memory application: what an observation shows, without the label. */
export interface MemoryControlInput {
  name: string;
  type: string;
  rect?: Omit<Rect, 'space'> & { space?: Rect['space'] };
  states?: ControlStates;
  value?: string;
  automationId?: string;
  className?: string;
  children?: MemoryControlInput[];
}

/** A live control of the in-memory application; effects may change it. */
export interface MemoryControl extends Omit<MemoryControlInput, 'children' | 'rect'> {
  readonly id: number;
  rect?: Rect;
}

/** What an effect sees and may change. */
export interface EffectContext {
  function: string;
  args: Record<string, unknown>;
  /** The live target control, if the action has one. */
  control: MemoryControl | undefined;
  environment: MemoryEnvironment;
}

/** A scripted reaction of the in-memory application to an action. */
export interface ScriptedEffect {
  /** Runs for this function only (default: any). */
  function?: string;
  /** Runs for this control only, by name, automation id, or a predicate (default: any). */
  control?: string | ((control: MemoryControl) => boolean);
  /**
   * Changes the application (add, remove or update controls, set the location). A returned value
   * becomes the action's output; a thrown error makes the action fail.
   */
  run(context: EffectContext): JsonValue | undefined | Promise<JsonValue | undefined>;
}

/** One executed action, as the in-memory environment recorded it. */
export interface MemoryActionRecord {
  function: string;
  args: Record<string, unknown>;
  /** Name of the target control, if any. */
  control?: string;
}

/** Options of {@link createMemoryEnvironment}. */
export interface MemoryEnvironmentOptions {
  /** The application name in observations (default `memory-app`). */
  application?: string;
  /** The window title (default the application name). */
  title?: string;
  controls: readonly MemoryControlInput[];
  effects?: readonly ScriptedEffect[];
  /** Screen size in logical pixels and scale factor (default 1280×800 at 1). */
  screen?: { width: number; height: number; scaleFactor?: number };
  /** The functions `execute` accepts (default every non-meta built-in). */
  supportedActions?: readonly string[];
  /** The initial location (a URL), for safety rules about domains. */
  location?: string;
  /** The document's text, given in every observation as `canvasText` (as a desktop backend does). */
  canvasText?: string;
}

const DEFAULT_SUPPORTED = BUILTIN_ACTIONS.map((a) => a.name as string).filter(
  (n) => !(META_ACTIONS as readonly string[]).includes(n),
);

/**
 * An application in memory, for unit tests of code that drives an {@link Environment}: it
 * observes its controls like a real backend (filters, labels, `backendRef`), applies the obvious
 * effects of actions (typing appends to an edit's value, clicking toggles a check box, `texts`
 * reads the value), runs your scripted effects, and records every action in `history`.
 */
export class MemoryEnvironment implements Environment {
  readonly kind = 'testing';
  readonly supportedActions: readonly string[];
  readonly application: string;
  /** Every executed action, in order. */
  readonly history: MemoryActionRecord[] = [];
  private readonly canvasText: string | undefined;
  title: string;
  /** Where the application is (a URL); effects may change it. */
  currentLocation: string | undefined;
  closed = false;
  private readonly live: MemoryControl[] = [];
  private readonly effects: readonly ScriptedEffect[];
  private readonly screen: { width: number; height: number; scaleFactor: number };
  private nextId = 1;
  private generation = 0;

  constructor(options: MemoryEnvironmentOptions) {
    this.application = options.application ?? 'memory-app';
    this.title = options.title ?? this.application;
    this.effects = options.effects ?? [];
    this.canvasText = options.canvasText;
    this.supportedActions = options.supportedActions ?? DEFAULT_SUPPORTED;
    this.screen = { scaleFactor: 1, ...(options.screen ?? { width: 1280, height: 800 }) };
    this.currentLocation = options.location;
    for (const c of options.controls) this.add(c);
  }

  /** The live controls, in order (children after their parent). */
  get controls(): readonly MemoryControl[] {
    return this.live;
  }

  /** Adds a control (and its children) at the end, or after `after`. */
  add(input: MemoryControlInput, after?: MemoryControl): MemoryControl {
    const { children, rect, ...rest } = input;
    const control: MemoryControl = { ...rest, id: this.nextId++ };
    if (rect !== undefined) control.rect = { ...rect, space: rect.space ?? 'logical' };
    const at = after === undefined ? this.live.length : this.live.indexOf(after) + 1;
    this.live.splice(at, 0, control);
    let last = control;
    for (const child of children ?? []) last = this.add(child, last);
    return control;
  }

  /** Removes a control; returns whether it was there. */
  remove(control: MemoryControl | string): boolean {
    const target = typeof control === 'string' ? this.find(control) : control;
    const at = target === undefined ? -1 : this.live.indexOf(target);
    if (at >= 0) this.live.splice(at, 1);
    return at >= 0;
  }

  /** The first live control with this name (or automation id). */
  find(name: string): MemoryControl | undefined {
    return this.live.find((c) => c.name === name) ?? this.live.find((c) => c.automationId === name);
  }

  async location(): Promise<string | undefined> {
    return this.currentLocation;
  }

  async observe(options: ObserveOptions = {}): Promise<Observation> {
    this.assertOpen();
    const generation = ++this.generation;
    const all: Control[] = this.live.map((c) => {
      const { id, ...rest } = c;
      const control: Control = {
        ...structuredClone(rest),
        label: '',
        backendRef: { memoryId: id, generation },
      };
      return control;
    });
    const { screenshotPath: _ignored, ...filter } = options;
    const controls = labelControls(selectControls(all, filter as ControlFilter));
    return {
      application: this.application,
      window: { title: this.title },
      controls,
      screen: { ...this.screen },
      capturedAt: new Date().toISOString(),
      ...(this.canvasText === undefined ? {} : { canvasText: this.canvasText }),
      ...(this.currentLocation === undefined ? {} : { metadata: { url: this.currentLocation } }),
    };
  }

  async execute(request: ExecuteRequest): Promise<ExecuteOutput> {
    this.assertOpen();
    const fn = request.function;
    if (!this.supportedActions.includes(fn)) {
      throw new LAM_UnsupportedActionError({
        functionName: fn,
        environment: this.kind,
        supported: this.supportedActions,
      });
    }
    let control: MemoryControl | undefined;
    if (request.control !== undefined) {
      const ref = request.control.backendRef as { memoryId?: number } | undefined;
      control = this.live.find((c) => c.id === ref?.memoryId);
      if (control === undefined) {
        throw new LAM_StaleControlError({
          label: request.control.label,
          reason: 'the control was removed from the application',
        });
      }
      if (control.states?.enabled === false) {
        throw new LAM_ActionTargetError({
          functionName: fn,
          problem: `the ${control.type} ${JSON.stringify(control.name)} is disabled`,
          fix: 'Enable it first, or pick another control.',
        });
      }
    }
    const args = request.args;
    const record: MemoryActionRecord = { function: fn, args: structuredClone(args) };
    if (control !== undefined) record.control = control.name;
    this.history.push(record);

    let output: JsonValue | undefined = this.defaultEffect(fn, args, control);
    for (const effect of this.effects) {
      if (effect.function !== undefined && effect.function !== fn) continue;
      if (effect.control !== undefined) {
        if (control === undefined) continue;
        const hit =
          typeof effect.control === 'function'
            ? effect.control(control)
            : control.name === effect.control || control.automationId === effect.control;
        if (!hit) continue;
      }
      const value = await effect.run({ function: fn, args, control, environment: this });
      if (value !== undefined) output = value;
    }
    return output === undefined ? {} : { output };
  }

  private defaultEffect(
    fn: string,
    args: Record<string, unknown>,
    control: MemoryControl | undefined,
  ): JsonValue | undefined {
    switch (fn) {
      case 'set_edit_text':
        if (control !== undefined) control.value = (control.value ?? '') + String(args.text);
        return String(args.text);
      case 'fill_text':
        if (control !== undefined) control.value = String(args.text);
        return String(args.text);
      case 'keyboard_input': {
        const ops = parseSendKeys(String(args.keys));
        if (control !== undefined && (control.type === 'Edit' || control.type === 'Document')) {
          for (const op of ops) if (op.type === 'text') control.value = (control.value ?? '') + op.text;
        }
        return String(args.keys);
      }
      case 'texts':
        return control?.value ?? control?.name ?? '';
      case 'click_input':
        if (control !== undefined) {
          if (control.type === 'CheckBox')
            control.states = { ...control.states, checked: !(control.states?.checked ?? false) };
          if (control.type === 'RadioButton') control.states = { ...control.states, checked: true };
          if (control.type === 'TabItem' || control.type === 'ListItem' || control.type === 'TreeItem') {
            control.states = { ...control.states, selected: true };
          }
        }
        return '';
      default:
        return undefined;
    }
  }

  async screenshot(): Promise<Screenshot> {
    this.assertOpen();
    const scale = this.screen.scaleFactor;
    const width = Math.round(this.screen.width * scale);
    const height = Math.round(this.screen.height * scale);
    const rgb = new Uint8Array(width * height * 3).fill(245);
    // Each control with a box is drawn as a grey frame, so set-of-mark overlays have something to sit on.
    for (const c of this.live) {
      if (c.rect === undefined || c.states?.visible === false) continue;
      const x0 = Math.max(0, Math.round(c.rect.x * scale));
      const y0 = Math.max(0, Math.round(c.rect.y * scale));
      const x1 = Math.min(width - 1, Math.round((c.rect.x + c.rect.width) * scale));
      const y1 = Math.min(height - 1, Math.round((c.rect.y + c.rect.height) * scale));
      for (let x = x0; x <= x1; x++) {
        for (const y of [y0, y1]) rgb.fill(150, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
      for (let y = y0; y <= y1; y++) {
        for (const x of [x0, x1]) rgb.fill(150, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    return { data: encodePng(width, height, rgb), mimeType: 'image/png', width, height, scaleFactor: scale };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new LAM_EnvironmentError({
        environment: 'testing',
        problem: 'it is closed',
        fix: 'Create a new one with createMemoryEnvironment().',
      });
    }
  }
}

/** Creates an in-memory environment (see {@link MemoryEnvironment}). */
export function createMemoryEnvironment(options: MemoryEnvironmentOptions): MemoryEnvironment {
  return new MemoryEnvironment(options);
}
