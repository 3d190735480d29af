import { createScriptedModel } from '@lam/runtime/scripted';
import { PlanningEvalRecord } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { llmStepMatcher } from '../judges/planning-judge';
import {
  aggregatePlanning,
  lexicalStepMatcher,
  type PlanningTask,
  planningMetrics,
  stepTokens,
} from './planning-metrics';

const border: PlanningTask = {
  taskId: 'word_1',
  task: 'Add a border to a page in Word',
  referencePlan: [
    '1. Go to the Design tab.',
    '2. Click Page Borders.',
    '3. Choose a border style and click OK.',
  ],
  predictedPlan: ['Open the Design tab', 'Click on Page Borders', 'Pick a colour', 'Press OK'],
};

describe('lexicalStepMatcher', () => {
  it('normalises steps into word stems', () => {
    expect(stepTokens('2. Click the Page Borders.')).toEqual(['click', 'page', 'border']);
  });

  it('pairs steps one to one by word overlap and gives precision and recall', async () => {
    const m = await planningMetrics([border], { matcher: lexicalStepMatcher() });
    const r = m.records[0]!;
    expect(r.judgement.similarItems).toEqual([
      'Click on Page Borders / 2. Click Page Borders.',
      'Open the Design tab / 1. Go to the Design tab.',
    ]);
    expect(r.precision).toBe(2 / 4);
    expect(r.recall).toBe(2 / 3);
    expect(r.success).toBe(false); // one reference step is not covered
    expect(() => PlanningEvalRecord.parse(r)).not.toThrow();
    const lenient = await planningMetrics([border], { matcher: lexicalStepMatcher({ successRecall: 0.6 }) });
    expect(lenient.taskSuccessRate).toBe(1);
  });

  it('averages per task (macro) or over items (micro)', async () => {
    const exact: PlanningTask = {
      taskId: 'w2',
      task: 't',
      predictedPlan: ['Click Bold'],
      referencePlan: ['Click Bold'],
    };
    const tasks = [border, exact];
    const macro = await planningMetrics(tasks, { matcher: lexicalStepMatcher() });
    expect(macro.stepPrecision).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(macro.stepRecall).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(macro.taskSuccessRate).toBe(0.5);
    const micro = await planningMetrics(tasks, { matcher: lexicalStepMatcher(), averaging: 'micro' });
    expect(micro.stepPrecision).toBeCloseTo(3 / 5, 12);
    expect(micro.stepRecall).toBeCloseTo(3 / 4, 12);
    expect(aggregatePlanning(micro.records, 'micro')).toMatchObject({ stepPrecision: micro.stepPrecision });
  });

  it('gives zeros, not NaN, for empty plans and no tasks', async () => {
    const empty: PlanningTask = { taskId: 'e', task: 't', predictedPlan: [], referencePlan: ['Click Bold'] };
    const m = await planningMetrics([empty], { matcher: lexicalStepMatcher() });
    expect(m).toMatchObject({ taskSuccessRate: 0, stepPrecision: 0, stepRecall: 0 });
    expect(await planningMetrics([], { matcher: lexicalStepMatcher() })).toMatchObject({
      tasks: 0,
      stepRecall: 0,
    });
  });
});

const judgeAnswer = (
  solves1: 'Yes' | 'No',
  solves2: 'Yes' | 'No',
  items1: string[],
  items2: string[],
  similar: string[],
) =>
  JSON.stringify({
    Subtask1: solves1,
    Subtask2: solves2,
    Subtask3: {
      'Action items in Answer1': items1,
      'Action items in Answer2': items2,
      'Similar action items': similar,
      'Count of similar action items': similar.length,
    },
    Subtask4: { 'More helpful assistant': '2', Reason: 'It is complete.' },
  });

describe('llmStepMatcher with the planning-judge prompt', () => {
  it('reads success, items and similar pairs from the judge, in either answer order', async () => {
    const model = createScriptedModel([
      // Task 0: prediction is Answer1 (alternate order, even index).
      judgeAnswer(
        'Yes',
        'Yes',
        ['open Design', 'click Page Borders', 'click OK'],
        ['go to Design', 'click Page Borders'],
        ['open Design / go to Design', 'click Page Borders / click Page Borders'],
      ),
      // Task 1: prediction is Answer2; the first answer does not parse and is asked again.
      'I think both are fine.',
      judgeAnswer('Yes', 'No', ['click Bold', 'save'], ['click Italic'], []),
    ]);
    const exact: PlanningTask = {
      taskId: 'w2',
      task: 'Make it bold',
      predictedPlan: ['Click Italic'],
      referencePlan: ['Click Bold', 'Save'],
    };
    const m = await planningMetrics([border, exact], {
      matcher: llmStepMatcher({ model, order: 'alternate' }),
      concurrency: 1,
    });
    expect(model.remaining).toBe(0);
    const [a, b] = m.records;
    expect(a).toMatchObject({ success: true, precision: 2 / 3, recall: 1, predictionIsAnswer: '1' });
    expect(b).toMatchObject({ success: false, precision: 0, recall: 0, predictionIsAnswer: '2' });
    // The record keeps the prediction's items first whatever the slot.
    expect(b!.judgement.actionItems1).toEqual(['click Italic']);
    expect(b!.judgement.answer1Solves).toBe(false);
    expect(m.taskSuccessRate).toBe(0.5);
  });

  it('throws the parse error when no answer parses', async () => {
    const model = createScriptedModel(['no json here', 'still none']);
    await expect(planningMetrics([border], { matcher: llmStepMatcher({ model }) })).rejects.toMatchObject({
      name: 'LAM_OutputParseError',
    });
  });
});
