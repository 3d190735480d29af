import { writeFileSync } from 'node:fs';
import { launchChromium } from '@lam/grounding/web';

/** Options of {@link openReport}. */
export interface OpenReportOptions {
  /** The browser binary (default `$CHROMIUM_PATH` or `/usr/bin/chromium`). */
  executablePath?: string;
  /** Viewport in CSS pixels (default 1280×900). */
  viewport?: { width: number; height: number };
  /** Write a PNG screenshot of the page here. */
  screenshotPath?: string;
  /** The whole page, not only the viewport (default true). */
  fullPage?: boolean;
}

/** What the browser saw when it opened a report. */
export interface OpenReportResult {
  /** Console messages of type `error`, and uncaught page errors. */
  errors: string[];
  /** Requests the page tried to make outside its own document (a self-contained report makes none). */
  requests: string[];
  title: string;
  /** Tables, charts and screenshots found in the page. */
  counts: { tables: number; charts: number; screenshots: number; marks: number };
  /** The PNG, when `screenshotPath` was given. */
  screenshot?: Buffer;
}

/**
 * Opens an HTML report in headless Chromium (playwright-core, an optional peer dependency) and
 * reports console errors, outside requests and what rendered; optionally writes a screenshot.
 * Use it in CI to check that a report opens cleanly.
 */
export async function openReport(html: string, options: OpenReportOptions = {}): Promise<OpenReportResult> {
  // Offline-safe flags and the browser path ($CHROMIUM_PATH, /usr/bin/chromium) as the web backend uses them.
  const browser = await launchChromium(
    options.executablePath ? { executablePath: options.executablePath } : {},
  );
  try {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
    });
    await page.setContent(html, { waitUntil: 'load' });
    const counts = await page.evaluate(() => ({
      tables: document.querySelectorAll('table').length,
      charts: document.querySelectorAll('svg.chart').length,
      screenshots: document.querySelectorAll('svg.shot image').length,
      marks: document.querySelectorAll('svg.shot rect.mark').length,
    }));
    const result: OpenReportResult = { errors, requests, title: await page.title(), counts };
    if (options.screenshotPath !== undefined) {
      const png = await page.screenshot({ fullPage: options.fullPage ?? true, type: 'png' });
      writeFileSync(options.screenshotPath, png);
      result.screenshot = png;
    }
    return result;
  } finally {
    await browser.close();
  }
}
