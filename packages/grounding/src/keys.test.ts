import { describe, expect, it } from 'vitest';
import { LAM_KeySyntaxError } from './errors';
import { parseSendKeys, toPlaywrightKey } from './keys';

const chords = (keys: string) =>
  parseSendKeys(keys).map((op) =>
    op.type === 'press'
      ? `${toPlaywrightKey(op)}×${op.count}`
      : `${op.type}:${'text' in op ? op.text : op.key}`,
  );

describe('parseSendKeys', () => {
  it('reads UFO examples', () => {
    expect(chords('{VK_CONTROL}a')).toEqual(['Control+a×1']);
    expect(chords('{VK_CONTROL}c')).toEqual(['Control+c×1']);
    expect(chords('{ENTER}')).toEqual(['Enter×1']);
    expect(chords('{TAB 2}')).toEqual(['Tab×2']);
    expect(chords('{DELETE}')).toEqual(['Delete×1']);
  });

  it('reads modifier characters and groups', () => {
    expect(chords('^s')).toEqual(['Control+s×1']);
    expect(chords('+{TAB}')).toEqual(['Shift+Tab×1']);
    expect(chords('%{F4}')).toEqual(['Alt+F4×1']);
    expect(chords('^+{LEFT}')).toEqual(['Control+Shift+ArrowLeft×1']);
    expect(chords('^(ac)')).toEqual(['Control+a×1', 'Control+c×1']);
  });

  it('merges plain text and keeps literals', () => {
    expect(chords('Hello world{ENTER}')).toEqual(['text:Hello world', 'Enter×1']);
    expect(chords('1{+}1{%}{{}{}}')).toEqual(['text:1+1%{}']);
    expect(chords('a~b\nc')).toEqual(['text:a', 'Enter×1', 'text:b', 'Enter×1', 'text:c']);
    expect(chords('{SPACE}')).toEqual(['text: ']);
  });

  it('holds and releases keys', () => {
    expect(chords('{VK_SHIFT down}ab{VK_SHIFT up}')).toEqual(['down:Shift', 'text:ab', 'up:Shift']);
  });

  it('taps a lone modifier', () => {
    expect(chords('{VK_CONTROL}')).toEqual(['Control×1']);
  });

  it('explains bad syntax', () => {
    expect(() => parseSendKeys('{NOPE}')).toThrow(LAM_KeySyntaxError);
    expect(() => parseSendKeys('{NOPE}')).toThrow(/unknown key name "NOPE"/);
    expect(() => parseSendKeys('abc{ENTER')).toThrow(/never closed/);
  });
});
