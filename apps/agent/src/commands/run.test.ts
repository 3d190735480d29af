// `lam run` end to end: real LibreOffice Writer over AT-SPI and real Chromium, with a scripted
// model (recorded decisions) and a project-made ONNX model (random weights, constrained decoding).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readTextDocument } from '@lam/grounding/desktop';
import { createTestModel } from '@lam/runtime/testing';
import { collectTrajectories, defaultActionRegistry, readJsonlAll, TrajectoryLogRecord } from '@lam/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './run';
import { validateTrajectoryFile } from './validate';

const fixtures = resolve(import.meta.dirname, '../__fixtures__');
const cli = resolve(import.meta.dirname, '../../dist/cli.js');
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'lam-run-'));
});

const decision = (controlName: string, fn: string, args: object, status = 'CONTINUE') =>
  JSON.stringify({
    thought: '',
    control_label: '',
    control_name: controlName,
    function: fn,
    args,
    status,
    plan: [],
  });

async function trajectoryOf(file: string) {
  const { records } = await readJsonlAll(file, { schema: TrajectoryLogRecord });
  return collectTrajectories(records);
}

describe('lam run on LibreOffice Writer', () => {
  it('replays recorded decisions: selects the title, clicks Bold, saves; the saved file has a bold title', async () => {
    const lines: string[] = [];
    const result = await runCommand(
      {
        request: 'Make the title bold',
        app: 'writer',
        doc: join(fixtures, 'report.fodt'),
        model: `scripted:${join(fixtures, 'bold-title.replay.jsonl')}`,
        out,
        confirm: 'no',
        replay: true,
      },
      { log: (line) => lines.push(line) },
    );
    expect(result.status).toBe('finished');
    expect(result.steps.map((s) => [s.decision.function, s.result?.ok])).toEqual([
      ['select_text', true],
      ['click_input', true],
      ['save_as', true],
    ]);
    expect(result.steps[1]!.control).toMatchObject({ name: 'Bold' });
    expect(lines[0]).toMatch(/^Replaying recorded decisions/);
    expect(lines.some((l) => /^step 2: click_input on "Bold"/.test(l))).toBe(true);

    const saved = await readTextDocument(result.document!.replace(/\.fodt$/, '.odt'));
    expect(saved.paragraphs[0]!.runs.every((r) => r.bold)).toBe(true);
    expect(saved.paragraphs[1]!.runs.some((r) => r.bold)).toBe(false);
    // The original is untouched: the run worked on a copy.
    expect(readFileSync(join(fixtures, 'report.fodt'), 'utf8')).toContain('Quarterly report');

    const [trajectory] = await trajectoryOf(result.trajectoryFile);
    expect(trajectory).toMatchObject({ status: 'finished', request: 'Make the title bold' });
    const html = readFileSync(result.report, 'utf8');
    expect(html).toContain('Make the title bold');
    expect(html).toContain('click_input');
    expect(trajectory!.steps).toHaveLength(3);
    expect(trajectory!.steps.every((s) => (s.timings.envMs ?? 0) > 0)).toBe(true);
  });

  it("runs a project-made ONNX model: every decision parses, names its function's arguments, and every step is executed or rejected and recorded", async () => {
    const model = await createTestModel(join(out, 'tiny-model'), { maxPositions: 16384, merges: 2000 });
    const result = await runCommand(
      {
        request: 'Make the title bold',
        app: 'writer',
        doc: join(fixtures, 'report.fodt'),
        model: `onnx:${model.dir}`,
        out,
        maxSteps: 2,
        confirm: 'no',
      },
      { log: () => {} },
    );
    expect(['finished', 'failed', 'max-steps', 'denied']).toContain(result.status);
    expect(result.steps.length).toBeGreaterThan(0);
    for (const step of result.steps) {
      expect(step.rawOutput).toBeTruthy();
      // Constrained decoding: the label, if any, is one the observation offered.
      expect(step.observation?.controls?.map((c) => c.label).concat('')).toContain(
        step.decision.controlLabel,
      );
      expect(step.result !== undefined || step.safety !== undefined || step.decision.function === '').toBe(
        true,
      );
      // Its args are the arguments of the function it names, of their types: the constraint follows the
      // function's schema except for numeric bounds and string patterns.
      const parsed = defaultActionRegistry.require(step.decision.function).args.safeParse(step.decision.args);
      const structural = parsed.success
        ? []
        : parsed.error.issues.filter((i) => !['too_small', 'too_big', 'invalid_format'].includes(i.code));
      expect(structural, JSON.stringify(step.decision)).toEqual([]);
      // Where the step's time went: every part recorded, the model's split into prefill and decode, and
      // the parts within the whole.
      const t = step.timings;
      const parts = [t.observeMs, t.renderMs, t.prefillMs, t.decodeMs, t.parseMs, t.resolveMs, t.executeMs];
      expect(
        parts.every((ms) => ms !== undefined && ms >= 0),
        JSON.stringify(t),
      ).toBe(true);
      expect(t.prefillMs! + t.decodeMs!).toBeCloseTo(t.modelMs!, 3);
      expect(t.observeMs!).toBeGreaterThan(0);
      expect(parts.reduce((a, b) => a! + b!, 0)!).toBeLessThanOrEqual(t.totalMs! + 1);
    }
    expect((await validateTrajectoryFile(result.trajectoryFile)).problems).toEqual([]);
  }, 120_000);
});

