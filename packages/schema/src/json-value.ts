import { z } from 'zod';

/** A JSON value: what an opaque backend reference or a free-form field may hold. */
export type JsonValue = z.core.util.JSONType;

/** Where a value stops being JSON, and why; `undefined` when all of it is JSON. */
interface NotJson {
  path: (string | number)[];
  value: unknown;
  what: string;
}

/** zod's rule for a record: a plain object (no class instance), `Object.create(null)` included. */
function isPlainObject(value: object): boolean {
  const ctor = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const proto = (ctor as { prototype?: unknown }).prototype;
  if (typeof proto !== 'object' || proto === null) return false;
  return Object.hasOwn(proto, 'isPrototypeOf');
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object that is not plain';
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}

/**
 * Walks `value` and returns the first place that is not JSON. `ancestors` holds the objects and
 * arrays being walked, so a cycle is an error, not a stack overflow.
 */
function findNotJson(value: unknown, ancestors: object[]): NotJson | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path: [], value, what: describe(value) };
    case 'object': {
      if (value === null) return undefined;
      if (ancestors.includes(value)) return { path: [], value, what: 'a reference cycle' };
      if (Array.isArray(value)) {
        ancestors.push(value);
        for (let i = 0; i < value.length; i++) {
          const found = findNotJson(value[i], ancestors);
          if (found !== undefined) {
            found.path.unshift(i);
            ancestors.pop();
            return found;
          }
        }
        ancestors.pop();
        return undefined;
      }
      if (!isPlainObject(value)) return { path: [], value, what: describe(value) };
      if (Object.getOwnPropertySymbols(value).length > 0)
        return { path: [], value, what: 'an object with symbol keys' };
      ancestors.push(value);
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const found = findNotJson((value as Record<string, unknown>)[key], ancestors);
        if (found !== undefined) {
          found.path.unshift(key);
          ancestors.pop();
          return found;
        }
      }
      ancestors.pop();
      return undefined;
    }
    default:
      return { path: [], value, what: describe(value) };
  }
}

/** Whether `value` is JSON all the way down: strings, finite numbers, booleans, null, arrays, plain objects. */
export function isJsonValue(value: unknown): value is JsonValue {
  // Leaves first: most values are, and they need no walk.
  const t = typeof value;
  if (t === 'string' || t === 'boolean' || value === null) return true;
  if (t === 'number') return Number.isFinite(value);
  return findNotJson(value, []) === undefined;
}

/**
 * Zod schema of {@link JsonValue}. It accepts what `z.json()` accepts, and an error names the path
 * of the first value that is not JSON. Unlike `z.json()`, it is not a recursive zod schema (it walks
 * the value in one function), so that the records holding it stay cheap to validate and can be
 * compiled by `z.compile` (see docs/decisions/0103-schema-validation-speed.md). The value is returned
 * as given, not copied.
 */
export const JsonValue = z.custom<JsonValue>().check((payload) => {
  const value = payload.value;
  if (isJsonValue(value)) return;
  const found = findNotJson(value, []);
  if (found === undefined) return;
  payload.issues.push({
    code: 'custom',
    input: found.value,
    path: found.path,
    message: `not a JSON value (${found.what}); use strings, finite numbers, booleans, null, arrays and plain objects`,
  });
});

/** The JSON Schema of {@link JsonValue}, referenced as `$defs.JsonValue` (see `toJsonSchema`). */
export function jsonValueJsonSchema(ref: string): Record<string, unknown> {
  return {
    anyOf: [
      { type: 'string' },
      { type: 'number' },
      { type: 'boolean' },
      { type: 'null' },
      { type: 'array', items: { $ref: ref } },
      { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { $ref: ref } },
    ],
  };
}
