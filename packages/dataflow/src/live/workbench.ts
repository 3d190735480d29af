import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import { LamError, type Observation } from '@lam/schema';

type DesktopModule = typeof import('@lam/grounding/desktop');
let desktopModule: Promise<DesktopModule> | undefined;

/** `@lam/grounding/desktop`, loaded on first use so that importing `@lam/dataflow` starts nothing. */
export function loadDesktop(): Promise<DesktopModule> {
  desktopModule ??= import('@lam/grounding/desktop');
  return desktopModule;
}

/** Options of {@link WriterWorkbench}. */
export interface WorkbenchOptions {
  /** Where each task's copy of its template is put (`<documentsDir>/<name>.fodt`). */
  documentsDir: string;
  /** Start a fresh LibreOffice after this many documents (default 40): settings changed by tasks do not pile up. */
  documentsPerSession?: number;
  /** Open each document in a new LibreOffice instead of reloading it in the running one (default false). */
  restartPerDocument?: boolean;
  /** How long to wait for LibreOffice to show a reloaded document (default 15 s). */
  reloadTimeoutMs?: number;
  /** Makes the environment (default: `createDesktopEnvironment` of `@lam/grounding/desktop`, Writer). */
  createEnvironment?: (document: string) => Promise<DesktopEnvironment>;
}

/** What opening a document cost and how. */
export interface OpenedDocument {
  environment: DesktopEnvironment;
  /** The task's copy of the template. */
  path: string;
  /** `reload`: loaded into the running LibreOffice; `start`: a new LibreOffice was started. */
  how: 'reload' | 'start';
  ms: number;
}

