import { type Decision, LAM_ConversionError, LAM_ValidationError } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { trajectory } from '../__fixtures__/steps';
import {
  columnLetters,
  documentParagraphs,
  formatDocumentLines,
  sheetOf,
  sheetRanges,
} from '../format/document';
import { parseDecision } from '../parse/decision';
import {
  decisionInputsFromTrajectory,
  formatDecisionOutput,
  lamDecisionTemplate,
  renderDecisionPrompt,
  renderDecisionSample,
} from './lam-decision';

describe('decision training samples', () => {
  it('appends the decision in the seven paper keys, and parses back to the same decision', () => {
    const step = trajectory.steps[1]!;
    const inputs = decisionInputsFromTrajectory(trajectory, { step: 2 });
    const messages = renderDecisionSample({ ...inputs, output: step.decision });
    expect(messages.slice(0, 2)).toEqual(renderDecisionPrompt(inputs));
    expect(messages[2]).toEqual({
      role: 'assistant',
      content:
        '{"thought": "Bold applies to the selection.", "control_label": "2", "control_name": "Bold", "function": "click_input", "args": {"button": "left", "double": false}, "status": "CONTINUE", "plan": ["Type the subtitle \'Q3\' below the title."]}',
    });
    expect(lamDecisionTemplate.parse(messages[2]!.content as string)).toEqual(step.decision);
  });

  it('leaves out fields the paper format has no place for', () => {
    const decision: Decision = { ...trajectory.steps[2]!.decision, comment: 'all done' };
    expect(formatDecisionOutput(decision)).not.toContain('comment');
    expect(parseDecision(formatDecisionOutput(decision))).toEqual(trajectory.steps[2]!.decision);
  });

  it('refuses a sample whose output is not a decision', () => {
    expect(() =>
      renderDecisionSample({ controls: [], request: 'x', output: { status: 'DONE' } as unknown as Decision }),
    ).toThrow(LAM_ValidationError);
  });
});

describe('decisionInputsFromTrajectory', () => {
  it('rebuilds the prompt inputs of a step: controls, request, earlier steps and the last plan', () => {
    const inputs = decisionInputsFromTrajectory(trajectory, { step: 3 });
    expect(inputs.request).toBe(trajectory.request);
    expect(inputs.controls).toHaveLength(4);
    expect(inputs.stepHistory).toHaveLength(2);
    expect(inputs.previousPlan).toEqual(["Type the subtitle 'Q3' below the title."]);
    expect(decisionInputsFromTrajectory(trajectory, { step: 1 })).toMatchObject({
      stepHistory: [],
      previousPlan: [],
    });
  });

  it('says which step is missing or has no control list', () => {
    expect(() => decisionInputsFromTrajectory(trajectory, { step: 9 })).toThrow(
      /no step with index 9 \(indexes: 1, 2, 3\)/,
    );
    const bare = { ...trajectory, steps: [{ ...trajectory.steps[0]!, observation: undefined }] };
    let error: unknown;
    try {
      decisionInputsFromTrajectory(bare, { step: 1 });
    } catch (e) {
      error = e;
    }
    expect(LAM_ConversionError.isInstance(error)).toBe(true);
    expect((error as LAM_ConversionError).path).toEqual(['steps', 0, 'observation', 'controls']);
  });
});

