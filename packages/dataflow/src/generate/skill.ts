import type { CheckerSpec } from '@lam/eval';
import type { JsonValue } from '@lam/schema';
import type { CalcDocument, GeneratedDocument, WriterDocument } from './content';
import type { Rng } from './random';

/**
 * One step of a solution route. `control` names the control to act on as the application shows it
 * (name and type); it is looked up in the live control list at run time, never by a recorded label.
 */
export interface RouteStep {
  /** What the step does, in words (the decision's `thought`, and the plan's entry). */
  subtask: string;
  function: string;
  args: Record<string, JsonValue>;
  control?: { name: string; type?: string };
}

/** A way to do a skill in the application's action space. */
export interface Route<P> {
  /** Stable id, `toolbar`, `shortcut`, `menu`, `api`, `typed`, ... */
  id: string;
  steps(params: P): RouteStep[];
}

/** A surface form of a skill's request with `{slot}` placeholders; `{target}` is the target, quoted or described. */
export interface Phrasing {
  /** Stable id within the skill (`p1`...): the phrasing template id is `<skill id>/<id>`. */
  id: string;
  template: string;
}

/** What a skill's sampler chose: the slots of its phrasings, what it occupies, and its own data. */
export interface Sampled<P> {
  params: P;
  /** Slot values; `target` is filled from `targets`. */
  slots: Record<string, string>;
  /** Ways to name the target: quoted (`"signed forms"`) and described (`the third paragraph`). */
  targets: { quoted: string; described?: string };
  /** What the skill occupies (`p:3`, `row:7`, `header`, `order`): skills with a common claim do not compose. */
  claims: string[];
}

/** A skill of the catalogue: sampler, phrasings, routes and checker over one generated document. */
export interface Skill<P = Record<string, JsonValue>> {
  id: string;
  app: 'writer' | 'calc';
  /** Whether it may be combined with other skills in one request (default true). */
  composable?: boolean;
  /** Samples the skill's parameters on `doc`, avoiding `claims` already taken; undefined when the document offers no target. */
  sample(doc: GeneratedDocument, rng: Rng, claims: ReadonlySet<string>): Sampled<P> | undefined;
  phrasings: Phrasing[];
  routes: Route<P>[];
  /** The deterministic check of the saved document, in `@lam/eval`'s checker format. */
  checker(params: P): CheckerSpec;
}

/** Any skill, whatever its parameters. */
// biome-ignore lint/suspicious/noExplicitAny: a catalogue holds skills of different parameter types
export type AnySkill = Skill<any>;

/** Fills `{slot}` placeholders; a sentence that starts with a slot gets a capital letter. */
export function renderTemplate(template: string, slots: Record<string, string>): string {
  const text = template.replace(/\{(\w+)\}/g, (m, key: string) => slots[key] ?? m);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const asWriter = (doc: GeneratedDocument): WriterDocument | undefined =>
  doc.app === 'writer' ? doc : undefined;
export const asCalc = (doc: GeneratedDocument): CalcDocument | undefined =>
  doc.app === 'calc' ? doc : undefined;

export const selectText = (text: string): RouteStep => ({
  subtask: `Select "${text.length > 40 ? `${text.slice(0, 37)}...` : text}"`,
  function: 'select_text',
  args: { text },
});
export const click = (name: string, subtask: string, type = 'Button'): RouteStep => ({
  subtask,
  function: 'click_input',
  args: { button: 'left', double: false },
  control: { name, type },
});
export const menu = (path: readonly string[]): RouteStep[] =>
  path.map((name, i) => click(name, i === 0 ? `Open the ${name} menu` : `Choose ${name}`, 'MenuItem'));
export const keys = (k: string, subtask: string): RouteStep => ({
  subtask,
  function: 'keyboard_input',
  args: { keys: k, control_focus: false },
});
export const selectRange = (range: string): RouteStep => ({
  subtask: `Select ${range}`,
  function: 'select_range',
  args: { range },
});

/**
 * Keys typed into Calc's grid: the step names the sheet's grid (`Sheet <name>`, a Table) so that the
 * keyboard focus is put there first, wherever a toolbar, tab or dialog left it. The `*` matches whatever
 * the sheet is called at that moment (a skill before it may have renamed it).
 */
export const gridKeys = (k: string, subtask: string): RouteStep => ({
  subtask,
  function: 'keyboard_input',
  args: { keys: k, control_focus: true },
  control: { name: 'Sheet *', type: 'Table' },
});
