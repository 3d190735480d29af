import { describe, expect, test } from 'vitest';
import { heldKey, keysym, sendKeysToXdotool, typeCommands } from './input';
import { a1Formula } from './readers';
import { controlStates, controlType } from './roles';
import { rootPaneShift } from './walk';

describe('send_keys to xdotool', () => {
  test('modifiers, named keys and counts', () => {
    expect(sendKeysToXdotool('{VK_CONTROL}a')).toEqual([['key', 'ctrl+a']]);
    expect(sendKeysToXdotool('{ENTER}')).toEqual([['key', 'Return']]);
    expect(sendKeysToXdotool('{TAB 2}')).toEqual([['key', '--repeat', '2', '--delay', '12', 'Tab']]);
    expect(sendKeysToXdotool('^+{HOME}')).toEqual([['key', 'ctrl+shift+Home']]);
    expect(sendKeysToXdotool('%{F4}')).toEqual([['key', 'alt+F4']]);
    expect(sendKeysToXdotool('{VK_SHIFT down}{DOWN}{VK_SHIFT up}')).toEqual([
      ['keydown', 'shift'],
      ['key', 'Down'],
      ['keyup', 'shift'],
    ]);
  });

  test('plain text is typed, with newlines as Return (which commits a Calc cell)', () => {
    expect(sendKeysToXdotool('=B2*2{ENTER}')).toEqual([
      ['type', '--delay', '12', '--', '=B2*2'],
      ['key', 'Return'],
    ]);
    expect(typeCommands('a\nb\tc')).toEqual([
      ['type', '--delay', '12', '--', 'a'],
      ['key', 'Return'],
      ['type', '--delay', '12', '--', 'b'],
      ['key', 'Tab'],
      ['type', '--delay', '12', '--', 'c'],
    ]);
    expect(sendKeysToXdotool('{+}', { typeDelayMs: 5 })).toEqual([['type', '--delay', '5', '--', '+']]);
  });

  test('keysyms and held keys', () => {
    expect(keysym('PageDown')).toBe('Next');
    expect(keysym('+')).toBe('plus');
    expect(heldKey('CONTROL')).toBe('ctrl');
    expect(heldKey('{VK_SHIFT}')).toBe('shift');
  });
});

describe('roles, states and the extents correction', () => {
  test('AT-SPI roles map to the schema control types', () => {
    expect(controlType('push button')).toBe('Button');
    expect(controlType('toggle button')).toBe('Button');
    expect(controlType('document text')).toBe('Document');
    expect(controlType('table cell')).toBe('DataItem');
    expect(controlType('panel')).toBe('Pane');
  });

  test('states come from the AT-SPI bit set', () => {
    // ENABLED(8) FOCUSABLE(11) SENSITIVE(24) SHOWING(25) VISIBLE(30) CHECKED(4)
    const bits = (1 << 8) | (1 << 11) | (1 << 24) | (1 << 25) | (1 << 30) | (1 << 4);
    expect(controlStates([bits >>> 0, 0], 'toggle button')).toEqual({
      enabled: true,
      visible: true,
      focused: false,
      focusable: true,
      pressed: true,
    });
    expect(controlStates([(1 << 25) | (1 << 30), 0], 'push button').enabled).toBe(false);
  });

  test('the root pane offset is the GTK container position minus the root pane position', () => {
    expect(
      rootPaneShift({ x: 0, y: 0, width: 1280, height: 775 }, { x: 0, y: 25, width: 1280, height: 775 }),
    ).toEqual([0, 25]);
    expect(
      rootPaneShift({ x: 0, y: 25, width: 1280, height: 775 }, { x: 0, y: 25, width: 1280, height: 775 }),
    ).toEqual([0, 0]);
    expect(
      rootPaneShift({ x: 0, y: 0, width: 100, height: 100 }, { x: 0, y: 25, width: 1280, height: 775 }),
    ).toEqual([0, 0]);
  });

  test('ODF formulas read in A1 style', () => {
    expect(a1Formula('of:=SUM([.B2:.B5])')).toBe('=SUM(B2:B5)');
    expect(a1Formula('of:=[.B2]*2')).toBe('=B2*2');
    expect(a1Formula("of:=[$'Other'.A1]+1")).toBe("=$'Other'!A1+1");
  });
});
