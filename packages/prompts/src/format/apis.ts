import {
  type ActionDefinition,
  type ActionRegistry,
  argumentsJsonSchema,
  defaultActionRegistry,
} from '@lam/schema';
import { callKeys, type KeyConvention } from '../conventions';
import { formatJson } from './json';

/** Which functions of a registry a prompt lists, and how much it says about each. */
export interface ApiListOptions {
  /** The registry to list; default `defaultActionRegistry` of `@lam/schema`. */
  registry?: ActionRegistry | undefined;
  /** Keep only functions available in this application (`word`, `writer`, `calc`, ...); functions with no `apps` are kept. */
  app?: string | undefined;
  /** Keep only these functions, in the registry's order. Each must be registered. */
  functions?: readonly string[] | undefined;
  /**
   * `full` (default): signature, description, control requirement, result and examples.
   * `summary`: one line per function, name and description (UFO's dataflow lists only summaries).
   */
  verbosity?: 'full' | 'summary' | undefined;
  /** The key spelling of the example calls; default `lam`. */
  convention?: KeyConvention | undefined;
}

/**
 * The functions a prompt offers: the registry's functions, filtered by application and by
 * name. Throws `LAM_UnknownActionError` for a name in `functions` that is not registered.
 */
export function selectActions(options: ApiListOptions = {}): ActionDefinition[] {
  const registry = options.registry ?? defaultActionRegistry;
  const wanted = options.functions === undefined ? undefined : new Set(options.functions);
  if (wanted !== undefined) for (const name of wanted) registry.require(name);
  const app = options.app?.toLowerCase();
  return registry
    .list()
    .filter((d) => wanted === undefined || wanted.has(d.name))
    .filter((d) => app === undefined || d.apps === undefined || d.apps.some((a) => a.toLowerCase() === app));
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
};

function typeText(schema: JsonSchema): string {
  if (schema.enum !== undefined) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return alternatives.map(typeText).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array')
    return `array of ${schema.items === undefined ? 'any' : typeText(schema.items)}`;
  return schema.type ?? 'any';
}

/** The argument list of a function, e.g. `button: "left" | "right" = "left", pressed?: string`. */
export function formatArgumentSignature(definition: ActionDefinition): string {
  let schema: JsonSchema;
  try {
    schema = argumentsJsonSchema(definition) as JsonSchema;
  } catch {
    return '...';
  }
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .map(([name, prop]) => {
      const optional = !required.has(name) && prop.default === undefined;
      const def = prop.default === undefined ? '' : ` = ${JSON.stringify(prop.default)}`;
      return `${name}${optional ? '?' : ''}: ${typeText(prop)}${def}`;
    })
    .join(', ');
}

const CONTROL_NOTE = {
  required: 'Acts on the selected control: give its label and name.',
  optional: 'Acts on the selected control if you give one, otherwise on the focused window.',
  none: 'Needs no control: leave the control label and name empty.',
} as const;

function displayName(definition: ActionDefinition): string {
  return definition.name === '' ? '"" (no action)' : definition.name;
}

/**
 * The `{apis}` section of a prompt, generated from an action registry so that the prompt
 * and the executor never disagree. In `full` verbosity each function reads:
 *
 * ```
 * - click_input(button: "left" | "right" | "middle" | "x" = "left", double: boolean = false, pressed?: string)
 *   Click the selected control with the mouse.
 *   Acts on the selected control: give its label and name.
 *   Returns: an empty string, or the error text
 *   Example (Left-click the Bold button once.): {"function": "click_input", "args": {"button": "left", "double": false}}
 * ```
 */
export function formatApiList(options: ApiListOptions = {}): string {
  const keys = callKeys(options.convention ?? 'lam');
  return selectActions(options)
    .map((d) => {
      if (options.verbosity === 'summary') return `- ${displayName(d)}: ${d.description}`;
      const lines = [
        d.name === '' ? `- ${displayName(d)}` : `- ${d.name}(${formatArgumentSignature(d)})`,
        `  ${d.description}`,
        `  ${CONTROL_NOTE[d.control]}`,
      ];
      if (d.returns !== undefined) lines.push(`  Returns: ${d.returns}`);
      for (const example of d.examples) {
        const call = formatJson({ [keys.function]: d.name, [keys.args]: example.args });
        lines.push(`  Example (${example.description}): ${call}`);
      }
      return lines.join('\n');
    })
    .join('\n');
}
