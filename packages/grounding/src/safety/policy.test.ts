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
