import { LamError, readJsonl, TrajectoryLogRecord } from '@lam/schema';

export interface ValidateResult {
  file: string;
  records: number;
  /** Lines that failed, with the error message naming the line and field. */
  problems: string[];
}

/**
 * Reads a trajectory JSONL file (as `lam run` writes it) record by record and reports every line
 * that is not a valid record, and a torn last line left by a crash.
 */
export async function validateTrajectoryFile(file: string): Promise<ValidateResult> {
  const problems: string[] = [];
  const reader = readJsonl(file, {
    schema: TrajectoryLogRecord,
    record: 'trajectory record',
    skipInvalid: true,
    onSkip: (skipped) => problems.push(skipped.error.message),
  });
  try {
    for await (const _ of reader) {
      // validation happens as records are read
    }
  } catch (error) {
    if (LamError.isInstance(error))
      return { file, records: reader.report.records, problems: [error.message] };
    throw error;
  }
  return { file, records: reader.report.records, problems };
}
