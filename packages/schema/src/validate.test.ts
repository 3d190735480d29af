import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SCHEMAS, type SchemaName } from './json-schema';
import { arbitraryOf } from './test-utils/zod-arbitrary';
import { compiledSchema, safeValidate } from './validate';

const names = Object.keys(SCHEMAS) as SchemaName[];

describe('compiledSchema (zod AOT compilation)', () => {
  it('compiles every schema of the package but the recursive control tree', () => {
    const kept = names.filter((name) => compiledSchema(SCHEMAS[name]) === SCHEMAS[name]);
    expect(kept.sort()).toEqual(['Control', 'Observation']);
    expect(compiledSchema(SCHEMAS.Step)).toBe(compiledSchema(SCHEMAS.Step));
  });

  it.each(names)('%s: the compiled schema parses valid records to the same value', (name) => {
    const schema = SCHEMAS[name];
    const compiled = compiledSchema(schema);
    fc.assert(
      fc.property(arbitraryOf(schema, { maxDepth: 6 }), (value) => {
        expect(compiled.parse(value)).toStrictEqual(schema.parse(value));
      }),
      { numRuns: 40 },
    );
  });

  it.each(names)('%s: the compiled schema refuses the same records with the same errors', (name) => {
    const schema = SCHEMAS[name];
    const compiled = compiledSchema(schema);
    const mutated = arbitraryOf(schema, { maxDepth: 4 }).chain((value) =>
      fc.tuple(fc.constant(value), fc.anything({ maxDepth: 2 }), fc.nat()).map(([v, junk, pick]) => {
        // Replace one field of a valid record (or the record itself) with junk.
        if (typeof v !== 'object' || v === null) return junk;
        const keys = Object.keys(v);
        if (keys.length === 0) return junk;
        return { ...v, [keys[pick % keys.length] as string]: junk };
      }),
    );
    fc.assert(
      fc.property(fc.oneof(mutated, fc.anything({ maxDepth: 3 })), (value) => {
        const a = safeValidate(schema, value, { record: name });
        const b = safeValidate(compiled, value, { record: name });
        expect(b.success).toBe(a.success);
        if (a.success && b.success) expect(b.data).toStrictEqual(a.data);
        if (!a.success && !b.success) {
          expect(b.error.issues).toEqual(a.error.issues);
          expect(b.error.message).toBe(a.error.message);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leaves schemas alone while zod is jitless', () => {
    const schema = z.strictObject({ a: z.string() });
    z.config({ jitless: true });
    try {
      expect(compiledSchema(schema)).toBe(schema);
    } finally {
      z.config({ jitless: false });
    }
    expect(compiledSchema(schema)).not.toBe(schema);
  });
});
