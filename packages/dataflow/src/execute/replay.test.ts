import { describe, expect, it } from 'vitest';
import { liveLabel } from './replay';

// The Insert Section dialog as a replay saw it: its labels moved since the rehearsal, and two controls
// are named "New Section".
const controls = [
  { label: '82', name: 'Link', type: 'CheckBox' },
  { label: '83', name: 'New Section', type: 'Table' },
  { label: '84', name: 'New Section', type: 'Edit' },
  { label: '91', name: 'Insert', type: 'MenuItem' },
  { label: '97', name: 'Insert', type: 'Button' },
];

describe('liveLabel', () => {
  it('keeps the planned label while it still names the control of that name and type', () => {
    expect(
      liveLabel({ controlLabel: '84', controlText: 'New Section', extra: { controlType: 'Edit' } }, controls),
    ).toBe('84');
  });

  it('finds the control by name and type when the label moved', () => {
    expect(
      liveLabel({ controlLabel: '82', controlText: 'New Section', extra: { controlType: 'Edit' } }, controls),
    ).toBe('84');
    expect(
      liveLabel({ controlLabel: '93', controlText: 'Insert', extra: { controlType: 'Button' } }, controls),
    ).toBe('97');
  });

  it('leaves the label alone without a recorded type, or when the name and type do not pick one control', () => {
    expect(liveLabel({ controlLabel: '82', controlText: 'New Section' }, controls)).toBe('82');
    expect(
      liveLabel({ controlLabel: '82', controlText: 'Section', extra: { controlType: 'Edit' } }, controls),
    ).toBe('82');
    expect(liveLabel({ controlLabel: '', controlText: '', extra: { controlType: 'Edit' } }, controls)).toBe(
      '',
    );
  });
});
