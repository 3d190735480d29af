import { formatPath, LamError } from '@lam/schema';

/** One problem found in a model's output, with the path of the field it concerns. */
export interface OutputIssue {
  /** Path from the output's root, in the key spelling the model used, e.g. `['args', 'button']`. */
  path: (string | number)[];
  /** What is wrong, in words the model can act on. */
  message: string;
}

/**
 * Why a model's output could not be parsed:
 * - `no-json`: the text holds no JSON object at all;
 * - `invalid-json`: a JSON object was found but could not be read, even after repair;
 * - `invalid-fields`: the JSON was read but fields are missing, mistyped or not allowed.
 */
export type OutputParseProblem = 'no-json' | 'invalid-json' | 'invalid-fields';

const OUTPUT_ERRORS = new Set(['LAM_OutputParseError', 'LAM_DecisionParseError']);

function excerptOf(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function describe(issues: readonly OutputIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `  - ${formatPath(i.path)}: ${i.message}`);
  if (issues.length > 5) shown.push(`  - ... and ${issues.length - 5} more`);
  return shown.join('\n');
}

function defaultRepair(problem: OutputParseProblem, issues: readonly OutputIssue[], format: string): string {
  const head =
    problem === 'no-json'
      ? 'Your reply contained no JSON object.'
      : problem === 'invalid-json'
        ? 'Your reply was not valid JSON.'
        : `Your reply had ${issues.length === 1 ? 'a problem' : 'problems'}: ${issues
            .slice(0, 5)
            .map((i) => `${i.path.length === 0 ? '' : `"${formatPath(i.path)}" `}${i.message}`)
            .join('; ')}.`;
  return `${head} Reply again with only ${format}, and no other text.`;
}

/**
 * A model's output could not be parsed into the record a template expects. `issues` names
 * each problem with its JSON path; `repairMessage` is a short message to send back to the
 * model so that it can correct its answer.
 */
export class LAM_OutputParseError extends LamError {
  /** The record that was expected, e.g. `filter verdict`. */
  readonly record: string;
  readonly problem: OutputParseProblem;
  readonly issues: OutputIssue[];
  /** The start of the model's text, at most 200 characters. */
  readonly excerpt: string;
  /** A short message for the model that says what to fix. */
  readonly repairMessage: string;

  constructor(
    options: {
      record: string;
      problem: OutputParseProblem;
      issues: OutputIssue[];
      text: string;
      /** How the expected answer is described to the model, e.g. `one JSON object with the keys a, b`. */
      format: string;
      cause?: unknown;
    },
    name = 'LAM_OutputParseError',
  ) {
    const count = `${options.issues.length} problem${options.issues.length === 1 ? '' : 's'}`;
    super(
      name,
      `Cannot parse the model's ${options.record} (${options.problem}, ${count}):\n${describe(options.issues)}\nThe model did not follow the output format: send error.repairMessage back to the model and ask again, or count this output as failed.`,
      { cause: options.cause },
    );
    this.record = options.record;
    this.problem = options.problem;
    this.issues = options.issues;
    this.excerpt = excerptOf(options.text);
    this.repairMessage = defaultRepair(options.problem, options.issues, options.format);
  }

  /** True for this error and for {@link LAM_DecisionParseError}, from any copy of the package. */
  static override isInstance(error: unknown): error is LAM_OutputParseError {
    return LamError.isInstance(error) && OUTPUT_ERRORS.has(error.name);
  }
}

/**
 * A model's output could not be parsed into a valid decision: no JSON, unreadable JSON, a
 * missing or mistyped field, an unknown function, arguments that do not match the function's
 * schema, or a control label that is not in the list.
 */
export class LAM_DecisionParseError extends LAM_OutputParseError {
  constructor(options: {
    problem: OutputParseProblem;
    issues: OutputIssue[];
    text: string;
    format: string;
    cause?: unknown;
  }) {
    super({ ...options, record: 'decision' }, 'LAM_DecisionParseError');
  }

  static override isInstance(error: unknown): error is LAM_DecisionParseError {
    return LamError.isInstance(error) && error.name === 'LAM_DecisionParseError';
  }
}
