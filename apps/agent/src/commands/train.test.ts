import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeParseDecision } from '@lam/prompts';
import { createModel } from '@lam/runtime';
import { type Decision, defaultActionRegistry, type TrajectoryLogRecord } from '@lam/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  argumentSchemas,
  type PreviousStep,
  promptSettingsOf,
  renderStepPrompt,
  stepConstraint,
} from '../run/step-prompt';
import { renderOptionsFor, renderTrainingData, TrainConfig, trainCommand } from './train';

const NAMES = ['Bold', 'Italic', 'Underline', 'Align Center', 'Save', 'Font Size', 'Strikethrough', 'Undo'];
const PHRASES = [
  'Quarterly results',
  'Meeting notes',
  'Budget 2027',
  'Action items',
  'Team roster',
  'Next steps',
];

function decision(partial: Partial<Decision>): Decision {
  return {
    thought: '',
    controlLabel: '',
    controlName: '',
    function: '',
    args: {},
    status: 'CONTINUE',
    plan: [],
    ...partial,
  } as Decision;
}

/**
 * A generated dataset in the layout of `lam dataflow generate`: "make <phrase> <style>" tasks of two
 * steps (select the phrase, click the style's button) in train, test and held-out splits. The
 * held-out split uses its own phrasing ("Please format ...") that no train task uses.
 */
