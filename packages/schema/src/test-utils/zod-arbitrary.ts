// Derives fast-check arbitraries from the package's zod schemas, for property tests.
// It covers the zod features the schemas use; refinements are enforced by filtering.
import fc from 'fast-check';
import type { z } from 'zod';
import { JsonValue } from '../json-value';

interface Options {
  /** Extra keys to add to loose objects (to test that adapters keep them). */
  looseExtras?: boolean;
  maxDepth?: number;
}

type Def = Record<string, unknown> & { type: string; checks?: { _zod: { def: Record<string, unknown> } }[] };

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (def: Def) => (def.checks ?? []).map((c) => c._zod.def);

const jsonLeaf = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0),
  fc.boolean(),
  fc.constant(null),
);
/**
 * Object keys. zod drops a `__proto__` key when it validates an object or a record (its guard
 * against prototype pollution), so no record that went through a schema can hold one: the
 * arbitraries leave it out, and the limitation is documented in the UFO adapters.
 */
const dataKey = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');

/** JSON values without -0 (which JSON cannot keep). */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(dataKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

function stringArb(def: Def): fc.Arbitrary<string> {
  if (def.format === 'datetime') {
    return fc
      .date({
        min: new Date('2000-01-01T00:00:00Z'),
        max: new Date('2099-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  let minLength = 0;
  let maxLength = 12;
  for (const c of checksOf(def)) {
    if (c.check === 'min_length') minLength = c.minimum as number;
    if (c.check === 'max_length') maxLength = c.maximum as number;
    if (c.check === 'string_format' && c.format === 'regex') return fc.stringMatching(c.pattern as RegExp);
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

function numberArb(def: Def): fc.Arbitrary<number> {
  let min: number | undefined;
  let max: number | undefined;
  let minExcl = false;
  let maxExcl = false;
  for (const c of checksOf(def)) {
    if (c.check === 'greater_than') {
      min = c.value as number;
      minExcl = !(c.inclusive as boolean);
    }
    if (c.check === 'less_than') {
      max = c.value as number;
      maxExcl = !(c.inclusive as boolean);
    }
  }
  if (def.format === 'safeint' || String(def.format ?? '').includes('int')) {
    return fc.integer({
      min: min === undefined ? -1e6 : minExcl ? min + 1 : min,
      max: max === undefined ? 1e6 : maxExcl ? max - 1 : max,
    });
  }
  return fc
    .double({ min: min ?? -1e9, max: max ?? 1e9, minExcluded: minExcl, maxExcluded: maxExcl, noNaN: true })
    .map((x) => x + 0);
}

function build(schema: z.ZodType, opts: Required<Options>, depth: number): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const deep = depth >= opts.maxDepth;
  switch (def.type) {
    case 'string':
      return stringArb(def);
    case 'number':
      return numberArb(def);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'never':
      return fc.constant(undefined).filter(() => false);
    case 'unknown':
    case 'any':
      return jsonValue;
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case 'lazy': // z.json()
      return jsonValue;
    case 'custom':
      if (schema === JsonValue) return jsonValue;
      throw new Error('zod-arbitrary: unsupported custom schema');
    case 'optional':
    case 'default':
      return build(def.innerType as z.ZodType, opts, depth);
    case 'nullable':
      return fc.option(build(def.innerType as z.ZodType, opts, depth), { nil: null, freq: 3 });
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((o) => build(o, opts, depth)));
    case 'array': {
      const min = (checksOf(def).find((c) => c.check === 'min_length')?.minimum as number | undefined) ?? 0;
      if (deep && min === 0) return fc.constant([]);
      return fc.array(build(def.element as z.ZodType, opts, depth + 1), {
        minLength: min,
        maxLength: min + 2,
      });
    }
    case 'record':
      return fc.dictionary(
        (build(def.keyType as z.ZodType, opts, depth + 1) as fc.Arbitrary<string>).filter(
          (k) => k !== '__proto__',
        ),
        build(def.valueType as z.ZodType, opts, depth + 1),
        { maxKeys: deep ? 0 : 3, noNullPrototype: true },
      );
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [key, field] of Object.entries(shape)) {
        const t = defOf(field).type;
        const optional = t === 'optional' || t === 'default';
        if (optional && deep) continue;
        model[key] = build(field, opts, depth + 1);
        if (!optional) requiredKeys.push(key);
      }
      const base = fc.record(model, { requiredKeys, noNullPrototype: true });
      const catchall = def.catchall as z.ZodType | undefined;
      if (!opts.looseExtras || catchall === undefined || defOf(catchall).type !== 'unknown') return base;
      return fc
        .tuple(
          base,
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 6 }).map((k) => `x_${k}`),
            jsonValue,
            { maxKeys: 2 },
          ),
        )
        .map(([known, extra]) => ({ ...known, ...extra }));
    }
    default:
      throw new Error(`zod-arbitrary: unsupported zod type "${def.type}"`);
  }
}

/**
 * An arbitrary of values that `schema` accepts. Values that a refinement rejects are
 * filtered out, so every generated value parses.
 */
export function arbitraryOf<S extends z.ZodType>(schema: S, options: Options = {}): fc.Arbitrary<z.input<S>> {
  const opts: Required<Options> = { looseExtras: false, maxDepth: 4, ...options };
  return build(schema, opts, 0)
    .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
    .filter((v) => schema.safeParse(v).success) as fc.Arbitrary<z.input<S>>;
}