describe('the compact style', () => {
  it('renders the same inputs in a short form: functions of the app, one line per control, step and planned step', () => {
    const inputs = decisionInputsFromTrajectory(trajectory, { step: 2 });
    const [system, user] = renderDecisionPrompt(inputs, { style: 'compact', app: 'writer' });
    expect(system!.content).toMatch(/^You act in writer, one function call on one listed control per step\./);
    expect(system!.content).toContain('status (CONTINUE or FINISH)');
    expect(system!.content).toContain('select_text');
    expect(system!.content).not.toContain('set_cell_values');
    const text = user!.content as string;
    expect(text.startsWith(`Request: ${trajectory.request}\nControls:\n[1] `)).toBe(true);
    expect(text).toContain('[2] Button "Bold"');
    expect(text).toMatch(/\nDone:\n1\. select_text\(text='[^']+'\): /);
    expect(text).toMatch(/\nPlan:\n- /);
    const paper = renderDecisionPrompt(inputs);
    expect(text.length + (system!.content as string).length).toBeLessThan(
      ((paper[0]!.content as string).length + (paper[1]!.content as string).length) / 3,
    );
  });

  it('answers with the control name before its label, as the system message says', () => {
    const inputs = decisionInputsFromTrajectory(trajectory, { step: 2 });
    const output = trajectory.steps[1]!.decision;
    const sample = renderDecisionSample({ ...inputs, output }, { style: 'compact', app: 'writer' });
    expect(sample[0]!.content).toContain('Reply with one JSON object: thought, control_name, control_label,');
    const answer = sample[2]!.content as string;
    expect(Object.keys(JSON.parse(answer))).toEqual([
      'thought',
      'control_name',
      'control_label',
      'function',
      'args',
      'status',
      'plan',
    ]);
    expect(JSON.parse(answer)).toEqual(JSON.parse(formatDecisionOutput(output)));
    expect(Object.keys(JSON.parse(formatDecisionOutput(output))).slice(0, 3)).toEqual([
      'thought',
      'control_label',
      'control_name',
    ]);
  });

  it('says when nothing was done and nothing is planned', () => {
    const [, user] = renderDecisionPrompt({ request: 'Save.', controls: [] }, { style: 'compact' });
    expect(user!.content).toBe('Request: Save.\nControls:\n\nDone: nothing yet\nPlan: none');
  });
});

describe('the document section', () => {
  it('numbers a text document paragraph by paragraph, as "the third paragraph" counts them', () => {
    const lines = formatDocumentLines('Notice\nThe lift is closed.\n\nCall Ana.');
    expect(lines).toEqual(['1 Notice', '2 The lift is closed.', '3', '4 Call Ana.']);
    expect(documentParagraphs('Notice\nThe lift is closed.')).toEqual(['Notice', 'The lift is closed.']);
    const [, user] = renderDecisionPrompt(
      { request: 'Bold the second paragraph.', controls: [], document: lines },
      { style: 'compact' },
    );
    expect(user!.content).toBe(
      'Request: Bold the second paragraph.\nDocument:\n1 Notice\n2 The lift is closed.\n3\n4 Call Ana.\nControls:\n\nDone: nothing yet\nPlan: none',
    );
    const [, paper] = renderDecisionPrompt({ request: 'Bold it.', controls: [], document: lines });
    expect(paper!.content).toContain('<User Request:> Bold it.\n<Document:>\n1 Notice\n');
  });

  it('shows a sheet under its column letters with its row numbers, and lists the ranges a decision may name', () => {
    const text = 'Sheet Trip, used range B2:C4:\nItem\tCost\nTaxi\t12\nHotel\t80';
    expect(formatDocumentLines(text)).toEqual([
      'Sheet Trip',
      '  | B | C',
      '2 | Item | Cost',
      '3 | Taxi | 12',
      '4 | Hotel | 80',
    ]);
    const sheet = sheetOf(text)!;
    expect(sheet).toMatchObject({ sheet: 'Trip', firstColumn: 1, firstRow: 2, lastColumn: 2, lastRow: 4 });
    const ranges = sheetRanges(sheet);
    for (const r of ['B2:C2', 'B3:C3', 'B5:C5', 'C3:C4', 'B2:B4', 'D3:D4', 'B3:C4', 'B2:C4', 'C3', 'D5'])
      expect(ranges).toContain(r);
    expect(ranges).not.toContain('A1');
    expect(sheetOf('Sheet Empty, used range A1:\n')).toMatchObject({ lastColumn: 0, lastRow: 1 });
    expect(sheetOf('Just a paragraph.')).toBeUndefined();
    expect(columnLetters(27)).toBe('AB');
  });
});
