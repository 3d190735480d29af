import type { ProgressEvent } from './run-suite';

/** Options of {@link createProgressPrinter}. */
export interface ProgressPrinterOptions {
  /** Where lines go (default `process.stderr`). */
  stream?: { write(text: string): unknown };
}

/**
 * An `onProgress` handler that prints one line per finished task and a summary, e.g.
 * `[3/10] PASS writer_bold (4.2 s, 5 steps) | 2 passed, 1 failed, 2 running`.
 */
export function createProgressPrinter(options: ProgressPrinterOptions = {}): (event: ProgressEvent) => void {
  const stream = options.stream ?? process.stderr;
  return (event) => {
    const tally = `${event.passed} passed, ${event.failed} failed, ${event.running} running`;
    if (event.type === 'suite-start') {
      const resumed = event.resumed > 0 ? ` (${event.resumed} done before, skipped)` : '';
      stream.write(`suite ${event.suite}: ${event.total} tasks${resumed}\n`);
    } else if (event.type === 'task-end' && event.result !== undefined) {
      const r = event.result;
      const mark = r.success ? 'PASS' : r.verdict === 'unsure' ? 'UNSURE' : 'FAIL';
      const seconds = (r.completionMs / 1000).toFixed(1);
      stream.write(
        `[${event.done}/${event.total}] ${mark} ${r.taskId} (${seconds} s, ${r.steps} steps) | ${tally}\n`,
      );
    } else if (event.type === 'suite-end') {
      stream.write(`suite ${event.suite} done: ${tally.replace(/, \d+ running/, '')} of ${event.total}\n`);
    }
  };
}
