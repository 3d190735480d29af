import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DecisionRenderOptions,
  decisionInputsFromTrajectory,
  formatDecisionOutput,
  messageText,
  renderDecisionPrompt,
  renderDecisionSample,
} from '@lam/prompts';
import {
  type ChatMessage,
  collectTrajectories,
  DataflowRecord,
  type Decision,
  executionOutcome,
  LamError,
  openJsonlWriter,
  PreferencePair,
  readJsonl,
  SftSample,
  type Step,
  StepRewardSample,
  type Trajectory,
  TrajectoryLogRecord,
  validate,
} from '@lam/schema';
import { isTestTaskOf, type SplitOptions } from './split';

/** Options of {@link buildTrajectorySets}. */
export interface BuildTrajectorySetsOptions extends SplitOptions {
  /** Evaluated dataflow records (from `runEvaluation`): they say which trajectory passed (`complete: yes`) and which failed. */
  evaluated: readonly string[];
  /** The dataflow's trajectory logs (from `runExecution`). */
  trajectories: readonly string[];
  /**
   * Phase 3: trajectory files of the model's own attempts (trajectory logs of `TrajectoryLogRecord`
   * lines, or JSONL / JSON arrays of `Trajectory` objects). A trajectory counts as a success when it
   * finished and its `metadata.verdict` (if any) is `yes`, as a failure when it failed, was aborted,
   * ran out of steps, or its verdict is `no`.
   */
  extraTrajectories?: readonly string[];
  /** The folder for `phase2/`, `phase3/` and `phase4/`; their files are replaced. */
  outDir: string;
  /** Render options of the decision prompt (the paper's App. C format). */
  render?: DecisionRenderOptions;
}

/** Counts of one split set. */
export interface SplitCounts {
  train: number;
  test: number;
}

/** What {@link buildTrajectorySets} wrote. */
export interface TrajectorySetCounts {
  /** Trajectories used, by outcome and producer. */
  trajectories: {
    success: number;
    failure: number;
    extraSuccess: number;
    extraFailure: number;
    /** Alternative attempts (`runExploration`) that failed: negatives from the step where they left the plan. */
    alternativeFailure: number;
    unused: number;
  };
  /** Phase 2: step-wise SFT samples from the dataflow's successful trajectories. */
  phase2: SplitCounts;
  /** Phase 3: phase 2 merged with the extra (self-boosting) successes. */
  phase3: SplitCounts;
  /** Phase 4: step reward samples (+1 success, −1 failure) and preference pairs. */
  phase4: {
    rewards: SplitCounts;
    positive: number;
    negative: number;
    preferences: SplitCounts;
    /** Failed alternative attempts with no pair: the passing run's control is not once in their control list. */
    unpaired: number;
  };
  files: string[];
}

interface Labelled {
  trajectory: Trajectory;
  success: boolean;
  producer: string;
  /** The task the split goes by (an evolved task follows the task it came from). */
  root: string;
  /** Every task the record is made of (the root, and the second task of a composed pair): test if any is. */
  roots: string[];
  /** For an alternative attempt: the step where it left the plan (earlier steps are the plan's own). */
  divergesAt?: number;
}

function readTrajectoryFile(file: string): Trajectory[] {
  if (!existsSync(file)) {
    throw new LamError(
      'LAM_InputMissingError',
      `The trajectory file ${file} does not exist. Pass the trajectory log written by \`lam run\` or runExecution (JSONL of trajectory-start / step / trajectory-end lines), or a JSON array of Trajectory objects.`,
    );
  }
  const text = readFileSync(file, 'utf8').trim();
  if (text === '') return [];
  if (text.startsWith('[')) {
    const values = JSON.parse(text) as unknown[];
    return collectTrajectoriesFromValues(values, file);
  }
  const values = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch (cause) {
        throw new LamError(
          'LAM_JsonlParseError',
          `Line ${i + 1} of ${file} is not JSON (${String(cause)}). Each line must be one trajectory log record or one Trajectory object.`,
        );
      }
    });
  return collectTrajectoriesFromValues(values, file);
}

