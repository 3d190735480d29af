import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataflowRecord, executionOutcome, TaskPlanPair } from './dataset';
import { LAM_ConversionError, LAM_ValidationError, LamError } from './errors';
import {
  fromPaperPlanningJudgement,
  fromPaperTaskActionEvaluation,
  PaperPlanningJudgement,
  PaperTaskActionEvaluation,
  toPaperPlanningJudgement,
  toPaperTaskActionEvaluation,
} from './evaluation';
import { arbitraryOf } from './test-utils/zod-arbitrary';
import {
  fromPaperTaskPlanPair,
  fromUfoDataflowRecord,
  fromUfoDataflowTask,
  instantiatedTaskFromRecord,
  PaperTaskPlanPair,
  toPaperTaskPlanPair,
  toUfoDataflowRecord,
  toUfoDataflowTask,
  UfoDataflowRecord,
  UfoDataflowTask,
} from './ufo';

/** Drops empty `extra` / `metadata` objects, which the adapters treat as absent. */
function withoutEmptyExtras<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, v) =>
      (key === 'extra' || key === 'metadata') &&
      v !== null &&
      typeof v === 'object' &&
      Object.keys(v).length === 0
        ? undefined
        : v,
    ),
  ) as T;
}

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8'));

// JSON Schemas re-typed by hand from PAPER.md §2.5 and §2.6 (UFO's draft-07 schemas).
const ajv = new Ajv({ allErrors: true, strict: false });
const validateInstantiation = ajv.compile(fixture('ufo-instantiation.schema.json') as object);
const validateExecution = ajv.compile(fixture('ufo-execution.schema.json') as object);

/** UFO records in instantiation form: no execution result, steps without execution fields. */
const ufoInstantiationRecord = arbitraryOf(UfoDataflowRecord, { looseExtras: true, maxDepth: 8 }).map((r) => {
  const rec = structuredClone(r) as Record<string, unknown> & UfoDataflowRecord;
  if (rec.execution_result !== null) rec.execution_result = { result: null, error: null };
  const plan = rec.instantiation_result.prefill?.result?.instantiated_plan;
  for (const step of plan ?? []) {
    delete step.Success;
    delete step.MatchedControlText;
  }
  return rec;
});

/** UFO records in execution form: every field the execution schema requires is present. */
const ufoExecutionRecord = arbitraryOf(UfoDataflowRecord, { looseExtras: true, maxDepth: 8 }).map((r) => {
  const rec = structuredClone(r) as UfoDataflowRecord;
  for (const step of rec.instantiation_result.prefill?.result?.instantiated_plan ?? []) {
    if (!('Success' in step)) step.Success = null;
    if (!('MatchedControlText' in step)) step.MatchedControlText = null;
  }
  if (!('execute' in rec.time_cost)) rec.time_cost.execute = null;
  if (!('execute_eval' in rec.time_cost)) rec.time_cost.execute_eval = null;
  return rec;
});

