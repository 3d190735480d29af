import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetControls, estimateTokens } from '@lam/grounding';
import {
  type ControlItem,
  type DecisionRenderOptions,
  documentParagraphs,
  formatDocumentLines,
  type PromptMessage,
  renderDecisionPrompt,
  sheetOf,
  sheetRanges,
} from '@lam/prompts';
import { decisionConstraint, type JsonSchema } from '@lam/runtime';
import {
  type ActionRegistry,
  argumentsJsonSchema,
  type Control,
  type DecisionStatus,
  defaultActionRegistry,
  LamError,
  type Step,
  validate,
} from '@lam/schema';
import { z } from 'zod';

/**
 * How a model wants its decision prompt: the template's style and the token budget of the control
 * list. A model trained by `lam train` carries them in its folder (`prompt.json`), so the prompt it
 * is given at run time is rendered exactly as its training samples were.
 */
export const PromptSettings = z.strictObject({
  /** `paper` (App. C, default) or `compact` (for small models with a short context). */
  style: z.enum(['paper', 'compact']).default('paper'),
  /**
   * The most tokens the control list may take (grounding's tokenizer-free estimate); the least
   * relevant controls to the request and the previous plan are left out. No budget: every control.
   */
  controlTokens: z.int().positive().optional(),
  /**
   * Show the document (the observation's `canvasText`: a text document's paragraphs, numbered, or a
   * sheet's used range under its column letters and row numbers) after the request, cut to about this
   * many tokens (grounding's estimate). No budget: no document section, and nothing taken from it.
   */
  documentTokens: z.int().positive().optional(),
});
export type PromptSettings = z.output<typeof PromptSettings>;

/** The prompt settings a model folder names in `prompt.json`, or the defaults when it has none. */
export function promptSettingsOf(modelDir: string): PromptSettings {
  const file = join(modelDir, 'prompt.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return PromptSettings.parse({});
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new LamError(
      'LAM_ConfigError',
      `${file} is not JSON (${(cause as Error).message}): it names the model's prompt style and control budget, e.g. {"style": "compact", "controlTokens": 600}; restore it from the model's export.`,
      { cause },
    );
  }
  return validate(PromptSettings, raw, { record: `prompt settings ${file}` });
}

/** What one decision prompt is made of. */
export interface StepPromptInput {
  request: string;
  /** The controls of the observation, in order, with their labels. */
  controls: readonly ControlItem[];
  /** The steps taken so far. */
  history: readonly Step[];
  /** The observation's document text (`canvasText`), shown when the prompt settings give it a budget. */
  document?: string | undefined;
}

/** A rendered decision prompt and the controls it lists (the labels a decision may name). */
export interface StepPrompt {
  messages: ReturnType<typeof renderDecisionPrompt>;
  controls: ControlItem[];
  /** The document text the prompt showed (all or part of it), when it showed one. */
  document?: string;
}

/** The document section's lines within a token budget, with a last line saying how many were left out. */
function documentSection(text: string, maxTokens: number): string[] {
  const lines = formatDocumentLines(text);
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    used += estimateTokens(line) + 1;
    if (used > maxTokens) break;
    kept.push(line);
  }
  if (kept.length < lines.length) kept.push(`… ${lines.length - kept.length} more lines`);
  return kept;
}

/**
 * The decision prompt of one step, as the agent gives it to its model and as `lam train` renders a
 * training sample of a recorded step: the one place where the controls are cut to the budget and the
 * template is rendered, so that training and serving cannot drift apart.
 */
export function renderStepPrompt(
  input: StepPromptInput,
  options: { render: DecisionRenderOptions; prompt?: Partial<PromptSettings> },
): StepPrompt {
  const previousPlan = input.history.at(-1)?.decision.plan ?? [];
  const style = options.prompt?.style ?? options.render.style ?? 'paper';
  let controls = input.controls.map((c) => ({ label: c.label, name: c.name, type: c.type }));
  if (options.prompt?.controlTokens !== undefined) {
    controls = budgetControls(controls as Control[], {
      maxTokens: options.prompt.controlTokens,
      request: input.request,
      plan: previousPlan,
      serialize: { format: style === 'compact' ? 'compact' : 'ufo' },
    }).controls.map((c) => ({ label: c.label, name: c.name, type: c.type }));
  }
  const budget = options.prompt?.documentTokens;
  const shown = budget !== undefined && input.document ? input.document : undefined;
  const document = shown === undefined ? [] : documentSection(shown, budget!);
  const messages: PromptMessage[] = renderDecisionPrompt(
    { request: input.request, controls, stepHistory: [...input.history], previousPlan, document },
    { ...options.render, style },
  );
  return { messages, controls, ...(shown === undefined ? {} : { document: shown }) };
}

/** The functions a decision may name in an application: the registry's, less the other apps' APIs. */
export function functionNamesFor(registry: ActionRegistry, app: string | undefined): string[] {
  return registry
    .list()
    .filter((d) => !d.apps || !app || d.apps.includes(app))
    .map((d) => d.name)
    .filter((name) => name !== '');
}

/** Each function's arguments as JSON Schema (as the model writes them), by function name. */
export function argumentSchemas(
  registry: ActionRegistry,
  names: readonly string[],
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    const definition = registry.get(name);
    if (definition === undefined) continue;
    try {
      out[name] = argumentsJsonSchema(definition);
    } catch {
      // Not expressible as JSON Schema: the function takes any object under the constraint.
    }
  }
  return out;
}

