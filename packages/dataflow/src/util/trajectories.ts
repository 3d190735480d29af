import { existsSync } from 'node:fs';
import { collectTrajectories, readJsonl, type Trajectory, TrajectoryLogRecord } from '@lam/schema';

/**
 * The trajectories of a trajectory log by id (none when the file does not exist yet). Lines that are
 * not valid records (a torn last line of a run cut off) are skipped.
 */
export async function readTrajectoryLog(file: string): Promise<Map<string, Trajectory>> {
  const lines: TrajectoryLogRecord[] = [];
  if (existsSync(file))
    for await (const l of readJsonl(file, { schema: TrajectoryLogRecord, skipInvalid: true })) lines.push(l);
  return new Map(collectTrajectories(lines).map((t) => [t.id, t]));
}