describe('UFO dataflow records', () => {
  it('import → export reproduces the real-shaped fixtures exactly', () => {
    for (const name of ['ufo-execution-record.json', 'ufo-instantiation-record.json']) {
      const ufo = fixture(name);
      const record = fromUfoDataflowRecord(ufo);
      expect(DataflowRecord.parse(record)).toStrictEqual(record);
      expect(toUfoDataflowRecord(record)).toStrictEqual(ufo);
      expect(JSON.stringify(toUfoDataflowRecord(record))).toBe(JSON.stringify(ufo));
    }
    const exec = fromUfoDataflowRecord(fixture('ufo-execution-record.json'));
    expect(executionOutcome(exec)).toBe('pass');
    expect(exec.instantiation.prefill?.result?.plan?.[0]).toEqual({
      step: 1,
      subtask: 'Open the Design tab',
      controlLabel: '13',
      controlText: 'Design',
      function: 'click_input',
      args: { button: 'left', double: false },
      success: true,
      matchedControlText: 'Design',
    });
    expect(validateExecution(toUfoDataflowRecord(exec))).toBe(true);
    const inst = fromUfoDataflowRecord(fixture('ufo-instantiation-record.json'));
    expect(executionOutcome(inst)).toBe('not-executed');
    expect(validateInstantiation(toUfoDataflowRecord(inst))).toBe(true);
  });

  it('are generated with plans and unknown keys at every level (the properties below see them)', () => {
    const samples = fc.sample(ufoExecutionRecord, { numRuns: 200, seed: 42 });
    const plans = samples.flatMap((r) => r.instantiation_result.prefill?.result?.instantiated_plan ?? []);
    expect(plans.length).toBeGreaterThan(20);
    expect(plans.some((s) => Object.keys(s).some((k) => k.startsWith('x_')))).toBe(true);
    expect(samples.some((r) => Object.keys(r).some((k) => k.startsWith('x_')))).toBe(true);
    expect(samples.some((r) => r.execution_result?.result != null)).toBe(true);
  });

  it('instantiation records round-trip and the export passes the §2.5 JSON Schema', () => {
    fc.assert(
      fc.property(ufoInstantiationRecord, (ufo) => {
        const exported = toUfoDataflowRecord(fromUfoDataflowRecord(ufo));
        expect(exported).toStrictEqual(ufo);
        expect(validateInstantiation(exported), JSON.stringify(validateInstantiation.errors)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('execution records round-trip and the export passes the §2.6 JSON Schema', () => {
    fc.assert(
      fc.property(ufoExecutionRecord, (ufo) => {
        const exported = toUfoDataflowRecord(fromUfoDataflowRecord(ufo));
        expect(exported).toStrictEqual(ufo);
        expect(validateExecution(exported), JSON.stringify(validateExecution.errors)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('camelCase records round-trip through UFO JSON, or refuse an extra key that would collide', () => {
    fc.assert(
      fc.property(arbitraryOf(DataflowRecord, { maxDepth: 8 }), (value) => {
        const record = DataflowRecord.parse(value);
        let ufo: unknown;
        try {
          ufo = toUfoDataflowRecord(record);
        } catch (e) {
          expect(LAM_ConversionError.isInstance(e)).toBe(true);
          expect((e as Error).message).toContain('would overwrite');
          return;
        }
        expect(fromUfoDataflowRecord(JSON.parse(JSON.stringify(ufo)))).toStrictEqual(
          withoutEmptyExtras(record),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('say which field of a bad UFO record is wrong, and never crash on garbage', () => {
    const ufo = fixture('ufo-execution-record.json') as { time_cost: Record<string, unknown> };
    ufo.time_cost.total = '32s';
    try {
      fromUfoDataflowRecord(ufo, { file: 'results/execution/execution_pass/5.json' });
      expect.unreachable();
    } catch (e) {
      expect(LAM_ValidationError.isInstance(e)).toBe(true);
      expect((e as Error).message).toContain(
        'UFO dataflow record in results/execution/execution_pass/5.json',
      );
      expect((e as LAM_ValidationError).issues[0]?.path).toEqual(['time_cost', 'total']);
    }
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        try {
          fromUfoDataflowRecord(value);
        } catch (e) {
          expect(LamError.isInstance(e)).toBe(true);
        }
      }),
    );
  });

  it('give the instantiated task of a record, or say why there is none', () => {
    const task = instantiatedTaskFromRecord(fromUfoDataflowRecord(fixture('ufo-instantiation-record.json')));
    expect(task.request).toBe('Delete the text "Hello World" from the document.');
    expect(task.templatePath).toBe('dataflow/results/saved_document/delete_12.docx');
    expect(task.plan).toHaveLength(2);
    expect(task.filter).toEqual({
      judge: true,
      thought: 'A local Word task with an explicit target.',
      type: 'None',
    });
    const failed = fromUfoDataflowRecord(fixture('ufo-instantiation-record.json'));
    failed.instantiation.prefill = { result: null, error: 'model timeout' };
    expect(() => instantiatedTaskFromRecord(failed)).toThrowError(
      /no instantiated plan \(prefill error: model timeout\)/,
    );
  });
});

describe('other UFO and paper formats', () => {
  it('dataflow task inputs round-trip, keeping unknown keys', () => {
    fc.assert(
      fc.property(arbitraryOf(UfoDataflowTask, { looseExtras: true }), (ufo) => {
        const task = fromUfoDataflowTask(ufo, { name: 'watermark_5' });
        expect(task.name).toBe('watermark_5');
        expect(toUfoDataflowTask(task)).toStrictEqual(ufo);
      }),
    );
  });

  it('task-plan pairs round-trip in both directions', () => {
    fc.assert(
      fc.property(arbitraryOf(PaperTaskPlanPair, { looseExtras: true }), (paper) => {
        expect(toPaperTaskPlanPair(fromPaperTaskPlanPair(paper))).toStrictEqual(paper);
      }),
    );
    fc.assert(
      fc.property(arbitraryOf(TaskPlanPair), (value) => {
        const pair = TaskPlanPair.parse(value);
        const metadataKeys = Object.keys(pair.metadata ?? {});
        fc.pre(
          !metadataKeys.some((k) => ['task_id', 'task', 'plan', 'app', 'source', 'evolved_from'].includes(k)),
        );
        expect(fromPaperTaskPlanPair(toPaperTaskPlanPair(pair))).toStrictEqual(withoutEmptyExtras(pair));
      }),
    );
    expect(
      fromPaperTaskPlanPair({
        task_id: 'word_032',
        task: 'Add a border to a page in Word',
        plan: ['1. Go to **Design**.'],
      }),
    ).toEqual({ taskId: 'word_032', task: 'Add a border to a page in Word', plan: ['1. Go to **Design**.'] });
  });

  it('keeps extra keys named like Object.prototype members as plain data', () => {
    const pair = TaskPlanPair.parse({
      taskId: 'w1',
      task: 't',
      plan: [],
      metadata: { valueOf: false, toString: 1, hasOwnProperty: 'x' },
    });
    const paper = toPaperTaskPlanPair(pair);
    expect(Object.keys(paper)).toEqual(['task_id', 'task', 'plan', 'valueOf', 'toString', 'hasOwnProperty']);
    expect(Object.getPrototypeOf(paper)).toBe(Object.prototype);
    expect(fromPaperTaskPlanPair(paper)).toStrictEqual(pair);
  });

  it('App. B.2 evaluations and App. D judgements round-trip with the paper keys', () => {
    fc.assert(
      fc.property(arbitraryOf(PaperTaskActionEvaluation), (paper) => {
        expect(toPaperTaskActionEvaluation(fromPaperTaskActionEvaluation(paper))).toStrictEqual(paper);
      }),
    );
    fc.assert(
      fc.property(arbitraryOf(PaperPlanningJudgement), (paper) => {
        expect(toPaperPlanningJudgement(fromPaperPlanningJudgement(paper))).toStrictEqual(paper);
      }),
    );
  });
});
