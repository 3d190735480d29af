import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ActionRegistry,
  BUILTIN_ACTIONS,
  type Control,
  type ControlStates,
  createActionRegistry,
  defineAction,
  type JsonValue,
  type Observation,
} from '@lam/schema';
import type { Browser, BrowserContext, ElementHandle, Frame, Page } from 'playwright-core';
import { z } from 'zod';
import { labelControls, pickControlFilter, selectControls } from '../controls/select';
import { convertPoint } from '../coordinates';
import type {
  Environment,
  ExecuteOutput,
  ExecuteRequest,
  ObserveOptions,
  Screenshot,
  ScreenshotOptions,
} from '../environment';
import { META_ACTIONS } from '../environment';
import {
  LAM_ActionTargetError,
  LAM_EnvironmentError,
  LAM_StaleControlError,
  LAM_UnsupportedActionError,
} from '../errors';
import { parseSendKeys, toPlaywrightKey } from '../keys';
import { writeScreenshot } from '../screenshot-file';
import { type ChromiumLaunchOptions, connectChromium, launchChromium } from './launch';
import {
  focusForTyping,
  insertTableInPage,
  readText,
  replaceValue,
  selectTableInPage,
  selectTextInPage,
  setFontInPage,
  type TableResult,
  tableCellsInPage,
} from './page-actions';
import { type FrameWalk, storedElement, walkFrame } from './page-script';

/** `fill_text`: replaces the content of an edit (web only; `set_edit_text` appends). */
export const fillText = defineAction({
  name: 'fill_text',
  description: 'Replace the whole content of the selected edit control with the text.',
  args: z.strictObject({ text: z.string() }),
  control: 'required',
  category: 'ui',
  returns: 'the new content',
  examples: [
    { description: 'Replace the search query.', args: { text: 'quarterly report' }, controlName: 'Search' },
  ],
});

/** `select_option`: picks options of a drop-down or list box by their text or value (web only). */
export const selectOption = defineAction({
  name: 'select_option',
  description: 'Select options of the selected combo box or list box, by visible text or value.',
  args: z.strictObject({ values: z.array(z.string()).min(1) }),
  control: 'required',
  category: 'ui',
  returns: 'the selected options',
  examples: [{ description: 'Choose a country.', args: { values: ['France'] }, controlName: 'Country' }],
});

/** The functions the web backend adds to the built-ins. */
export const WEB_ACTIONS = [fillText, selectOption] as const;

/** A registry with the built-in functions and {@link WEB_ACTIONS}. */
export function createWebActionRegistry(): ActionRegistry {
  return createActionRegistry({ functions: WEB_ACTIONS as unknown as [] });
}

const BUILTIN_UI = BUILTIN_ACTIONS.map((a) => a.name as string).filter(
  (n) => !(META_ACTIONS as readonly string[]).includes(n),
);

/** Every function the web environment implements (meta functions are the executor's). */
export const WEB_SUPPORTED_ACTIONS: readonly string[] = Object.freeze([
  ...BUILTIN_UI,
  'fill_text',
  'select_option',
]);

/** Options of {@link WebEnvironment.observe}. */
export interface WebObserveOptions extends ObserveOptions {
  /** Also report controls that are not rendered (display:none, zero size), with `visible: false`. Default false. */
  includeHidden?: boolean;
  /** Walk child frames (iframes) too. Default true. */
  frames?: boolean;
  /** Put the page's visible text in `observation.canvasText`. Default false. */
  text?: boolean;
  /** Names are cut to this many characters (default 120). */
  maxNameLength?: number;
  /** Values (edit text, editor content) are cut to this many characters (default 2,000). */
  maxValueLength?: number;
}

/** Options of {@link createWebEnvironment}. */
export interface WebEnvironmentOptions {
  page: Page;
  /** What `close()` closes: the browser, the context, the page, or nothing (default `page`). */
  owns?: 'browser' | 'context' | 'page' | 'none';
  /** Where `save_as` writes when the call names no directory (default the working directory). */
  saveDir?: string;
  /** How long an action waits for its control to be visible, stable and enabled (default 5,000 ms). */
  actionTimeoutMs?: number;
  /** Pixels scrolled per wheel notch of `wheel_mouse_input` (default 100). */
  wheelStepPx?: number;
}

