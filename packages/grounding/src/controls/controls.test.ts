import type { Control } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { budgetControls, controlRelevance, estimateTokens } from './budget';
import { flattenControls, labelControls, labelFor, selectControls } from './select';
import { serializeControls } from './serialize';

const rect = (x: number, y: number) => ({ x, y, width: 50, height: 20, space: 'logical' as const });
const controls: Control[] = [
  { label: '', name: 'Bold', type: 'Button', rect: rect(0, 0), states: { enabled: true, visible: true } },
  { label: '', name: 'Hidden', type: 'Button', rect: rect(0, 30), states: { visible: false } },
  { label: '', name: 'Disabled', type: 'Button', rect: rect(0, 60), states: { enabled: false } },
  { label: '', name: 'Below', type: 'Hyperlink', rect: rect(0, 2000) },
  { label: '', name: 'Title', type: 'Edit', rect: rect(0, 90), value: 'Draft', states: { focused: true } },
  { label: '', name: '', type: 'Text', rect: rect(0, 120) },
];

describe('selectControls and labelControls', () => {
  it('filters by visibility and enabled state by default, and keeps order', () => {
    expect(selectControls(controls).map((c) => c.name)).toEqual(['Bold', 'Below', 'Title', '']);
  });

  it('filters by type, viewport, name and limit', () => {
    expect(selectControls(controls, { types: ['Button', 'Edit'] }).map((c) => c.name)).toEqual([
      'Bold',
      'Title',
    ]);
    expect(
      selectControls(controls, { excludeTypes: ['Text'], viewport: { width: 800, height: 600 } }).map(
        (c) => c.name,
      ),
    ).toEqual(['Bold', 'Title']);
    expect(
      selectControls(controls, { visibleOnly: false, enabledOnly: false, namedOnly: true, limit: 3 }),
    ).toHaveLength(3);
  });

  it('refuses unknown filter keys', () => {
    expect(() => selectControls(controls, { type: ['Button'] } as never)).toThrow();
  });

  it('labels in order, as numbers or letters, and filtering later keeps labels', () => {
    const labelled = labelControls(selectControls(controls));
    expect(labelled.map((c) => c.label)).toEqual(['1', '2', '3', '4']);
    expect(selectControls(labelled, { types: ['Edit'] })[0]?.label).toBe('3');
    expect(
      labelControls(controls, { style: 'letter' })
        .map((c) => c.label)
        .slice(0, 3),
    ).toEqual(['A', 'B', 'C']);
    expect([labelFor(26, 'letter'), labelFor(27, 'letter'), labelFor(28, 'letter')]).toEqual([
      'Z',
      'AA',
      'AB',
    ]);
  });

  it('flattens a tree depth-first', () => {
    const tree: Control = {
      label: '',
      name: 'root',
      type: 'Window',
      children: [
        { label: '', name: 'a', type: 'Button', children: [{ label: '', name: 'b', type: 'Button' }] },
      ],
    };
    expect(flattenControls(tree).map((c) => c.name)).toEqual(['root', 'a', 'b']);
    expect(flattenControls(tree)[0]).not.toHaveProperty('children');
  });
});

describe('serializeControls', () => {
  const labelled = labelControls(selectControls(controls));

  it('writes UFO form', () => {
    const json = JSON.parse(serializeControls(labelled.slice(0, 1)));
    expect(json).toEqual([{ label: '1', control_text: 'Bold', control_type: 'Button' }]);
  });

  it('adds values, states and positions on request', () => {
    const [item] = JSON.parse(
      serializeControls([labelled[2]!], {
        values: true,
        states: true,
        position: { width: 1000, height: 1000 },
      }),
    );
    expect(item).toEqual({
      label: '3',
      control_text: 'Title',
      control_type: 'Edit',
      position: [0.025, 0.1],
      value: 'Draft',
      states: ['focused'],
    });
  });

  it('writes a compact form with fewer tokens', () => {
    const compact = serializeControls(labelled, { format: 'compact', values: true, states: true });
    expect(compact.split('\n')[2]).toBe('[3] Edit "Title" = "Draft" (focused)');
    expect(estimateTokens(compact)).toBeLessThan(estimateTokens(serializeControls(labelled)));
  });
});

describe('token budget', () => {
  it('estimates tokens of text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('Save')).toBe(2); // one piece plus the 15% margin, rounded up
    expect(estimateTokens('{"label": "12"}')).toBeGreaterThanOrEqual(7);
  });

  it('ranks controls named in the request first', () => {
    const bold = controlRelevance(controls[0]!, { request: 'Make the title bold' });
    const link = controlRelevance(controls[3]!, { request: 'Make the title bold' });
    expect(bold).toBeGreaterThan(link);
  });

  it("ranks a document's own area (a Writer document, a Calc sheet) with the edits, above unnamed toolbar buttons", () => {
    const sheet = controlRelevance(
      { label: '1', name: 'Sheet Budget', type: 'Table' },
      { request: 'Sum B2:B9' },
    );
    const doc = controlRelevance({ label: '2', name: 'Report', type: 'Document' }, { request: 'Sum B2:B9' });
    const button = controlRelevance({ label: '3', name: 'Sort', type: 'Button' }, { request: 'Sum B2:B9' });
    expect(sheet).toBe(doc);
    expect(sheet).toBeGreaterThan(button);
  });

  it('keeps the list within the budget, dropping the least relevant, keeping labels and order', () => {
    const many: Control[] = labelControls(
      Array.from({ length: 200 }, (_, i) => ({
        label: '',
        name: `Item number ${i}`,
        type: 'ListItem',
      })).concat([{ label: '', name: 'Insert Table', type: 'Button' }]),
    );
    const result = budgetControls(many, { maxTokens: 300, request: 'insert a table' });
    expect(result.tokens).toBeLessThanOrEqual(300);
    expect(estimateTokens(result.text)).toBe(result.tokens);
    expect(result.controls.map((c) => c.name)).toContain('Insert Table');
    expect(result.controls.length + result.dropped.length).toBe(201);
    const labels = result.controls.map((c) => Number(c.label));
    expect([...labels].sort((a, b) => a - b)).toEqual(labels);
    expect(result.controls.find((c) => c.name === 'Insert Table')?.label).toBe('201');
  });

  it('uses a given tokenizer', () => {
    const result = budgetControls(labelControls(controls), {
      maxTokens: 3,
      countTokens: (t) => (t === '[]' ? 0 : t.split('},').length),
      serialize: { format: 'ufo' },
    });
    expect(result.controls.length).toBeLessThanOrEqual(3);
  });
});
