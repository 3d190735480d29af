import { type ActionRegistry, validate } from '@lam/schema';
import { z } from 'zod';
import type { PromptMessage } from './messages';

/** The pipeline stages of PAPER.md §1 a template serves. */
export const PipelineStage = z.enum([
  'task-plan-collection',
  'data-evolution',
  'instantiation',
  'execution-evaluation',
  'post-processing',
  'training',
  'offline-evaluation',
  'inference',
  'online-evaluation',
]);
export type PipelineStage = z.infer<typeof PipelineStage>;

/** Options every template's `render` accepts: where the function list comes from and how it reads. */
export interface RenderOptions {
  /** The functions offered to the model; default `defaultActionRegistry` of `@lam/schema`. */
  registry?: ActionRegistry | undefined;
  /** Offer only functions available in this application (`word`, `writer`, `calc`, ...). */
  app?: string | undefined;
  /** Offer only these functions (each must be registered). */
  functions?: readonly string[] | undefined;
  /** How much the function list says per function (the template's own default when absent). */
  apiVerbosity?: 'full' | 'summary' | undefined;
  /** The control types the glossary explains (default: the ten UFO explains). */
  glossaryTypes?: readonly string[] | undefined;
}

/** A versioned prompt template: named, validated inputs rendered to chat messages, and a parser for the answer. */
export interface PromptTemplate<
  Input extends z.ZodType,
  Output,
  ParseOptions = undefined,
  Options extends RenderOptions = RenderOptions,
> {
  /** Stable id, e.g. `lam-decision`. */
  readonly id: string;
  /** Semantic version of the template text: bumped whenever the rendered text changes. */
  readonly version: string;
  /** What the template is for, in a line. */
  readonly title: string;
  /** The pipeline stages it serves. */
  readonly stages: readonly PipelineStage[];
  /** The zod schema of the inputs. */
  readonly inputs: Input;
  /** Validates the inputs (throws `LAM_ValidationError` naming each bad field) and renders the messages. */
  render(inputs: z.input<Input>, options?: Options): PromptMessage[];
  /** Parses the model's answer to this prompt (throws `LAM_OutputParseError` or a subclass). */
  parse(text: string, options?: ParseOptions): Output;
}

/**
 * Defines a prompt template. `render` receives the inputs already validated (defaults
 * filled in); the returned template validates them before each render.
 */
export function definePromptTemplate<
  Input extends z.ZodType,
  Output,
  ParseOptions = undefined,
  Options extends RenderOptions = RenderOptions,
>(definition: {
  id: string;
  version: string;
  title: string;
  stages: readonly PipelineStage[];
  inputs: Input;
  render(inputs: z.output<Input>, options: Options): PromptMessage[];
  parse(text: string, options?: ParseOptions): Output;
}): PromptTemplate<Input, Output, ParseOptions, Options> {
  return {
    id: definition.id,
    version: definition.version,
    title: definition.title,
    stages: definition.stages,
    inputs: definition.inputs,
    render(inputs, options) {
      const parsed = validate(definition.inputs, inputs, {
        record: `inputs of prompt template "${definition.id}" v${definition.version}`,
      });
      return definition.render(parsed, options ?? ({} as Options));
    },
    parse: definition.parse,
  };
}

/** A screenshot input: a `ScreenshotRef`-like object, or a URL, data URL or path. */
export const ScreenshotInput = z.union([
  z.string().min(1),
  z.object({ path: z.string().min(1), mimeType: z.string().optional() }),
]);
export type ScreenshotInput = z.infer<typeof ScreenshotInput>;