interface WebRef {
  g: number;
  f: number;
  i: number;
}

function isWebRef(value: unknown): value is WebRef {
  const v = value as Partial<WebRef> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.g === 'number' &&
    typeof v.f === 'number' &&
    typeof v.i === 'number'
  );
}

function pngSize(data: Uint8Array): { width: number; height: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const MODIFIERS: Record<string, 'Control' | 'Shift' | 'Alt' | 'Meta'> = {
  CONTROL: 'Control',
  CTRL: 'Control',
  VK_CONTROL: 'Control',
  SHIFT: 'Shift',
  VK_SHIFT: 'Shift',
  ALT: 'Alt',
  MENU: 'Alt',
  VK_MENU: 'Alt',
  WIN: 'Meta',
  META: 'Meta',
  VK_LWIN: 'Meta',
};

/**
 * The Chromium backend: observes a page (and its iframes and open shadow roots) in one in-page
 * pass per frame, and acts with trusted input events through Playwright (which scrolls the
 * control into view and waits until it can take the event). Build one with
 * {@link launchWebEnvironment}, {@link connectWebEnvironment} or {@link createWebEnvironment}.
 */
export class WebEnvironment implements Environment {
  readonly kind = 'web';
  readonly supportedActions = WEB_SUPPORTED_ACTIONS;
  readonly page: Page;
  private readonly owns: NonNullable<WebEnvironmentOptions['owns']>;
  private readonly saveDir: string;
  private readonly timeout: number;
  private readonly wheelStep: number;
  private generation = 0;
  private frames: Frame[] = [];
  private dpr = 1;

  constructor(options: WebEnvironmentOptions) {
    this.page = options.page;
    this.owns = options.owns ?? 'page';
    this.saveDir = options.saveDir ?? process.cwd();
    this.timeout = options.actionTimeoutMs ?? 5_000;
    this.wheelStep = options.wheelStepPx ?? 100;
  }

  async location(): Promise<string | undefined> {
    return this.page.url();
  }

  /** The controls of the page now, labelled 1..n in document order (main frame first, then each iframe). */
  async observe(options: WebObserveOptions = {}): Promise<Observation> {
    const generation = ++this.generation;
    const frames = options.frames === false ? [this.page.mainFrame()] : this.page.frames();
    this.frames = frames;
    const walkOptions = {
      generation,
      includeHidden: options.includeHidden ?? false,
      maxNameLength: options.maxNameLength ?? 120,
      maxValueLength: options.maxValueLength ?? 2_000,
      text: options.text ?? false,
    };
    const main = this.page.mainFrame();
    const walks = await Promise.all(
      frames.map(async (frame, f) => {
        try {
          const offset = frame === main ? { x: 0, y: 0 } : await this.frameOffset(frame);
          if (offset === null) return null;
          const json = await frame.evaluate(walkFrame, {
            ...walkOptions,
            text: walkOptions.text && frame === main,
          });
          const walk = JSON.parse(json) as FrameWalk;
          return { f, walk, offset };
        } catch (error) {
          if (frame !== main && (frame.isDetached() || /detached|destroyed|navigat/i.test(String(error))))
            return null;
          throw error;
        }
      }),
    );
    const all: Control[] = [];
    let mainWalk: FrameWalk | undefined;
    for (const w of walks) {
      if (w === null) continue;
      if (frames[w.f] === main) mainWalk = w.walk;
      for (const raw of w.walk.controls) {
        const control: Control = {
          label: '',
          name: raw.name,
          type: raw.type,
          rect: {
            x: raw.x + w.offset.x,
            y: raw.y + w.offset.y,
            width: raw.w,
            height: raw.h,
            space: 'logical',
          },
          states: raw.s as ControlStates,
          className: raw.cls,
          backendRef: { g: generation, f: w.f, i: raw.i },
        };
        if (raw.value !== undefined) control.value = raw.value;
        if (raw.id !== undefined) control.automationId = raw.id;
        all.push(control);
      }
    }
    const filter = pickControlFilter(options);
    if (walkOptions.includeHidden && filter.visibleOnly === undefined) filter.visibleOnly = false;
    const controls = labelControls(selectControls(all, filter));
    this.dpr = mainWalk?.dpr ?? 1;
    const observation: Observation = {
      application: 'chromium',
      window: {
        title: mainWalk?.title ?? '',
        rect: { x: 0, y: 0, width: mainWalk?.width ?? 0, height: mainWalk?.height ?? 0, space: 'logical' },
      },
      controls,
      screen: { width: mainWalk?.width || 1, height: mainWalk?.height || 1, scaleFactor: this.dpr },
      capturedAt: new Date().toISOString(),
      metadata: { url: this.page.url(), frames: walks.filter((w) => w !== null).length },
    };
    if (mainWalk?.text !== undefined) observation.canvasText = mainWalk.text;
    if (options.screenshotPath !== undefined) {
      observation.screenshot = await writeScreenshot(await this.screenshot(), options.screenshotPath);
    }
    return observation;
  }

  private async frameOffset(frame: Frame): Promise<{ x: number; y: number } | null> {
    const element = await frame.frameElement();
    try {
      const box = await element.boundingBox();
      if (box === null) return null;
      const inset = await element.evaluate((node) => {
        const e = node as Element;
        const style = getComputedStyle(e);
        return [
          e.clientLeft + Number.parseFloat(style.paddingLeft),
          e.clientTop + Number.parseFloat(style.paddingTop),
        ];
      });
      return { x: box.x + (inset[0] ?? 0), y: box.y + (inset[1] ?? 0) };
    } finally {
      await element.dispose();
    }
  }

  async screenshot(options: ScreenshotOptions = {}): Promise<Screenshot> {
    const data = await this.page.screenshot({ type: 'png', fullPage: options.fullPage ?? false });
    const { width, height } = pngSize(data);
    const viewport = this.page.viewportSize();
    const scaleFactor = viewport && !options.fullPage ? width / viewport.width : this.dpr;
    return { data: new Uint8Array(data), mimeType: 'image/png', width, height, scaleFactor };
  }

  /** The live element behind an observed control; throws when it is from an older observation or gone. */
  async elementFor(control: Control, functionName: string): Promise<ElementHandle<Element>> {
    const ref = control.backendRef;
    if (!isWebRef(ref)) {
      throw new LAM_ActionTargetError({
        functionName,
        problem: `control ${JSON.stringify(control.label)} has no web reference (it was not observed by a web environment)`,
        fix: 'Resolve the decision against an observation from this environment.',
      });
    }
    if (ref.g !== this.generation) {
      throw new LAM_StaleControlError({
        label: control.label,
        reason: `observation ${ref.g}, the page now holds ${this.generation}`,
      });
    }
    const frame = this.frames[ref.f];
    if (frame === undefined || frame.isDetached()) {
      throw new LAM_StaleControlError({ label: control.label, reason: 'its frame is gone' });
    }
    const handle = await frame
      .evaluateHandle(storedElement, [ref.g, ref.i] as [number, number])
      .catch(() => null);
    const element = handle?.asElement() ?? null;
    if (element === null) {
      await handle?.dispose();
      throw new LAM_StaleControlError({
        label: control.label,
        reason: 'the element left the page (navigation or re-render)',
      });
    }
    return element as ElementHandle<Element>;
  }

  async execute(request: ExecuteRequest): Promise<ExecuteOutput> {
    const { args } = request;
    const fn = request.function;
    const element = request.control ? await this.elementFor(request.control, fn) : undefined;
    const need = (): ElementHandle<Element> => {
      if (element === undefined) {
        throw new LAM_ActionTargetError({
          functionName: fn,
          problem: 'it needs a control and none was given',
          fix: 'Give the label of the control to act on.',
        });
      }
      return element;
    };
    try {
      switch (fn) {
        case 'click_input':
          return await this.click(need(), args);
        case 'set_edit_text':
          return await this.typeInto(need(), String(args.text), fn);
        case 'fill_text':
          return await this.fill(need(), String(args.text));
        case 'select_option':
          return {
            output: await need()
              .selectOption((args.values as string[]).map((v) => ({ label: v })))
              .catch(() => need().selectOption(args.values as string[], { timeout: this.timeout })),
          };
        case 'keyboard_input':
          return await this.keys(element, String(args.keys), args.control_focus !== false);
        case 'wheel_mouse_input':
          return await this.wheel(need(), Number(args.wheel_dist));
        case 'texts':
          return { output: await need().evaluate(readText) };
        case 'click_on_coordinates':
          return await this.clickAt(args);
        case 'drag_on_coordinates':
          return await this.drag(args);
        case 'select_text':
          return await this.selectText(String(args.text));
        case 'select_table': {
          const n = Number(args.number);
          if (!(await this.page.evaluate(selectTableInPage, n)))
            throw new Error(`Table number ${n} is out of range.`);
          return { output: `Table ${n} is selected.` };
        }
        case 'insert_table': {
          const rows = Number(args.rows);
          const columns = Number(args.columns);
          if (!(await this.page.evaluate(insertTableInPage, { rows, columns }))) {
            throw new Error('the page has no editor (contenteditable element) to insert a table into');
          }
          return { output: `Inserted a ${rows}×${columns} table at the end of the editor.` };
        }
        case 'set_font':
          return await this.setFont(args);
        case 'save_as':
          return await this.saveAs(args);
        case 'select_range':
          return await this.table(
            { op: 'select', range: String(args.range), ...sheet(args) },
            `Range ${String(args.range)} is selected.`,
          );
        case 'get_cell_values':
          return await this.table({ op: 'get', range: String(args.range), ...sheet(args) });
        case 'set_cell_values':
          return await this.table(
            {
              op: 'set',
              range: String(args.start),
              values: args.values as (string | number | boolean | null)[][],
              ...sheet(args),
            },
            `Wrote ${(args.values as unknown[][]).length} row(s) from ${String(args.start)}.`,
          );
        default:
          throw new LAM_UnsupportedActionError({
            functionName: fn,
            environment: this.kind,
            supported: this.supportedActions,
          });
      }
    } finally {
      await element?.dispose();
    }
  }

  private async click(
    element: ElementHandle<Element>,
    args: Record<string, unknown>,
  ): Promise<ExecuteOutput> {
    const button = args.button as 'left' | 'right' | 'middle' | 'x';
    if (button === 'x') {
      throw new LAM_ActionTargetError({
        functionName: 'click_input',
        problem: 'a browser page cannot receive the X mouse button',
        fix: 'Use left, right or middle.',
      });
    }
    // An option of a drop-down is chosen through its select element (its pop-up is not in the page).
    const option = await element.evaluate((el) =>
      el.localName === 'option' ? (el as HTMLOptionElement).index : -1,
    );
    if (option >= 0) {
      const select = (await element.evaluateHandle((el) => el.closest('select'))).asElement();
      if (select !== null) {
        await (select as ElementHandle<HTMLSelectElement>).selectOption(
          { index: option },
          { timeout: this.timeout },
        );
        await select.dispose();
        return { output: '' };
      }
    }
    const pressed = typeof args.pressed === 'string' ? args.pressed.toUpperCase() : undefined;
    const modifier = pressed === undefined ? undefined : MODIFIERS[pressed];
    if (pressed !== undefined && modifier === undefined) {
      throw new LAM_ActionTargetError({
        functionName: 'click_input',
        problem: `unknown key to hold "${String(args.pressed)}"`,
        fix: `Use one of ${Object.keys(MODIFIERS).join(', ')}.`,
      });
    }
    const options = { button, timeout: this.timeout, ...(modifier ? { modifiers: [modifier] } : {}) };
    if (args.double === true) await element.dblclick(options);
    else await element.click(options);
    return { output: '' };
  }

  private async typeInto(element: ElementHandle<Element>, text: string, fn: string): Promise<ExecuteOutput> {
    await element.scrollIntoViewIfNeeded({ timeout: this.timeout });
    const tag = await element.evaluate((el) => el.localName);
    if (tag === 'select') {
      await element.selectOption([{ label: text }], { timeout: this.timeout });
      return { output: text };
    }
    if (!(await element.evaluate(focusForTyping))) {
      throw new LAM_ActionTargetError({
        functionName: fn,
        problem: 'the control is not an editable field or editor',
        fix: 'Pick an Edit or Document control, or click the control first with click_input.',
      });
    }
    const lines = text.split('\n');
    for (let k = 0; k < lines.length; k++) {
      if (k > 0) await this.page.keyboard.press('Enter');
      const line = lines[k]!;
      if (line !== '') await this.page.keyboard.type(line);
    }
    return { output: text };
  }

  private async fill(element: ElementHandle<Element>, text: string): Promise<ExecuteOutput> {
    const tag = await element.evaluate((el) => el.localName);
    if (tag === 'input' || tag === 'textarea' || tag === 'select') {
      await element.fill(text, { timeout: this.timeout });
    } else if (!(await element.evaluate(replaceValue, text))) {
      throw new LAM_ActionTargetError({
        functionName: 'fill_text',
        problem: 'the control is not an editable field or editor',
        fix: 'Pick an Edit or Document control.',
      });
    }
    return { output: text };
  }

  private async keys(
    element: ElementHandle<Element> | undefined,
    keys: string,
    focus: boolean,
  ): Promise<ExecuteOutput> {
    const ops = parseSendKeys(keys);
    if (element !== undefined && focus) {
      await element.scrollIntoViewIfNeeded({ timeout: this.timeout });
      await element.evaluate((el) => {
        let active: Element | null = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        if (active !== el && !(el as HTMLElement).contains(active)) (el as HTMLElement).focus();
      });
    }
    const keyboard = this.page.keyboard;
    for (const op of ops) {
      if (op.type === 'text') await keyboard.type(op.text);
      else if (op.type === 'press')
        for (let k = 0; k < op.count; k++) await keyboard.press(toPlaywrightKey(op));
      else if (op.type === 'down') await keyboard.down(op.key === ' ' ? 'Space' : op.key);
      else await keyboard.up(op.key === ' ' ? 'Space' : op.key);
    }
    return { output: keys };
  }

  private async wheel(element: ElementHandle<Element>, notches: number): Promise<ExecuteOutput> {
    await element.scrollIntoViewIfNeeded({ timeout: this.timeout });
    const box = await element.boundingBox();
    if (box === null) {
      throw new LAM_ActionTargetError({
        functionName: 'wheel_mouse_input',
        problem: 'the control has no box on screen',
        fix: 'Scroll a visible control, or observe again.',
      });
    }
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.wheel(0, -notches * this.wheelStep);
    return { output: '' };
  }

  private async viewportGeometry() {
    const size =
      this.page.viewportSize() ??
      (await this.page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight })));
    return { logical: size, devicePixelRatio: this.dpr };
  }

  private async clickAt(args: Record<string, unknown>): Promise<ExecuteOutput> {
    const geometry = await this.viewportGeometry();
    const p = convertPoint({ x: Number(args.x), y: Number(args.y) }, 'normalized', 'logical', geometry);
    const button = args.button as 'left' | 'right' | 'middle';
    await this.page.mouse.click(p.x, p.y, { button, clickCount: args.double === true ? 2 : 1 });
    return { output: '' };
  }

  private async drag(args: Record<string, unknown>): Promise<ExecuteOutput> {
    const geometry = await this.viewportGeometry();
    const a = convertPoint(
      { x: Number(args.start_x), y: Number(args.start_y) },
      'normalized',
      'logical',
      geometry,
    );
    const b = convertPoint(
      { x: Number(args.end_x), y: Number(args.end_y) },
      'normalized',
      'logical',
      geometry,
    );
    const button = args.button as 'left' | 'right' | 'middle';
    const mouse = this.page.mouse;
    await mouse.move(a.x, a.y);
    await mouse.down({ button });
    await mouse.move(b.x, b.y, { steps: 12 });
    await mouse.up({ button });
    return { output: '' };
  }

  private async selectText(text: string): Promise<ExecuteOutput> {
    for (const frame of [
      this.page.mainFrame(),
      ...this.page.frames().filter((f) => f !== this.page.mainFrame()),
    ]) {
      if (await frame.evaluate(selectTextInPage, text).catch(() => false))
        return { output: `Text ${text} is selected.` };
    }
    throw new Error(`Text ${text} is not found.`);
  }

  private async setFont(args: Record<string, unknown>): Promise<ExecuteOutput> {
    const arg: { fontName?: string; fontSize?: number } = {};
    if (typeof args.font_name === 'string') arg.fontName = args.font_name;
    if (typeof args.font_size === 'number') arg.fontSize = args.font_size;
    if (!(await this.page.evaluate(setFontInPage, arg))) {
      throw new Error('no text is selected: select it first (select_text), then set the font');
    }
    const parts = [arg.fontName, arg.fontSize === undefined ? undefined : `${arg.fontSize} pt`].filter(
      Boolean,
    );
    return { output: `Set the font of the selection to ${parts.join(', ')}.` };
  }

  private async saveAs(args: Record<string, unknown>): Promise<ExecuteOutput> {
    const dir = String(args.file_dir || this.saveDir);
    const title = (await this.page.title()).replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '');
    const name = String(args.file_name || title || 'page');
    let ext = String(args.file_ext || '.html').toLowerCase();
    if (!ext.startsWith('.')) ext = `.${ext}`;
    const path = join(dir, `${name}${ext}`);
    await mkdir(dir, { recursive: true });
    switch (ext) {
      case '.html':
      case '.htm':
        await writeFile(path, await this.page.content());
        break;
      case '.txt':
        // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out, with its line breaks
        await writeFile(path, await this.page.evaluate(() => document.body?.innerText ?? ''));
        break;
      case '.pdf':
        await this.page.pdf({ path });
        break;
      case '.png':
        await this.page.screenshot({ path, fullPage: true });
        break;
      case '.mhtml': {
        const cdp = await this.page.context().newCDPSession(this.page);
        const { data } = (await cdp.send('Page.captureSnapshot', { format: 'mhtml' })) as { data: string };
        await cdp.detach();
        await writeFile(path, data);
        break;
      }
      default:
        throw new Error(`cannot save a web page as "${ext}": use .html, .txt, .pdf, .png or .mhtml`);
    }
    return { output: path };
  }

  private async table(
    arg: {
      op: 'get' | 'set' | 'select';
      range: string;
      sheet?: string;
      values?: (string | number | boolean | null)[][];
    },
    message?: string,
  ): Promise<ExecuteOutput> {
    const result: TableResult = await this.page.evaluate(tableCellsInPage, arg);
    if (!result.ok) throw new Error(result.error);
    if (arg.op === 'get') return { output: (result.values ?? []) as JsonValue };
    return { output: message ?? '' };
  }

  async close(): Promise<void> {
    switch (this.owns) {
      case 'browser':
        await this.page.context().browser()?.close();
        break;
      case 'context':
        await this.page.context().close();
        break;
      case 'page':
        await this.page.close();
        break;
      case 'none':
        break;
    }
  }
}

