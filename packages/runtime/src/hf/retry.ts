/** Retry timing for remote calls: exponential backoff with jitter, honouring Retry-After. */

/** Options of the backoff. */
export interface BackoffOptions {
  /** The first delay in ms (default 500); each retry doubles it. */
  baseMs: number;
  /** The longest delay in ms (default 30000), also the cap on Retry-After. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (1 for the first retry). A Retry-After header (seconds or an
 * HTTP date) wins over the backoff, capped at `maxMs`; otherwise base × 2^(attempt-1) with ±20% jitter.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | null | undefined,
  options: BackoffOptions,
  random = Math.random,
): number {
  const fromHeader = parseRetryAfter(retryAfter);
  if (fromHeader !== undefined) return Math.min(fromHeader, options.maxMs);
  const backoff = options.baseMs * 2 ** (attempt - 1);
  return Math.min(options.maxMs, backoff * (0.8 + 0.4 * random()));
}

/** Retry-After as ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** True for HTTP statuses worth retrying: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
