const marker = Symbol.for('lam.error');

/**
 * The base class of every error the toolkit throws. `LamError.isInstance` recognises
 * errors from any copy of the package (two versions installed side by side, or ESM
 * next to CJS), where `instanceof` would not.
 */
export class LamError extends Error {
  private readonly [marker] = true;

  constructor(
    /** A stable machine-readable name such as `LAM_ValidationError`. */
    override readonly name: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static isInstance(error: unknown): error is LamError {
    return typeof error === 'object' && error !== null && marker in error && (error as Record<symbol, unknown>)[marker] === true;
  }
}
