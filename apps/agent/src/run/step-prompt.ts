import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetControls } from '@lam/grounding';
import {
  type ControlItem,
  type DecisionRenderOptions,
  type PromptMessage,
  renderDecisionPrompt,
} from '@lam/prompts';
import { decisionConstraint, type JsonSchema } from '@lam/runtime';
import {
  type ActionRegistry,
  argumentsJsonSchema,
  type Control,
  type DecisionStatus,
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
}

/** A rendered decision prompt and the controls it lists (the labels a decision may name). */
export interface StepPrompt {
  messages: ReturnType<typeof renderDecisionPrompt>;
  controls: ControlItem[];
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
  const messages: PromptMessage[] = renderDecisionPrompt(
    { request: input.request, controls, stepHistory: [...input.history], previousPlan },
    { ...options.render, style },
  );
  return { messages, controls };
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

/**
 * The decoding constraint of one step: a decision naming one of the prompt's controls (or none), one of
 * the application's functions and a status, with `functionArgs` the arguments of the function it names.
 * In the `compact` style (the project's own small model) the decision names a listed control and then
 * one of that control's labels, as its training samples do; in the `paper` style the label is one of
 * the listed labels and the name is free (a short schema for remote engines).
 *
 * Given the `request` and argument schemas, text to select (`select_text`) is one of the phrases the
 * request quotes, when it quotes any: the only text of the document the model can know of is the text
 * the user wrote down, and a small model copies it badly. A request that quotes nothing leaves it free.
 */
export function stepConstraint(options: {
  controls: readonly Pick<ControlItem, 'label' | 'name'>[];
  style?: PromptSettings['style'] | undefined;
  functionNames: readonly string[];
  statuses: readonly DecisionStatus[];
  functionArgs?: Record<string, Record<string, unknown>> | undefined;
  request?: string | undefined;
}): JsonSchema {
  const control =
    options.style === 'compact'
      ? { controls: options.controls.map((c) => ({ label: c.label, name: c.name })), nameFirst: true }
      : { controlLabels: options.controls.map((c) => c.label) };
  let functionArgs = options.functionArgs;
  const quotes = options.request === undefined ? [] : quotedPhrases(options.request);
  const select = functionArgs?.select_text;
  if (functionArgs && select && quotes.length > 0) {
    const properties = (select.properties ?? {}) as Record<string, unknown>;
    functionArgs = {
      ...functionArgs,
      select_text: { ...select, properties: { ...properties, text: { type: 'string', enum: quotes } } },
    };
  }
  return decisionConstraint({
    ...control,
    functionNames: [...options.functionNames],
    statuses: [...options.statuses],
    ...(functionArgs ? { functionArgs } : {}),
  });
}
