import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  BUILTIN_ACTIONS,
  BuiltinAction,
  createActionRegistry,
  defaultActionRegistry,
  defineAction,
  formatActionCall,
} from './action';
import { LAM_DuplicateActionError, LAM_UnknownActionError, LAM_ValidationError, LamError } from './errors';
import { arbitraryOf } from './test-utils/zod-arbitrary';

describe('built-in actions', () => {
  it('cover the functions of the paper and UFO, plus the Calc APIs and no action', () => {
    expect(defaultActionRegistry.list().map((d) => d.name)).toEqual([
      'click_input',
      'set_edit_text',
      'keyboard_input',
      'wheel_mouse_input',
      'texts',
      'summary',
      'annotation',
      'click_on_coordinates',
      'drag_on_coordinates',
      'select_text',
      'insert_table',
      'select_table',
      'set_font',
      'save_as',
      'select_range',
      'set_cell_values',
      'get_cell_values',
      '',
    ]);
  });

  it('have a description, a control requirement, and examples whose args their own schema accepts', () => {
    for (const def of BUILTIN_ACTIONS) {
      expect(def.description.length).toBeGreaterThan(10);
      expect(['required', 'optional', 'none']).toContain(def.control);
      expect(def.examples.length).toBeGreaterThan(0);
      for (const example of def.examples) {
        expect(() => defaultActionRegistry.parseArgs(def.name, example.args)).not.toThrow();
        expect(BuiltinAction.safeParse({ function: def.name, args: example.args }).success).toBe(true);
      }
    }
  });

  it('fill in defaults the way UFO does', () => {
    expect(defaultActionRegistry.parseArgs('click_input', {})).toEqual({ button: 'left', double: false });
    expect(defaultActionRegistry.parseArgs('keyboard_input', { keys: '{ENTER}' })).toEqual({
      keys: '{ENTER}',
      control_focus: true,
    });
  });

  it('reject wrong arguments with the function and field named', () => {
    const cases: [string, unknown, string][] = [
      ['click_input', { button: 'top' }, 'button'],
      ['click_on_coordinates', { x: 1.5, y: 0 }, 'x'],
      ['insert_table', { rows: 0, columns: 2 }, 'rows'],
      ['set_font', {}, 'font_name, font_size or both'],
      ['select_range', { range: 'A0' }, 'A1-style'],
      ['set_edit_text', { text: 'a', txt: 'b' }, 'unknown field "txt"'],
    ];
    for (const [name, args, fragment] of cases) {
      let error: unknown;
      try {
        defaultActionRegistry.parseArgs(name, args);
      } catch (e) {
        error = e;
      }
      expect(LAM_ValidationError.isInstance(error), name).toBe(true);
      expect((error as Error).message).toContain(`arguments of ${name}`);
      expect((error as Error).message).toContain(fragment);
    }
  });

  it('parse every generated valid call, and every built-in call through the registry schema', () => {
    const schema = defaultActionRegistry.actionSchema();
    fc.assert(
      fc.property(arbitraryOf(BuiltinAction), (call) => {
        const parsed = BuiltinAction.parse(call);
        expect(schema.parse(call)).toEqual(parsed);
        expect(defaultActionRegistry.parseAction(call)).toEqual(parsed);
      }),
      { numRuns: 200 },
    );
  });
});

describe('action registry', () => {
  const scrollTo = defineAction({
    name: 'scroll_to_text',
    description: 'Scroll until the given text is visible.',
    args: z.strictObject({ text: z.string().min(1) }),
    control: 'optional',
    category: 'ui',
    examples: [{ description: 'Show the summary section.', args: { text: 'Summary' } }],
  });

  it('registers, lists, validates and removes a user function', () => {
    const registry = createActionRegistry();
    registry.register(scrollTo);
    expect(registry.has('scroll_to_text')).toBe(true);
    expect(registry.get('scroll_to_text')).toBe(scrollTo);
    expect(registry.list().at(-1)).toBe(scrollTo);
    expect(registry.parseArgs('scroll_to_text', { text: 'Summary' })).toEqual({ text: 'Summary' });
    expect(
      registry.actionSchema().safeParse({ function: 'scroll_to_text', args: { text: 'x' } }).success,
    ).toBe(true);
    expect(defaultActionRegistry.has('scroll_to_text')).toBe(false);
    expect(registry.unregister('scroll_to_text')).toBe(true);
    expect(
      registry.actionSchema().safeParse({ function: 'scroll_to_text', args: { text: 'x' } }).success,
    ).toBe(false);
  });

  it('refuses a duplicate name unless asked to replace it', () => {
    const registry = createActionRegistry({ functions: [scrollTo] });
    expect(() => registry.register(scrollTo)).toThrowError(/already registered/);
    try {
      registry.register(scrollTo);
    } catch (e) {
      expect(LAM_DuplicateActionError.isInstance(e)).toBe(true);
      expect(LamError.isInstance(e)).toBe(true);
    }
    const replacement = { ...scrollTo, description: 'Scroll to a text.' };
    registry.register(replacement, { replace: true });
    expect(registry.get('scroll_to_text')?.description).toBe('Scroll to a text.');
  });

  it('names the known functions when asked for an unknown one', () => {
    const registry = createActionRegistry({ builtins: false, functions: [scrollTo] });
    let error: unknown;
    try {
      registry.parseArgs('click', {});
    } catch (e) {
      error = e;
    }
    expect(LAM_UnknownActionError.isInstance(error)).toBe(true);
    expect((error as LAM_UnknownActionError).functionName).toBe('click');
    expect((error as Error).message).toContain('"scroll_to_text"');
    expect((error as Error).message).toContain('registry.register');
  });

  it('an empty registry accepts no action at all', () => {
    const registry = createActionRegistry({ builtins: false });
    expect(registry.list()).toEqual([]);
    expect(registry.actionSchema().safeParse({ function: '', args: {} }).success).toBe(false);
  });
});

describe('formatActionCall', () => {
  it('writes calls the way UFO logs them (Python repr)', () => {
    expect(formatActionCall({ function: 'click_input', args: { button: 'left', double: false } })).toBe(
      "click_input(button='left', double=False)",
    );
    expect(formatActionCall({ function: 'set_edit_text', args: { text: "it's\nhere" } })).toBe(
      'set_edit_text(text="it\'s\\nhere")',
    );
    expect(formatActionCall({ function: 'annotation', args: { control_labels: ['1', '2'] } })).toBe(
      "annotation(control_labels=['1', '2'])",
    );
    expect(formatActionCall({ function: 'x', args: { a: null, b: { k: 1.5 } } })).toBe(
      "x(a=None, b={'k': 1.5})",
    );
    expect(formatActionCall({ function: '', args: {} })).toBe('()');
  });
});
