import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryEnvironment } from '@lam/grounding/testing';
import { type ChatMessage, type GenerateOptions, type JsonSchema, matchesConstraint } from '@lam/runtime';
import { createScriptedModel } from '@lam/runtime/scripted';
import { collectTrajectories, defaultActionRegistry, readJsonl, type TrajectoryLogRecord } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { stepSamples } from '../commands/train';
import { runAgent } from './agent-loop';
import {
  argumentSchemas,
  cellReferences,
  contextValues,
  functionNamesFor,
  type PreviousStep,
  quotedPhrases,
  stepConstraint,
} from './step-prompt';

const answer = (o: Record<string, unknown>) =>
  JSON.stringify({
    thought: '',
    control_label: '',
    control_name: '',
    function: '',
    args: {},
    status: 'CONTINUE',
    plan: [],
    ...o,
  });

describe('one prompt for training and serving', () => {
  it('renders a training sample of a recorded step exactly as the agent rendered its prompt at run time', async () => {
    // 60 controls, some focused or disabled, so that the budget of 120 tokens leaves most out.
    const controls = Array.from({ length: 60 }, (_, i) => ({
      name: i === 41 ? 'Bold' : `Tool ${i}`,
      type: i % 3 === 0 ? 'Edit' : 'Button',
      ...(i % 7 === 0 ? { states: { focused: true } } : i % 5 === 0 ? { states: { enabled: false } } : {}),
    }));
    const environment = createMemoryEnvironment({
      application: 'writer',
      controls,
      canvasText: 'Title\nThe quarterly figures are in.',
    });
    const observed = await environment.observe();
    const bold = observed.controls.find((c) => c.name === 'Bold')!;
    const scripted = createScriptedModel([
      answer({
        thought: 'Select it.',
        function: 'select_text',
        args: { text: 'Title' },
        plan: ['Click Bold.'],
      }),
      answer({
        control_label: bold.label,
        control_name: 'Bold',
        function: 'click_input',
        args: { button: 'left', double: false },
        status: 'FINISH',
      }),
    ]);
    const seen: ChatMessage[][] = [];
    const constraints: JsonSchema[] = [];
    const model = Object.assign(Object.create(scripted), {
      generate: (options: GenerateOptions) => {
        seen.push(options.messages);
        if (options.constraint) constraints.push(options.constraint);
        return scripted.generate(options);
      },
    });
    const trajectoryFile = join(mkdtempSync(join(tmpdir(), 'lam-prompt-')), 'trajectory.jsonl');
    const prompt = { style: 'compact' as const, controlTokens: 120, documentTokens: 60 };
    const run = await runAgent({
      request: 'Make the title bold.',
      environment,
      model,
      trajectoryFile,
      app: 'writer',
      prompt,
      constrainArgs: true,
    });
    expect(run.status).toBe('finished');

    const records: TrajectoryLogRecord[] = [];
    for await (const r of readJsonl(trajectoryFile)) records.push(r as TrajectoryLogRecord);
    const [trajectory] = collectTrajectories(records);
    const samples = [...stepSamples(trajectory!, 'train', { prompt })];
    expect(samples).toHaveLength(2);
    for (const [i, sample] of samples.entries()) {
      if (sample === 'cut') throw new Error('the budget cut the step');
      expect(sample.messages.slice(0, -1)).toEqual(seen[i]);
      const target = sample.messages.at(-1)!.content;
      expect(JSON.parse(target).function).toBe(i === 0 ? 'select_text' : 'click_input');
      // The compact answer names the control before its label, and the agent's constraint at that step
      // takes it, but not the same answer with another control's label.
      expect(Object.keys(JSON.parse(target)).slice(0, 3)).toEqual([
        'thought',
        'control_name',
        'control_label',
      ]);
      expect(matchesConstraint(constraints[i]!, target)).toBe(true);
    }
    const other = samples[1] !== 'cut' && samples[1]!.messages.at(-1)!.content;
    expect(matchesConstraint(constraints[1]!, (other as string).replace(`"${bold.label}"`, '"1"'))).toBe(
      false,
    );
    // The document is shown, numbered, and the text to select is one of its paragraphs.
    expect(seen[0]!.at(-1)!.content).toContain('\nDocument:\n1 Title\n2 The quarterly figures are in.\n');
    const first = samples[0] !== 'cut' && samples[0]!.messages.at(-1)!.content;
    expect(matchesConstraint(constraints[0]!, (first as string).replace('"Title"', '"Titles"'))).toBe(false);
    // The budget did cut the list (and kept the control the request names).
    const listed = (seen[1]!.at(-1)!.content as string).match(/^\[\d+\] /gm)!.length;
    expect(listed).toBeLessThan(60);
    expect(seen[1]!.at(-1)!.content).toContain('"Bold"');
  });
});

/** The agent's constraint of one step in an application, with the default registry's argument schemas. */
function constraintFor(
  app: string,
  context: { request: string; previous?: PreviousStep; document?: string },
): JsonSchema {
  const registry = defaultActionRegistry;
  const functionNames = functionNamesFor(registry, app);
  return stepConstraint({
    controls: [{ label: '1', name: 'Bold' }],
    style: 'compact',
    functionNames,
    statuses: ['CONTINUE', 'FINISH'],
    functionArgs: argumentSchemas(registry, [...functionNames, '']),
    ...context,
  });
}

