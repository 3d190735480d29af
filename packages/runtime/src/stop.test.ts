import { describe, expect, it } from 'vitest';
import { StopMatcher } from './stop';

describe('StopMatcher', () => {
  const m = new StopMatcher(['</s>', '\n\n']);
  it('finds the earliest stop string', () => {
    expect(m.find('abc\n\ndef</s>')).toBe(3);
    expect(m.find('abc')).toBe(-1);
  });
  it('holds back text that may begin a stop string', () => {
    expect(m.safeLength('hello </')).toBe(6);
    expect(m.safeLength('hello\n')).toBe(5);
    expect(m.safeLength('hello')).toBe(5);
  });
});
