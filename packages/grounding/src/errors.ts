import { LamError } from '@lam/schema';

function hasName(error: unknown, name: string): boolean {
  return LamError.isInstance(error) && error.name === name;
}

/** A candidate control offered in a resolution error, best first. */
export interface ControlCandidate {
  label: string;
  name: string;
  type: string;
  /** Similarity 0..100 of the control's name to the name the model gave. */
  score: number;
  /** Why it was (or was not) chosen, in words. */
  why: string;
}

function listCandidates(candidates: readonly ControlCandidate[]): string {
  if (candidates.length === 0) return '  (no controls in the observation)';
  return candidates
    .map((c) => `  - label ${c.label}: ${c.type} ${JSON.stringify(c.name)} (score ${c.score}; ${c.why})`)
    .join('\n');
}

/**
 * No live control matches the decision: the label is unknown (or names another control) and no
 * control's name is similar enough to the name the model gave. `candidates` ranks the closest ones.
 */
export class LAM_ControlNotFoundError extends LamError {
  readonly label: string;
  readonly controlName: string;
  readonly threshold: number;
  readonly candidates: ControlCandidate[];

  constructor(options: {
    label: string;
    controlName: string;
    threshold: number;
    candidates: ControlCandidate[];
    reason: string;
  }) {
    super(
      'LAM_ControlNotFoundError',
      `No control matches label ${JSON.stringify(options.label)} / name ${JSON.stringify(options.controlName)}: ${options.reason}. Closest controls (score 0-100, threshold ${options.threshold}):\n${listCandidates(options.candidates)}\nGive the model the current control list again (observe anew: the page may have changed), or lower the threshold if the right control scored just below it.`,
    );
    this.label = options.label;
    this.controlName = options.controlName;
    this.threshold = options.threshold;
    this.candidates = options.candidates;
  }

  static override isInstance(error: unknown): error is LAM_ControlNotFoundError {
    return hasName(error, 'LAM_ControlNotFoundError');
  }
}

/** Several live controls match the decision's name equally well, and the label does not settle it. */
export class LAM_AmbiguousControlError extends LamError {
  readonly label: string;
  readonly controlName: string;
  readonly candidates: ControlCandidate[];

  constructor(options: { label: string; controlName: string; candidates: ControlCandidate[] }) {
    super(
      'LAM_AmbiguousControlError',
      `The name ${JSON.stringify(options.controlName)} matches ${options.candidates.length} controls equally well and label ${JSON.stringify(options.label)} does not pick one of them:\n${listCandidates(options.candidates)}\nAsk the model for the label of the control it means (labels are unique within a step).`,
    );
    this.label = options.label;
    this.controlName = options.controlName;
    this.candidates = options.candidates;
  }

  static override isInstance(error: unknown): error is LAM_AmbiguousControlError {
    return hasName(error, 'LAM_AmbiguousControlError');
  }
}

/** The safety policy refused an action (verdict `deny`, or `confirm` and the user said no or could not be asked). */
export class LAM_UnsafeActionError extends LamError {
  readonly functionName: string;
  readonly verdict: 'confirm' | 'deny';
  readonly rule: string | undefined;
  readonly reason: string;

  constructor(options: { functionName: string; verdict: 'confirm' | 'deny'; rule?: string; reason: string }) {
    const what =
      options.verdict === 'deny'
        ? 'is denied by the safety policy'
        : 'needs the user to confirm it, and was not confirmed';
    const fix =
      options.verdict === 'deny'
        ? 'The policy forbids it: change the plan, or change the rule in your policy if it is wrong.'
        : 'Pass a confirm callback to the safety policy (or the executor) that asks the user, or allow this rule explicitly.';
    super(
      'LAM_UnsafeActionError',
      `Action ${JSON.stringify(options.functionName)} ${what}${options.rule ? ` (rule ${options.rule})` : ''}: ${options.reason}. ${fix}`,
    );
    this.functionName = options.functionName;
    this.verdict = options.verdict;
    this.rule = options.rule;
    this.reason = options.reason;
  }

  static override isInstance(error: unknown): error is LAM_UnsafeActionError {
    return hasName(error, 'LAM_UnsafeActionError');
  }
}

/** The environment does not implement an action function (e.g. a Calc API in the web backend). */
export class LAM_UnsupportedActionError extends LamError {
  readonly functionName: string;
  readonly environment: string;
  readonly supported: string[];

