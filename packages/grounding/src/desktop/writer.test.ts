import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Control, Observation } from '@lam/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeAction } from '../executor';
import { resolveDecision } from '../resolve';
import { createDesktopEnvironment, DesktopEnvironment } from './desktop-environment';
import { readTextDocument, type TextDocumentState } from './readers';

// One Writer session for the whole file: the tests run in order and build on each other's document.
let env: DesktopEnvironment;
let dir: string;
let step = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lam-writer-test-'));
  copyFileSync(join(import.meta.dirname, '__fixtures__', 'report.fodt'), join(dir, 'report.fodt'));
  env = await createDesktopEnvironment({ document: join(dir, 'report.fodt') });
}, 90_000);

afterAll(async () => {
  await env?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function find(obs: Observation, name: string, type?: string): Control {
  const found = obs.controls.find((c) => c.name === name && (type === undefined || c.type === type));
  if (found === undefined) {
    throw new Error(
      `no control ${type ?? ''} "${name}" among: ${obs.controls.map((c) => `${c.type}:${c.name}`).join(', ')}`,
    );
  }
  return found;
}

/** Runs one action through the same path an agent uses (validation, environment) and expects success. */
async function act(fn: string, args: Record<string, unknown>, control?: Control): Promise<unknown> {
  const result = await executeAction(env, { function: fn, args }, { control });
  expect(result.error, `${fn} failed`).toBeUndefined();
  expect(result.ok).toBe(true);
  return result.output;
}

async function click(name: string, type?: string): Promise<void> {
  const obs = await env.observe({ canvas: false });
  await act('click_input', { button: 'left', double: false }, find(obs, name, type));
}

/** Saves a copy of the document and reads it back with the state reader. */
async function saved(ext = '.odt'): Promise<TextDocumentState> {
  step++;
  const path = (await act('save_as', { file_dir: dir, file_name: `step-${step}`, file_ext: ext })) as string;
  expect(existsSync(path)).toBe(true);
  return readTextDocument(path);
}

function runOf(state: TextDocumentState, text: string) {
  for (const p of state.paragraphs) for (const r of p.runs) if (r.text.includes(text)) return r;
  throw new Error(`no run with "${text}" in ${JSON.stringify(state.paragraphs.map((p) => p.runs))}`);
}

/** Observes until `ready` holds (a dialog opened or closed), for at most 5 s. */
async function until(ready: (o: Observation) => boolean): Promise<Observation> {
  let obs = await env.observe({ canvas: false });
  for (let i = 0; i < 20 && !ready(obs); i++) {
    await new Promise((r) => setTimeout(r, 250));
    obs = await env.observe({ canvas: false });
  }
  expect(ready(obs)).toBe(true);
  return obs;
}

function paragraphOf(state: TextDocumentState, text: string) {
  const p = state.paragraphs.find((q) => q.text.includes(text));
  if (p === undefined) throw new Error(`no paragraph with "${text}": ${state.text}`);
  return p;
}

describe('Writer through AT-SPI', () => {
  test('observe: controls with types, states and boxes on screen; the document as canvas text', async () => {
    const obs = await env.observe({ tree: true });
    expect(obs.application).toBe('soffice-writer');
    expect(obs.window?.title).toContain('report');
    expect(obs.canvasText).toContain('Sales grew strongly in the north region.');
    const bold = find(obs, 'Bold', 'Button');
    expect(bold.states).toMatchObject({ enabled: true, visible: true, pressed: false });
    const document = obs.controls.find((c) => c.type === 'Document');
    expect(document?.states?.editable).toBe(true);
    expect(find(obs, 'Format', 'MenuItem').rect?.y).toBe(0);
    // The correction moved LibreOffice's own widgets below the 25 px GTK menu bar.
    const standard = find(obs, 'Save', 'Button');
    expect(standard.rect!.y).toBeGreaterThanOrEqual(25);
    for (const c of obs.controls) {
      expect(c.rect!.x + c.rect!.width / 2).toBeLessThan(1280);
      expect(c.rect!.y + c.rect!.height / 2).toBeLessThan(800);
    }
    expect(obs.controls.map((c) => c.label)).toEqual(obs.controls.map((_, i) => String(i + 1)));
    expect(obs.tree?.type).toBe('Window');
    expect(obs.metadata?.nodes).toBeLessThan(1_000);
  });

  test('a real mouse click lands on the control the corrected box names', async () => {
    await act('select_text', { text: 'Quarterly report' });
    const obs = await env.observe({ canvas: false });
    const italic = find(obs, 'Italic', 'Button');
    // A second environment on the same session that always clicks with the mouse at the control's box.
    const mouseEnv = new DesktopEnvironment(env.session, { clickMode: 'mouse', ownsSession: false });
    const result = await executeAction(
      mouseEnv,
      { function: 'click_input', args: { button: 'left' } },
      { control: italic },
    );
    expect(result.ok).toBe(true);
    const after = await env.observe({ canvas: false });
    expect(find(after, 'Italic', 'Button').states?.pressed).toBe(true);
    expect(runOf(await saved(), 'Quarterly report').italic).toBe(true);
  });

  test('screenshot: a PNG of the whole display', async () => {
    const shot = await env.screenshot();
    expect(shot.width).toBe(1280);
    expect(shot.height).toBe(800);
    expect(Buffer.from(shot.data.subarray(1, 4)).toString()).toBe('PNG');
    const obs = await env.observe({ canvas: false, screenshotPath: join(dir, 'shot.png') });
    expect(obs.screenshot?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('task: bold a phrase (select_text, then the Bold button through its AT-SPI action)', async () => {
    expect(await act('select_text', { text: 'quarterly report is ready' })).toBe(
      'Text quarterly report is ready is selected.',
    );
    await click('Bold', 'Button');
    const state = await saved();
    expect(runOf(state, 'quarterly report is ready').bold).toBe(true);
    expect(runOf(state, 'for review').bold).toBe(false);
  });

  test('task: italic and underline a phrase with keyboard shortcuts in send_keys syntax', async () => {
    await act('select_text', { text: 'strongly' });
    await act('keyboard_input', { keys: '{VK_CONTROL}i', control_focus: false });
    await act('select_text', { text: 'north region' });
    await act('keyboard_input', { keys: '^u', control_focus: false });
    const state = await saved();
    expect(runOf(state, 'strongly').italic).toBe(true);
    expect(runOf(state, 'north region').underline).toBe(true);
    expect(runOf(state, 'Sales grew').underline).toBe(false);
  });

  test('task: highlight a phrase (the Character Highlighting Color button)', async () => {
    await act('select_text', { text: 'before Friday' });
    await click('Character Highlighting Color', 'Button');
    const run = runOf(await saved(), 'before Friday');
    expect(run.highlight).toMatch(/^#[0-9a-f]{6}$/);
  });

  test('task: delete a phrase', async () => {
    await act('select_text', { text: 'Please remove this obsolete sentence.' });
    await act('keyboard_input', { keys: '{DELETE}', control_focus: false });
    const state = await saved();
    expect(state.text).not.toContain('obsolete');
    expect(state.text).toContain('Send comments before Friday.');
  });

  test('task: type text into the document and set its font (set_edit_text, select_text, set_font)', async () => {
    const obs = await env.observe({ canvas: false });
    const document = obs.controls.find((c) => c.type === 'Document')!;
    await act('keyboard_input', { keys: '^{END}', control_focus: true }, document);
    // Typed where the caret is, at the end: focusing the document again does not move the caret.
    await act('set_edit_text', { text: '\nTyped by the agent.' }, document);
    expect((await saved()).paragraphs.at(-1)!.text).toBe('Typed by the agent.');
    expect(await act('select_text', { text: 'Typed by the agent.' })).toBe(
      'Text Typed by the agent. is selected.',
    );
    await act('set_font', { font_name: 'Liberation Sans', font_size: 14 });
    const run = runOf(await saved(), 'Typed by the agent.');
    expect(run.font).toBe('Liberation Sans');
    expect(run.size).toBe(14);
    // Typing replaces the selection, as in the paper's select-then-type plans.
    await act('select_text', { text: 'Typed by the agent.' });
    await act('set_edit_text', { text: 'Typed again.' }, document);
    expect((await saved()).paragraphs.at(-1)!.text).toBe('Typed again.');
    // Text that is not there is a failed step, not a success that did nothing.
    const missing = await executeAction(env, { function: 'select_text', args: { text: 'no such words' } });
    expect(missing).toMatchObject({ ok: false, error: 'Text no such words is not found.' });
  });

  test('task: make a paragraph a bulleted list (the Unordered List button)', async () => {
    await act('select_text', { text: 'Sales grew' });
    await click('Unordered List', 'Button');
    const p = paragraphOf(await saved(), 'Sales grew');
    expect(p.list).toEqual({ level: 1, bullet: true });
  });

  test('task: set double line spacing through the Format menu', async () => {
    await act('select_text', { text: 'The quarterly' });
    await click('Format', 'MenuItem');
    await click('Spacing', 'MenuItem');
    await click('Line Spacing: 2', 'MenuItem');
    const p = paragraphOf(await saved(), 'The quarterly');
    expect(p.lineSpacing).toBe('200%');
  });

  test('task: insert a page break before a paragraph', async () => {
    await act('select_text', { text: 'Send comments' });
    await act('keyboard_input', { keys: '{HOME}^{ENTER}', control_focus: false });
    const p = paragraphOf(await saved(), 'Send comments');
    expect(p.pageBreakBefore).toBe(true);
  });

  test('task: insert a table of a given size, select it and set its font', async () => {
    expect(await act('insert_table', { rows: 3, columns: 4 })).toContain('table 1');
    // The caret is in the new table's first cell, as after Writer's own dialog.
    await act('keyboard_input', { keys: 'Item', control_focus: false });
    expect((await saved()).tables[0]!.rows[0]![0]).toBe('Item');
    expect(await act('select_table', { number: 1 })).toBe('Table 1 is selected.');
    expect(await executeAction(env, { function: 'select_table', args: { number: 2 } })).toMatchObject({
      ok: false,
      error: 'Table number 2 is out of range.',
    });
    await act('select_table', { number: 1 });
    await act('keyboard_input', { keys: 'cell', control_focus: false });
    await act('select_table', { number: 1 });
    await act('set_font', { font_name: 'Liberation Mono' });
    const state = await saved();
    expect(state.tables).toHaveLength(1);
    expect(state.tables[0]!.rows).toHaveLength(3);
    expect(state.tables[0]!.rows.every((r) => r.length === 4)).toBe(true);
    expect(state.tables[0]!.rows.flat()).toContain('cell');
    const cell = state.paragraphs.find((p) => p.table === 0 && p.text === 'cell');
    expect(cell?.runs[0]?.font).toBe('Liberation Mono');
  });

  test('task: change the page orientation to landscape in the Page Style dialog', async () => {
    await act('select_text', { text: 'Quarterly report' });
    await click('Format', 'MenuItem');
    await click('Page Style...', 'MenuItem');
    let obs = await env.observe({ canvas: false });
    for (let i = 0; i < 20 && !obs.controls.some((c) => c.type === 'TabItem' && c.name === 'Page'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      obs = await env.observe({ canvas: false });
    }
    await act('click_input', { button: 'left' }, find(obs, 'Page', 'TabItem'));
    obs = await env.observe({ canvas: false });
    await act('click_input', { button: 'left' }, find(obs, 'Landscape', 'RadioButton'));
    obs = await env.observe({ canvas: false });
    await act('click_input', { button: 'left' }, find(obs, 'OK', 'Button'));
    const state = await saved();
    expect(state.page.orientation).toBe('landscape');
  });

  test('task: left and right page margins and a first-line indent, each field reached by name', async () => {
    const cm = (length: string | undefined) =>
      length?.endsWith('in') ? Number.parseFloat(length) * 2.54 : Number.parseFloat(length ?? 'NaN');
    // "Margins" names five fields in the Page tab: each gets its own label ("Margins Left").
    await click('Format', 'MenuItem');
    await click('Page Style...', 'MenuItem');
    let obs = await until((o) => o.controls.some((c) => c.type === 'TabItem' && c.name === 'Page'));
    await act('click_input', { button: 'left' }, find(obs, 'Page', 'TabItem'));
    obs = await env.observe({ canvas: false });
    const margins = obs.controls.filter((c) => c.type === 'Spinner' && c.name.startsWith('Margins'));
    expect(margins.map((c) => c.name).sort()).toEqual(
      ['Margins Bottom', 'Margins Gutter', 'Margins Left', 'Margins Right', 'Margins Top'].sort(),
    );
    const byName = (name: string) =>
      resolveDecision({ function: 'set_edit_text', controlLabel: '', controlName: name }, obs)!.control;
    // A click on a field puts the caret there; the dialog stays (its action would have pressed OK).
    await act('click_input', { button: 'left' }, byName('Left margin'));
    obs = await env.observe({ canvas: false });
    expect(byName('Right margin').name).toBe('Margins Right');
    await act('set_edit_text', { text: '3 cm' }, byName('Left margin'));
    await act('set_edit_text', { text: '2.5 cm' }, byName('Right margin'));
    // A value the field does not take (the gutter stays at its minimum, 0) is no-effect, never ok.
    const refused = await executeAction(
      env,
      { function: 'set_edit_text', args: { text: '-5 cm' } },
      { control: byName('Gutter margin') },
    );
    expect(refused).toMatchObject({ ok: false, noEffect: { expected: '-5 cm' } });
    expect(refused.error).toMatch(/had no effect: expected "-5 cm", read back "0[.,]00/);
    await act('click_input', { button: 'left' }, find(obs, 'OK', 'Button'));
    await until((o) => !o.controls.some((c) => c.name === 'Margins Left'));
    const page = (await saved()).page;
    expect(cm(page.margins?.left)).toBeCloseTo(3, 1);
    expect(cm(page.margins?.right)).toBeCloseTo(2.5, 1);

    await act('select_text', { text: 'The quarterly' });
    await click('Format', 'MenuItem');
    await click('Paragraph...', 'MenuItem');
    obs = await until((o) => o.controls.some((c) => c.name === 'Indents & Spacing'));
    await act('click_input', { button: 'left' }, find(obs, 'Indents & Spacing', 'TabItem'));
    obs = await env.observe({ canvas: false });
    expect(byName('First line indent').name).toBe('Indent First line');
    await act('set_edit_text', { text: '1 cm' }, byName('First line indent'));
    await act('click_input', { button: 'left' }, find(obs, 'OK', 'Button'));
    await until((o) => !o.controls.some((c) => c.name === 'Indent First line'));
    expect(cm(paragraphOf(await saved(), 'The quarterly').firstLineIndent)).toBeCloseTo(1, 1);
  });

  test('task: a table column width in Table Properties, by field name', async () => {
    const cm = (length: string | undefined) =>
      length?.endsWith('in') ? Number.parseFloat(length) * 2.54 : Number.parseFloat(length ?? 'NaN');
    await act('select_table', { number: 1 });
    await click('Table', 'MenuItem');
    await click('Properties...', 'MenuItem');
    let obs = await until((o) => o.controls.some((c) => c.type === 'TabItem' && c.name === 'Columns'));
    await act('click_input', { button: 'left' }, find(obs, 'Columns', 'TabItem'));
    obs = await env.observe({ canvas: false });
    const first = resolveDecision(
      { function: 'set_edit_text', controlLabel: '', controlName: 'width of column 1' },
      obs,
    )!.control;
    expect(first.name).toBe('Column 1 Width');
    await act('set_edit_text', { text: '5 cm' }, first);
    await act('click_input', { button: 'left' }, find(obs, 'OK', 'Button'));
    await until((o) => !o.controls.some((c) => c.name === 'Column 1 Width'));
    // Flat ODF as saved: a headless conversion of the .odt keeps only relative column widths.
    expect(cm((await saved('.fodt')).tables[0]!.columnWidths[0])).toBeCloseTo(5, 1);
  });

  test('save_as .docx: the state reader reads Word files too', async () => {
    const state = await saved('.docx');
    expect(runOf(state, 'quarterly report is ready').bold).toBe(true);
    expect(runOf(state, 'Typed again.').size).toBe(14);
    expect(state.tables[0]!.rows).toHaveLength(3);
    expect(await env.location()).toBe(join(dir, `step-${step}.docx`));
  });

  test('an action for Calc is refused with the list of what Writer supports', async () => {
    const result = await executeAction(env, {
      function: 'set_cell_values',
      args: { start: 'A1', values: [[1]] },
    });
    expect(result.ok).toBe(false);
    expect(result.error).toContain('does not implement "set_cell_values"');
  });

  test('task: insert a hidden-paragraph field: a click on a list entry selects it', async () => {
    // The Fields dialog's Type list is a table of DataItems; its AT-SPI action alone left the first
    // entry selected, so the dialog inserted another kind of field.
    await act('select_text', { text: 'Send comments' });
    await act('keyboard_input', { keys: '^{F2}', control_focus: false });
    const waitFor = async (name: string, type: string) => {
      let obs = await env.observe({ canvas: false });
      for (let i = 0; i < 20 && !obs.controls.some((c) => c.type === type && c.name === name); i++) {
        await new Promise((r) => setTimeout(r, 250));
        obs = await env.observe({ canvas: false });
      }
      return find(obs, name, type);
    };
    await act('click_input', { button: 'left' }, await waitFor('Functions', 'TabItem'));
    await act('click_input', { button: 'left' }, await waitFor('Hidden Paragraph', 'DataItem'));
    const entry = await waitFor('Hidden Paragraph', 'DataItem');
    expect(entry.states?.selected).toBe(true);
    await act('click_input', { button: 'left' }, await waitFor('Insert', 'Button'));
    await act('click_input', { button: 'left' }, await waitFor('Close', 'Button'));
    step++;
    const path = (await act('save_as', {
      file_dir: dir,
      file_name: `step-${step}`,
      file_ext: '.fodt',
    })) as string;
    expect(readFileSync(path, 'utf8')).toMatch(/<text:hidden-paragraph[\s/>]/);
  });
});
