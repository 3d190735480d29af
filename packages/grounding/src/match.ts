import type { Control } from '@lam/schema';
import { distance } from 'fastest-levenshtein';

/** Names longer than this are cut before comparing (a document's whole text is not a name). */
const MAX_COMPARED = 160;

/** Lower-cases, folds accents and collapses white space: the form names are compared in. */
export function normalizeName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_COMPARED);
}

/** Levenshtein similarity 0..100 of two strings: 100 × (1 − distance / longer length). */
function ratio(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 100;
  return 100 * (1 - distance(a, b) / longer);
}

/** The best {@link ratio} of the shorter string against every window of the same length in the longer one. */
function partialRatio(a: string, b: string): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0) return 0;
  if (long.includes(short)) return 100;
  let best = 0;
  for (let i = 0; i + short.length <= long.length; i++) {
    best = Math.max(best, ratio(short, long.slice(i, i + short.length)));
    if (best === 100) break;
  }
  return best;
}

function sortedTokens(text: string): string {
  return text.split(' ').filter(Boolean).sort().join(' ');
}

/**
 * How similar two control names are, 0..100 (100: equal once case, accents and white space are
 * ignored). The score is the best of: the Levenshtein ratio of the whole names; the same ratio
 * with the words sorted ("Save As" ~ "As Save"); and 0.9 × the best ratio of the shorter name
 * against a same-length window of the longer one, so that "Save" scores 90 against "Save As"
 * but never ties with a control named exactly "Save".
 */
export function nameSimilarity(a: string, b: string): number {
  const x = normalizeName(a);
  const y = normalizeName(b);
  if (x === y) return 100;
  if (x === '' || y === '') return 0;
  const partial = Math.min(x.length, y.length) >= 3 ? 0.9 * partialRatio(x, y) : 0;
  const best = Math.max(ratio(x, y), ratio(sortedTokens(x), sortedTokens(y)), partial);
  return Math.round(Math.min(best, 99.9) * 10) / 10;
}

/** A control and how well its name matches. */
export interface ControlMatch {
  control: Control;
  /** 0..100, see {@link nameSimilarity}. */
  score: number;
}

/** Options of {@link matchControls}. */
export interface MatchOptions {
  /** Keep only matches scoring at least this (0..100). Default 0: rank everything. */
  threshold?: number;
  /** Keep at most this many matches. */
  limit?: number;
}

/**
 * Ranks controls by how well their name matches `name`, best first (ties keep list order).
 * Unlike UFO's matcher, a `threshold` drops weak matches instead of taking the best of bad ones.
 */
export function matchControls(
  name: string,
  controls: readonly Control[],
  options: MatchOptions = {},
): ControlMatch[] {
  const threshold = options.threshold ?? 0;
  const ranked = controls
    .map((control, index) => ({ control, score: nameSimilarity(name, control.name), index }))
    .filter((m) => m.score >= threshold)
    .sort((p, q) => q.score - p.score || p.index - q.index)
    .map(({ control, score }) => ({ control, score }));
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}
