import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type WebEnvironment } from '@lam/grounding/web';
import { createScriptedModel } from '@lam/runtime/scripted';
import { LAM_ValidationError, readJsonlAll, TrajectoryLogRecord } from '@lam/schema';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAM_EvalInputError, LAM_StepLimitError, LAM_TaskSuiteError } from '../errors';
import { createLlmJudge } from '../judges/execution-judge';
import { FORM, formAgent, webEnvironments, writeSuite } from './__fixtures__/form-suite';
import { createProgressPrinter } from './progress';
import { type AgentRunner, loadRun, type ProgressEvent, runSuite } from './run-suite';
import { loadTaskSuite } from './task-suite';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const environments = (shotsDir?: string) => webEnvironments(browser, shotsDir);

describe('loadTaskSuite', () => {
  it('reads a JSON suite, resolving start files against its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-suite-'));
    const suite = loadTaskSuite(writeSuite(dir));
    expect(suite.name).toBe('forms');
    expect(suite.tasks.map((t) => t.id)).toEqual(['name', 'city', 'wrong', 'country']);
    expect(suite.tasks[1]!.start!.file).toBe(join(dir, 'pages', 'city.html'));
  });

  it('reads JSONL suites and reports bad lines, bad tasks and duplicate ids', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-suite-'));
    const file = join(dir, 'smoke.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'a', request: 'Do a', checker: { kind: 'page-title', title: 'A' } })}\n\n`,
    );
    expect(loadTaskSuite(file)).toMatchObject({ name: 'smoke', tasks: [{ id: 'a' }] });
    appendFileSync(file, `${JSON.stringify({ id: 'a', request: 'Do a again' })}\n`);
    expect(() => loadTaskSuite(file)).toThrow(/appears twice/);
    appendFileSync(file, '{"id": "b", "request": ""}\n');
    const invalid = (() => {
      try {
        loadTaskSuite(file);
      } catch (e) {
        return e;
      }
    })();
    expect(LAM_ValidationError.isInstance(invalid) && invalid.line).toBe(4);
    writeFileSync(file, 'not json\n');
    expect(() => loadTaskSuite(file)).toThrow(LAM_TaskSuiteError);
    expect(() => loadTaskSuite(join(dir, 'none.json'))).toThrow(/cannot be read/);
  });
});

