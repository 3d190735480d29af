import { LamError } from '@lam/schema';

function hasName(error: unknown, name: string): boolean {
  return LamError.isInstance(error) && error.name === name;
}

/** An input to a metric or a report is unusable (a normalised point without an image size, no tasks in common). */
export class LAM_EvalInputError extends LamError {
  /** Which input, e.g. `sample s12` or `pairedComparison`. */
  readonly input: string;
  readonly problem: string;

  constructor(options: { input: string; problem: string; fix: string; cause?: unknown }) {
    super('LAM_EvalInputError', `${options.input}: ${options.problem}. ${options.fix}`, {
      cause: options.cause,
    });
    this.input = options.input;
    this.problem = options.problem;
  }

  static override isInstance(error: unknown): error is LAM_EvalInputError {
    return hasName(error, 'LAM_EvalInputError');
  }
}

/** A checker needs a part of the application's state that the state reader it was given cannot read. */
export class LAM_StateReaderError extends LamError {
  readonly checker: string;
  /** The reader method it needs: `textDocument`, `spreadsheet` or `page`. */
  readonly capability: string;

  constructor(options: { checker: string; capability: string; cause?: unknown }) {
    super(
      'LAM_StateReaderError',
      `Checker ${options.checker} needs the state reader's ${options.capability}(), and the reader given has none (or it failed). Give a reader with ${options.capability}() for this application: readTextDocument/readSpreadsheet from @lam/grounding/desktop for documents, createPageReader(page) for web pages.`,
      { cause: options.cause },
    );
    this.checker = options.checker;
    this.capability = options.capability;
  }

  static override isInstance(error: unknown): error is LAM_StateReaderError {
    return hasName(error, 'LAM_StateReaderError');
  }
}

/** A task suite file cannot be read or holds an invalid task. */
export class LAM_TaskSuiteError extends LamError {
  readonly file: string;
  readonly problem: string;

  constructor(options: { file: string; problem: string; fix: string; cause?: unknown }) {
    super('LAM_TaskSuiteError', `Task suite ${options.file}: ${options.problem}. ${options.fix}`, {
      cause: options.cause,
    });
    this.file = options.file;
    this.problem = options.problem;
  }

  static override isInstance(error: unknown): error is LAM_TaskSuiteError {
    return hasName(error, 'LAM_TaskSuiteError');
  }
}

/**
 * An agent runner recorded more steps than its task's `maxSteps`. `recordStep` throws it (after
 * recording the step, which has happened) to stop the runner; the run ends `max-steps` and is not
 * a success, whatever the final state.
 */
export class LAM_StepLimitError extends LamError {
  readonly taskId: string;
  readonly maxSteps: number;

  constructor(options: { taskId: string; maxSteps: number }) {
    super(
      'LAM_StepLimitError',
      `Task ${options.taskId}: step limit ${options.maxSteps} reached; the run is stopped. Stop the agent after task.maxSteps steps (end with status "max-steps"), or raise the task's maxSteps.`,
    );
    this.taskId = options.taskId;
    this.maxSteps = options.maxSteps;
  }

  static override isInstance(error: unknown): error is LAM_StepLimitError {
    return hasName(error, 'LAM_StepLimitError');
  }
}
