// The pipeline on real LibreOffice help pages (src/__fixtures__/help-live, copied from Debian's
// libreoffice-help-en-us) and real LibreOffice Writer through @lam/grounding/desktop. The tests of
// this file run in order and share their output folder.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScriptedModel } from '@lam/runtime/scripted';
import {
  appendJsonl,
  collectTrajectories,
  DataflowRecord,
  PreferencePair,
  readJsonlAll,
  SftSample,
  StepRewardSample,
  type TaskPlanPair,
  TrajectoryLogRecord,
} from '@lam/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataflowCommandResult, runDataflowCommand } from './cli';
import { replayPlan } from './execute/replay';
import { runExecution } from './execute/run';
import { runInstantiation } from './instantiate/run';
import { defaultTemplatesDir } from './instantiate/templates';
import { WriterWorkbench } from './live/workbench';
import { isTestTask } from './postprocess/split';
import { dataflowPaths } from './report';

const HELP = join(import.meta.dirname, '__fixtures__', 'help-live');
const dir = mkdtempSync(join(tmpdir(), 'lam-dataflow-live-'));
const outDir = join(dir, 'run');
const paths = dataflowPaths(outDir);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function records(file: string): Promise<DataflowRecord[]> {
  return (await readJsonlAll(file, { schema: DataflowRecord })).records;
}

const byTask = (rs: DataflowRecord[], task: string) => rs.find((r) => r.original.task === task);

