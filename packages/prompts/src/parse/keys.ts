import type { KeyConvention } from '../conventions';

/** A key reduced for comparison: lower case, without `_`, `-`, spaces or other punctuation. */
export function reduceKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A JSON object's keys mapped to canonical field names through reduced aliases. */
export interface NormalisedObject {
  /** Canonical field name → value, for the first key that named each field. */
  fields: Map<string, unknown>;
  /** Canonical field name → the key as the model wrote it (used in error paths). */
  keys: Map<string, string>;
  /** Keys that matched no field. */
  unknown: string[];
}

/**
 * Maps the keys of `value` to canonical field names. `aliases` maps each canonical name to
 * the reduced spellings that mean it (`controlName: ['controlname', 'controltext']`); the
 * first alias in the list wins when the model wrote two spellings of the same field.
 */
export function normaliseKeys(
  value: Record<string, unknown>,
  aliases: Readonly<Record<string, readonly string[]>>,
): NormalisedObject {
  const byReduced = new Map<string, string>();
  for (const [key] of Object.entries(value)) {
    const reduced = reduceKey(key);
    if (!byReduced.has(reduced)) byReduced.set(reduced, key);
  }
  const fields = new Map<string, unknown>();
  const keys = new Map<string, string>();
  const used = new Set<string>();
  for (const [field, spellings] of Object.entries(aliases)) {
    for (const spelling of spellings) {
      const key = byReduced.get(spelling);
      if (key === undefined) continue;
      used.add(spelling);
      if (!fields.has(field)) {
        fields.set(field, value[key]);
        keys.set(field, key);
      }
    }
  }
  const unknown = Object.keys(value).filter((k) => !used.has(reduceKey(k)));
  return { fields, keys, unknown };
}

/**
 * Which of the four conventions the keys of a decision were written in, judged from the
 * keys whose spelling differs between them; all-lowercase one-word keys count as `lam`.
 */
export function detectConvention(keys: readonly string[]): KeyConvention {
  if (keys.some((k) => /^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(k))) return 'lam';
  if (keys.some((k) => /^[a-z][a-z0-9]*[A-Z]/.test(k))) return 'camel';
  if (keys.some((k) => /^[A-Z]/.test(k))) {
    const dataflow = (keys.includes('Step') || keys.includes('Subtask')) && !keys.includes('Status');
    return dataflow ? 'dataflow' : 'ufo';
  }
  return 'lam';
}
