// `lam eval` end to end on real LibreOffice Writer and Calc (AT-SPI, UNO): the bundled office suite
// replayed task by task through the agent loop, checkers shown not to be vacuous, a run killed with
// SIGKILL and resumed, and the option errors.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { createChecker, loadTaskSuite, type StateReader, type TaskSpec } from '@lam/eval';
import { listSessionRecords, readSpreadsheet, readTextDocument } from '@lam/grounding/desktop';
import {
  collectTrajectories,
  OnlineEvalRecord,
  readJsonlAll,
  type Trajectory,
  TrajectoryLogRecord,
} from '@lam/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvalCommandOptions, evalCommand, resolveSuiteFile } from './eval';

const cli = resolve(import.meta.dirname, '../../dist/cli.js');
const suiteFile = resolveSuiteFile('office');
const suite = loadTaskSuite(suiteFile);
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lam-eval-'));
});

const referenceOf = (task: TaskSpec) => resolve(dirname(suiteFile), String(task.metadata?.reference));
const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

async function logOf(
  dir: string,
): Promise<{ results: OnlineEvalRecord[]; trajectories: Trajectory[]; records: TrajectoryLogRecord[] }> {
  const results = (await readJsonlAll(join(dir, 'results.jsonl'), { schema: OnlineEvalRecord })).records;
  const { records } = await readJsonlAll(join(dir, 'trajectories.jsonl'), { schema: TrajectoryLogRecord });
  return { results, trajectories: collectTrajectories(records), records };
}

function startsPerTask(records: TrajectoryLogRecord[]): Map<string, number> {
  const starts = new Map<string, number>();
  for (const r of records) {
    if (r.kind === 'trajectory-start' && r.taskId !== undefined)
      starts.set(r.taskId, (starts.get(r.taskId) ?? 0) + 1);
  }
  return starts;
}

describe('the bundled office suite', () => {
  it('has at least 30 Writer and 15 Calc tasks, each with a template, a checker and a reference trajectory', () => {
    const writer = suite.tasks.filter((t) => t.app === 'writer');
    const calc = suite.tasks.filter((t) => t.app === 'calc');
    expect(writer.length).toBeGreaterThanOrEqual(30);
    expect(calc.length).toBeGreaterThanOrEqual(15);
    expect(writer.length + calc.length).toBe(suite.tasks.length);
    for (const task of suite.tasks) {
      expect(existsSync(task.start!.file!), task.id).toBe(true);
      expect(extname(task.start!.file!)).toBe(task.app === 'writer' ? '.fodt' : '.fods');
      expect(task.checker, task.id).toBeDefined();
      const reference = linesOf(referenceOf(task));
      expect(reference.length, task.id).toBe(task.metadata?.steps);
      expect(reference.length).toBeLessThanOrEqual(task.maxSteps!);
      // Each line is one raw model output: a JSON string holding a decision, the last one FINISH.
      const decisions = reference.map((l) => JSON.parse(JSON.parse(l) as string) as { status: string });
      expect(decisions.map((d) => d.status)).toEqual([...decisions.slice(1).map(() => 'CONTINUE'), 'FINISH']);
    }
    // A good share of the tasks act through the GUI (toolbar, menus, dialogs), not only application APIs.
    const gui = suite.tasks.filter((t) => ['toolbar', 'menu', 'dialog'].includes(String(t.metadata?.ui)));
    expect(gui.length).toBeGreaterThanOrEqual(suite.tasks.length / 2);
  });

  it('no checker passes on its untouched template: every task needs a change the checker sees', async () => {
    const passing: string[] = [];
    for (const task of suite.tasks) {
      const file = task.start!.file!;
      const state: StateReader =
        task.app === 'writer'
          ? { textDocument: () => readTextDocument(file) }
          : { spreadsheet: () => readSpreadsheet(file) };
      const result = await createChecker(task.checker!).check(state);
      if (result.pass) passing.push(`${task.id}: ${result.reason}`);
    }
    expect(passing).toEqual([]);
  });

  it('every reference trajectory, replayed through lam eval in LibreOffice, passes its checker', async () => {
    const dir = join(out, 'all');
    const lines: string[] = [];
    const started = performance.now();
    const result = await evalCommand(
      { suite: 'office', model: 'replay', out: dir, concurrency: 2 },
      { log: (l) => lines.push(l) },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`replayed ${result.total} tasks in ${seconds.toFixed(1)} s (2 lanes)`);

    expect(result.total).toBe(suite.tasks.length);
    expect(
      result.results.filter((r) => !r.success).map((r) => `${r.taskId}: ${r.metadata?.reason ?? r.error}`),
    ).toEqual([]);
    expect(result.passed).toBe(suite.tasks.length);
    expect(result.replay).toBe(true);
    expect(result.metrics.taskSuccessRate).toBe(1);
    // Decided by each task's checker, on the document as LibreOffice saved it at the end.
    for (const r of result.results) {
      expect(r.verdict).toBe('yes');
      expect(r.judge).not.toBe('none');
      expect(r.metadata?.check).toMatchObject({ pass: true });
      expect(existsSync(join(dir, 'documents', r.taskId))).toBe(true);
    }
    // Every recorded decision was replayed through the loop and every action ran without error.
    const { trajectories } = await logOf(dir);
    expect(trajectories).toHaveLength(suite.tasks.length);
    for (const task of suite.tasks) {
      const t = trajectories.find((x) => x.taskId === task.id)!;
      expect(t.status, task.id).toBe('finished');
      expect(t.model).toMatchObject({ engine: 'replay' });
      expect(t.steps.length, task.id).toBe(linesOf(referenceOf(task)).length);
      expect(
        t.steps
          .filter((s) => s.result?.ok !== true)
          .map((s) => `${task.id} step ${s.index}: ${s.result?.error}`),
      ).toEqual([]);
    }
    expect(lines[0]).toMatch(/replay of the recorded reference decisions \(not a model\)/);
    expect(lines.some((l) => l.startsWith(`[${suite.tasks.length}/${suite.tasks.length}] PASS`))).toBe(true);
    expect(lines.some((l) => /^Table 4 \(online\): task success rate 100\.0%/.test(l))).toBe(true);
    const html = readFileSync(result.report, 'utf8');
    expect(html).toContain('replay of the recorded reference decisions (not a model)');
    expect(html).toContain('writer-landscape');
    expect(html).toContain('calc-rename-sheet');
  }, 900_000);
});