/** The phrases a request quotes ("…", “…”), in order, without repeats. */
export function quotedPhrases(request: string): string[] {
  const found = [...request.matchAll(/"([^"]+)"|\u201c([^\u201d]+)\u201d/g)].map((m) =>
    (m[1] ?? m[2])!.trim(),
  );
  return [...new Set(found.filter((q) => q !== ''))];
}

/** The A1 cells and ranges a request names ("B2", "A1:C3"), in order, without repeats. */
export function cellReferences(request: string): string[] {
  const found = [...request.matchAll(/\b([A-Z]{1,3}[1-9][0-9]*(?::[A-Z]{1,3}[1-9][0-9]*)?)\b/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(found)];
}

/** The most paragraphs of a document a decision may take its text from (a long one is cut). */
const MAX_PARAGRAPHS = 200;

/**
 * The values a step's context writes down, by `fromContext` kind: what the request writes (quoted
 * phrases, named cells) when it writes any of that kind, and otherwise what the shown document has
 * (its paragraphs, its sheet's ranges). The request comes first: when a person quotes a phrase, that is
 * almost always what they mean, and a small model offered the paragraphs too picks a paragraph.
 */
export function contextValues(
  request: string | undefined,
  document: string | undefined,
): { text: string[]; cells: string[] } {
  const text = request === undefined ? [] : quotedPhrases(request);
  const cells = request === undefined ? [] : cellReferences(request);
  const sheet = document === undefined ? undefined : sheetOf(document);
  if (document !== undefined && sheet === undefined && text.length === 0)
    text.push(
      ...documentParagraphs(document)
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .slice(0, MAX_PARAGRAPHS),
    );
  if (sheet !== undefined && cells.length === 0) cells.push(...sheetRanges(sheet));
  return { text: [...new Set(text)], cells: [...new Set(cells)] };
}

/** What a constraint needs to know of the step before: the function it ran and whether that worked. */
export interface PreviousStep {
  function: string;
  ok: boolean;
}

/** The previous step of a history, as `stepConstraint` reads it. */
export function previousStepOf(history: readonly Step[]): PreviousStep | undefined {
  const last = history.at(-1);
  return last === undefined ? undefined : { function: last.decision.function, ok: last.result?.ok === true };
}

/**
 * The decoding constraint of one step: a decision naming one of the prompt's controls (or none), one of
 * the application's functions and a status, with `functionArgs` the arguments of the function it names.
 * In the `compact` style (the project's own small model) the decision names a listed control and then
 * one of that control's labels, as its training samples do; in the `paper` style the label is one of
 * the listed labels and the name is free (a short schema for remote engines).
 *
 * Two rules come from the action definitions (decisions 0905, 0906):
 * - an argument a function declares `fromContext` is one of the values the step's context writes down,
 *   when it has any (`contextValues`): for `text`, the phrases the `request` quotes, or else the
 *   paragraphs of the `document` the prompt showed; for `cells`, the cells and ranges the request names,
 *   or else the rows, columns and cells of the sheet shown. Otherwise it is free. A small model picks
 *   among them far better than it copies text;
 * - given the `previous` step, a function that `selects` is ruled out right after a selection that
 *   worked: a second selection would replace the first with nothing done to it.
 */
export function stepConstraint(options: {
  controls: readonly Pick<ControlItem, 'label' | 'name'>[];
  style?: PromptSettings['style'] | undefined;
  functionNames: readonly string[];
  statuses: readonly DecisionStatus[];
  functionArgs?: Record<string, Record<string, unknown>> | undefined;
  request?: string | undefined;
  /** The document text the prompt showed (`StepPrompt.document`). */
  document?: string | undefined;
  previous?: PreviousStep | undefined;
  /** Where the `fromContext` and `selects` declarations are read; the default registry if not given. */
  registry?: ActionRegistry | undefined;
}): JsonSchema {
  const registry = options.registry ?? defaultActionRegistry;
  const control =
    options.style === 'compact'
      ? { controls: options.controls.map((c) => ({ label: c.label, name: c.name })), nameFirst: true }
      : { controlLabels: options.controls.map((c) => c.label) };
  const selected = options.previous?.ok === true && registry.get(options.previous.function)?.selects === true;
  const functionNames = selected
    ? options.functionNames.filter((name) => registry.get(name)?.selects !== true)
    : [...options.functionNames];
  const candidates = contextValues(options.request, options.document);
  let functionArgs = options.functionArgs;
  if (functionArgs !== undefined) {
    functionArgs = { ...functionArgs };
    for (const [name, schema] of Object.entries(functionArgs)) {
      const bound = Object.entries(registry.get(name)?.fromContext ?? {}).filter(
        ([, kind]) => candidates[kind].length > 0,
      );
      if (bound.length === 0) continue;
      const properties = { ...((schema.properties ?? {}) as Record<string, unknown>) };
      for (const [arg, kind] of bound) properties[arg] = { type: 'string', enum: candidates[kind] };
      functionArgs[name] = { ...schema, properties };
    }
  }
  return decisionConstraint({
    ...control,
    functionNames,
    statuses: [...options.statuses],
    ...(functionArgs ? { functionArgs } : {}),
  });
}
