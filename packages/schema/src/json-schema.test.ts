import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAM_ValidationError } from './errors';
import { jsonSchemas, SCHEMAS, type SchemaName, toJsonSchema } from './json-schema';
import { arbitraryOf } from './test-utils/zod-arbitrary';
import { safeValidate, validate } from './validate';

const names = Object.keys(SCHEMAS) as SchemaName[];

describe('every schema', () => {
  it.each(names)('%s round-trips through JSON', (name) => {
    const schema = SCHEMAS[name];
    fc.assert(
      fc.property(arbitraryOf(schema, { maxDepth: 7 }), (value) => {
        const parsed = schema.parse(value);
        const text = JSON.stringify(parsed);
        const again = schema.parse(JSON.parse(text));
        expect(again).toStrictEqual(parsed);
        expect(JSON.stringify(again)).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it.each(names)('%s answers malformed input with LAM_ValidationError, never a crash', (name) => {
    const schema = SCHEMAS[name];
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (value) => {
        const result = safeValidate(schema, value, { record: name });
        if (!result.success) {
          expect(LAM_ValidationError.isInstance(result.error)).toBe(true);
          expect(result.error.issues.length).toBeGreaterThan(0);
          expect(result.error.message).toContain(`Invalid ${name}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('exports a JSON Schema for every schema, in both dialects and both directions', () => {
    const all = jsonSchemas();
    expect(Object.keys(all).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(all[name].title).toBe(name);
      expect(JSON.parse(JSON.stringify(all[name]))).toEqual(all[name]);
    }
    const draft7 = jsonSchemas({ target: 'draft-07', io: 'input' });
    expect(draft7.Step.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // Fields with defaults are required in the output shape, optional in the input shape.
    expect(toJsonSchema(SCHEMAS.Step).required).toContain('timings');
    expect(toJsonSchema(SCHEMAS.Step, { io: 'input' }).required).not.toContain('timings');
  });
});

describe('the exported JSON Schemas', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const exported = jsonSchemas();

  it.each(names)('%s accepts every record the zod schema outputs', (name) => {
    const check = ajv.compile(exported[name]);
    fc.assert(
      fc.property(arbitraryOf(SCHEMAS[name], { maxDepth: 6 }), (value) => {
        const parsed = JSON.parse(JSON.stringify(SCHEMAS[name].parse(value)));
        expect(check(parsed), JSON.stringify(check.errors)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('validation errors', () => {
  it('name the record, the file, the line and every field path', () => {
    const step = { index: 0, decision: { thought: 'x', controlLabel: 1, status: 'DONE' }, extraField: true };
    let error: unknown;
    try {
      validate(SCHEMAS.Step, step, { record: 'Step', file: 'run.jsonl', line: 7 });
    } catch (e) {
      error = e;
    }
    expect(LAM_ValidationError.isInstance(error)).toBe(true);
    const e = error as LAM_ValidationError;
    expect(e.record).toBe('Step');
    expect(e.file).toBe('run.jsonl');
    expect(e.line).toBe(7);
    const paths = e.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['index', 'decision.controlLabel', 'decision.status', 'decision.plan', '']),
    );
    expect(e.message).toContain('Invalid Step at run.jsonl:7');
    expect(e.message).toContain('decision.status');
    expect(e.message).toContain('unknown field "extraField"');
    expect(e.message).toContain('missing required field');
  });
});