function writeDataset(dir: string): void {
  const lines: TrajectoryLogRecord[] = [];
  let n = 0;
  for (const split of ['train', 'test', 'heldout'] as const) {
    const count = split === 'train' ? 40 : 6;
    for (let i = 0; i < count; i++) {
      const id = `t${n++}`;
      const button = NAMES[(i * 3 + n) % 3]!;
      const phrase = PHRASES[(i + n) % PHRASES.length]!;
      const shift = (i + n) % NAMES.length;
      const names = [...NAMES.slice(shift), ...NAMES.slice(0, shift)];
      const controls = names.map((name, k) => ({ label: String(k + 1), name, type: 'Button' }));
      const label = String(names.indexOf(button) + 1);
      const request =
        split === 'heldout'
          ? `Please format "${phrase}" as ${button.toLowerCase()}.`
          : `Make "${phrase}" ${button.toLowerCase()}.`;
      const startedAt = new Date(Date.UTC(2026, 11, 7)).toISOString();
      const observation = {
        application: 'writer',
        controlCount: controls.length,
        controls,
        canvasText: `Notes\n${phrase} is on page ${i + 1}.`,
      };
      lines.push({
        kind: 'trajectory-start',
        trajectoryId: id,
        taskId: id,
        request,
        application: 'writer',
        startedAt,
        metadata: {
          split,
          verdict: 'verified',
          skills: ['format'],
          phrasing: 'p',
          route: 'toolbar',
          document: 'd',
        },
      });
      lines.push({
        kind: 'step',
        trajectoryId: id,
        step: {
          index: 1,
          observation,
          decision: decision({
            thought: `Select "${phrase}".`,
            function: 'select_text',
            args: { text: phrase },
            plan: [`Click ${button}.`],
          }),
          result: { ok: true, durationMs: 1 },
          timings: {},
        },
      });
      lines.push({
        kind: 'step',
        trajectoryId: id,
        step: {
          index: 2,
          observation,
          decision: decision({
            thought: `Click ${button}.`,
            controlLabel: label,
            controlName: button,
            function: 'click_input',
            args: { button: 'left', double: false },
            status: 'FINISH',
          }),
          result: { ok: true, durationMs: 1 },
          timings: {},
        },
      });
      lines.push({ kind: 'trajectory-end', trajectoryId: id, status: 'finished', finishedAt: startedAt });
    }
  }
  writeFileSync(join(dir, 'trajectories.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

describe('lam train on a tiny generated dataset', () => {
  const root = mkdtempSync(join(tmpdir(), 'lam-train-'));
  const out = join(root, 'run');
  const config = join(root, 'tiny.json');
  const lines: string[] = [];
  let result: Awaited<ReturnType<typeof trainCommand>>;

  beforeAll(async () => {
    writeDataset(root);
    writeFileSync(
      config,
      JSON.stringify({
        name: 'lam-tiny',
        prompt: { style: 'compact', controlTokens: 400, documentTokens: 100 },
        data: { datasets: ['.'], help: false },
        training: {
          vocab_size: 700,
          model: {
            hidden_size: 64,
            layers: 2,
            heads: 4,
            kv_heads: 2,
            intermediate_size: 128,
            max_positions: 1024,
          },
          phases: {
            '1': {
              epochs: 1,
              max_steps: 10,
              learning_rate: 3e-3,
              warmup_steps: 2,
              batch_size: 8,
              max_length: 256,
              logging_steps: 5,
              save_steps: 50,
            },
            '2': {
              epochs: 1,
              max_steps: 70,
              learning_rate: 3e-3,
              warmup_steps: 5,
              batch_size: 8,
              max_length: 512,
              logging_steps: 5,
              save_steps: 50,
            },
          },
          export: { parity_tokens: 60 },
        },
        evaluate: { splits: ['test', 'heldout'] },
      }),
    );
    result = await trainCommand({ config, out }, { log: (l) => lines.push(l) });
  }, 300_000);

  it('trains phases 1 and 2 with a falling loss and exports both LAMs with their prompt settings', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const phase2 = summary.phases['2'];
    expect(phase2.last_loss).toBeLessThanOrEqual(0.7 * phase2.first_loss);
    expect(Object.keys(result.models).sort()).toEqual(['lam1', 'lam2']);
    for (const dir of Object.values(result.models)) {
      expect(promptSettingsOf(dir)).toEqual({ style: 'compact', controlTokens: 400, documentTokens: 100 });
      const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'));
      expect(parity.maxAbsLogitDiff).toBeLessThan(1e-3);
    }
    expect(readFileSync(result.report, 'utf8')).toContain('<svg');
    expect(lines.some((l) => /phase 2: step \d+\/70, loss/.test(l))).toBe(true);
  });

  it('decodes greedily in @lam/runtime exactly as transformers does, and gives a valid constrained decision', async () => {
    const dir = result.models.lam2!;
    const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8'));
    expect(parity.prompts.length).toBeGreaterThan(0);
    const model = await createModel(`onnx:${dir}`);
    try {
      for (const [i, prompt] of parity.prompts.entries()) {
        const got = await model.generate({ messages: prompt, maxTokens: 60 });
        expect(got.text).toBe(parity.greedy[i]);
      }
      const controls = ['Italic', 'Bold', 'Save'].map((name, k) => ({
        label: String(k + 1),
        name,
        type: 'Button',
      }));
      const request = 'Make "Budget 2027" bold.';
      const prompt = renderStepPrompt(
        { request, controls, history: [], document: 'Notes\nBudget 2027 is on page 3.' },
        { render: renderOptionsFor('writer'), prompt: promptSettingsOf(dir) },
      );
      expect(prompt.messages.at(-1)!.content).toContain('Document:\n1 Notes\n2 Budget 2027 is on page 3.\n');
      const answer = await model.generate({
        messages: prompt.messages.map((m) => ({ role: m.role, content: m.content as string })),
        maxTokens: 200,
        constraint: stepConstraint({
          controls,
          style: 'compact',
          functionNames: ['click_input', 'select_text'],
          statuses: ['CONTINUE', 'FINISH'],
          functionArgs: argumentSchemas(defaultActionRegistry, ['click_input', 'select_text']),
          request,
          document: prompt.document,
        }),
      });
      const parsed = safeParseDecision(answer.text, { controls, validateArgs: false });
      expect(parsed.success, answer.text).toBe(true);
      // Text to select is the phrase the request quotes (the document's paragraphs only when it quotes none).
      if (parsed.success && parsed.decision.function === 'select_text')
        expect(parsed.decision.args.text).toBe('Budget 2027');
    } finally {
      await model.dispose();
    }
  }, 120_000);

  it('keeps the held-out split out of every training file, and scores Table 3 on test and held-out steps', () => {
    const train = ['phase1/train.jsonl', 'phase2/train.jsonl']
      .map((f) => readFileSync(join(out, 'data', f), 'utf8'))
      .join('');
    const heldout = readFileSync(join(out, 'data', 'phase2', 'heldout.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(heldout).toHaveLength(12);
    expect(train).not.toContain('Please format');
    for (const row of heldout) expect(train).not.toContain(`"taskId":"${JSON.parse(row).taskId}"`);
    expect(result.offline.lam2!.heldout!.steps).toBe(12);
    expect(result.offline.lam2!.test!.tasks).toBe(6);
  });

  it('resumes: a second run trains nothing again and keeps the exported model', async () => {
    const model = join(out, 'lam2', 'onnx', 'model.onnx');
    const before = readFileSync(model).length;
    const again: string[] = [];
    await trainCommand({ config, out }, { log: (l) => again.push(l) });
    expect(again.some((l) => l.startsWith('data: kept from before'))).toBe(true);
    expect(again.some((l) => /phase \d: step/.test(l))).toBe(false);
    expect(readFileSync(model).length).toBe(before);
  }, 120_000);
});

describe('the committed dataset, rendered', () => {
  const repo = join(import.meta.dirname, '../../../..');
  const dataset = join(repo, 'datasets', 'office');
  const data = join(mkdtempSync(join(tmpdir(), 'lam-train-leak-')), 'data');
  let counts: Record<string, number>;
  beforeAll(async () => {
    const config = TrainConfig.parse({
      name: 'leak',
      data: { datasets: [dataset], help: false },
      training: {},
    });
    counts = await renderTrainingData(config, repo, data, { log: () => {} });
  }, 120_000);

  it('keeps the held-out split out: no held-out task, request or start document reaches a training file', () => {
    expect(counts.phase2Train).toBeGreaterThan(500);
    expect(counts.phase2Heldout).toBeGreaterThan(100);

    const train = ['phase1/train.jsonl', 'phase2/train.jsonl']
      .map((f) => readFileSync(join(data, f), 'utf8'))
      .join('');
    const suite = JSON.parse(readFileSync(join(dataset, 'heldout-suite', 'suite.json'), 'utf8')) as {
      tasks: { id: string; request: string; start: { file: string } }[];
    };
    expect(suite.tasks.length).toBeGreaterThan(50);
    for (const task of suite.tasks) {
      expect(train).not.toContain(`"taskId":"${task.id}"`);
      expect(train).not.toContain(JSON.stringify(task.request).slice(1, -1));
      expect(train).not.toContain(
        task.start.file
          .split('/')
          .at(-1)!
          .replace(/\.\w+$/, ''),
      );
    }
    for (const row of readFileSync(join(data, 'phase2', 'heldout.jsonl'), 'utf8')
      .trim()
      .split('\n'))
      expect(train).not.toContain(`"taskId":"${JSON.parse(row).taskId}"`);
  });

  it('carries what the agent constraint needs, and no expert step is a selection right after one', () => {
    const rows = ['train', 'test', 'heldout'].flatMap((split) =>
      readFileSync(join(data, 'phase2', `${split}.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as { request?: string; previous?: PreviousStep; messages: { content: string }[] },
        ),
    );
    const selects = (name: string) => defaultActionRegistry.get(name)?.selects === true;
    let afterSelection = 0;
    for (const row of rows) {
      expect(row.request).toBeTruthy();
      const expected = JSON.parse(row.messages.at(-1)!.content) as { function: string };
      if (row.previous?.ok && selects(row.previous.function)) {
        afterSelection++;
        expect(selects(expected.function), row.request).toBe(false);
      }
    }
    expect(afterSelection).toBeGreaterThan(500);
  });
});