describe.sequential('the dataflow on real help pages and real LibreOffice Writer', () => {
  let first: DataflowCommandResult;

  it('runs every stage in one command', async () => {
    first = await runDataflowCommand({ outDir, helpDir: HELP, evolvePerPair: 0, progress: false });
    expect(first.stages).toEqual([
      'extract',
      'evolve',
      'phase1',
      'instantiate',
      'execute',
      'evaluate',
      'explore',
      'postprocess',
      'export',
    ]);
    expect(first.extraction?.total).toBe(9);

    // Instantiation: the right-click and selection-in-a-list tasks are filtered with their reason.
    const inst = await records(paths.instantiation);
    expect(inst).toHaveLength(9);
    const reasons = inst
      .filter((r) => r.instantiation.evaluation?.result?.judge === false)
      .map((r) => r.instantiation.extra?.filterReason);
    expect(reasons).toContain('gesture');
    const bullets = byTask(inst, 'Add bullets');
    expect(bullets?.instantiation.chooseTemplate?.extra?.file).toBe('list.fodt');
    expect(bullets?.instantiation.prefill?.result?.request).toBe(
      'Add bullets, on the list line "Laptop and charger".',
    );
    expect(bullets?.instantiation.prefill?.result?.plan?.map((s) => [s.function, s.controlText])).toEqual([
      ['select_text', ''],
      ['click_input', 'Unordered List'],
      ['save_as', ''],
    ]);
    const instantiated = inst.filter((r) => r.instantiation.evaluation?.result?.judge === true);
    expect(instantiated.length).toBeGreaterThanOrEqual(4);

    // Execution: every instantiated task replayed, every step recorded with what it saw.
    const exec = await records(paths.execution);
    expect(exec.map((r) => r.uniqueId).sort()).toEqual(instantiated.map((r) => r.uniqueId).sort());
    const log = (await readJsonlAll(paths.trajectories, { schema: TrajectoryLogRecord })).records;
    const trajectories = collectTrajectories(log);
    expect(trajectories).toHaveLength(exec.length);
    for (const t of trajectories) {
      expect(t.status === 'finished' || t.status === 'failed').toBe(true);
      for (const s of t.steps) {
        expect(s.observation?.controls?.length).toBeGreaterThan(10);
        const shot = s.screenshots?.before;
        expect(shot?.path).toBeDefined();
        const bytes = readFileSync(shot?.path as string);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(shot?.sha256);
      }
    }
    const bulletsRun = byTask(exec, 'Add bullets');
    expect(bulletsRun?.execution?.error).toBeNull();
    expect(bulletsRun?.instantiation.prefill?.result?.plan?.every((s) => s.success === true)).toBe(true);
    expect(bulletsRun?.instantiation.prefill?.result?.plan?.[1]?.matchedControlText).toBe('Unordered List');

    // Evaluation: deterministic checks on the saved documents.
    const evald = await records(paths.evaluation);
    expect(evald).toHaveLength(exec.length);
    const verdict = (task: string) => byTask(evald, task)?.execution?.result;
    expect(verdict('Add bullets')).toMatchObject({
      complete: 'yes',
      subScores: { 'count(a list item)': 'yes' },
    });
    expect(verdict('Insert a manual page break')).toMatchObject({
      complete: 'yes',
      subScores: { 'count(page break)': 'yes' },
    });
    expect(verdict('Split cells')).toMatchObject({
      complete: 'yes',
      subScores: { 'count(more table cells)': 'yes' },
    });
    expect(['yes', 'no']).toContain(verdict('Change the page orientation for all pages')?.complete);
    expect(first.report.evaluation.passed).toBeGreaterThanOrEqual(3);

    // Post-processing: phase 2 holds every step of the passing trajectories, in App. C format.
    const passing = trajectories.filter((t) =>
      evald.some((r) => r.execution?.extra?.trajectoryId === t.id && r.execution.result?.complete === 'yes'),
    );
    const phase2 = [
      ...(await readJsonlAll(join(outDir, 'phase2', 'train.jsonl'), { schema: SftSample })).records,
      ...(await readJsonlAll(join(outDir, 'phase2', 'test.jsonl'), { schema: SftSample })).records,
    ];
    expect(phase2).toHaveLength(passing.reduce((n, t) => n + t.steps.length, 0));
    const sample = phase2.find((s) => s.id.startsWith(`${bulletsRun?.uniqueId}#1#2`));
    expect(sample?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(sample?.messages[1]?.content).toContain(
      '<User Request:> Add bullets, on the list line "Laptop and charger".',
    );
    expect(JSON.parse(sample?.messages[2]?.content as string)).toMatchObject({
      control_name: 'Unordered List',
      function: 'click_input',
      status: 'CONTINUE',
    });
    const rewards = (
      await readJsonlAll(join(outDir, 'phase4', 'reward-train.jsonl'), { schema: StepRewardSample })
    ).records;
    expect(rewards.every((r) => r.reward === 1 || r.reward === -1)).toBe(true);
    expect(existsSync(join(outDir, 'phase1', 'train.jsonl'))).toBe(true);

    // Exports and the report.
    expect(existsSync(join(paths.ufo, 'tasks', `${bulletsRun?.uniqueId}.json`))).toBe(true);
    expect(
      existsSync(join(paths.ufo, 'results', 'execution', 'execution_pass', `${bulletsRun?.uniqueId}.json`)),
    ).toBe(true);
    expect(readFileSync(paths.summaryMarkdown, 'utf8')).toMatch(/\| instantiation \| 9 \|/);
    expect(JSON.parse(readFileSync(paths.summaryJson, 'utf8')).instantiation.total).toBe(9);
    expect(first.text).toContain('instantiation:');
  }, 600_000);

  it('makes phase 4 negatives and preference pairs from alternative attempts of the passing tasks', async () => {
    const exploration = first.exploration;
    expect(exploration?.passingTasks).toBe(first.report.evaluation.passed);
    const attempts = await records(paths.alternativeEvaluation);
    expect(attempts.length).toBe(exploration?.alternatives);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const log = (await readJsonlAll(paths.alternativeTrajectories, { schema: TrajectoryLogRecord })).records;
    const trajectories = new Map(collectTrajectories(log).map((t) => [t.id, t]));
    for (const attempt of attempts) {
      // The attempt clicked the other control at the step where it left the plan.
      const at = attempt.extra?.divergesAt as number;
      const alternative = attempt.extra?.alternative as { to: { name: string }; from: { name: string } };
      const t = trajectories.get(String(attempt.execution?.extra?.trajectoryId));
      const step = t?.steps.find((s) => s.index === at);
      expect(step?.control?.name).toBe(alternative.to.name);
      expect(alternative.to.name).not.toBe(alternative.from.name);
      // Its saved document is its own, under the task's name.
      expect(String(attempt.execution?.extra?.document)).toContain(paths.alternativeDocuments);
    }
    expect(first.report.alternatives.total).toBe(attempts.length);
    expect(first.report.alternatives.failed).toBeGreaterThanOrEqual(1);
    // Every failed attempt whose passing run's control is in its list gives one pair at that step.
    const pairs = [
      ...(await readJsonlAll(join(outDir, 'phase4', 'preference-train.jsonl'), { schema: PreferencePair }))
        .records,
      ...(await readJsonlAll(join(outDir, 'phase4', 'preference-test.jsonl'), { schema: PreferencePair }))
        .records,
    ];
    expect(pairs.length).toBe(
      (first.sets?.trajectories.alternativeFailure ?? 0) - (first.sets?.phase4.unpaired ?? 0),
    );
    expect(pairs.length).toBeGreaterThanOrEqual(1);
    for (const pair of pairs) {
      const chosen = JSON.parse(pair.chosen);
      const rejected = JSON.parse(pair.rejected);
      expect(chosen.control_name).not.toBe(rejected.control_name);
      // Both name controls of the prompt's own list.
      const list = pair.prompt.at(-1)?.content as string;
      for (const d of [chosen, rejected]) expect(list).toContain(`"label": "${d.control_label}"`);
    }
    expect(first.report.postprocess.preferencePairs).toBe(pairs.length);
    // Every failed attempt that reached the step where it leaves the plan is a negative.
    expect(first.sets?.trajectories.alternativeFailure).toBeLessThanOrEqual(first.report.alternatives.failed);
    expect(first.sets?.trajectories.alternativeFailure).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('resumes: a second run redoes no task', async () => {
    const again = await runDataflowCommand({ outDir, helpDir: HELP, evolvePerPair: 0, progress: false });
    expect(again.instantiation).toMatchObject({ attempted: 0, skipped: 9 });
    expect(again.execution).toMatchObject({ attempted: 0 });
    expect(again.evaluation).toMatchObject({ evaluated: 0 });
    expect(again.exploration?.execution).toMatchObject({ attempted: 0 });
    expect(again.report.evaluation).toEqual(first.report.evaluation);
  }, 120_000);

  it('builds the phase 3 and 4 sets with the model’s own attempts, never leaking a test task', async () => {
    // A model attempt at the bullets task that clicked Ordered List where the replay clicked
    // Unordered List, and failed: the same prompt with two answers makes a preference pair.
    const log = (await readJsonlAll(paths.trajectories, { schema: TrajectoryLogRecord })).records;
    const bulletsId = byTask(await records(paths.evaluation), 'Add bullets')?.execution?.extra?.trajectoryId;
    const replay = collectTrajectories(log).find((t) => t.id === bulletsId);
    expect(replay).toBeDefined();
    const [select, click] = replay?.steps ?? [];
    const ordered = click?.observation?.controls?.find((c) => c.name === 'Ordered List');
    expect(ordered).toBeDefined();
    const extra = join(dir, 'model-attempts.jsonl');
    const id = 'model-attempt-1';
    appendJsonl(extra, [
      {
        kind: 'trajectory-start',
        trajectoryId: id,
        taskId: replay?.taskId,
        request: replay?.request,
        model: { id: 'lam2' },
        startedAt: replay?.startedAt,
      },
      { kind: 'step', trajectoryId: id, step: select },
      {
        kind: 'step',
        trajectoryId: id,
        step: {
          ...click,
          decision: { ...click?.decision, controlLabel: ordered?.label, controlName: 'Ordered List' },
          control: { label: ordered?.label, name: 'Ordered List', type: 'Button', matchedBy: 'label' },
          result: { ok: false, error: 'the task was judged not done', durationMs: 1 },
        },
      },
      {
        kind: 'trajectory-end',
        trajectoryId: id,
        status: 'failed',
        reason: 'numbered instead of bulleted',
        finishedAt: replay?.finishedAt,
      },
    ]);
    const result = await runDataflowCommand({
      outDir,
      stages: ['postprocess'],
      extraTrajectories: [extra],
      progress: false,
    });
    expect(result.sets?.trajectories).toMatchObject({ extraFailure: 1, extraSuccess: 0 });
    const side = isTestTask(replay?.taskId as string) ? 'test' : 'train';
    // The model's pair, beside those of the alternative attempts.
    const pairs = (
      await readJsonlAll(join(outDir, 'phase4', `preference-${side}.jsonl`), { schema: PreferencePair })
    ).records.filter((p) => p.id.includes(`>${id}#`));
    expect(pairs).toHaveLength(1);
    expect(JSON.parse(pairs[0]?.chosen as string)).toMatchObject({ control_name: 'Unordered List' });
    expect(JSON.parse(pairs[0]?.rejected as string)).toMatchObject({ control_name: 'Ordered List' });
    expect(result.sets?.phase4.negative).toBeGreaterThanOrEqual(2);
    // No task is on both sides of any phase.
    for (const phase of ['phase2', 'phase3']) {
      // Sample ids are <task id>#<attempt>#<step>.
      const ids = async (f: string) =>
        new Set(
          (await readJsonlAll(join(outDir, phase, f), { schema: SftSample })).records.map(
            (s) => s.id.split('#')[0],
          ),
        );
      const train = await ids('train.jsonl');
      for (const t of await ids('test.jsonl')) expect(train.has(t)).toBe(false);
    }
  }, 120_000);
});

describe.sequential('instantiation with a model, and a replay that fails', () => {
  let workbench: WriterWorkbench;
  beforeAll(() => {
    workbench = new WriterWorkbench({ documentsDir: join(dir, 'documents-2') });
  });
  afterAll(async () => {
    await workbench.close();
  });

  it('prefills and filters through the prompts of @lam/prompts, and the plan executes', async () => {
    const pairs = join(dir, 'pairs.jsonl');
    const pair: TaskPlanPair = {
      taskId: 'writer_model_bullets',
      task: 'Add bullets',
      plan: [
        '1. Select the paragraph(s) that you want to add bullets to.',
        '2. Click the **Toggle Unordered List** icon.',
      ],
      app: 'writer',
    };
    appendJsonl(pairs, [pair]);
    const model = createScriptedModel([
      '{"list.fodt": "It holds item lines that can become a bulleted list."}',
      JSON.stringify({
        Observation: 'The document lists five items, one per line.',
        Thought: 'Bullet the line "Notebook" with the Unordered List button.',
        New_task: 'Add a bullet to the line "Notebook".',
        Actions_plan: [
          {
            Step: 1,
            Subtask: 'Select the line "Notebook".',
            ControlLabel: '',
            ControlText: '',
            Function: 'select_text',
            Args: { text: 'Notebook' },
          },
          {
            Step: 2,
            Subtask: 'Click Unordered List.',
            ControlLabel: '',
            ControlText: 'Unordered List',
            Function: 'click_input',
            Args: { button: 'left', double: false },
          },
        ],
      }),
      '{"judge": true, "thought": "It is a concrete Writer task.", "type": "None"}',
    ]);
    const out = join(dir, 'model-instantiation.jsonl');
    const summary = await runInstantiation({
      inputs: [pairs],
      out,
      documentsDir: join(dir, 'documents-2'),
      model,
      workbench,
      onProgress: null,
    });
    expect(summary).toMatchObject({ instantiated: 1, filtered: 0 });
    const [record] = await records(out);
    expect(record?.instantiation.extra?.method).toBe('model');
    expect(record?.instantiation.chooseTemplate?.extra).toMatchObject({ file: 'list.fodt', method: 'model' });
    expect(record?.instantiation.prefill?.result?.request).toBe('Add a bullet to the line "Notebook".');
    expect(record?.instantiation.prefill?.result?.plan?.map((s) => s.function)).toEqual([
      'select_text',
      'click_input',
      'save_as',
    ]);
    const executed = await runExecution({
      inputs: [out],
      out: join(dir, 'model-execution.jsonl'),
      trajectories: join(dir, 'model-trajectories.jsonl'),
      documentsDir: join(dir, 'documents-2'),
      screenshotsDir: null,
      workbench,
      onProgress: null,
    });
    expect(executed).toMatchObject({ attempted: 1, succeeded: 1 });
    const saved = readFileSync(join(dir, 'documents-2', 'writer_model_bullets.fodt'), 'utf8');
    expect(saved).toMatch(/<text:list-item/);
  }, 240_000);

  it('fails a task at the first step whose control is not there, and runs no later step', async () => {
    const opened = await workbench.open(join(defaultTemplatesDir(), 'report.fodt'), 'replay-failure');
    const result = await replayPlan(opened.environment, [
      {
        step: 1,
        subtask: 'Select the title',
        controlLabel: '',
        controlText: '',
        function: 'select_text',
        args: { text: 'Quarterly Report' },
      },
      {
        step: 2,
        subtask: 'Click Emboss',
        controlLabel: '',
        controlText: 'Emboss Everything',
        function: 'click_input',
        args: { button: 'left', double: false },
      },
      {
        step: 3,
        subtask: 'Save',
        controlLabel: '',
        controlText: '',
        function: 'save_as',
        args: { file_dir: '', file_name: '', file_ext: '' },
      },
    ]);
    expect(result.ok).toBe(false);
    expect(result.error?.step).toBe(2);
    expect(result.error?.message).toMatch(/step 2 \(Click Emboss\): .*Emboss Everything/);
    expect(result.steps).toHaveLength(2);
    expect(result.plan.map((s) => s.success)).toEqual([true, false, null]);
  }, 120_000);
});
