import type { Control } from '@lam/schema';
import { describe, expect, it, vi } from 'vitest';
import { LAM_UnsafeActionError } from '../errors';
import { createSafetyPolicy, DEFAULT_SAFETY_RULES } from './policy';

const button = (name: string) => ({ label: '1', name, type: 'Button' });

describe('safety policy', () => {
  const policy = createSafetyPolicy({ allowedDomains: ['example.test'] });

  it('allows ordinary actions', () => {
    expect(policy.evaluate({ function: 'click_input', args: {}, control: button('Bold') })).toEqual({
      verdict: 'allow',
    });
    expect(policy.evaluate({ function: 'keyboard_input', args: { keys: '{DELETE}' } }).verdict).toBe('allow');
  });

  it.each([
    ['click_input', button('Delete'), {}, 'delete-control'],
    ['click_input', button('Close window'), {}, 'close-control'],
    ['click_input', button('Send'), {}, 'send-control'],
    ['click_input', button('Place order'), {}, 'payment-control'],
    ['keyboard_input', undefined, { keys: '%{F4}' }, 'close-keys'],
    ['keyboard_input', undefined, { keys: '{VK_CONTROL}w' }, 'close-keys'],
    [
      'set_edit_text',
      { label: '2', name: 'Secret', type: 'Edit', className: 'input:password' },
      { text: 'x' },
      'credentials-field',
    ],
    [
      'set_edit_text',
      { label: '2', name: 'Card number', type: 'Edit' },
      { text: '4111' },
      'credentials-name',
    ],
  ])('asks to confirm %s on %j', (fn, control, args, rule) => {
    const v = policy.evaluate({ function: fn, args, control });
    expect(v.verdict).toBe('confirm');
    expect(v.rule).toBe(rule);
    expect(v.reason).toBeTruthy();
  });

  // One row per default rule: an action it guards, and the nearest one it lets through.
  const writer = 'soffice-writer';
  const calc = 'soffice-calc';
  const web = 'chromium';
  const menu = (name: string) => ({ label: '4', name, type: 'MenuItem' });
  const field = (name: string, className?: string) => ({
    label: '5',
    name,
    type: 'Edit',
    ...(className ? { className } : {}),
  });
  type Row = [string, string, string, Record<string, unknown>, Control | undefined];
  const guarded: Row[] = [
    ['close-control', web, 'click_input', {}, button('Close')],
    ['close-document', writer, 'click_input', {}, button('Close Document')],
    ['close-menu-item', calc, 'click_input', {}, menu('Close')],
    ['close-keys', writer, 'keyboard_input', { keys: '^w' }, undefined],
    ['close-function', web, 'close_window', {}, undefined],
    ['close-unsaved', writer, 'click_input', {}, button("Don't Save")],
    ['delete-control', web, 'click_input', {}, button('Delete message')],
    ['delete-files', calc, 'click_input', {}, button('Delete file')],
    ['send-control', writer, 'click_input', {}, menu('Send')],
    ['send-keys', web, 'keyboard_input', { keys: '^{ENTER}' }, undefined],
    ['payment-control', web, 'click_input', {}, button('Buy now')],
    ['credentials-field', web, 'set_edit_text', { text: 'x' }, field('Secret', 'input:password')],
    ['credentials-name', calc, 'set_edit_text', { text: 'x' }, field('Password')],
  ];
  const allowed: Row[] = [
    ['close-control', writer, 'click_input', {}, button('Close')],
    ['close-document', writer, 'click_input', {}, button('Close Preview')],
    ['close-menu-item', calc, 'click_input', {}, button('Close')],
    ['close-keys', writer, 'keyboard_input', { keys: '^s' }, undefined],
    ['close-function', web, 'click_input', {}, button('Window')],
    ['close-unsaved', writer, 'click_input', {}, button('Save')],
    ['delete-control', calc, 'click_input', {}, menu('Delete Rows')],
    ['delete-control', writer, 'click_input', {}, button('Remove')],
    ['delete-files', calc, 'click_input', {}, menu('Delete Columns')],
    ['send-control', writer, 'click_input', {}, button('Sentence Case')],
    ['send-keys', writer, 'keyboard_input', { keys: '^{ENTER}' }, undefined],
    ['send-keys', calc, 'keyboard_input', { keys: '^{ENTER}' }, undefined],
    ['payment-control', calc, 'click_input', {}, menu('Currency')],
    ['credentials-field', web, 'set_edit_text', { text: 'x' }, field('Search', 'input:search')],
    ['credentials-name', writer, 'set_edit_text', { text: 'x' }, field('Pinned note')],
  ];

  it.each(guarded)('%s guards %s: %s %j on %j', (rule, application, fn, args, control) => {
    const v = policy.evaluate({ function: fn, args, control, application });
    expect(v).toMatchObject({ verdict: 'confirm', rule });
  });

  it.each(allowed)('%s lets %s run %s %j on %j', (rule, application, fn, args, control) => {
    expect(policy.evaluate({ function: fn, args, control, application }).verdict).toBe('allow');
    expect(DEFAULT_SAFETY_RULES.some((r) => r.id === rule)).toBe(true);
  });

  it('tests every default rule both ways', () => {
    const ids = DEFAULT_SAFETY_RULES.map((r) => r.id).filter((id) => id !== 'leave-allowed-domains');
    expect(new Set(guarded.map((r) => r[0]))).toEqual(new Set(ids));
    expect(new Set(allowed.map((r) => r[0]))).toEqual(new Set(ids));
  });

  it('applies an application-scoped rule only where it names', () => {
    const scoped = createSafetyPolicy({
      rules: [
        {
          id: 'mail-archive',
          kind: 'custom',
          description: 'archiving in the mail client',
          verdict: 'deny',
          functions: ['click_input'],
          controlName: 'archive',
          applications: ['^thunderbird$'],
        },
      ],
    });
    const input = { function: 'click_input', args: {}, control: button('Archive') };
    expect(scoped.evaluate({ ...input, application: 'thunderbird' }).verdict).toBe('deny');
    expect(scoped.evaluate({ ...input, application: writer }).verdict).toBe('allow');
    expect(scoped.evaluate(input).verdict).toBe('allow');
  });

  it('denies links that leave the allowed domains, resolving relative links', () => {
    const link = (href: string) => ({ label: '3', name: 'Go', type: 'Hyperlink', value: href });
    const at = 'http://app.example.test/page';
    expect(
      policy.evaluate({
        function: 'click_input',
        args: {},
        control: link('https://evil.test/'),
        location: at,
      }).verdict,
    ).toBe('deny');
    expect(
      policy.evaluate({ function: 'click_input', args: {}, control: link('/next'), location: at }).verdict,
    ).toBe('allow');
    expect(
      policy.evaluate({
        function: 'click_input',
        args: {},
        control: link('http://docs.example.test/'),
        location: at,
      }).verdict,
    ).toBe('allow');
  });

  it('asks the confirm callback and records the answer', async () => {
    const confirm = vi.fn().mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    const input = { function: 'click_input', args: {}, control: button('Delete') };
    const yes = await policy.check(input, { confirm });
    expect(yes).toMatchObject({ allowed: true, verdict: { verdict: 'confirm', userConfirmed: true } });
    const no = await policy.check(input, { confirm });
    expect(no).toMatchObject({ allowed: false, verdict: { verdict: 'confirm', userConfirmed: false } });
    expect(confirm.mock.calls[0]?.[0]).toMatchObject({ rule: { id: 'delete-control' } });
  });

  it('does not run a confirm action when no one can be asked, or the callback throws', async () => {
    const input = { function: 'click_input', args: {}, control: button('Delete') };
    expect((await policy.check(input)).allowed).toBe(false);
    expect((await policy.check(input, { confirm: () => Promise.reject(new Error('no tty')) })).allowed).toBe(
      false,
    );
    await expect(policy.enforce(input)).rejects.toThrow(LAM_UnsafeActionError);
    await expect(policy.enforce(input)).rejects.toThrow(/needs the user to confirm it/);
  });

  it('lets the most severe rule win and kinds be re-graded', async () => {
    const strict = createSafetyPolicy({ verdicts: { delete: 'deny' } });
    expect(
      strict.evaluate({ function: 'click_input', args: {}, control: button('Delete and send') }).verdict,
    ).toBe('deny');
    const lax = createSafetyPolicy({ verdicts: { delete: 'allow' } });
    expect((await lax.check({ function: 'click_input', args: {}, control: button('Delete') })).allowed).toBe(
      true,
    );
  });

  it('is frozen: nothing can loosen it at run time', () => {
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.rules)).toBe(true);
    expect(() => {
      (policy.rules as unknown as { verdict: string }[])[0]!.verdict = 'allow';
    }).toThrow(TypeError);
    expect(() => {
      (policy as unknown as { evaluate: unknown }).evaluate = () => ({ verdict: 'allow' });
    }).toThrow(TypeError);
  });

  it('validates rules when created', () => {
    expect(() =>
      createSafetyPolicy({ extraRules: [{ ...DEFAULT_SAFETY_RULES[0]!, verdict: 'maybe' as never }] }),
    ).toThrow();
    expect(() =>
      createSafetyPolicy({ extraRules: [{ ...DEFAULT_SAFETY_RULES[0]!, controlName: '(' }] }),
    ).toThrow(SyntaxError);
  });
});
