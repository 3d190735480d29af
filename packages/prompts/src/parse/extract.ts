import { parseJson5, parseRepaired, parseStrict } from './lenient';

/** Where in the model's text the JSON was found. */
export type JsonSource = 'whole' | 'fence' | 'embedded';

/** The JSON read from a model's text. */
export type ExtractedJson =
  | {
      ok: true;
      value: unknown;
      /** The text was not strict JSON and was repaired (quotes, commas, comments, Python literals, ...). */
      repaired: boolean;
      source: JsonSource;
    }
  | { ok: false; problem: 'no-json' | 'invalid-json'; reason: string };

/** Deeper values than this are refused: no model output needs them, and they could exhaust the stack. */
export const MAX_JSON_DEPTH = 64;

const FENCE = /```[A-Za-z0-9_+-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/g;

/** The span from `start` to the bracket that closes it, skipping brackets inside quoted strings. */
function balancedSpan(text: string, start: number): string | undefined {
  const open = text[start];
  const close = open === '{' ? '}' : ']';
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return ch === close ? text.slice(start, i + 1) : undefined;
    }
  }
  return undefined;
}

function depthOf(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** Spans of the text that may hold the JSON, most specific first; each starts with `{` or `[`. */
function candidates(text: string): { text: string; source: JsonSource }[] {
  const out: { text: string; source: JsonSource }[] = [];
  for (const match of text.matchAll(FENCE)) {
    const body = match[1]?.trim();
    if (body !== undefined) out.push({ text: body, source: 'fence' });
  }
  const firstBrace = text.indexOf('{');
  const firstBracket = text.indexOf('[');
  const bracketFirst = firstBracket >= 0 && (firstBrace < 0 || firstBracket < firstBrace);
  if (bracketFirst) {
    const span = balancedSpan(text, firstBracket);
    if (span !== undefined) out.push({ text: span, source: 'embedded' });
  }
  if (firstBrace >= 0) {
    const span = balancedSpan(text, firstBrace);
    if (span !== undefined) out.push({ text: span, source: 'embedded' });
    const lastBrace = text.lastIndexOf('}');
    if (lastBrace > firstBrace) out.push({ text: text.slice(firstBrace, lastBrace + 1), source: 'embedded' });
  }
  out.push({ text: text.trim(), source: 'whole' });
  if (firstBrace >= 0) out.push({ text: text.slice(firstBrace).trim(), source: 'embedded' });
  const whole = text.trim();
  const seen = new Set<string>();
  return out
    .filter((c) => {
      if (!/^[{[]/.test(c.text) || seen.has(c.text)) return false;
      seen.add(c.text);
      return true;
    })
    .map((c) => (c.text === whole ? { text: c.text, source: 'whole' as const } : c));
}

/**
 * Finds and reads the JSON object (or array) in a model's text. The candidate spans are, in
 * order: each fenced code block, the balanced `{...}` from the first brace, the span from the
 * first to the last brace, the whole text, and the rest of the text from the first brace (a
 * cut-off answer); only spans that start with `{` or `[` count. Three passes, each over the
 * spans, until one gives a value:
 * 1. strict JSON;
 * 2. JSON5 (single quotes, trailing commas, comments), also with Python's `True`/`False`/`None`
 *    replaced and with unescaped apostrophes in single-quoted strings handled;
 * 3. `jsonrepair` for broken JSON (a cut-off answer, missing commas or quotes): fenced blocks
 *    first, then the longest other span.
 * A span must give what it starts with, an object for `{` and an array for `[`. Never throws.
 */
export function extractJson(text: string): ExtractedJson {
  if (!/[{[]/.test(text)) {
    return { ok: false, problem: 'no-json', reason: 'the text contains no "{" or "[" at all' };
  }
  const spans = candidates(text);
  let tooDeep = false;
  const read = (candidate: { text: string }, parse: (text: string) => unknown): object | undefined => {
    const value = parse(candidate.text);
    if (value === null || typeof value !== 'object') return undefined;
    // A span that starts with "{" must give an object: jsonrepair turns "{...} and prose" into a list.
    if (Array.isArray(value) !== candidate.text.startsWith('[')) return undefined;
    if (depthOf(value) > MAX_JSON_DEPTH) {
      tooDeep = true;
      return undefined;
    }
    return value;
  };
  const fences = spans.filter((c) => c.source === 'fence');
  // Outside fences, the longest span that can be repaired wins: it keeps a cut-off answer whole.
  const longestFirst = spans
    .filter((c) => c.source !== 'fence')
    .sort((a, b) => b.text.length - a.text.length);
  const passes: [(text: string) => unknown, typeof spans, boolean][] = [
    [parseStrict, spans, false],
    [parseJson5, spans, true],
    [parseRepaired, [...fences, ...longestFirst], true],
  ];
  for (const [parse, ordered, repaired] of passes) {
    for (const candidate of ordered) {
      const value = read(candidate, parse);
      if (value !== undefined) return { ok: true, value, repaired, source: candidate.source };
    }
  }
  return tooDeep
    ? {
        ok: false,
        problem: 'invalid-json',
        reason: `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`,
      }
    : {
        ok: false,
        problem: 'invalid-json',
        reason: 'no JSON object could be read from the text, even after repair',
      };
}