/** A compact answer calling `fn` with `args` (on no control unless one is given). */
const decision = (fn: string, args: Record<string, unknown>, control = { name: '', label: '' }) =>
  JSON.stringify({
    thought: 'x',
    control_name: control.name,
    control_label: control.label,
    function: fn,
    args,
    status: 'CONTINUE',
    plan: [],
  });

describe('the text a decision selects', () => {
  const constraint = (request: string) => constraintFor('writer', { request });
  const select = (text: string) => decision('select_text', { text });

  it('finds the phrases a request quotes', () => {
    expect(quotedPhrases('Make "Budget 2027" bold and “Q3” italic, then "Budget 2027" red')).toEqual([
      'Budget 2027',
      'Q3',
    ]);
    expect(quotedPhrases('Make the title bold')).toEqual([]);
  });

  it('is one of the quoted phrases when the request quotes any, and free otherwise', () => {
    const quoted = constraint('Make "Budget 2027" bold.');
    expect(matchesConstraint(quoted, select('Budget 2027'))).toBe(true);
    expect(matchesConstraint(quoted, select('Budget 2026'))).toBe(false);
    expect(matchesConstraint(constraint('Make the title bold.'), select('Budget 2026'))).toBe(true);
  });
});

describe('the cells a decision selects', () => {
  const constraint = (request: string, previous?: PreviousStep) =>
    constraintFor('calc', { request, ...(previous ? { previous } : {}) });
  it('finds the cells and ranges a request names', () => {
    expect(cellReferences('Sort A2:C5 by B, then put =SUM(B2:B5) in B6 and bold A2:C5')).toEqual([
      'A2:C5',
      'B2:B5',
      'B6',
    ]);
    expect(cellReferences('Make the header row bold')).toEqual([]);
  });

  it('is one of the named ranges when the request names any, and free otherwise', () => {
    const named = constraint('Show C2:C6 as money.');
    expect(matchesConstraint(named, decision('select_range', { range: 'C2:C6' }))).toBe(true);
    expect(matchesConstraint(named, decision('select_range', { range: 'A1:C1' }))).toBe(false);
    // Only the declared argument is bound: where to write is free.
    expect(matchesConstraint(named, decision('set_cell_values', { start: 'D1', values: [[1]] }))).toBe(true);
    expect(
      matchesConstraint(constraint('Bold the header row.'), decision('select_range', { range: 'A1:C1' })),
    ).toBe(true);
  });

  it('rules out a second selection right after one that worked, and not after one that failed', () => {
    const request = 'Make the header row bold.';
    const select = decision('select_range', { range: 'A1:C1' });
    const click = decision('click_input', { button: 'left', double: false }, { name: 'Bold', label: '1' });
    const afterSelection = constraint(request, { function: 'select_range', ok: true });
    expect(matchesConstraint(afterSelection, select)).toBe(false);
    expect(matchesConstraint(afterSelection, click)).toBe(true);
    expect(matchesConstraint(constraint(request, { function: 'select_range', ok: false }), select)).toBe(
      true,
    );
    expect(matchesConstraint(constraint(request, { function: 'click_input', ok: true }), select)).toBe(true);
    expect(matchesConstraint(constraint(request), select)).toBe(true);
  });
});

describe('values from the shown document', () => {
  it('takes what the request writes, or else the paragraphs of a text document and the ranges of a sheet', () => {
    const notice = 'Notice\nThe lift is closed.\n\n';
    expect(contextValues('Bold "the lift".', notice)).toEqual({ text: ['the lift'], cells: [] });
    expect(contextValues('Bold the second paragraph.', notice)).toEqual({
      text: ['Notice', 'The lift is closed.'],
      cells: [],
    });
    const trip = 'Sheet Trip, used range A1:C3:\nItem\tCost\tTip\nTaxi\t12\t2\nHotel\t80\t5';
    expect(contextValues('Sort A2:C3.', trip)).toEqual({ text: [], cells: ['A2:C3'] });
    const sheet = contextValues('Clear the row for Taxi.', trip);
    for (const r of ['A2:C2', 'A3:C3', 'A4:C4', 'C2:C3', 'D2:D3', 'B4']) expect(sheet.cells).toContain(r);
    expect(contextValues(undefined, undefined)).toEqual({ text: [], cells: [] });
  });

  it('binds the row to select in a sheet the prompt showed, even when the request names no cell', () => {
    const constraint = constraintFor('calc', {
      request: 'Clear the row for Taxi.',
      document: 'Sheet Trip, used range A1:B3:\nItem\tCost\nTaxi\t12\nHotel\t80',
    });
    const select = (range: string) => decision('select_range', { range });
    expect(matchesConstraint(constraint, select('A2:B2'))).toBe(true);
    expect(matchesConstraint(constraint, select('A9:B9'))).toBe(false);
  });
});
