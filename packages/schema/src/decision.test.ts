import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Decision,
  fromLamOutput,
  fromUfoAppAgentOutput,
  LamOutput,
  toLamOutput,
  toUfoAppAgentOutput,
  UfoAppAgentOutput,
} from './decision';
import { LAM_ConversionError, LAM_ValidationError, LamError } from './errors';
import { arbitraryOf } from './test-utils/zod-arbitrary';

const lamFields = (d: Decision) => ({
  ...d,
  comment: undefined,
  questions: undefined,
  observation: undefined,
});

describe('decision ↔ paper LAM output', () => {
  it('round-trips the paper keys losslessly', () => {
    fc.assert(
      fc.property(arbitraryOf(LamOutput), (out) => {
        expect(toLamOutput(fromLamOutput(out))).toStrictEqual(LamOutput.parse(out));
      }),
    );
  });

  it('keeps the seven fields of a decision', () => {
    fc.assert(
      fc.property(arbitraryOf(Decision), (decision) => {
        const d = Decision.parse(decision);
        expect(fromLamOutput(toLamOutput(d))).toEqual(lamFields(d));
      }),
    );
  });

  it('refuses, with strict, to drop fields the paper format lacks', () => {
    const d: Decision = {
      thought: 'done',
      controlLabel: '',
      controlName: '',
      function: '',
      args: {},
      status: 'FINISH',
      plan: [],
      comment: 'The table has 3 rows.',
    };
    expect(() => toLamOutput(d, { strict: true })).toThrowError(/no "comment" field/);
    expect(toLamOutput(d)).not.toHaveProperty('comment');
  });

  it('names the field of a bad LAM output', () => {
    try {
      fromLamOutput({
        thought: 't',
        control_label: 3,
        control_name: '',
        function: '',
        args: {},
        status: 'DONE',
        plan: [],
      });
      expect.unreachable();
    } catch (e) {
      expect(LAM_ValidationError.isInstance(e)).toBe(true);
      expect((e as Error).message).toContain('Invalid LAM output');
      expect((e as Error).message).toContain('control_label');
      expect((e as Error).message).toContain('status');
      expect((e as Error).message).toContain('got "DONE"');
    }
  });
});

describe('decision ↔ UFO AppAgent output', () => {
  it('round-trips every decision', () => {
    fc.assert(
      fc.property(arbitraryOf(Decision), (decision) => {
        const d = Decision.parse(decision);
        const expected = { ...d, plan: d.plan.filter((s) => s.trim() !== '<FINISH>') };
        expect(fromUfoAppAgentOutput(toUfoAppAgentOutput(d))).toStrictEqual(expected);
      }),
    );
  });

  it('reads UFO output as UFO writes it', () => {
    const ufo = {
      Observation: 'The Design tab is visible.',
      Thought: 'Open the Watermark gallery.',
      ControlLabel: '41',
      ControlText: 'Watermark',
      Function: 'click_input',
      Args: { button: 'left', double: false },
      Status: 'CONTINUE',
      Plan: '(1) Pick CONFIDENTIAL 1.\n(2) Check the page.',
      Comment: 'Halfway there.',
      SaveScreenshot: { save: false, reason: '' },
    };
    expect(UfoAppAgentOutput.parse(ufo)).toHaveProperty('SaveScreenshot');
    expect(fromUfoAppAgentOutput(ufo)).toEqual({
      observation: 'The Design tab is visible.',
      thought: 'Open the Watermark gallery.',
      controlLabel: '41',
      controlName: 'Watermark',
      function: 'click_input',
      args: { button: 'left', double: false },
      status: 'CONTINUE',
      plan: ['(1) Pick CONFIDENTIAL 1.', '(2) Check the page.'],
      comment: 'Halfway there.',
    });
    expect(fromUfoAppAgentOutput({ ...ufo, Status: 'FINISH', Plan: ['<FINISH>'] }).plan).toEqual([]);
  });

  it('refuses statuses it cannot represent, saying what to do', () => {
    const ufo = {
      Thought: '',
      ControlLabel: '',
      ControlText: '',
      Function: 'annotation',
      Args: { control_labels: ['1'] },
      Status: 'SCREENSHOT',
      Plan: [],
    };
    try {
      fromUfoAppAgentOutput(ufo);
      expect.unreachable();
    } catch (e) {
      expect(LAM_ConversionError.isInstance(e)).toBe(true);
      expect((e as LAM_ConversionError).path).toEqual(['Status']);
      expect((e as Error).message).toContain('SCREENSHOT');
    }
  });

  it('never crashes on malformed input: only LamErrors', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 3 }), (value) => {
        for (const convert of [fromLamOutput, fromUfoAppAgentOutput]) {
          try {
            convert(value);
          } catch (e) {
            expect(LamError.isInstance(e)).toBe(true);
          }
        }
      }),
    );
  });
});