describe('checkers are not vacuous', () => {
  it("fails tasks whose replay is another task's reference, though the run itself finishes", async () => {
    const recordings = join(out, 'swapped');
    mkdirSync(recordings, { recursive: true });
    const swaps: Record<string, string> = {
      'writer-bold-title': 'writer-italic-phrase',
      'writer-heading1-menu': 'writer-heading2-shortcut',
      'calc-sort-asc': 'calc-sort-desc',
    };
    for (const [task, other] of Object.entries(swaps)) {
      copyFileSync(referenceOf(suite.tasks.find((t) => t.id === other)!), join(recordings, `${task}.jsonl`));
    }
    const result = await evalCommand(
      {
        suite: 'office',
        model: `scripted:${recordings}`,
        out: join(out, 'negative'),
        tasks: Object.keys(swaps),
      },
      { log: () => {} },
    );
    expect(result.system).toContain('not a model');
    expect(result.results.map((r) => [r.taskId, r.status, r.verdict, r.success])).toEqual(
      Object.keys(swaps).map((id) => [id, 'finished', 'no', false]),
    );
    for (const r of result.results) expect(r.metadata?.check).toMatchObject({ pass: false });
    const bold = result.results.find((r) => r.taskId === 'writer-bold-title')!;
    expect(String(bold.metadata?.reason)).toContain('bold is false, not true');
    const sorted = result.results.find((r) => r.taskId === 'calc-sort-asc')!;
    expect(String(sorted.metadata?.reason)).toContain('Sales.A2');
  }, 180_000);
});

function runCli(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, output: () => text, exited };
}

describe('lam eval killed with SIGKILL, then --resume', () => {
  it('finishes the suite without repeating the tasks that had finished, and writes the report', async () => {
    const tasks = ['writer-bold-title', 'writer-heading2-shortcut', 'calc-sum-q1', 'calc-bold-header'];
    const dir = join(out, 'killed');
    const args = ['eval', 'office', '--model', 'replay', '--tasks', tasks.join(','), '--out', dir];
    const first = runCli(args);
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        if (/^\[2\/4\] /m.test(first.output())) {
          clearInterval(timer);
          done();
        }
      }, 50);
      first.exited.then(() => {
        clearInterval(timer);
        fail(new Error(`lam eval ended before it was killed:\n${first.output()}`));
      });
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await logOf(dir);
    const finished = before.results.map((r) => r.taskId);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(4);
    const pid = first.child.pid!;

    const second = runCli([...args, '--resume']);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toContain(`(${finished.length} done before, skipped)`);
    const after = await logOf(dir);
    expect(after.results.map((r) => r.taskId).sort()).toEqual([...tasks].sort());
    expect(after.results.every((r) => r.success)).toBe(true);
    const starts = startsPerTask(after.records);
    for (const id of finished) expect(starts.get(id), id).toBe(1);
    for (const id of tasks.filter((t) => !finished.includes(t))) {
      // Run once after the kill; a task that was in flight when it was killed has a second, complete attempt.
      expect(starts.get(id), id).toBeGreaterThanOrEqual(1);
      expect(starts.get(id), id).toBeLessThanOrEqual(2);
      expect(after.trajectories.filter((t) => t.taskId === id).at(-1)!.status).toBe('finished');
    }
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const id of tasks) expect(html).toContain(id);
    // Nothing of the killed run is left: its sessions were cleaned up by their watchdog, or (killed while
    // starting, before the watchdog runs) reaped when the resumed run started LibreOffice.
    const left = listSessionRecords().filter((r) => r.ownerPid === pid);
    expect(left).toEqual([]);
  }, 240_000);
});

