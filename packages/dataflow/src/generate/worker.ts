import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import { clickPath, closeTransients, extraWindows, loadDesktop } from '../live/workbench';
import { type CalcDocument, type GeneratedDocument, paragraphsOf } from './content';
import { documentFile } from './documents';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Options of {@link OfficeWorker}. */
export interface OfficeWorkerOptions {
  /** Start a fresh LibreOffice after this many documents (default 40). */
  documentsPerSession?: number;
  /** How long to wait for a reloaded document (default 15 s). */
  reloadTimeoutMs?: number;
  /** Makes an environment (tests); default `createDesktopEnvironment` of `@lam/grounding/desktop`. */
  createEnvironment?: (app: 'writer' | 'calc', document: string) => Promise<DesktopEnvironment>;
}

interface Running {
  env: DesktopEnvironment;
  opened: number;
}

/**
 * One worker's LibreOffice, for Writer and for Calc (one each, started on first use, each with its own
 * display and profile): documents are opened by saving the current one under the next task's path,
 * writing the start document over it and **File - Reload** (decision 0702), so LibreOffice is reused
 * across tasks; a failed reload or every `documentsPerSession` documents starts a fresh one.
 */
export class OfficeWorker {
  private running = new Map<'writer' | 'calc', Running>();
  readonly stats = { starts: 0, reloads: 0, fallbacks: 0, restarts: 0 };

  constructor(readonly options: OfficeWorkerOptions = {}) {}

  /** Writes `doc` to `path` and shows it in the app's LibreOffice. */
  async open(doc: GeneratedDocument, path: string): Promise<DesktopEnvironment> {
    const { xml } = documentFile(doc);
    mkdirSync(dirname(path), { recursive: true });
    const running = this.running.get(doc.app);
    if (running?.env.session.alive && running.opened < (this.options.documentsPerSession ?? 40)) {
      try {
        await this.reload(running.env, doc, xml, path);
        running.opened++;
        this.stats.reloads++;
        return running.env;
      } catch {
        this.stats.fallbacks++;
      }
    }
    await this.discard(doc.app);
    writeFileSync(path, xml);
    let env: DesktopEnvironment;
    try {
      env = await this.create(doc.app, path);
    } catch (error) {
      if ((error as { name?: string }).name === 'LAM_DesktopDependencyError') throw error;
      writeFileSync(path, xml);
      env = await this.create(doc.app, path);
    }
    this.stats.starts++;
    this.running.set(doc.app, { env, opened: 1 });
    return env;
  }

  private async create(app: 'writer' | 'calc', document: string): Promise<DesktopEnvironment> {
    if (this.options.createEnvironment) return this.options.createEnvironment(app, document);
    const { createDesktopEnvironment } = await loadDesktop();
    return createDesktopEnvironment({ app, document, saveDir: dirname(document), startTimeoutMs: 30_000 });
  }

  private async reload(
    env: DesktopEnvironment,
    doc: GeneratedDocument,
    xml: string,
    path: string,
  ): Promise<void> {
    await closeTransients(env);
    await env.execute({
      function: 'save_as',
      args: { file_dir: dirname(path), file_name: basename(path, extname(path)), file_ext: extname(path) },
    });
    writeFileSync(path, xml);
    await clickPath(env, ['File', 'Reload']);
    const deadline = Date.now() + (this.options.reloadTimeoutMs ?? 15_000);
    for (;;) {
      await sleep(100);
      if ((await shows(env, doc)) && (await extraWindows(env)) === 0) {
        if (doc.app === 'writer') await focusDocument(env);
        return;
      }
      if (Date.now() > deadline) throw new Error(`LibreOffice did not reload ${path} in time`);
    }
  }

  /** Stops the app's LibreOffice (a hung or crashed one): the next `open` starts a new one. */
  async discard(app: 'writer' | 'calc'): Promise<void> {
    const running = this.running.get(app);
    this.running.delete(app);
    if (running !== undefined) {
      this.stats.restarts++;
      await Promise.race([running.env.close().catch(() => undefined), sleep(15_000)]);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.discard('writer'), this.discard('calc')]);
  }
}

/** Whether LibreOffice shows `doc`'s content (the reload is done). */
async function shows(env: DesktopEnvironment, doc: GeneratedDocument): Promise<boolean> {
  if (doc.app === 'writer') {
    const text = await env.session.uno.request<string>('text', {}, 2_000).catch(() => undefined);
    return text !== undefined && norm(text) === norm(paragraphsOf(doc).join('\n'));
  }
  const used = await env.session.uno
    .request<{ sheet: string; rows: unknown[][] }>('used_range', {}, 2_000)
    .catch(() => undefined);
  return used !== undefined && used.sheet === doc.sheet && sameRows(used.rows, doc);
}

function sameRows(rows: unknown[][], doc: CalcDocument): boolean {
  const want = [doc.header, ...doc.rows];
  return (
    rows.length === want.length &&
    want.every((r, i) => r.every((v, j) => String((rows[i] as unknown[])[j]) === String(v)))
  );
}

/**
 * Gives Writer's document the keyboard focus with a click on it: a dialog closed by the previous task
 * (Find and Replace) can leave the focus elsewhere, and the next task's keys would go nowhere. Every
 * Writer route selects its text or moves the caret itself, so where the click puts the caret does not matter.
 */
async function focusDocument(env: DesktopEnvironment): Promise<void> {
  const observation = await env.observe({ canvas: false });
  const document = observation.controls.find((c) => c.type === 'Document');
  if (document !== undefined)
    await env.execute({
      function: 'click_input',
      args: { button: 'left', double: false },
      control: document,
    });
}
