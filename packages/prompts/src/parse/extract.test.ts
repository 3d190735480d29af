import { describe, expect, it } from 'vitest';
import { extractJson, MAX_JSON_DEPTH } from './extract';
import { requoteSingleQuotes } from './requote';

describe('extractJson', () => {
  it.each([
    ['strict JSON', '{"a": 1}', { a: 1 }, false, 'whole'],
    ['a fenced block', 'Answer:\n```json\n{"a": 1}\n```\nBye', { a: 1 }, false, 'fence'],
    ['an unclosed fence', '```json\n{"a": 1', { a: 1 }, true, 'fence'],
    [
      'prose on both sides',
      'I think {"a": {"b": "}"}} is right. {not this}',
      { a: { b: '}' } },
      false,
      'embedded',
    ],
    ['trailing commas and comments', '{"a": [1, 2,], // two\n}', { a: [1, 2] }, true, 'whole'],
    [
      'Python literals and quotes',
      "{'a': True, 'b': None, 'c': False}",
      { a: true, b: null, c: false },
      true,
      'whole',
    ],
    ['a list', 'Here: [1, 2] ok', [1, 2], false, 'embedded'],
  ])('reads %s', (_, text, value, repaired, source) => {
    expect(extractJson(text)).toEqual({ ok: true, value, repaired, source });
  });

  it('keeps a whole answer that was cut off rather than a part of it', () => {
    const result = extractJson('{"a": {"b": 1}, "c": "x"');
    expect(result).toMatchObject({ ok: true, value: { a: { b: 1 }, c: 'x' } });
  });

  it('reports text with no JSON, and JSON it cannot read', () => {
    expect(extractJson('no braces here')).toMatchObject({ ok: false, problem: 'no-json' });
    expect(extractJson('{:}')).toMatchObject({ ok: false, problem: 'invalid-json' });
  });

  it('refuses deeply nested JSON without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(extractJson(deep)).toMatchObject({ ok: false, problem: 'invalid-json' });
    const limit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(extractJson(limit).ok).toBe(true);
  });
});

describe('requoteSingleQuotes', () => {
  it('rewrites Python-style strings, keeping apostrophes, escapes and double quotes inside', () => {
    expect(requoteSingleQuotes("{'a': 'it's done', 'b': 'say \"hi\"', 'c': 'x\\'y', 'd': '{'}")).toBe(
      '{"a": "it\'s done", "b": "say \\"hi\\"", "c": "x\'y", "d": "{"}',
    );
  });

  it('leaves double-quoted strings and comments alone', () => {
    const text = '{"a": "don\'t", // it\'s a comment\n "b": 1}';
    expect(requoteSingleQuotes(text)).toBe(text);
  });
});
