import { z } from 'zod';
import { LAM_ValidationError, type RecordLocation, type ValidationIssue } from './errors';

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Turns zod issues into {@link ValidationIssue}s with plain-word messages. Pass the value that
 * was validated to have the offending value quoted in the message.
 */
export function toValidationIssues(error: z.ZodError, input?: unknown): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (check the spelling; extra data belongs in "metadata")`;
    } else if (issue.code === 'invalid_type' && message.endsWith('received undefined')) {
      message = `missing required field (expected ${issue.expected})`;
    } else if (input !== undefined && (issue.code === 'invalid_value' || issue.code === 'invalid_format')) {
      message = `${message}, got ${shown(valueAt(input, issue.path))}`;
    }
    return { path, message, code: issue.code };
  });
}

/**
 * Validates `value` against `schema` and returns the parsed value, or throws a
 * {@link LAM_ValidationError} that names the record, its line and every field path.
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: RecordLocation = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new LAM_ValidationError({
    ...location,
    issues: toValidationIssues(result.error, value),
    cause: result.error,
  });
}

/** The result of {@link safeValidate}: the parsed value, or the error that `validate` would throw. */
export type SafeValidateResult<T> =
  | { success: true; data: T }
  | { success: false; error: LAM_ValidationError };

/** Like {@link validate} but returns the error instead of throwing it. */
export function safeValidate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: RecordLocation = {},
): SafeValidateResult<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new LAM_ValidationError({
      ...location,
      issues: toValidationIssues(result.error, value),
      cause: result.error,
    }),
  };
}

const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The schema with zod's ahead-of-time compiled fast path (`z.compile`), for validating many records
 * with one schema (JSONL reads and appends). Valid records take the generated code; an invalid one
 * is parsed again by the schema itself, so errors are exactly the same. A schema zod cannot compile
 * (a recursive one, an async refinement) comes back as it is, and so does every schema while
 * `z.config({ jitless: true })` is set. Compiled once per schema.
 * See docs/decisions/0103-schema-validation-speed.md.
 */
export function compiledSchema<S extends z.ZodType>(schema: S): S {
  if (z.config().jitless === true) return schema;
  let compiled = compiledSchemas.get(schema);
  if (compiled === undefined) {
    compiled = z.compile(schema);
    compiledSchemas.set(schema, compiled);
  }
  return compiled as S;
}
