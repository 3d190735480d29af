import { createActionRegistry, type Decision, defineAction } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LAM_DecisionParseError, LAM_OutputParseError } from '../errors';
import { parseDecision, safeParseDecision } from './decision';

const expected: Decision = {
  thought: 'Make the title bold.',
  controlLabel: '2',
  controlName: 'Bold',
  function: 'click_input',
  args: { button: 'left', double: false },
  status: 'CONTINUE',
  plan: ['Type the subtitle.'],
};

function errorOf(text: string, options?: Parameters<typeof parseDecision>[1]): LAM_DecisionParseError {
  const result = safeParseDecision(text, options);
  if (result.success) throw new Error(`expected a parse error for ${text}`);
  return result.error;
}

describe('parseDecision: the four key conventions', () => {
  it.each([
    [
      'lam',
      '{"thought": "Make the title bold.", "control_label": "2", "control_name": "Bold", "function": "click_input", "args": {"button": "left", "double": false}, "status": "CONTINUE", "plan": ["Type the subtitle."]}',
    ],
    [
      'ufo',
      '{"Observation": "x", "Thought": "Make the title bold.", "ControlLabel": "2", "ControlText": "Bold", "Function": "click_input", "Args": {"button": "left", "double": false}, "Status": "CONTINUE", "Plan": ["Type the subtitle."], "SaveScreenshot": {"save": false, "reason": ""}}',
    ],
    [
      'camel',
      '{"thought": "Make the title bold.", "controlLabel": "2", "controlText": "Bold", "function": "click_input", "args": {"button": "left", "double": false}, "status": "CONTINUE", "plan": ["Type the subtitle."]}',
    ],
  ] as const)('reads %s keys', (convention, text) => {
    const result = safeParseDecision(text);
    expect(result.success && result.info.convention).toBe(convention);
    const decision = parseDecision(text);
    const { observation, ...rest } = decision;
    expect(rest).toEqual(expected);
  });

  it('reads dataflow plan-step keys, using Subtask as the thought and a default status', () => {
    const text =
      '{"Step": 1, "Subtask": "Make the title bold.", "ControlLabel": "2", "ControlText": "Bold", "Function": "click_input", "Args": {"button": "left", "double": false}}';
    const result = safeParseDecision(text, { defaultStatus: 'CONTINUE' });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.info.convention).toBe('dataflow');
    expect(result.info.defaulted).toEqual(expect.arrayContaining(['thought', 'status', 'plan']));
    expect(result.decision).toEqual({ ...expected, plan: [] });
    expect(() => parseDecision(text)).toThrow(/status: is missing/);
  });
});

describe('parseDecision: messy text', () => {
  const body =
    "{'thought': 'Make the title bold.', 'control_label': 2, 'control_name': 'Bold', 'function': 'click_input', 'args': {'button': 'left', 'double': False,}, 'status': 'continue', 'plan': ['Type the subtitle.',],}";
  it.each([
    ['a json fence', `\`\`\`json\n${body}\n\`\`\``],
    ['leading and trailing prose', `Sure, here is the next action:\n${body}\nLet me know if that works.`],
    ['prose around a fence', `I will click Bold.\n\`\`\`\n${body}\n\`\`\`\nDone.`],
    ['comments', body.replace("'plan'", "/* remaining */ 'plan'").replace("'status'", "// status\n'status'")],
    ['Python None for empty fields', body.replace("'status'", "'comment': None, 'status'")],
    ['a cut-off closing brace', body.slice(0, -2)],
    ['a one-item list', `[${body}]`],
    ['a wrapping object', `{"response": ${body}}`],
  ])('parses %s', (_, text) => {
    const { observation, comment, ...rest } = parseDecision(text);
    expect(rest).toEqual(expected);
  });

  it('reports how the text was read', () => {
    const result = safeParseDecision(`Here:\n\`\`\`json\n${body}\n\`\`\``);
    expect(result.success && result.info).toMatchObject({
      repaired: true,
      source: 'fence',
      convention: 'lam',
    });
    const strict = safeParseDecision(
      '{"thought": "", "control_label": "", "control_name": "", "function": "", "args": {}, "status": "FINISH", "plan": [], "extra": 1}',
    );
    expect(strict.success && strict.info).toMatchObject({
      repaired: false,
      source: 'whole',
      ignoredKeys: ['extra'],
    });
  });

  it('coerces plan strings, <FINISH> plans and JSON-string args', () => {
    const decision = parseDecision(
      '{"Thought": "t", "ControlLabel": null, "ControlText": null, "Function": "select_text", "Args": "{\'text\': \'Q3\'}", "Status": "<FINISH>", "Plan": "<FINISH>"}',
    );
    expect(decision).toEqual({
      thought: 't',
      controlLabel: '',
      controlName: '',
      function: 'select_text',
      args: { text: 'Q3' },
      status: 'FINISH',
      plan: [],
    });
    expect(parseDecision('{"function": "", "status": "CONTINUE", "plan": "a\\n b \\n\\n"}').plan).toEqual([
      'a',
      'b',
    ]);
  });

  it('keeps comment, questions and observation', () => {
    const decision = parseDecision(
      '{"Observation": "o", "Thought": "t", "ControlLabel": "", "ControlText": "", "Function": "", "Args": {}, "Status": "PENDING", "Plan": [], "Comment": "c", "Questions": "Which file?"}',
    );
    expect(decision).toMatchObject({
      observation: 'o',
      comment: 'c',
      questions: ['Which file?'],
      status: 'PENDING',
    });
  });
});