function sheet(args: Record<string, unknown>): { sheet?: string } {
  return typeof args.sheet === 'string' ? { sheet: args.sheet } : {};
}

/** Wraps a Playwright page you already have. */
export function createWebEnvironment(options: WebEnvironmentOptions): WebEnvironment {
  return new WebEnvironment(options);
}

/** Options of {@link launchWebEnvironment}. */
export interface LaunchWebEnvironmentOptions
  extends ChromiumLaunchOptions,
    Omit<WebEnvironmentOptions, 'page' | 'owns'> {
  /** Open this URL. */
  url?: string;
  /** Or load this HTML (no server needed). */
  html?: string;
  /** Viewport in CSS pixels (default 1280×800). */
  viewport?: { width: number; height: number };
  /** Device pixel ratio (default 1). */
  deviceScaleFactor?: number;
  /** A browser to open the page in, instead of launching one (it is then left open by close()). */
  browser?: Browser;
}

/**
 * Launches Chromium offline-safe (see `OFFLINE_CHROMIUM_FLAGS`), opens a page at `url` or with
 * `html`, and returns its environment; `close()` closes the browser it launched (or only the
 * context, when `browser` was given).
 */
export async function launchWebEnvironment(
  options: LaunchWebEnvironmentOptions = {},
): Promise<WebEnvironment> {
  const browser = options.browser ?? (await launchChromium(options));
  let context: BrowserContext | undefined;
  try {
    context = await browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
    });
    const page = await context.newPage();
    if (options.url !== undefined) await page.goto(options.url);
    else if (options.html !== undefined) await page.setContent(options.html);
    const envOptions: WebEnvironmentOptions = { page, owns: options.browser ? 'context' : 'browser' };
    if (options.saveDir !== undefined) envOptions.saveDir = options.saveDir;
    if (options.actionTimeoutMs !== undefined) envOptions.actionTimeoutMs = options.actionTimeoutMs;
    if (options.wheelStepPx !== undefined) envOptions.wheelStepPx = options.wheelStepPx;
    return new WebEnvironment(envOptions);
  } catch (cause) {
    if (options.browser) await context?.close();
    else await browser.close();
    throw new LAM_EnvironmentError({
      environment: 'web',
      problem: `could not open ${options.url ?? 'the page'}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      fix: 'Check that the URL is reachable from this machine (a local server must be listening).',
      cause,
    });
  }
}

/** Options of {@link connectWebEnvironment}. */
export interface ConnectWebEnvironmentOptions extends Omit<WebEnvironmentOptions, 'page' | 'owns'> {
  /** The browser's DevTools endpoint, e.g. `http://127.0.0.1:9222`. */
  endpointURL: string;
  /** Act in the first page whose URL contains this; default the first page (a new one if there is none). */
  urlIncludes?: string;
}

/** Attaches to a running Chromium over CDP; `close()` detaches and leaves the browser running. */
export async function connectWebEnvironment(options: ConnectWebEnvironmentOptions): Promise<WebEnvironment> {
  const browser = await connectChromium(options.endpointURL);
  const pages = browser.contexts().flatMap((c) => c.pages());
  let page =
    options.urlIncludes === undefined ? pages[0] : pages.find((p) => p.url().includes(options.urlIncludes!));
  if (page === undefined) {
    if (options.urlIncludes !== undefined) {
      await browser.close();
      throw new LAM_EnvironmentError({
        environment: 'web',
        problem: `no page's URL contains ${JSON.stringify(options.urlIncludes)} (open: ${pages.map((p) => p.url()).join(', ') || 'none'})`,
        fix: 'Open the page first, or leave urlIncludes out to use the first page.',
      });
    }
    const context = browser.contexts()[0] ?? (await browser.newContext());
    page = await context.newPage();
  }
  const envOptions: WebEnvironmentOptions = { page, owns: 'browser' };
  if (options.saveDir !== undefined) envOptions.saveDir = options.saveDir;
  if (options.actionTimeoutMs !== undefined) envOptions.actionTimeoutMs = options.actionTimeoutMs;
  if (options.wheelStepPx !== undefined) envOptions.wheelStepPx = options.wheelStepPx;
  return new WebEnvironment(envOptions);
}
