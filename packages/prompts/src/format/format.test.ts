import { createActionRegistry, defineAction } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { controls, steps } from '../__fixtures__/steps';
import { formatApiList, formatArgumentSignature, selectActions } from './apis';
import { formatControlTypeGlossary } from './control-types';
import { formatControlList, toControlTree } from './controls';
import { formatStepHistory, toHistoryItem } from './history';
import { formatJson } from './json';

describe('formatJson', () => {
  it('writes Python json.dumps spacing and keeps non-ASCII text', () => {
    expect(formatJson({ a: [1, 'é', null], b: { c: true }, d: undefined })).toBe(
      '{"a": [1, "é", null], "b": {"c": true}}',
    );
    expect(formatJson([])).toBe('[]');
    expect(formatJson('x, "y"')).toBe('"x, \\"y\\""');
  });
});

describe('formatControlList', () => {
  it("uses UFO's keys label, control_text, control_type", () => {
    expect(formatControlList(controls.slice(0, 2))).toBe(
      '[{"label": "1", "control_text": "Home", "control_type": "TabItem"}, {"label": "2", "control_text": "Bold", "control_type": "Button"}]',
    );
  });

  it('builds the evaluator tree with selected state and children', () => {
    const tree = toControlTree({
      label: '1',
      name: 'Ribbon',
      type: 'Pane',
      children: [{ label: '2', name: 'Bold', type: 'Button', states: { checked: true } }],
    });
    expect(tree).toEqual({
      control_label: '1',
      control_text: 'Ribbon',
      control_type: 'Pane',
      selected: null,
      children: [
        { control_label: '2', control_text: 'Bold', control_type: 'Button', selected: true, children: [] },
      ],
    });
  });
});

describe('step history', () => {
  it('maps a step to the UFO history keys', () => {
    expect(steps.map(toHistoryItem)).toEqual([
      {
        Step: 1,
        ControlText: '',
        Action: "select_text(text='Annual report')",
        Results: 'Text Annual report is selected.',
      },
      {
        Step: 2,
        ControlText: 'Bold',
        Subtask: 'Make the title bold',
        Action: "click_input(button='left', double=False)",
        Results: 'ERROR: control is disabled',
        UserConfirm: 'Yes',
      },
      { Step: 3, ControlText: '', Action: '', Results: 'NOT EXECUTED' },
    ]);
  });

  it('serialises steps and ready items alike, keys in a fixed order', () => {
    const text = formatStepHistory([
      steps[0]!,
      { Results: 'ok', Action: 'texts()', ControlText: 'Document', Step: 2 },
    ]);
    expect(text).toBe(
      `[{"Step": 1, "ControlText": "", "Action": "select_text(text='Annual report')", "Results": "Text Annual report is selected."}, {"Step": 2, "ControlText": "Document", "Action": "texts()", "Results": "ok"}]`,
    );
    expect(formatStepHistory([])).toBe('[]');
  });

  it('writes non-string outputs as JSON', () => {
    const step = { ...steps[0]!, result: { ok: true, output: [[1, 2]], durationMs: 1 } };
    expect(toHistoryItem(step).Results).toBe('[[1, 2]]');
  });
});

describe('API list', () => {
  it('lists every function of the default registry with signature and examples', () => {
    expect(formatApiList()).toMatchSnapshot();
  });

  it('lists summaries only, for one application', () => {
    const text = formatApiList({ verbosity: 'summary', app: 'calc' });
    expect(text).toContain('- select_range: Select a cell or a range');
    expect(text).not.toContain('select_text');
    expect(text).toContain('- click_input: Click the selected control');
  });

  it('follows the registry: a registered function appears, with UFO keys in examples', () => {
    const registry = createActionRegistry({ builtins: false });
    registry.register(
      defineAction({
        name: 'open_url',
        description: 'Open a web address in the current tab.',
        args: z.strictObject({ url: z.url(), new_tab: z.boolean().optional() }),
        control: 'none',
        category: 'app',
        examples: [{ description: 'Open the docs.', args: { url: 'https://example.org' } }],
      }),
    );
    expect(formatApiList({ registry, convention: 'ufo' })).toBe(
      [
        '- open_url(url: string, new_tab?: boolean)',
        '  Open a web address in the current tab.',
        '  Needs no control: leave the control label and name empty.',
        '  Example (Open the docs.): {"Function": "open_url", "Args": {"url": "https://example.org"}}',
      ].join('\n'),
    );
  });

  it('keeps only the functions asked for, and refuses unknown ones', () => {
    expect(selectActions({ functions: ['texts', 'click_input'] }).map((d) => d.name)).toEqual([
      'click_input',
      'texts',
    ]);
    expect(() => selectActions({ functions: ['fly'] })).toThrow(/Unknown action function "fly"/);
  });

  it('describes argument types from the zod schema', () => {
    const registry = createActionRegistry();
    expect(formatArgumentSignature(registry.require('set_cell_values'))).toBe(
      'start: string, values: array of array of string | number | boolean | null, sheet?: string',
    );
  });
});

describe('control-type glossary', () => {
  it('explains the ten UFO types by default and any type asked for', () => {
    expect(formatControlTypeGlossary().split('\n')).toHaveLength(10);
    expect(formatControlTypeGlossary({ types: ['Slider'], descriptions: { Slider: 'a slider' } })).toBe(
      '- Slider: a slider',
    );
    expect(formatControlTypeGlossary({ types: ['Canvas'] })).toBe('- Canvas: a control of type Canvas');
  });
});