describe('lam eval options', () => {
  const invalid = async (options: EvalCommandOptions) => {
    try {
      await evalCommand(options, { log: () => {} });
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    throw new Error('expected lam eval to refuse the options');
  };

  it('says which option is wrong and what to give instead', async () => {
    expect(await invalid({ suite: 'office', concurrency: 0 })).toMatch(
      /--concurrency: give --concurrency as a whole number from 1 to 8/,
    );
    expect(await invalid({ suite: 'office', concurrency: 'two' })).toMatch(
      /--concurrency: give --concurrency/,
    );
    expect(await invalid({ suite: 'office', model: 'gpt-4o' })).toMatch(
      /--model: give replay .*onnx:<dir>, hf:<model id> or openai:<base url>#<model>/,
    );
    expect(await invalid({ suite: 'office', resume: true })).toMatch(
      /--resume: resuming continues a run in its folder: add --out <the folder of that run>/,
    );
    expect(await invalid({ suite: 'office', stepDelayMs: -5 })).toMatch(/--step-delay: give --step-delay/);
    expect(await invalid({ suite: 'office', taskTimeoutS: 0 })).toMatch(
      /--task-timeout: give --task-timeout/,
    );
    expect(await invalid({ suite: 'office', tasks: 'writer-bold-title,nope' })).toMatch(
      /--tasks names "nope", not in suite office\. Its tasks: writer-bold-title, /,
    );
    expect(await invalid({ suite: 'no-such-suite' })).toMatch(
      /there is no suite "no-such-suite".*bundled suite: office/,
    );
    expect(await invalid({ suite: 'office', model: `scripted:${suiteFile}` })).toMatch(
      /is not a folder\. Use --model replay/,
    );
  });

  it('refuses a suite whose tasks cannot run, naming each task and what it lacks', async () => {
    const dir = join(out, 'broken-suite');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(dirname(suiteFile), 'templates', 'memo.fodt'), join(dir, 'memo.fodt'));
    writeFileSync(
      join(dir, 'suite.json'),
      JSON.stringify({
        name: 'broken',
        tasks: [
          {
            id: 'no-reference',
            request: 'Make it bold',
            app: 'writer',
            start: { file: 'memo.fodt' },
            checker: { kind: 'document-page', orientation: 'landscape' },
          },
          { id: 'web', request: 'Open the page', app: 'web', start: { url: 'http://127.0.0.1/' } },
          {
            id: 'missing-document',
            request: 'Do it',
            app: 'calc',
            start: { file: 'nope.fods' },
            checker: { kind: 'cell', cell: 'A1', value: 1 },
          },
        ],
      }),
    );
    const message = await invalid({ suite: dir, model: 'replay' });
    expect(message).toContain('task no-reference: no metadata.reference (the recorded decisions to replay)');
    expect(message).toContain('task web: app "web"; lam eval runs writer and calc tasks');
    expect(message).toContain(`task missing-document: its document ${join(dir, 'nope.fods')} does not exist`);
    expect(message).toContain('leave those tasks out with --tasks');
  });

  it('refuses to mix runs: an --out folder with results needs --resume, and the same model', async () => {
    const dir = join(out, 'used');
    mkdirSync(dir, { recursive: true });
    const record = {
      taskId: 'writer-bold-title',
      request: 'Make the title bold',
      model: { id: 'tiny', engine: 'onnx' },
      status: 'finished',
      verdict: 'yes',
      success: true,
      completionMs: 1000,
      steps: 2,
    };
    writeFileSync(join(dir, 'results.jsonl'), `${JSON.stringify(record)}\n`);
    expect(await invalid({ suite: 'office', model: 'replay', out: dir, resume: false })).toMatch(
      /already holds results of a run\. Add --resume to finish that run, or give another --out/,
    );
    expect(await invalid({ suite: 'office', model: 'replay', out: dir, resume: true })).toMatch(
      /holds a run of onnx:tiny, not replay:reference trajectories\. Resume it with the same --model/,
    );
  });

  it('the command line exits 1 with the message on a bad option', async () => {
    const run = runCli(['eval', 'office', '--concurrency', '0']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(
      '--concurrency: expected a number above 0. Change the option on the command line.',
    );
    expect(basename(cli)).toBe('cli.js');
  });
});