describe('parseDecision: errors', () => {
  it('says when there is no JSON at all', () => {
    const error = errorOf('I clicked the Bold button.');
    expect(error).toBeInstanceOf(LAM_DecisionParseError);
    expect(LAM_DecisionParseError.isInstance(error)).toBe(true);
    expect(LAM_OutputParseError.isInstance(error)).toBe(true);
    expect(error.problem).toBe('no-json');
    expect(error.repairMessage).toBe(
      'Your reply contained no JSON object. Reply again with only one JSON object with the keys thought, control_label, control_name, function, args, status, plan, and no other text.',
    );
  });

  it('says when JSON cannot be read', () => {
    const error = errorOf('{:}');
    expect(error.problem).toBe('invalid-json');
    expect(error.message).toContain('no JSON object could be read');
  });

  it('names each bad field with its path, in the spelling the model used', () => {
    const error = errorOf(
      '{"Thought": 3, "ControlLabel": "2", "ControlText": "Bold", "Function": "click_input", "Args": {"button": "up", "clicks": 2}, "Status": "DONE", "Plan": [1, {"x": 1}]}',
    );
    expect(error.problem).toBe('invalid-fields');
    expect(error.issues.map((i) => i.path)).toEqual([['Status'], ['Plan', 1], ['Args', 'button'], ['Args']]);
    expect(error.message).toContain('Args.button');
    expect(error.message).toContain('send error.repairMessage back to the model');
    expect(error.repairMessage).toMatch(/^Your reply had problems: "Status" must be one of "CONTINUE"/);
    expect(error.repairMessage).toContain('"Args" unknown field "clicks"');
  });

  it('refuses unknown functions, listing the known ones', () => {
    const error = errorOf('{"function": "fly", "args": {}, "status": "CONTINUE"}');
    expect(error.issues).toEqual([
      {
        path: ['function'],
        message: expect.stringContaining('"fly" is not a known function; use one of "click_input"'),
      },
    ]);
  });

  it('requires a control for functions that act on one', () => {
    const error = errorOf('{"function": "click_input", "args": {}, "status": "CONTINUE"}');
    expect(error.issues[0]?.path).toEqual(['control_label']);
    expect(error.issues[0]?.message).toContain('click_input acts on a control');
  });

  it('requires the function field', () => {
    const error = errorOf('{"thought": "x", "status": "FINISH"}');
    expect(error.issues).toEqual([
      { path: ['function'], message: 'is missing; give the function to call, or "" for no action' },
    ]);
  });

  it('checks labels against the control list and statuses against the allowed set', () => {
    const controls = [{ label: '1', name: 'OK', type: 'Button' }];
    const text =
      '{"control_label": "9", "control_name": "OK", "function": "click_input", "args": {}, "status": "FAIL"}';
    const error = errorOf(text, { controls, statuses: ['CONTINUE', 'FINISH'] });
    expect(error.issues.map((i) => i.message)).toEqual([
      'must be one of "CONTINUE", "FINISH", got "FAIL"',
      '"9" is not the label of any control in the list',
    ]);
  });

  it('refuses unknown keys when asked to', () => {
    const error = errorOf('{"function": "", "status": "FINISH", "confidence": 0.9}', {
      unknownKeys: 'error',
    });
    expect(error.issues[0]?.path).toEqual(['confidence']);
  });

  it('refuses a list of several decisions', () => {
    const error = errorOf('[{"function": "", "status": "FINISH"}, {"function": "", "status": "FINISH"}]');
    expect(error.issues[0]?.message).toBe('expected one JSON object, got a list of 2 items');
  });

  it('uses the convention asked for in messages about missing fields', () => {
    const error = errorOf('{"Function": "texts", "ControlLabel": "4"}', { convention: 'ufo' });
    expect(error.issues[0]?.path).toEqual(['Status']);
    expect(error.repairMessage).toContain(
      'the keys Thought, ControlLabel, ControlText, Function, Args, Status, Plan',
    );
  });
});

describe('parseDecision: registry', () => {
  const registry = createActionRegistry({ builtins: false });
  registry.register(
    defineAction({
      name: 'open_url',
      description: 'Open a web address.',
      args: z.strictObject({ url: z.url(), new_tab: z.boolean().default(false) }),
      control: 'none',
      category: 'app',
      examples: [],
    }),
  );

  it('validates arguments against a custom registry and can fill defaults', () => {
    const text = '{"function": "open_url", "args": {"url": "https://example.org"}, "status": "FINISH"}';
    expect(parseDecision(text, { registry }).args).toEqual({ url: 'https://example.org' });
    expect(parseDecision(text, { registry, applyArgDefaults: true }).args).toEqual({
      url: 'https://example.org',
      new_tab: false,
    });
    expect(() =>
      parseDecision('{"function": "open_url", "args": {"url": "nope"}, "status": "FINISH"}', { registry }),
    ).toThrow(/args\.url/);
    expect(() =>
      parseDecision('{"function": "click_input", "args": {}, "status": "FINISH"}', { registry }),
    ).toThrow(/not a known function; use one of "open_url"/);
  });

  it('skips the registry when asked to', () => {
    const decision = parseDecision('{"function": "anything", "args": {"a": 1}, "status": "FINISH"}', {
      validateArgs: false,
    });
    expect(decision.function).toBe('anything');
  });
});
