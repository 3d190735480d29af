import type { GenerateResult, GenerationStream } from './types';

/**
 * Turns a producer that calls `emit(delta)` and resolves to a result into a
 * {@link GenerationStream}. The producer starts on the first iteration (or when `result` is awaited).
 */
export function toGenerationStream(
  produce: (emit: (delta: string) => void) => Promise<GenerateResult>,
): GenerationStream {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let started: Promise<GenerateResult> | undefined;

  const start = () => {
    started ??= produce((delta) => {
      if (delta.length === 0) return;
      queue.push(delta);
      wake?.();
    }).then(
      (result) => {
        finished = true;
        wake?.();
        return result;
      },
      (error: unknown) => {
        finished = true;
        failure = { error };
        wake?.();
        throw error;
      },
    );
    // The caller may iterate only, or await `result` only: never leave the rejection unhandled here.
    started.catch(() => {});
    return started;
  };

  return {
    get result() {
      return start();
    },
    async *[Symbol.asyncIterator]() {
      start();
      while (true) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (failure) throw failure.error;
        if (finished) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}