describe('runSuite on real pages in Chromium', () => {
  it('runs tasks in parallel, records every step, checks the final page and reports progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-run-'));
    const outDir = join(dir, 'out');
    const { runner, seen } = formAgent({ shotsDir: join(dir, 'shots') });
    const events: ProgressEvent[] = [];
    let printed = '';
    const printer = createProgressPrinter({ stream: { write: (t: string) => (printed += t) } });
    const result = await runSuite({
      suite: writeSuite(dir),
      runner,
      environments: environments(join(dir, 'shots')),
      outDir,
      concurrency: 2,
      model: { id: 'form-agent', engine: 'scripted' },
      onProgress: (e) => {
        events.push(e);
        printer(e);
      },
    });
    expect(seen.maxActive).toBe(2);
    expect([...seen.slots].sort()).toEqual([0, 1]);
    expect(result.results.map((r) => [r.taskId, r.verdict, r.success])).toEqual([
      ['name', 'yes', true],
      ['city', 'yes', true],
      ['wrong', 'no', false],
      ['country', 'yes', true],
    ]);
    const wrong = result.results[2]!;
    expect(wrong.metadata?.reason).toContain('text "Saved: Olso"');
    expect(wrong).toMatchObject({ status: 'finished', steps: 2, judge: 'all', model: { id: 'form-agent' } });
    expect(result.metrics).toMatchObject({
      taskSuccessRate: 0.75,
      averageSteps: 2,
      averageInputTokens: 200,
      tasks: 4,
    });
    expect(result.metrics.averageModelSeconds).toBeCloseTo(0.01, 12);
    expect(result).toMatchObject({ ran: 4, resumed: 0 });

    const log = await readJsonlAll(result.files.trajectories, { schema: TrajectoryLogRecord });
    expect(log.records.filter((r) => r.kind === 'step')).toHaveLength(8);
    expect(log.records.filter((r) => r.kind === 'trajectory-end').every((r) => r.status === 'finished')).toBe(
      true,
    );
    const { trajectories, results } = await loadRun(outDir);
    expect(results).toHaveLength(4);
    expect(trajectories.find((t) => t.id === 'city#1')!.steps[1]!.decision.function).toBe('click_input');

    expect(events[0]).toMatchObject({ type: 'suite-start', total: 4, done: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'suite-end', done: 4, passed: 3, failed: 1, running: 0 });
    expect(events.filter((e) => e.type === 'task-end')).toHaveLength(4);
    expect(printed).toContain('] FAIL wrong (');
    expect(printed).toContain('suite forms done: 3 passed, 1 failed of 4');

    // Run again: everything is done, nothing runs.
    const again = await runSuite({ suite: writeSuite(dir), runner, environments: environments(), outDir });
    expect(again).toMatchObject({ ran: 0, resumed: 4 });
    await expect(
      runSuite({ suite: writeSuite(dir), runner, environments: environments(), outDir, resume: false }),
    ).rejects.toThrow(/already holds results/);
  }, 60_000);

  it('resumes after an interruption without redoing finished tasks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-resume-'));
    const outDir = join(dir, 'out');
    const stop = new AbortController();
    const first = formAgent({
      hold: async (taskId, signal) => {
        if (taskId !== 'wrong') return;
        // Interrupt the suite while the third task is half done, and leave a torn line as a kill would.
        stop.abort(new Error('interrupted'));
        expect(signal.aborted).toBe(true);
        throw new Error('stopped');
      },
    });
    const suite = writeSuite(dir);
    const partial = await runSuite({
      suite,
      runner: first.runner,
      environments: environments(),
      outDir,
      signal: stop.signal,
    });
    expect(partial.results.map((r) => r.taskId)).toEqual(['name', 'city']);
    appendFileSync(join(outDir, 'trajectories.jsonl'), '{"kind":"step","trajectoryId":"wro');

    const second = formAgent();
    const resumed = await runSuite({ suite, runner: second.runner, environments: environments(), outDir });
    expect(resumed).toMatchObject({ ran: 2, resumed: 2 });
    expect(resumed.results.map((r) => [r.taskId, r.trajectoryId])).toEqual([
      ['name', 'name#1'],
      ['city', 'city#1'],
      ['wrong', 'wrong#2'],
      ['country', 'country#1'],
    ]);
    const log = await readJsonlAll(join(outDir, 'trajectories.jsonl'), { schema: TrajectoryLogRecord });
    const ends = log.records
      .filter((r) => r.kind === 'trajectory-end')
      .map((r) => [r.trajectoryId, r.status]);
    expect(ends).toContainEqual(['wrong#1', 'aborted']);
    expect(ends).toContainEqual(['wrong#2', 'finished']);
    expect(log.records.filter((r) => r.kind === 'trajectory-start')).toHaveLength(5);
    expect(readFileSync(join(outDir, 'trajectories.jsonl.torn'), 'utf8')).toContain('"trajectoryId":"wro');
  }, 60_000);

  it('lets a judge decide tasks without a checker, and refuses a suite no one can decide', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-judge-run-'));
    const suite = {
      name: 'judged',
      tasks: [
        {
          id: 'free',
          request: 'Enter Ada and save',
          start: { html: FORM('Name') },
          metadata: { typed: 'Ada' },
        },
      ],
    };
    const { runner } = formAgent();
    await expect(
      runSuite({ suite, runner, environments: environments(), outDir: join(dir, 'a') }),
    ).rejects.toThrow(LAM_EvalInputError);
    const model = createScriptedModel([
      JSON.stringify({ reason: 'Typed and saved.', sub_scores: { typed: 'yes' }, complete: 'yes' }),
    ]);
    const result = await runSuite({
      suite,
      runner,
      environments: environments(),
      outDir: join(dir, 'b'),
      judge: createLlmJudge({ model }),
    });
    expect(result.results[0]).toMatchObject({
      verdict: 'yes',
      success: true,
      judge: 'llm-judge:scripted',
      evaluation: { complete: 'yes' },
    });
  }, 60_000);

  it('records a runner that throws, a checker that cannot read, and a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-errors-'));
    const suite = {
      name: 'errors',
      tasks: [
        {
          id: 'throws',
          request: 'r',
          start: { html: FORM('A') },
          checker: { kind: 'page-element', selector: '#out', text: 'Saved' },
        },
        {
          id: 'no-state',
          request: 'r',
          start: { html: FORM('B') },
          checker: { kind: 'cell', cell: 'A1', value: 1 },
        },
        { id: 'slow', request: 'r', start: { html: FORM('C') }, checker: { kind: 'page-title', title: 'C' } },
      ],
    } as const;
    const runner: AgentRunner<WebEnvironment> = async ({ task, signal }) => {
      if (task.id === 'throws') throw new Error('model server down');
      if (task.id === 'slow') await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      return { status: 'finished' };
    };
    const result = await runSuite({
      suite: { ...suite, tasks: [...suite.tasks] },
      runner,
      environments: environments(),
      outDir: join(dir, 'out'),
      taskTimeoutMs: 300,
    });
    const [throws, noState, slow] = result.results;
    expect(throws).toMatchObject({
      status: 'failed',
      verdict: 'no',
      error: 'the agent runner threw: model server down',
    });
    expect(noState).toMatchObject({ status: 'finished', verdict: 'unsure', success: false });
    expect(noState!.error).toContain("needs the state reader's spreadsheet()");
    expect(slow).toMatchObject({ status: 'aborted', verdict: 'yes' });
    expect(slow!.completionMs).toBeGreaterThanOrEqual(290);
  }, 60_000);

  it("stops a runner that passes its task's maxSteps and fails the run, whatever the final state", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-max-steps-'));
    const saved = (value: string) =>
      ({ kind: 'page-element', selector: '#out', text: `Saved: ${value}` }) as const;
    const task = (id: string, value: string, maxSteps: number) => ({
      id,
      request: `Enter ${value} and save`,
      start: { html: FORM(id) },
      checker: saved(value),
      maxSteps,
    });
    const { runner: form } = formAgent({ exact: true });
    const signals: Record<string, { abortedAtEnd?: boolean; errors: unknown[]; calls: number }> = {};
    const runner: AgentRunner<WebEnvironment> = async (context) => {
      const seen: { abortedAtEnd?: boolean; errors: unknown[]; calls: number } = { errors: [], calls: 0 };
      signals[context.task.id] = seen;
      if (context.task.id !== 'stubborn') return form(context);
      // Ignores both the signal and the errors, and claims success at the end.
      for (let index = 1; index <= 4; index++) {
        seen.calls++;
        try {
          context.recordStep({
            index,
            decision: {
              thought: 'Keep going',
              controlLabel: '',
              controlName: '',
              function: '',
              args: {},
              status: 'CONTINUE',
              plan: [],
            },
          });
        } catch (e) {
          seen.errors.push(e);
        }
      }
      seen.abortedAtEnd = context.signal.aborted;
      return { status: 'finished' };
    };
    const result = await runSuite({
      suite: {
        name: 'limits',
        tasks: [task('over', 'Ada', 1), task('exact', 'Bob', 2), task('stubborn', 'Cy', 2)],
      },
      runner,
      environments: environments(),
      outDir: join(dir, 'out'),
    });
    const [over, exact, stubborn] = result.results;
    // The second step (Save) happened and is recorded; it made the page right, but it was one too many.
    expect(over).toMatchObject({
      status: 'max-steps',
      verdict: 'no',
      success: false,
      judge: 'harness',
      steps: 2,
      error: 'step limit 1 reached: the agent recorded step 2; the run was stopped',
    });
    expect(over!.metadata?.check).toMatchObject({ pass: true });
    expect(over!.metadata?.reason).toContain('passes the checker (not counted)');
    expect(exact).toMatchObject({ status: 'finished', verdict: 'yes', success: true, steps: 2 });
    expect(exact!.error).toBeUndefined();
    expect(stubborn).toMatchObject({ status: 'max-steps', verdict: 'no', success: false, steps: 3 });
    expect(signals.stubborn!.abortedAtEnd).toBe(true);
    expect(signals.stubborn!.errors).toHaveLength(2);
    expect(LAM_StepLimitError.isInstance(signals.stubborn!.errors[0])).toBe(true);
    expect(signals.stubborn!.errors[0]).toMatchObject({ taskId: 'stubborn', maxSteps: 2 });

    const log = await readJsonlAll(result.files.trajectories, { schema: TrajectoryLogRecord });
    const end = (id: string) =>
      log.records.find((r) => r.kind === 'trajectory-end' && r.trajectoryId === id) as
        | { status: string; reason?: string }
        | undefined;
    expect(end('over#1')).toMatchObject({
      status: 'max-steps',
      reason: expect.stringMatching(/^step limit 1 reached/),
    });
    expect(end('exact#1')).toMatchObject({ status: 'finished' });
    expect(log.records.filter((r) => r.kind === 'step' && r.trajectoryId === 'stubborn#1')).toHaveLength(3);
    expect(result.metrics.taskSuccessRate).toBeCloseTo(1 / 3, 12);
  }, 60_000);

  it('fails a runner that crashes, even after leaving the page right; the checker runs for information', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-crash-'));
    const { runner: form } = formAgent({ exact: true });
    const runner: AgentRunner<WebEnvironment> = async (context) => {
      await form(context);
      if (context.task.id === 'crash') throw new Error('the model server went away after the last step');
      return { status: 'finished' };
    };
    const task = (id: string) => ({
      id,
      request: 'Enter Ada and save',
      start: { html: FORM(id) },
      checker: { kind: 'page-element', selector: '#out', text: 'Saved: Ada' } as const,
    });
    const model = createScriptedModel([
      JSON.stringify({ reason: 'Saved.', sub_scores: {}, complete: 'yes' }),
      JSON.stringify({ reason: 'Saved.', sub_scores: {}, complete: 'yes' }),
    ]);
    const result = await runSuite({
      suite: { name: 'crashes', tasks: [task('crash'), task('fine')] },
      runner,
      environments: environments(),
      outDir: join(dir, 'out'),
      judge: createLlmJudge({ model }),
    });
    const [crash, fine] = result.results;
    expect(crash).toMatchObject({
      status: 'failed',
      verdict: 'no',
      success: false,
      judge: 'harness',
      steps: 2,
      error: 'the agent runner threw: the model server went away after the last step',
    });
    expect(crash!.metadata?.check).toMatchObject({ pass: true });
    const checked = crash!.metadata!.check as { reason: string };
    expect(crash!.metadata!.reason).toBe(
      `the agent runner threw: the model server went away after the last step; the final state passes the checker (not counted): ${checked.reason}`,
    );
    // A run that is failed anyway is not sent to the judge.
    expect(crash!.metadata?.judgeVerdict).toBeUndefined();
    expect(fine).toMatchObject({
      status: 'finished',
      verdict: 'yes',
      success: true,
      judge: 'page-element(#out)',
    });
    expect(fine!.metadata?.judgeVerdict).toBe('yes');
    const { trajectories } = await loadRun(join(dir, 'out'));
    expect(trajectories.find((t) => t.id === 'crash#1')).toMatchObject({
      status: 'failed',
      reason: 'the agent runner threw: the model server went away after the last step',
    });
  }, 60_000);
});