describe('lam run in Chromium', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const html = readFileSync(join(fixtures, 'form.html'));
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => server.close());

  const decision = (controlName: string, fn: string, args: object, status = 'CONTINUE') =>
    JSON.stringify({
      thought: '',
      control_label: '',
      control_name: controlName,
      function: fn,
      args,
      status,
      plan: [],
    });

  it('types into a field and clicks Save, and does not click Delete when the page asks it to', async () => {
    const script = join(out, 'web.jsonl');
    writeFileSync(
      script,
      [
        decision('Name', 'set_edit_text', { text: 'Ada' }),
        decision('Save', 'click_input', { button: 'left', double: false }),
        decision('Delete account', 'click_input', { button: 'left', double: false }, 'FINISH'),
      ]
        .map((t) => `${JSON.stringify(t)}\n`)
        .join(''),
    );
    const result = await runCommand(
      { request: 'Sign up as Ada', app: 'web', url, model: `scripted:${script}`, out, confirm: 'no' },
      { log: () => {} },
    );
    expect(result.steps.map((s) => s.result?.ok ?? s.safety?.verdict)).toEqual([true, true, 'confirm']);
    expect(result.steps[2]!.safety).toMatchObject({ verdict: 'confirm', userConfirmed: false });
    expect(result.status).toBe('denied');
  });
});

describe('a run killed with SIGKILL', () => {
  it('leaves a trajectory whose records up to the kill all read back', async () => {
    const script = join(out, 'slow.jsonl');
    // Many steps without effect (each different, so the loop guard does not stop the run), so the
    // run is still going when it is killed.
    writeFileSync(
      script,
      Array.from(
        { length: 200 },
        (_, i) => `${JSON.stringify(decision('', 'summary', { text: `waiting ${i}` }))}\n`,
      ).join(''),
    );
    const dir = join(out, 'killed');
    const child = spawn(
      process.execPath,
      [
        cli,
        'run',
        'Wait',
        '--app',
        'writer',
        '--doc',
        join(fixtures, 'report.fodt'),
        '--model',
        `scripted:${script}`,
        '--out',
        dir,
        '--max-steps',
        '200',
        '--no-confirm',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((done) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if ((output.match(/^step \d+/gm) ?? []).length >= 3) done();
      });
      child.on('exit', () => done());
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const file = /trajectory: (.+)/.exec(output)![1]!.trim();
    const checked = await validateTrajectoryFile(file);
    expect(checked.problems).toEqual([]);
    const [trajectory] = await trajectoryOf(file);
    expect(trajectory!.status).toBe('running');
    expect(trajectory!.steps.length).toBeGreaterThanOrEqual(3);

    // lam report renders what the killed run left, as a separate process would.
    const rendered = await new Promise<string>((done, fail) => {
      const report = spawn(process.execPath, [cli, 'report', file], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      report.stdout.on('data', (c: Buffer) => {
        text += c.toString();
      });
      report.on('exit', (code) =>
        code === 0 ? done(text) : fail(new Error(`lam report exited with ${code}`)),
      );
    });
    expect(rendered).toMatch(/report\.html: 1 trajectories, \d+ steps/);
    const html = readFileSync(join(dirname(file), 'report.html'), 'utf8');
    expect(html).toContain('killed or crashed');
    expect(html).toContain('waiting 0');
  }, 120_000);
});