/** Counters of a workbench, for reports and the benchmark. */
export interface WorkbenchStats {
  sessions: number;
  reloads: number;
  /** Reloads that failed and fell back to a new LibreOffice. */
  fallbacks: number;
  openMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function normalise(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * One LibreOffice Writer reused for many documents. `open` copies a template to the task's document
 * path and shows it: in the running LibreOffice it saves the current document under the new path
 * (so that nothing asks to discard changes), writes the template over it and reloads it through
 * **File - Reload**; when that fails, or every `documentsPerSession` documents, it starts a new
 * LibreOffice on the document instead. Menus and dialogs left open by a task are closed first.
 */
export class WriterWorkbench {
  private environment: DesktopEnvironment | undefined;
  private opened = 0;
  readonly stats: WorkbenchStats = { sessions: 0, reloads: 0, fallbacks: 0, openMs: 0 };

  constructor(readonly options: WorkbenchOptions) {}

  /** The environment of the running LibreOffice, if one runs. */
  get current(): DesktopEnvironment | undefined {
    return this.environment;
  }

  /** Copies `template` to `<documentsDir>/<name><ext>` and shows it in LibreOffice, ready to act on. */
  async open(template: string, name: string): Promise<OpenedDocument> {
    const started = performance.now();
    const ext = extname(template) || '.fodt';
    const path = resolve(join(this.options.documentsDir, `${name}${ext}`));
    mkdirSync(dirname(path), { recursive: true });
    const expected = await this.expectedText(template);
    let how: OpenedDocument['how'] = 'start';
    const perSession = this.options.documentsPerSession ?? 40;
    const running = this.environment;
    if (running?.session.alive && !this.options.restartPerDocument && this.opened < perSession) {
      try {
        await this.reload(running, template, path, expected);
        how = 'reload';
        this.stats.reloads++;
      } catch {
        this.stats.fallbacks++;
        await this.closeEnvironment();
      }
    } else await this.closeEnvironment();
    if (how === 'start') {
      copyFileSync(template, path);
      try {
        this.environment = await this.create(path);
      } catch (error) {
        // A missing program is final; a slow or crashed start (a busy machine) gets one more try.
        if (LamError.isInstance(error) && error.name === 'LAM_DesktopDependencyError') throw error;
        copyFileSync(template, path);
        this.environment = await this.create(path);
      }
      this.opened = 0;
      this.stats.sessions++;
    }
    this.opened++;
    const ms = performance.now() - started;
    this.stats.openMs += ms;
    return { environment: this.environment as DesktopEnvironment, path, how, ms };
  }

  private async create(document: string): Promise<DesktopEnvironment> {
    if (this.options.createEnvironment !== undefined) return this.options.createEnvironment(document);
    const { createDesktopEnvironment } = await loadDesktop();
    return createDesktopEnvironment({ app: 'writer', document, saveDir: dirname(document) });
  }

  private async expectedText(template: string): Promise<string> {
    const { parseFlatText } = await loadDesktop();
    if (extname(template).toLowerCase() !== '.fodt') {
      throw new LamError(
        'LAM_TemplateFormatError',
        `The template ${template} is not a flat ODF text document (.fodt). Save it from LibreOffice as "Flat XML ODF Text Document (.fodt)" and point the template folder at it.`,
      );
    }
    return normalise(parseFlatText(readFileSync(template, 'utf8'), template).text);
  }

  private async reload(
    env: DesktopEnvironment,
    template: string,
    path: string,
    expected: string,
  ): Promise<void> {
    await closeTransients(env);
    // Save the current document under the new name: it is then unmodified, so reloading asks nothing.
    await env.execute({
      function: 'save_as',
      args: { file_dir: dirname(path), file_name: basename(path, extname(path)), file_ext: extname(path) },
    });
    copyFileSync(template, path);
    await clickPath(env, ['File', 'Reload']);
    const deadline = Date.now() + (this.options.reloadTimeoutMs ?? 15_000);
    for (;;) {
      await sleep(100);
      const text = await env.session.uno.request<string>('text', {}, 2_000).catch(() => undefined);
      if (text !== undefined && normalise(text) === expected && (await extraWindows(env)) === 0) return;
      if (Date.now() > deadline) throw new Error(`LibreOffice did not reload ${path} in time`);
    }
  }

  private async closeEnvironment(): Promise<void> {
    const env = this.environment;
    this.environment = undefined;
    if (env !== undefined) await env.close().catch(() => undefined);
  }

  /** Marks the running LibreOffice as unusable (a task left it in an unknown state): the next `open` starts a new one. */
  async discard(): Promise<void> {
    await this.closeEnvironment();
  }

  /** Stops LibreOffice. */
  async close(): Promise<void> {
    await this.closeEnvironment();
  }
}

/** Window roles that are dialogs the user must deal with (not popup menus or tooltips, role `window`). */
const DIALOG_ROLES = new Set(['dialog', 'alert', 'file chooser', 'frame']);

/** The number of dialogs LibreOffice shows besides the document frame. */
export async function extraWindows(env: DesktopEnvironment): Promise<number> {
  const session = env.session;
  const { hasState, STATE } = await loadDesktop();
  const app = await session.application();
  const frame = await session.frame();
  const windows = await session.atspi.children(app);
  let extra = 0;
  for (const w of windows) {
    if (w[0] === frame[0] && w[1] === frame[1]) continue;
    const info = await session.atspi.info(w).catch(() => undefined);
    if (info !== undefined && DIALOG_ROLES.has(info.role) && hasState(info.states, STATE.SHOWING)) extra++;
  }
  return extra;
}

/** Menu items of the menu bar when no menu is open (File, Edit, ..., Help). */
function openMenuItems(observation: Observation): number {
  return observation.controls.filter((c) => c.type === 'MenuItem').length;
}

/**
 * Closes menus and dialogs a task left open (Escape, up to `attempts` times), so that the next
 * task starts from the document window alone. Returns whether that worked.
 */
export async function closeTransients(env: DesktopEnvironment, attempts = 6): Promise<boolean> {
  for (let i = 0; i <= attempts; i++) {
    const extra = await extraWindows(env).catch(() => 0);
    const observation = await env.observe({ canvas: false });
    // A closed menu bar shows its top-level menus only (Writer: 11).
    const menuOpen = openMenuItems(observation) > 12;
    if (extra === 0 && !menuOpen) return true;
    if (i === attempts) break;
    // A dialog's Cancel or Close button closes it whether or not it has the keyboard focus.
    const cancel =
      extra > 0 && !menuOpen
        ? observation.controls.filter((c) => c.type === 'Button' && /^(cancel|close)$/i.test(c.name)).at(-1)
        : undefined;
    if (cancel !== undefined && i % 2 === 0)
      await env.execute({
        function: 'click_input',
        args: { button: 'left', double: false },
        control: cancel,
      });
    else await env.execute({ function: 'keyboard_input', args: { keys: '{ESC}', control_focus: false } });
    await sleep(200);
  }
  return false;
}

/** Clicks a menu path by exact names (`File`, `Reload`), waiting for each item to show. */
export async function clickPath(env: DesktopEnvironment, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const observation = await env.observe({ canvas: false });
      const control = observation.controls.find((c) => c.type === 'MenuItem' && c.name === name);
      if (control !== undefined) {
        await env.execute({ function: 'click_input', args: { button: 'left', double: false }, control });
        break;
      }
      if (Date.now() > deadline) throw new Error(`no menu item "${name}" showed`);
      await sleep(100);
    }
  }
}
