import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toJsonSchema } from './json-schema';
import { isJsonValue, JsonValue } from './json-value';
import { jsonValue } from './test-utils/zod-arbitrary';
import { Step } from './trajectory';
import { safeValidate } from './validate';

const decision = {
  thought: 'Click Bold.',
  controlLabel: '3',
  controlName: 'Bold',
  function: 'click_input',
  args: { button: 'left' },
  status: 'CONTINUE',
  plan: [],
};

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('JsonValue', () => {
  it('accepts every JSON value, and gives it back as it is', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(isJsonValue(value)).toBe(true);
        const result = JsonValue.safeParse(value);
        expect(result.success).toBe(true);
        expect(result.data).toBe(value);
      }),
      { numRuns: 200 },
    );
    expect(JsonValue.safeParse(Object.create(null)).success).toBe(true);
  });

  it('accepts and refuses exactly what z.json() does', () => {
    const reference = z.json();
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3, withNullPrototype: true, withSparseArray: true }), (value) => {
        expect(JsonValue.safeParse(value).success).toBe(reference.safeParse(value).success);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['NaN', Number.NaN, 'NaN'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['undefined', undefined, 'undefined'],
    ['a function', () => 1, 'a function'],
    ['a bigint', 1n, 'a bigint'],
    ['a Date', new Date(0), 'a Date'],
    ['a class instance', new Point(1, 2), 'a Point'],
    ['a Map', new Map(), 'a Map'],
  ])('refuses %s, naming it', (_, value, what) => {
    const result = JsonValue.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(`not a JSON value (${what})`);
  });

  it('refuses symbol keys, holes and reference cycles without overflowing the stack', () => {
    expect(JsonValue.safeParse({ [Symbol('s')]: 1 }).success).toBe(false);
    const holey = [1, 2, 3];
    delete holey[1];
    expect(JsonValue.safeParse(holey).success).toBe(false);
    const cyclic: Record<string, unknown> = { a: [1] };
    (cyclic.a as unknown[]).push({ back: cyclic });
    const result = JsonValue.safeParse(cyclic);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['a', 1, 'back'] });
    expect(result.error?.issues[0]?.message).toContain('a reference cycle');
  });

  it('names the full path of the offending value inside a record', () => {
    const step = { index: 1, decision: { ...decision, args: { points: [{ x: 1 }, { x: Number.NaN }] } } };
    const result = safeValidate(Step, step, { record: 'Step', file: 'run.jsonl', line: 3 });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues.map((i) => i.path)).toEqual([['decision', 'args', 'points', 1, 'x']]);
    expect(result.error.message).toContain('Invalid Step at run.jsonl:3');
    expect(result.error.message).toContain('decision.args.points[1].x: not a JSON value (NaN)');
  });

  it('is one recursive JSON Schema definition, in both dialects', () => {
    const schema = toJsonSchema(z.strictObject({ a: JsonValue, b: z.array(JsonValue).optional() }));
    expect(schema.properties).toEqual({
      a: { $ref: '#/$defs/JsonValue' },
      b: { type: 'array', items: { $ref: '#/$defs/JsonValue' } },
    });
    const defs = schema.$defs as Record<string, { anyOf: unknown[] }>;
    expect(defs.JsonValue?.anyOf).toContainEqual({ type: 'array', items: { $ref: '#/$defs/JsonValue' } });
    const draft7 = toJsonSchema(JsonValue, { target: 'draft-07' });
    expect(draft7.$ref).toBe('#/definitions/JsonValue');
    expect(Object.keys(draft7.definitions as object)).toEqual(['JsonValue']);
  });
});
