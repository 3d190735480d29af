import type { Control, Observation } from '@lam/schema';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureServer, serveFixtures } from './__fixtures__/serve';
import { launchChromium } from './launch';
import { launchWebEnvironment, type WebEnvironment } from './web-environment';

let browser: Browser;
let server: FixtureServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), serveFixtures()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), server?.close()]);
});

async function open(page: string, options: { deviceScaleFactor?: number } = {}): Promise<WebEnvironment> {
  return launchWebEnvironment({ browser, url: server.url(page), ...options });
}

const byName = (obs: Observation, name: string): Control => {
  const c = obs.controls.find((x) => x.name === name);
  if (c === undefined)
    throw new Error(`no control named ${name} in ${obs.controls.map((x) => x.name).join(' | ')}`);
  return c;
};

describe('web observe', () => {
  it('lists form controls with names, types, values, states and labels in document order', async () => {
    const env = await open('form.html');
    try {
      const obs = await env.observe();
      expect(obs.application).toBe('chromium');
      expect(obs.window?.title).toBe('Account form');
      expect(obs.controls.map((c) => c.label)).toEqual(obs.controls.map((_, i) => String(i + 1)));
      expect(byName(obs, 'Full name')).toMatchObject({
        type: 'Edit',
        value: 'Ada',
        automationId: 'name',
        states: { editable: true },
      });
      expect(byName(obs, 'Email')).toMatchObject({ type: 'Edit', value: '' });
      expect(byName(obs, 'Password')).toMatchObject({ type: 'Edit', className: 'input:password' });
      expect(byName(obs, 'Notes').value).toBe('First line');
      expect(byName(obs, 'Country')).toMatchObject({ type: 'ComboBox', value: 'France' });
      expect(byName(obs, 'Subscribe to news')).toMatchObject({
        type: 'CheckBox',
        states: { checked: false },
      });
      expect(byName(obs, 'Free')).toMatchObject({ type: 'RadioButton', states: { checked: true } });
      expect(byName(obs, 'Save').type).toBe('Button');
      expect(byName(obs, 'Special offer')).toMatchObject({
        type: 'Hyperlink',
        value: 'https://elsewhere.invalid/offer',
      });
      // Disabled controls are dropped by default, hidden ones are never rendered.
      expect(obs.controls.some((c) => c.name === 'Archive' || c.name === 'Invisible')).toBe(false);
      const all = await env.observe({ enabledOnly: false, includeHidden: true });
      expect(byName(all, 'Archive').states).toMatchObject({ enabled: false, visible: true });
      expect(byName(all, 'Invisible').states).toMatchObject({ visible: false });
      // Labels are renumbered per observation, names stay.
      expect(all.controls.length).toBeGreaterThan(obs.controls.length);
    } finally {
      await env.close();
    }
  });

  it('reports boxes in CSS pixels whose centres hit the control', async () => {
    const env = await open('form.html');
    try {
      const obs = await env.observe();
      expect(obs.controls.every((c) => c.automationId !== undefined)).toBe(true);
      for (const control of obs.controls) {
        const r = control.rect!;
        expect(r.space).toBe('logical');
        const hit = await env.page.evaluate(
          ([x, y, id]) => {
            const el = document.elementFromPoint(x as number, y as number);
            const target = document.getElementById(id as string);
            return el !== null && target !== null && (target === el || target.contains(el));
          },
          [r.x + r.width / 2, r.y + r.height / 2, control.automationId] as const,
        );
        expect(hit, `centre of ${control.label} ${control.name}`).toBe(true);
      }
    } finally {
      await env.close();
    }
  });

  it('walks open shadow roots and iframes, offsetting frame boxes by the iframe position', async () => {
    const env = await open('frames.html');
    try {
      await env.page.frameLocator('#inner').locator('#deep').waitFor();
      const obs = await env.observe();
      expect(byName(obs, 'Search').type).toBe('Button');
      expect(byName(obs, 'Query')).toMatchObject({ type: 'Edit' });
      expect(obs.controls.some((c) => c.name === 'Hidden in closed root')).toBe(false);
      const inner = byName(obs, 'Inner action');
      expect(byName(obs, 'Inner field').value).toBe('inside');
      const iframeBox = (await env.page.locator('#inner').boundingBox())!;
      // The button sits 60px/30px inside the frame's content box (5px border + 7px padding).
      expect(inner.rect!.x).toBeCloseTo(iframeBox.x + 12 + 60, 0);
      expect(inner.rect!.y).toBeCloseTo(iframeBox.y + 12 + 30, 0);
      // A trusted click at that box's centre lands on the button inside the frame.
      await env.page.mouse.click(
        inner.rect!.x + inner.rect!.width / 2,
        inner.rect!.y + inner.rect!.height / 2,
      );
      await expect
        .poll(() => env.page.frameLocator('#inner').locator('#out').textContent())
        .toBe('Inner clicked');
      expect(obs.metadata).toMatchObject({ frames: 2 });
    } finally {
      await env.close();
    }
  });

  it('reports menus, dialogs, tabs, trees and editor text, as they open', async () => {
    const env = await open('widgets.html');
    try {
      const closed = await env.observe();
      expect(byName(closed, 'File')).toMatchObject({ type: 'MenuItem', states: { expanded: false } });
      expect(closed.controls.some((c) => c.name === 'New')).toBe(false);
      expect(byName(closed, 'General')).toMatchObject({ type: 'TabItem', states: { selected: true } });
      expect(byName(closed, 'Documents')).toMatchObject({ type: 'TreeItem', states: { expanded: false } });
      expect(byName(closed, 'Plum quantity')).toMatchObject({ type: 'Edit', value: '0' });
      await env.page.click('#file');
      await env.page.click('#open-dialog');
      const open = await env.observe();
      expect(byName(open, 'File').states?.expanded).toBe(true);
      expect(byName(open, 'Show ruler')).toMatchObject({ type: 'MenuItem', states: { checked: false } });
      expect(byName(open, 'Apply').type).toBe('Button');
      expect(byName(open, 'Zoom')).toMatchObject({ type: 'Spinner', value: '100' });

      const editor = await open2('editor.html');
      try {
        const obs = await editor.observe({ text: true });
        expect(byName(obs, 'Document')).toMatchObject({ type: 'Document', states: { editable: true } });
        expect(byName(obs, 'Document').value).toContain('Quarterly report draft.');
        expect(obs.canvasText).toContain('Second paragraph here.');
      } finally {
        await editor.close();
      }
    } finally {
      await env.close();
    }
  });

  it('filters by type and viewport, and writes a screenshot with the observation', async () => {
    const env = await open('form.html', { deviceScaleFactor: 2 });
    try {
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = `${mkdtempSync(`${tmpdir()}/lam-obs-`)}/shot.png`;
      const obs = await env.observe({ types: ['Button'], screenshotPath: path });
      expect(obs.controls.every((c) => c.type === 'Button')).toBe(true);
      expect(obs.controls.map((c) => c.label)[0]).toBe('1');
      expect(obs.screen).toEqual({ width: 1280, height: 800, scaleFactor: 2 });
      expect(obs.screenshot).toMatchObject({ path, width: 2560, height: 1600, mimeType: 'image/png' });
      expect(obs.screenshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
      const shot = await env.screenshot();
      expect([shot.width, shot.height, shot.scaleFactor]).toEqual([2560, 1600, 2]);
      // Set-of-mark labels land on the controls of the real HiDPI screenshot.
      const { drawSetOfMarks } = await import('../som/draw');
      const sharp = (await import('sharp')).default;
      const marked = await drawSetOfMarks(shot, obs.controls);
      const save = obs.controls.find((c) => c.name === 'Save')!.rect!;
      const { data, info } = await sharp(marked.annotated).raw().toBuffer({ resolveWithObject: true });
      const at = (Math.round(save.y * 2 + 20) * info.width + Math.round(save.x * 2 + 4)) * info.channels;
      expect([data[at], data[at + 1], data[at + 2]]).toEqual([0xff, 0xf6, 0x8f]);
      const top = await env.observe({ viewport: { width: 1280, height: 100 } });
      expect(top.controls.length).toBeLessThan((await env.observe()).controls.length);
    } finally {
      await env.close();
    }
  });
});

async function open2(page: string): Promise<WebEnvironment> {
  return launchWebEnvironment({ browser, url: server.url(page) });
}
