/** One task run live in the application (PAPER.md §6.3). */
export interface OnlineTaskRun {
  taskId: string;
  success: boolean;
  /** Seconds from the request to the final action. */
  completionSeconds: number;
  /** Number of action steps taken. */
  steps: number;
}

export interface OnlineMetricsOptions {
  /**
   * Which runs the time and step averages are taken over. The paper does not say (PAPER.md §9.11):
   * `all` (default) averages over every attempted task, `successful` over the completed ones.
   */
  averageOver?: 'all' | 'successful';
}

/** Table 4 of the paper. */
export interface OnlineMetrics {
  taskSuccessRate: number;
  averageCompletionSeconds: number;
  averageSteps: number;
  /** Average seconds per step: total completion time over total steps of the same runs. */
  averageStepLatencySeconds: number;
  tasks: number;
}

/**
 * Online metrics of the paper's Table 4: task success rate, completion time, steps, and step
 * latency. Step latency is total time over total steps of the averaged runs, which is why it
 * equals completion time divided by steps in every column of Table 4.
 */
export function onlineMetrics(
  runs: readonly OnlineTaskRun[],
  options: OnlineMetricsOptions = {},
): OnlineMetrics {
  const averaged = options.averageOver === 'successful' ? runs.filter((r) => r.success) : runs;
  const seconds = averaged.reduce((sum, r) => sum + r.completionSeconds, 0);
  const steps = averaged.reduce((sum, r) => sum + r.steps, 0);
  const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);
  return {
    taskSuccessRate: rate(runs.filter((r) => r.success).length, runs.length),
    averageCompletionSeconds: rate(seconds, averaged.length),
    averageSteps: rate(steps, averaged.length),
    averageStepLatencySeconds: rate(seconds, steps),
    tasks: runs.length,
  };
}