  constructor(options: {
    functionName: string;
    environment: string;
    supported: readonly string[];
    hint?: string;
  }) {
    super(
      'LAM_UnsupportedActionError',
      `The ${options.environment} environment does not implement ${JSON.stringify(options.functionName)}${options.hint ? ` (${options.hint})` : ''}. It implements: ${options.supported.join(', ')}. Remove the function from the prompt's API list for this environment, or use an environment that has it.`,
    );
    this.functionName = options.functionName;
    this.environment = options.environment;
    this.supported = [...options.supported];
  }

  static override isInstance(error: unknown): error is LAM_UnsupportedActionError {
    return hasName(error, 'LAM_UnsupportedActionError');
  }
}

/** An action was given a control when it needs one and none was given, or the control cannot be acted on. */
export class LAM_ActionTargetError extends LamError {
  readonly functionName: string;

  constructor(options: { functionName: string; problem: string; fix: string; cause?: unknown }) {
    super(
      'LAM_ActionTargetError',
      `Cannot run ${JSON.stringify(options.functionName)}: ${options.problem}. ${options.fix}`,
      {
        cause: options.cause,
      },
    );
    this.functionName = options.functionName;
  }

  static override isInstance(error: unknown): error is LAM_ActionTargetError {
    return hasName(error, 'LAM_ActionTargetError');
  }
}

/** A coordinate or a geometry is out of range or not a finite number. */
export class LAM_InvalidCoordinatesError extends LamError {
  readonly field: string;
  readonly value: unknown;

  constructor(options: { field: string; value: unknown; problem: string; fix: string }) {
    super(
      'LAM_InvalidCoordinatesError',
      `Invalid ${options.field} ${JSON.stringify(options.value)}: ${options.problem}. ${options.fix}`,
    );
    this.field = options.field;
    this.value = options.value;
  }

  static override isInstance(error: unknown): error is LAM_InvalidCoordinatesError {
    return hasName(error, 'LAM_InvalidCoordinatesError');
  }
}

/** A send_keys string (pywinauto syntax) cannot be parsed. */
export class LAM_KeySyntaxError extends LamError {
  readonly keys: string;
  readonly position: number;

  constructor(options: { keys: string; position: number; problem: string }) {
    super(
      'LAM_KeySyntaxError',
      `Cannot parse keys ${JSON.stringify(options.keys)} at character ${options.position}: ${options.problem}. Use send_keys syntax: plain text, {ENTER}, {TAB 2}, {VK_CONTROL}a, ^a (Ctrl), +x (Shift), %x (Alt), and {{} / {}} / {+} / {^} / {%} for literal characters.`,
    );
    this.keys = options.keys;
    this.position = options.position;
  }

  static override isInstance(error: unknown): error is LAM_KeySyntaxError {
    return hasName(error, 'LAM_KeySyntaxError');
  }
}

/** A backend could not start or reach its application (browser missing, CDP endpoint down). */
export class LAM_EnvironmentError extends LamError {
  readonly environment: string;

  constructor(options: { environment: string; problem: string; fix: string; cause?: unknown }) {
    super('LAM_EnvironmentError', `${options.environment} environment: ${options.problem}. ${options.fix}`, {
      cause: options.cause,
    });
    this.environment = options.environment;
  }

  static override isInstance(error: unknown): error is LAM_EnvironmentError {
    return hasName(error, 'LAM_EnvironmentError');
  }
}

/** A control from an older observation was given to an environment that can no longer reach it. */
export class LAM_StaleControlError extends LamError {
  readonly label: string;

  constructor(options: { label: string; reason: string }) {
    super(
      'LAM_StaleControlError',
      `Control ${JSON.stringify(options.label)} is from an earlier observation and can no longer be reached (${options.reason}). Call observe() again and resolve the decision against the new observation.`,
    );
    this.label = options.label;
  }

  static override isInstance(error: unknown): error is LAM_StaleControlError {
    return hasName(error, 'LAM_StaleControlError');
  }
}

/**
 * An action ran but its effect did not happen: the field it typed into, read back after the value was
 * committed, still holds what it held before. Never reported as ok (issue #25's effect checks).
 */
export class LAM_NoEffectError extends LamError {
  readonly functionName: string;
  readonly expected: string;
  readonly read: string;

  constructor(options: { functionName: string; target: string; expected: string; read: string }) {
    super(
      'LAM_NoEffectError',
      `${options.functionName} on ${options.target} had no effect: expected ${JSON.stringify(options.expected)}, read back ${JSON.stringify(options.read)}. The application did not take the value (a value it refuses, or a field that is not the one meant): check the value's format and the target.`,
    );
    this.functionName = options.functionName;
    this.expected = options.expected;
    this.read = options.read;
  }

  static override isInstance(error: unknown): error is LAM_NoEffectError {
    return hasName(error, 'LAM_NoEffectError');
  }
}
