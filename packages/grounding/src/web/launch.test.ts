import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LAM_EnvironmentError } from '../errors';
import { launchChromium, OFFLINE_CHROMIUM_FLAGS, resolveChromiumPath } from './launch';
import { connectWebEnvironment } from './web-environment';

const saved = process.env.CHROMIUM_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.CHROMIUM_PATH;
  else process.env.CHROMIUM_PATH = saved;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Chromium launch and attach', () => {
  it('finds Chromium, honours CHROMIUM_PATH and the option, and explains a wrong path', () => {
    delete process.env.CHROMIUM_PATH;
    expect(resolveChromiumPath()).toMatch(/chrom/);
    process.env.CHROMIUM_PATH = '/nowhere/chromium';
    expect(() => resolveChromiumPath()).toThrow(LAM_EnvironmentError);
    expect(() => resolveChromiumPath()).toThrow(/no Chromium at \/nowhere\/chromium \(CHROMIUM_PATH\)/);
    expect(() => resolveChromiumPath('/also/nowhere')).toThrow(/executablePath option/);
    expect(OFFLINE_CHROMIUM_FLAGS).toContain('--disable-background-networking');
  });

  it('attaches to a running browser over CDP and detaches without closing it', async () => {
    const port = await freePort();
    const browser = await launchChromium({ args: [`--remote-debugging-port=${port}`] });
    try {
      const page = await browser.newPage();
      await page.setContent('<button onclick="this.textContent = \'Pressed\'">Press me</button>');
      const env = await connectWebEnvironment({
        endpointURL: `http://127.0.0.1:${port}`,
        urlIncludes: 'about:blank',
      });
      const obs = await env.observe();
      expect(obs.controls.map((c) => c.name)).toEqual(['Press me']);
      await env.execute({
        function: 'click_input',
        args: { button: 'left', double: false },
        control: obs.controls[0],
      });
      await env.close();
      expect(await page.textContent('button')).toBe('Pressed');
      await expect(
        connectWebEnvironment({ endpointURL: `http://127.0.0.1:${port}`, urlIncludes: 'nope.test' }),
      ).rejects.toThrow(/no page's URL contains "nope.test"/);
    } finally {
      await browser.close();
    }
  });
});
