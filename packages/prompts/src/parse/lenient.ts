import JSON5 from 'json5';
import { jsonrepair } from 'jsonrepair';
import { requoteSingleQuotes } from './requote';

/** Skips a quoted string starting at `start`; returns the index after its closing quote. */
function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

const PYTHON_LITERALS: Record<string, string> = { True: 'true', False: 'false', None: 'null' };

/** Replaces Python's `True`, `False` and `None` outside strings by their JSON spellings. */
export function replacePythonLiterals(text: string): string {
  if (!/\b(True|False|None)\b/.test(text)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const end = skipString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 32))?.[0];
    if (word !== undefined) {
      out += PYTHON_LITERALS[word] ?? word;
      i += word.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function attempt(parse: (text: string) => unknown, text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** Reads strict JSON, or `undefined`. */
export function parseStrict(text: string): unknown {
  return attempt(JSON.parse, text);
}

/**
 * Reads JSON5 (single-quoted strings, trailing commas, comments, unquoted keys), also after
 * replacing Python literals and after re-quoting single-quoted strings whose apostrophes are
 * not escaped. A real grammar: text with anything around the value fails. `undefined` if none reads.
 */
export function parseJson5(text: string): unknown {
  const python = replacePythonLiterals(text);
  for (const variant of new Set([text, python, requoteSingleQuotes(python)])) {
    const value = attempt(JSON5.parse, variant);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Repairs broken JSON with `jsonrepair` (missing brackets of a cut-off answer, missing
 * commas or quotes, Python literals, concatenated strings), after re-quoting single-quoted
 * strings, then as written. `undefined` if it cannot be repaired.
 */
export function parseRepaired(text: string): unknown {
  for (const variant of new Set([requoteSingleQuotes(text), text])) {
    const value = attempt((t) => JSON.parse(jsonrepair(t)), variant);
    if (value !== undefined) return value;
  }
  return undefined;
}
