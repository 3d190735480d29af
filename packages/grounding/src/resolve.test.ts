import { createActionRegistry, LAM_UnknownActionError } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { LAM_AmbiguousControlError, LAM_ControlNotFoundError } from './errors';
import { resolveDecision } from './resolve';

const controls = [
  { label: '1', name: 'Save', type: 'Button' },
  { label: '2', name: 'Delete', type: 'Button' },
  { label: '3', name: 'Delete', type: 'Button' },
  { label: '4', name: '', type: 'Edit' },
  { label: '5', name: 'Font Size', type: 'ComboBox' },
];
const click = { function: 'click_input' };

describe('resolveDecision', () => {
  it('takes the label when the name agrees', () => {
    const r = resolveDecision({ ...click, controlLabel: '1', controlName: 'Save' }, { controls });
    expect(r?.control.label).toBe('1');
    expect(r?.resolved).toMatchObject({ matchedBy: 'label', score: 100, name: 'Save' });
  });

  it('takes the label when no name is given or the control has none', () => {
    expect(resolveDecision({ ...click, controlLabel: '3', controlName: '' }, controls)?.control.label).toBe(
      '3',
    );
    expect(
      resolveDecision({ function: 'set_edit_text', controlLabel: '4', controlName: 'Edit' }, controls)
        ?.resolved.matchedBy,
    ).toBe('label');
  });

  it('settles equal names with the label', () => {
    expect(
      resolveDecision({ ...click, controlLabel: '3', controlName: 'Delete' }, controls)?.control.label,
    ).toBe('3');
  });

  it('falls back to the name when the label points at another control', () => {
    const r = resolveDecision({ ...click, controlLabel: '2', controlName: 'Font size' }, controls);
    expect(r?.control.label).toBe('5');
    expect(r?.resolved.matchedBy).toBe('name');
  });

  it('matches fuzzily above the threshold', () => {
    const r = resolveDecision({ ...click, controlLabel: '', controlName: 'Font Sise' }, controls);
    expect(r?.control.label).toBe('5');
    expect(r?.resolved.matchedBy).toBe('fuzzy');
    expect(r?.resolved.score).toBeGreaterThanOrEqual(80);
  });

  it('explains a missing control with ranked alternatives', () => {
    let error: unknown;
    try {
      resolveDecision({ ...click, controlLabel: '9', controlName: 'Safe' }, controls, { threshold: 90 });
    } catch (e) {
      error = e;
    }
    expect(LAM_ControlNotFoundError.isInstance(error)).toBe(true);
    const e = error as LAM_ControlNotFoundError;
    expect(e.candidates[0]?.name).toBe('Save');
    expect(e.candidates[0]!.score).toBeGreaterThan(e.candidates[1]!.score);
    expect(e.message).toMatch(/label "9" is not in the list/);
    expect(e.message).toMatch(/threshold 90/);
    expect(e.message).toMatch(/observe anew/);
  });

  it('says when the label names a different control', () => {
    expect(() =>
      resolveDecision({ ...click, controlLabel: '1', controlName: 'Print preview' }, controls),
    ).toThrow(/label "1" is the Button "Save", whose name scores only/);
  });

  it('refuses a tie the label does not settle', () => {
    let error: unknown;
    try {
      resolveDecision({ ...click, controlLabel: '', controlName: 'Delete' }, controls);
    } catch (e) {
      error = e;
    }
    expect(LAM_AmbiguousControlError.isInstance(error)).toBe(true);
    expect((error as LAM_AmbiguousControlError).candidates.map((c) => c.label)).toEqual(['2', '3']);
  });

  it('never resolves typing to a control that takes no text', () => {
    const dialog = [
      { label: '1', name: 'Align Left', type: 'Button' },
      { label: '2', name: 'Left', type: 'Button' },
      { label: '3', name: 'Left margin', type: 'Spinner' },
    ];
    const typed = (controlLabel: string, controlName: string) =>
      resolveDecision({ function: 'set_edit_text', controlLabel, controlName }, dialog);
    expect(typed('', 'Left margin')?.control.label).toBe('3');
    expect(typed('2', 'Left margin')?.control.label).toBe('3');
    expect(typed('2', 'Left')?.control.label).toBe('3');
    expect(() => typed('1', 'Align Left')).toThrow(
      /label "1" is the Button "Align Left", and set_edit_text acts only on Edit, Document, ComboBox, Spinner, Table, DataItem, and no control of a type set_edit_text acts on .* has a name that reaches/,
    );
    // A click may land on any of them.
    expect(
      resolveDecision({ function: 'click_input', controlLabel: '2', controlName: 'Left' }, dialog)?.control
        .label,
    ).toBe('2');
  });

  it('settles a tie by place: an open menu entry, then a shown control, then a button', () => {
    const entry = { label: '1', name: 'Merge Cells', type: 'MenuItem', className: 'menu item' };
    const button = { label: '2', name: 'Merge Cells', type: 'Button', className: 'push button' };
    const head = { label: '3', name: 'Table', type: 'MenuItem', className: 'menu' };
    const insert = { label: '4', name: 'Table', type: 'Button', className: 'push button' };
    const hidden = { ...button, label: '5', name: 'Sort', states: { visible: false } };
    const shown = { ...button, label: '6', name: 'Sort', states: { visible: true } };
    const on = (name: string, list: object[]) =>
      resolveDecision({ ...click, controlLabel: '', controlName: name }, list as typeof controls)?.control
        .label;
    expect(on('Merge Cells', [button, entry])).toBe('1');
    expect(on('Table', [head, insert])).toBe('4');
    expect(on('Sort', [hidden, shown])).toBe('6');
    // Two shown buttons of one name stay ambiguous (see above); so do two open entries.
    expect(() => on('Merge Cells', [entry, { ...entry, label: '7' }])).toThrow(LAM_AmbiguousControlError);
  });

  it('returns null for functions without a control', () => {
    expect(
      resolveDecision({ function: 'select_text', controlLabel: '1', controlName: 'Save' }, controls),
    ).toBeNull();
    expect(
      resolveDecision({ function: 'keyboard_input', controlLabel: '', controlName: '' }, controls),
    ).toBeNull();
  });

  it('names unknown functions', () => {
    expect(() => resolveDecision({ function: 'fly', controlLabel: '1', controlName: '' }, controls)).toThrow(
      LAM_UnknownActionError,
    );
    const registry = createActionRegistry({ builtins: false });
    expect(() =>
      resolveDecision({ ...click, controlLabel: '1', controlName: '' }, controls, { registry }),
    ).toThrow(/Unknown action function "click_input"/);
  });
});
