// Fuzz tests of the decision parser: valid decisions written in any convention and wrapping
// must parse back unchanged, and no text at all may make it throw anything but
// LAM_DecisionParseError.
import { Decision, type DecisionStatus, toLamOutput, toUfoAppAgentOutput } from '@lam/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAM_DecisionParseError } from '../errors';
import { formatJson } from '../format/json';
import { parseDecision } from './decision';

const STATUSES: DecisionStatus[] = ['CONTINUE', 'FINISH', 'FAIL', 'CONFIRM', 'PENDING'];

/** Text without quotes, backslashes, backticks or control characters: safe in a single-quoted, fenced, repaired answer. */
const plainText = fc
  .string({ maxLength: 40 })
  .map((s) =>
    [...s]
      .filter((ch) => !`'"\\\``.includes(ch) && ch.codePointAt(0)! >= 0x20 && ch.codePointAt(0)! !== 0x7f)
      .join(''),
  );
/** Any text, including quotes, braces, fences, new lines and non-ASCII. */
const anyText = fc.string({ unit: 'grapheme', maxLength: 40 });

function planItem(text: fc.Arbitrary<string>) {
  return text.map((s) => s.trim()).filter((s) => s !== '' && s !== '<FINISH>');
}

/** A call of a default-registry function with arguments its schema accepts. */
function callArb(text: fc.Arbitrary<string>) {
  const nonEmpty = text.filter((s) => s.length > 0);
  return fc.oneof(
    fc.record({
      function: fc.constant('click_input'),
      args: fc.record(
        { button: fc.constantFrom('left', 'right', 'middle', 'x'), double: fc.boolean() },
        { requiredKeys: [] },
      ),
      control: fc.constant(true),
    }),
    fc.record({
      function: fc.constant('set_edit_text'),
      args: fc.record({ text }),
      control: fc.constant(true),
    }),
    fc.record({
      function: fc.constant('keyboard_input'),
      args: fc.record({ keys: nonEmpty, control_focus: fc.boolean() }, { requiredKeys: ['keys'] }),
      control: fc.boolean(),
    }),
    fc.record({
      function: fc.constant('wheel_mouse_input'),
      args: fc.record({ wheel_dist: fc.integer() }),
      control: fc.constant(true),
    }),
    fc.record({
      function: fc.constant('select_text'),
      args: fc.record({ text: nonEmpty }),
      control: fc.constant(false),
    }),
    fc.record({
      function: fc.constant('set_cell_values'),
      args: fc.record({
        start: fc.constantFrom('A1', 'B2', 'AA10'),
        values: fc.array(
          fc.array(fc.oneof(fc.integer(), text, fc.boolean(), fc.constant(null)), {
            minLength: 1,
            maxLength: 3,
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      control: fc.constant(false),
    }),
    fc.record({ function: fc.constant(''), args: fc.constant({}), control: fc.constant(false) }),
  );
}

function decisionArb(text: fc.Arbitrary<string>): fc.Arbitrary<Decision> {
  return fc
    .record({
      thought: text,
      label: fc.integer({ min: 1, max: 500 }).map(String),
      name: text,
      call: callArb(text),
      status: fc.constantFrom(...STATUSES),
      plan: fc.array(planItem(text), { maxLength: 4 }),
    })
    .map(({ thought, label, name, call, status, plan }) => ({
      thought,
      controlLabel: call.control ? label : '',
      controlName: call.control ? name : '',
      function: call.function,
      args: call.args,
      status,
      plan,
    }));
}

type Convention = 'lam' | 'ufo' | 'camel';
function toObject(decision: Decision, convention: Convention): Record<string, unknown> {
  if (convention === 'lam') return toLamOutput(decision);
  if (convention === 'ufo') return toUfoAppAgentOutput(decision);
  return { ...decision };
}

const PROSE_BEFORE = [
  '',
  'Sure! Here is my decision:\n',
  'Thought process done. Answer:',
  'The next action is as follows.\n\n',
];
const PROSE_AFTER = ['', '\nLet me know if this helps.', '\n\nI will wait for the result.', ' Done.'];

function wrap(json: string, style: { fence: 0 | 1 | 2; before: string; after: string }): string {
  const fenced = style.fence === 0 ? json : `\`\`\`${style.fence === 1 ? 'json' : ''}\n${json}\n\`\`\``;
  return `${style.before}${fenced}${style.after}`;
}
const wrapStyle = fc.record({
  fence: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
  before: fc.constantFrom(...PROSE_BEFORE),
  after: fc.constantFrom(...PROSE_AFTER),
});

/** Writes a value as loose JSON: single quotes, trailing commas, comments, Python literals. */
function looseJson(
  value: unknown,
  style: { single: boolean; trailing: boolean; python: boolean; comments: boolean },
): string {
  const q = style.single ? "'" : '"';
  const write = (v: unknown): string => {
    if (v === null) return style.python ? 'None' : 'null';
    if (v === true) return style.python ? 'True' : 'true';
    if (v === false) return style.python ? 'False' : 'false';
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') return `${q}${v}${q}`;
    const comma = style.trailing ? ',' : '';
    if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map(write).join(', ')}${comma}]`;
    const members = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `${style.comments ? '/* field */ ' : ''}${q}${k}${q}: ${write(x)}`,
    );
    return members.length === 0 ? '{}' : `{${members.join(', ')}${comma}}`;
  };
  return write(value);
}

function parsesBack(text: string, decision: Decision): void {
  const parsed = parseDecision(text);
  expect(parsed).toEqual(decision);
}

describe('decision parser fuzz', () => {
  it('parses valid decisions back in every convention, layout and wrapping (2,000 runs)', () => {
    fc.assert(
      fc.property(
        decisionArb(anyText),
        fc.constantFrom<Convention>('lam', 'ufo', 'camel'),
        fc.constantFrom('compact', 'pretty', 'python-spacing'),
        wrapStyle,
        (decision, convention, layout, style) => {
          const object = toObject(decision, convention);
          const json =
            layout === 'compact'
              ? JSON.stringify(object)
              : layout === 'pretty'
                ? JSON.stringify(object, null, 2)
                : formatJson(object);
          parsesBack(wrap(json, style), decision);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('parses valid decisions written as loose JSON (single quotes, trailing commas, comments, Python literals) (2,000 runs)', () => {
    fc.assert(
      fc.property(
        decisionArb(plainText),
        fc.constantFrom<Convention>('lam', 'ufo', 'camel'),
        fc.record({
          single: fc.boolean(),
          trailing: fc.boolean(),
          python: fc.boolean(),
          comments: fc.boolean(),
        }),
        wrapStyle,
        (decision, convention, loose, style) => {
          parsesBack(wrap(looseJson(toObject(decision, convention), loose), style), decision);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  type Mutation =
    | { kind: 'delete'; at: number; length: number }
    | { kind: 'insert'; at: number; text: string }
    | { kind: 'truncate'; at: number }
    | { kind: 'swap-value'; at: number; value: string };
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.constantFrom('{', '}', '[', ']', '"', "'", ',', ':', '\\', '`', '\n', '```', 'None', '//', '/*'),
        anyText,
      ),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap-value' as const), at: fc.nat(), value: fc.json() }),
  );

  function mutate(text: string, mutations: readonly Mutation[]): string {
    let out = text;
    for (const m of mutations) {
      const at = out.length === 0 ? 0 : m.at % (out.length + 1);
      if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
      else if (m.kind === 'insert') out = out.slice(0, at) + m.text + out.slice(at);
      else if (m.kind === 'truncate') out = out.slice(0, at);
      else {
        const colon = out.indexOf(':', at);
        if (colon >= 0)
          out = `${out.slice(0, colon + 1)} ${m.value}${out.slice(colon + 1).replace(/^[^,}]*/, '')}`;
      }
    }
    return out;
  }

  let checked = 0;
  const outcomes = { parsed: 0, refused: 0 };
  it('throws nothing but LAM_DecisionParseError for 10,000 mutated and random outputs', () => {
    const text = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(
            decisionArb(anyText),
            fc.constantFrom<Convention>('lam', 'ufo', 'camel'),
            wrapStyle,
            fc.array(mutation, { minLength: 1, maxLength: 4 }),
          )
          .map(([d, c, s, ms]) => mutate(wrap(JSON.stringify(toObject(d, c)), s), ms)),
      },
      { weight: 2, arbitrary: fc.json().map((j) => (j.startsWith('{') ? j : `{"thought": ${j}}`)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc.string({
          unit: fc.constantFrom('{', '}', '[', ']', '"', "'", ':', ',', '`', 'a', '1', ' ', '\n'),
          maxLength: 80,
        }),
      },
    );
    fc.assert(
      fc.property(text, (output) => {
        checked++;
        try {
          const decision = parseDecision(output);
          expect(Decision.safeParse(decision).success).toBe(true);
          outcomes.parsed++;
        } catch (error) {
          expect(LAM_DecisionParseError.isInstance(error)).toBe(true);
          expect((error as LAM_DecisionParseError).repairMessage.length).toBeGreaterThan(0);
          outcomes.refused++;
        }
      }),
      { numRuns: 10_000 },
    );
    expect(checked).toBeGreaterThanOrEqual(10_000);
    // Both outcomes must occur, or the generator is not exercising the parser.
    expect(outcomes.parsed).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  }, 60_000);
});