function collectTrajectoriesFromValues(values: unknown[], file: string): Trajectory[] {
  const logLines = values.filter((v) => typeof v === 'object' && v !== null && 'kind' in v);
  if (logLines.length === values.length)
    return collectTrajectories(
      logLines.map((v, i) =>
        validate(TrajectoryLogRecord, v, { record: 'trajectory log record', file, line: i + 1 }),
      ),
    );
  return values.map((v, i) => {
    const t = v as Trajectory;
    if (typeof t !== 'object' || t === null || !Array.isArray(t.steps) || typeof t.id !== 'string')
      throw new LamError(
        'LAM_ValidationError',
        `Entry ${i + 1} of ${file} is neither a trajectory log record nor a Trajectory (it needs "id", "request", "steps"). Write trajectories with the agent's trajectory log or as Trajectory objects.`,
      );
    return t;
  });
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function textOf(messages: readonly { role: string; content: unknown }[]): ChatMessage[] {
  return messages.map((m) => ({
    role: m.role as ChatMessage['role'],
    content: messageText(m as Parameters<typeof messageText>[0]),
  }));
}

/** The decision a step should teach: the control it really acted on (the label and name in its control list). */
function target(step: Step): Decision {
  const control = step.control;
  return control === null || control === undefined
    ? step.decision
    : { ...step.decision, controlLabel: control.label, controlName: control.name };
}

/** The steps of a trajectory that can become samples: they recorded the control list they saw. */
function usableSteps(t: Trajectory, success: boolean, from = 1): Step[] {
  const steps = t.steps.filter(
    (s) => s.observation?.controls !== undefined && s.decision.function !== '' && s.index >= from,
  );
  if (success) return steps;
  // A failed trajectory's steps up to the one that failed.
  const failed = steps.findIndex((s) => s.result !== undefined && !s.result.ok);
  return failed === -1 ? steps : steps.slice(0, failed + 1);
}

/**
 * Post-processing (paper §3.2.4) into the training sets of phases 2-4 (PAPER.md §5):
 * - phase 2: every step of the dataflow's successful trajectories as a chat sample in the paper's
 *   App. C format (`renderDecisionSample`: system prompt, user state with controls, request, history
 *   and previous plan, assistant decision JSON);
 * - phase 3: phase 2 plus the steps of the model's own successful trajectories (`extraTrajectories`);
 * - phase 4: step reward samples, +1 for each step of a successful trajectory and −1 for each step
 *   of a failed one up to its failure, and preference pairs where a successful and a failed
 *   trajectory reached the same prompt and acted differently.
 * Each set is split by task with `isTestTask` (evolved tasks follow their source, and a composed
 * task goes to test when either of its two tasks is a test task), so no test task is trained on, and
 * written as chat JSONL (`{id, messages}`), prompt/completion JSONL, reward JSONL and chosen/rejected
 * JSONL.
 */
export async function buildTrajectorySets(options: BuildTrajectorySetsOptions): Promise<TrajectorySetCounts> {
  const split: SplitOptions = {
    ...(options.testFraction === undefined ? {} : { testFraction: options.testFraction }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const verdicts = new Map<
    string,
    { outcome: string; evolvedFrom?: string; composedWith?: string; divergesAt?: number }
  >();
  for (const file of options.evaluated) {
    if (!existsSync(file)) {
      throw new LamError(
        'LAM_InputMissingError',
        `The evaluated records file ${file} does not exist. Run the evaluation first (runEvaluation, or the "evaluate" stage of runDataflowCommand).`,
      );
    }
    for await (const r of readJsonl(file, { schema: DataflowRecord, record: 'DataflowRecord' })) {
      const id = String(r.execution?.extra?.trajectoryId ?? '');
      if (id === '') continue;
      // The task the split goes by: an evolved task follows its source, another template's instance its
      // task, an alternative attempt the task it was made of.
      const root = r.extra?.evolvedFrom ?? r.extra?.variantOf ?? r.extra?.alternativeOf;
      const evolvedFrom = typeof root === 'string' ? root : undefined;
      const composedWith = typeof r.extra?.composedWith === 'string' ? r.extra.composedWith : undefined;
      const divergesAt = typeof r.extra?.divergesAt === 'number' ? r.extra.divergesAt : undefined;
      verdicts.set(id, {
        outcome: executionOutcome(r),
        ...(divergesAt === undefined ? {} : { divergesAt }),
        ...(evolvedFrom === undefined ? {} : { evolvedFrom }),
        ...(composedWith === undefined ? {} : { composedWith }),
      });
    }
  }
  const labelled: Labelled[] = [];
  const counts: TrajectorySetCounts = {
    trajectories: {
      success: 0,
      failure: 0,
      extraSuccess: 0,
      extraFailure: 0,
      alternativeFailure: 0,
      unused: 0,
    },
    phase2: { train: 0, test: 0 },
    phase3: { train: 0, test: 0 },
    phase4: {
      rewards: { train: 0, test: 0 },
      positive: 0,
      negative: 0,
      preferences: { train: 0, test: 0 },
      unpaired: 0,
    },
    files: [],
  };
  for (const file of options.trajectories) {
    for (const t of readTrajectoryFile(file)) {
      const verdict = verdicts.get(t.id);
      if (verdict === undefined || verdict.outcome === 'unsure' || verdict.outcome === 'not-executed') {
        counts.trajectories.unused++;
        continue;
      }
      const success = verdict.outcome === 'pass';
      const root = verdict.evolvedFrom ?? (t.metadata?.evolvedFrom as string | undefined) ?? t.taskId ?? t.id;
      const roots = [root, ...(verdict.composedWith === undefined ? [] : [verdict.composedWith])];
      if (verdict.divergesAt !== undefined) {
        // An alternative attempt that passed anyway teaches nothing the task's own run does not, nor
        // does one that failed before it left the plan.
        if (success || !t.steps.some((s) => s.index === verdict.divergesAt)) {
          counts.trajectories.unused++;
          continue;
        }
        counts.trajectories.alternativeFailure++;
        labelled.push({
          trajectory: t,
          success,
          producer: 'dataflow-alternative',
          root,
          roots,
          divergesAt: verdict.divergesAt,
        });
        continue;
      }
      counts.trajectories[success ? 'success' : 'failure']++;
      labelled.push({ trajectory: t, success, producer: 'dataflow-replay', root, roots });
    }
  }
  for (const file of options.extraTrajectories ?? []) {
    for (const t of readTrajectoryFile(file)) {
      const verdict = t.metadata?.verdict;
      const success = t.status === 'finished' && (verdict === undefined || verdict === 'yes');
      const failure = ['failed', 'aborted', 'max-steps'].includes(t.status) || verdict === 'no';
      if (!success && !failure) {
        counts.trajectories.unused++;
        continue;
      }
      counts.trajectories[success ? 'extraSuccess' : 'extraFailure']++;
      const root = (t.metadata?.evolvedFrom as string | undefined) ?? t.taskId ?? t.id;
      const composed = t.metadata?.composedWith;
      const roots = [root, ...(typeof composed === 'string' ? [composed] : [])];
      labelled.push({ trajectory: t, success, producer: t.model?.id ?? 'model', root, roots });
    }
  }

  const dirs = ['phase2', 'phase3', 'phase4'].map((d) => join(options.outDir, d));
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const open = (dir: string, name: string) => {
    const path = join(dir, name);
    counts.files.push(path);
    return openJsonlWriter(path, { fsync: false });
  };
  const [p2, p3, p4] = dirs as [string, string, string];
  const writers = {
    p2: { train: open(p2, 'train.jsonl'), test: open(p2, 'test.jsonl') },
    p2pc: {
      train: open(p2, 'train.prompt-completion.jsonl'),
      test: open(p2, 'test.prompt-completion.jsonl'),
    },
    p3: { train: open(p3, 'train.jsonl'), test: open(p3, 'test.jsonl') },
    p3pc: {
      train: open(p3, 'train.prompt-completion.jsonl'),
      test: open(p3, 'test.prompt-completion.jsonl'),
    },
    rewards: { train: open(p4, 'reward-train.jsonl'), test: open(p4, 'reward-test.jsonl') },
    prefs: { train: open(p4, 'preference-train.jsonl'), test: open(p4, 'preference-test.jsonl') },
  };
  // Prompts seen with their actions and rewards, for preference pairs.
  const byPrompt = new Map<
    string,
    {
      prompt: ChatMessage[];
      side: 'train' | 'test';
      root: string;
      good: Map<string, string>;
      bad: Map<string, string>;
    }
  >();
  // The passing replay of each task, for the pairs of its alternative attempts.
  const passingRun = new Map<string, Trajectory>();
  for (const item of labelled)
    if (item.success && item.producer === 'dataflow-replay')
      passingRun.set(item.trajectory.taskId ?? item.trajectory.id, item.trajectory);
  /**
   * The pair of an alternative attempt, at the prompt it saw where it left the plan: rejected is
   * what it did there, chosen the action of the task's passing run at that step, named by its
   * label in this prompt's control list. (The passing run's own prompt there is often not the same
   * text: LibreOffice's dialogs open on the page they were last left on.)
   */
  const alternativePair = (
    item: Labelled,
    step: Step,
    prompt: ChatMessage[],
    rejected: string,
    side: 'train' | 'test',
  ) => {
    const of = item.trajectory.metadata?.alternativeOf;
    const run = typeof of === 'string' ? passingRun.get(of) : undefined;
    const own = run?.steps.find((s) => s.index === step.index);
    const control = own?.control;
    if (own === undefined || control === null || control === undefined) {
      counts.phase4.unpaired++;
      return;
    }
    const same = (step.observation?.controls ?? []).filter(
      (c) => c.name === control.name && c.type === control.type,
    );
    if (same.length !== 1) {
      counts.phase4.unpaired++;
      return;
    }
    const chosen = formatDecisionOutput({
      ...own.decision,
      controlLabel: (same[0] as { label: string }).label,
      controlName: control.name,
    });
    if (chosen === rejected) return;
    const id = `${item.trajectory.id}#${step.index}`;
    const pair = validate(
      PreferencePair,
      {
        id: `${hash(JSON.stringify(prompt))}:${(run as Trajectory).id}#${step.index}>${id}`,
        prompt,
        chosen,
        rejected,
        chosenReward: 1,
        rejectedReward: -1,
        source: { taskId: item.root },
      },
      { record: 'preference pair' },
    );
    writers.prefs[side].append(pair);
    counts.phase4.preferences[side]++;
  };
  try {
    for (const item of labelled) {
      const t = item.trajectory;
      const side = isTestTaskOf(item.roots, split) ? 'test' : 'train';
      const isExtra = item.producer !== 'dataflow-replay';
      for (const step of usableSteps(t, item.success, item.divergesAt)) {
        const inputs = decisionInputsFromTrajectory(t, { step: step.index });
        const decision = target(step);
        const source = {
          taskId: t.taskId ?? t.id,
          trajectoryId: t.id,
          step: step.index,
          producer: item.producer,
        };
        const id = `${t.id}#${step.index}`;
        if (item.success) {
          const messages = textOf(renderDecisionSample({ ...inputs, output: decision }, options.render));
          const sample = validate(
            SftSample,
            { id, phase: isExtra ? 3 : 2, messages, source },
            { record: 'SFT sample' },
          );
          const pc = {
            id,
            prompt: messages.slice(0, -1),
            completion: (messages.at(-1) as ChatMessage).content,
          };
          if (!isExtra) {
            writers.p2[side].append({ id: sample.id, messages: sample.messages });
            writers.p2pc[side].append(pc);
            counts.phase2[side]++;
          }
          writers.p3[side].append({ id: sample.id, messages: sample.messages });
          writers.p3pc[side].append(pc);
          counts.phase3[side]++;
        }
        const prompt = textOf(renderDecisionPrompt(inputs, options.render));
        const action = formatDecisionOutput(decision);
        const reward = item.success ? 1 : -1;
        const rewardSample = validate(
          StepRewardSample,
          { id, messages: prompt, action, reward, source },
          { record: 'step reward sample' },
        );
        writers.rewards[side].append(rewardSample);
        counts.phase4.rewards[side]++;
        counts.phase4[item.success ? 'positive' : 'negative']++;
        if (item.divergesAt !== undefined) {
          if (step.index === item.divergesAt) alternativePair(item, step, prompt, action, side);
          continue;
        }
        const key = hash(JSON.stringify(prompt));
        let group = byPrompt.get(key);
        if (group === undefined) {
          group = { prompt, side, root: item.root, good: new Map(), bad: new Map() };
          byPrompt.set(key, group);
        }
        (item.success ? group.good : group.bad).set(action, id);
      }
    }
    for (const [key, group] of byPrompt) {
      for (const [chosen, chosenId] of group.good) {
        for (const [rejected, rejectedId] of group.bad) {
          if (chosen === rejected) continue;
          const pair = validate(
            PreferencePair,
            {
              id: `${key}:${chosenId}>${rejectedId}`,
              prompt: group.prompt,
              chosen,
              rejected,
              chosenReward: 1,
              rejectedReward: -1,
              source: { taskId: group.root },
            },
            { record: 'preference pair' },
          );
          writers.prefs[group.side].append(pair);
          counts.phase4.preferences[group.side]++;
        }
      }
    }
  } finally {
    for (const w of Object.values(writers)) {
      w.train.close();
      w.test.close();
    }
  }
  return counts;
}
