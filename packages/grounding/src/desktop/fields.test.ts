import { describe, expect, it } from 'vitest';
import { fieldShows } from './fields';

describe('fieldShows: a spin field read back against what was typed', () => {
  it.each([
    ['1.18″', '3 cm', true],
    ['0.98″', '2.5 cm', true],
    ['1.00″', '1 in', true],
    ['8.00 cm', '8 cm', true],
    ['3.14″', '8 cm', true],
    ['12 pt', '12pt', true],
    ['80%', '80 %', true],
    ['1.50', '1.5', true],
    ['0.00″', '-5 cm', false],
    ['39.37″', '999 cm', false],
    ['0.00″', 'abc', false],
    ['0.78″', '3 cm', false],
  ])('%s shows %s: %s', (read, expected, shows) => {
    expect(fieldShows(read, expected)).toBe(shows);
  });

  it('cannot compare what is not a measure, or an unknown unit', () => {
    expect(fieldShows('Liberation Serif', 'Arial')).toBeUndefined();
    expect(fieldShows('2 lines', '3 cm')).toBeUndefined();
    expect(fieldShows('1.18″', 'three')).toBe(false);
  });
});
