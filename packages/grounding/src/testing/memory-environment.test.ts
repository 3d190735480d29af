import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createMemoryEnvironment } from './memory-environment';

describe('in-memory environment', () => {
  const make = () =>
    createMemoryEnvironment({
      application: 'notes',
      controls: [
        {
          name: 'File',
          type: 'MenuItem',
          children: [{ name: 'Open', type: 'MenuItem', states: { visible: false } }],
        },
        { name: 'Body', type: 'Document', value: 'Hi' },
        { name: 'Spell check', type: 'CheckBox', states: { checked: false } },
        { name: 'Print', type: 'Button', states: { enabled: false } },
      ],
      effects: [
        {
          function: 'click_input',
          control: 'File',
          run: ({ environment }) => {
            const open = environment.find('Open')!;
            open.states = { visible: true };
            return 'menu opened';
          },
        },
        {
          function: 'click_input',
          control: (c) => c.name === 'Open',
          run: () => {
            throw new Error('disk not found');
          },
        },
      ],
    });

  it('observes labelled controls, honouring filters and states', async () => {
    const env = make();
    const obs = await env.observe();
    expect(obs.controls.map((c) => `${c.label}:${c.name}`)).toEqual(['1:File', '2:Body', '3:Spell check']);
    expect((await env.observe({ enabledOnly: false, visibleOnly: false })).controls).toHaveLength(5);
  });

  it('applies default and scripted effects and records history', async () => {
    const env = make();
    let obs = await env.observe();
    const control = (name: string) => obs.controls.find((c) => c.name === name);
    expect(
      await env.execute({ function: 'set_edit_text', args: { text: ' there' }, control: control('Body') }),
    ).toEqual({
      output: ' there',
    });
    expect(
      await env.execute({ function: 'keyboard_input', args: { keys: '!{ENTER}' }, control: control('Body') }),
    ).toEqual({
      output: '!{ENTER}',
    });
    expect((await env.execute({ function: 'texts', args: {}, control: control('Body') })).output).toBe(
      'Hi there!',
    );
    await env.execute({ function: 'click_input', args: {}, control: control('Spell check') });
    expect(env.find('Spell check')?.states?.checked).toBe(true);
    expect((await env.execute({ function: 'click_input', args: {}, control: control('File') })).output).toBe(
      'menu opened',
    );
    obs = await env.observe();
    expect(obs.controls.map((c) => c.name)).toContain('Open');
    await expect(
      env.execute({ function: 'click_input', args: {}, control: control('Open') }),
    ).rejects.toThrow('disk not found');
    expect(env.history.map((h) => `${h.function}:${h.control}`)).toEqual([
      'set_edit_text:Body',
      'keyboard_input:Body',
      'texts:Body',
      'click_input:Spell check',
      'click_input:File',
      'click_input:Open',
    ]);
  });

  it('refuses disabled, removed and unsupported targets', async () => {
    const env = make();
    const all = await env.observe({ enabledOnly: false });
    const print = all.controls.find((c) => c.name === 'Print')!;
    await expect(env.execute({ function: 'click_input', args: {}, control: print })).rejects.toThrow(
      /is disabled/,
    );
    env.remove('Body');
    await expect(env.execute({ function: 'texts', args: {}, control: all.controls[1] })).rejects.toThrow(
      /observe\(\) again/,
    );
    await expect(env.execute({ function: 'fly', args: {} })).rejects.toThrow(/does not implement "fly"/);
    await env.close();
    await expect(env.observe()).rejects.toThrow(/closed/);
  });

  it('renders a PNG screenshot of its screen size', async () => {
    const env = createMemoryEnvironment({
      screen: { width: 64, height: 32 },
      controls: [{ name: 'Ok', type: 'Button', rect: { x: 4, y: 4, width: 20, height: 10 } }],
    });
    const shot = await env.screenshot();
    const meta = await sharp(shot.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 64, 32]);
    const { data } = await sharp(shot.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[(4 * 64 + 10) * 3]).toBe(150);
    expect(data[(20 * 64 + 40) * 3]).toBe(245);
  });
});
