import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Control, Observation } from '@lam/schema';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { executeAction } from '../executor';
import { resolveDecision } from '../resolve';
import { createDesktopEnvironment, type DesktopEnvironment } from './desktop-environment';
import { LAM_DesktopAppGoneError } from './errors';
import { readSpreadsheet, type SpreadsheetState } from './readers';

// One Calc session for the whole file; the last test kills LibreOffice on purpose.
let env: DesktopEnvironment;
let dir: string;
let step = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lam-calc-test-'));
  copyFileSync(join(import.meta.dirname, '__fixtures__', 'sales.fods'), join(dir, 'sales.fods'));
  env = await createDesktopEnvironment({ document: join(dir, 'sales.fods') });
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

async function act(fn: string, args: Record<string, unknown>, control?: Control): Promise<unknown> {
  const result = await executeAction(env, { function: fn, args }, { control });
  expect(result.error, `${fn} failed`).toBeUndefined();
  return result.output;
}

async function saved(ext = '.ods'): Promise<SpreadsheetState> {
  step++;
  const path = (await act('save_as', { file_dir: dir, file_name: `step-${step}`, file_ext: ext })) as string;
  return readSpreadsheet(path);
}

describe('Calc through AT-SPI', () => {
  test('observe: bounded (the sheet is never walked), selection and active cell through the Table interface', async () => {
    await act('select_range', { range: 'B3' });
    const started = performance.now();
    const obs = await env.observe();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(obs.application).toBe('soffice-calc');
    expect(obs.metadata?.nodes).toBeLessThan(1_000);
    expect(obs.metadata?.calc).toMatchObject({
      sheet: 'Sales',
      rows: 1048576,
      columns: 16384,
      selection: 'B3',
      activeCell: 'B3',
      activeCellText: '80',
    });
    expect(find(obs, 'Sheet Sales', 'Table').rect?.width).toBeGreaterThan(100);
    const cell = find(obs, 'B3', 'DataItem');
    expect(cell.value).toBe('80');
    expect(find(obs, 'Name Box', 'Edit').value).toBe('B3');
    expect(obs.canvasText).toContain('used range A1:B4');
    expect(obs.canvasText).toContain('North\t120');
  });

  test('task: enter values (set_cell_values) and read them back (get_cell_values)', async () => {
    expect(await act('set_cell_values', { start: 'A5', values: [['West', 60]] })).toBe(
      'Wrote 1 row(s) from A5.',
    );
    expect(await act('get_cell_values', { range: 'A4:B5' })).toEqual([
      ['East', 95],
      ['West', 60],
    ]);
    const sheet = (await saved()).sheets[0]!;
    expect(sheet.cells.A5?.value).toBe('West');
    expect(sheet.cells.B5?.value).toBe(60);
  });

  test('task: type a formula into a cell with the keyboard', async () => {
    await act('select_range', { range: 'C2' });
    const obs = await env.observe({ canvas: false });
    await act('keyboard_input', { keys: '=B2*2{ENTER}' }, find(obs, 'Sheet Sales', 'Table'));
    const sheet = (await saved()).sheets[0]!;
    expect(sheet.cells.C2).toMatchObject({ value: 240, formula: '=B2*2' });
  });

  test('task: a sum under a column', async () => {
    await act('set_cell_values', { start: 'A6', values: [['Total', '=SUM(B2:B5)']] });
    expect(await act('get_cell_values', { range: 'B6' })).toEqual([[355]]);
    const sheet = (await saved()).sheets[0]!;
    expect(sheet.cells.B6).toMatchObject({ value: 355, formula: '=SUM(B2:B5)' });
  });

  test('task: bold the header row', async () => {
    await act('select_range', { range: 'A1:B1' });
    await act('keyboard_input', { keys: '^b', control_focus: false });
    const sheet = (await saved()).sheets[0]!;
    expect(sheet.cells.A1?.format.bold).toBe(true);
    expect(sheet.cells.B1?.format.bold).toBe(true);
    expect(sheet.cells.A2?.format.bold).toBe(false);
  });

  test('a selection made through the API shows its contextual buttons in the very next observation', async () => {
    const merge = (obs: Observation) =>
      obs.controls.some((c) => c.name === 'Merge Cells' && c.type === 'Button');
    await act('select_range', { range: 'B3' });
    expect(merge(await env.observe({ canvas: false }))).toBe(false);
    // Corners in any order: the selection read back is the same block.
    expect(await act('select_range', { range: 'B1:A1' })).toBe('Range B1:A1 is selected.');
    expect(merge(await env.observe({ canvas: false }))).toBe(true);
  });

  test('task: sort a range ascending (the Sort Ascending button)', async () => {
    await act('select_range', { range: 'A2:B5' });
    const obs = await env.observe({ canvas: false });
    await act('click_input', { button: 'left' }, find(obs, 'Sort Ascending', 'Button'));
    const sheet = (await saved('.xlsx')).sheets[0]!;
    expect(sheet.rows.slice(1, 5).map((r) => r[0])).toEqual(['East', 'North', 'South', 'West']);
    expect(sheet.rows.slice(1, 5).map((r) => r[1])).toEqual([95, 120, 80, 60]);
  });

  test('coordinates: a click, a drag and the wheel through the X server land where the fractions say', async () => {
    // The box of a cell, as observed when it is the active cell, in fractions of the window.
    const centre = async (cell: string) => {
      await act('select_range', { range: cell });
      const box = find(await env.observe({ canvas: false }), cell, 'DataItem').rect!;
      const win = env.session.windowRect;
      return {
        x: (box.x + box.width / 2 - win.x) / win.width,
        y: (box.y + box.height / 2 - win.y) / win.height,
        top: box.y,
      };
    };
    const d4 = await centre('D4');
    const b2 = await centre('B2');
    const c4 = await centre('C4');
    const a1 = await centre('A1');

    await act('click_on_coordinates', { x: d4.x, y: d4.y, button: 'left', double: false });
    let obs = await env.observe({ canvas: false });
    expect(obs.metadata?.calc).toMatchObject({ activeCell: 'D4', selection: 'D4' });

    await act('drag_on_coordinates', { start_x: b2.x, start_y: b2.y, end_x: c4.x, end_y: c4.y });
    obs = await env.observe({ canvas: false });
    expect(obs.metadata?.calc).toMatchObject({ selection: 'B2:C4' });

    // Five wheel clicks down over the sheet scroll it: A1's box moves up out of the window.
    await act('click_on_coordinates', { x: a1.x, y: a1.y, button: 'left', double: false });
    obs = await env.observe({ canvas: false });
    await act('wheel_mouse_input', { wheel_dist: -5 }, find(obs, 'Sheet Sales', 'Table'));
    obs = await env.observe({ canvas: false });
    expect(obs.metadata?.calc).toMatchObject({ activeCell: 'A1' });
    const scrolled = obs.controls.find((c) => c.name === 'A1' && c.type === 'DataItem')?.rect;
    expect(scrolled === undefined || scrolled.y < a1.top - 100).toBe(true);
    await act('wheel_mouse_input', { wheel_dist: 5 }, find(obs, 'Sheet Sales', 'Table'));
    obs = await env.observe({ canvas: false });
    expect(find(obs, 'A1', 'DataItem').rect!.y).toBe(a1.top);

    const outside = await executeAction(env, { function: 'click_on_coordinates', args: { x: 1.5, y: 0.2 } });
    expect(outside.ok).toBe(false);
    expect(outside.error).toContain('x: Too big: expected number to be <=1');
  });

  test('task: column width and row height through their dialogs, typed by field name and committed', async () => {
    const cm = (length: string | undefined) =>
      length?.endsWith('in') ? Number.parseFloat(length) * 2.54 : Number.parseFloat(length ?? 'NaN');
    const dialog = async (menu: string, item: string) => {
      await act('select_range', { range: 'B2' });
      for (const name of ['Format', menu, item]) {
        const obs = await env.observe({ canvas: false });
        await act('click_input', { button: 'left' }, find(obs, name, 'MenuItem'));
      }
      let obs = await env.observe({ canvas: false });
      for (let i = 0; i < 20 && !obs.controls.some((c) => c.type === 'Spinner'); i++) {
        await new Promise((r) => setTimeout(r, 250));
        obs = await env.observe({ canvas: false });
      }
      return obs;
    };
    const closeWith = async (obs: Observation) => {
      await act('click_input', { button: 'left' }, find(obs, 'OK', 'Button'));
      for (
        let i = 0;
        i < 20 && (await env.observe({ canvas: false })).controls.some((c) => c.type === 'Spinner');
        i++
      )
        await new Promise((r) => setTimeout(r, 250));
    };
    // set_edit_text: the spin field's text is replaced, committed and read back.
    let obs = await dialog('Columns', 'Width...');
    const width = resolveDecision(
      { function: 'set_edit_text', controlLabel: '', controlName: 'column width' },
      obs,
    );
    await act('set_edit_text', { text: '4 cm' }, width!.control);
    await closeWith(obs);
    expect(cm((await saved()).sheets[0]!.columnWidths.B)).toBeCloseTo(4, 1);
    // keyboard_input without a Tab at the end: committed all the same (it used to be lost on OK).
    obs = await dialog('Rows', 'Height...');
    const height = obs.controls.find((c) => c.type === 'Spinner')!;
    await act('keyboard_input', { keys: '^a1.5 cm' }, height);
    await closeWith(obs);
    expect(cm((await saved()).sheets[0]!.rowHeights['2'])).toBeCloseTo(1.5, 1);
  });

  test('bad arguments come back as a clear error', async () => {
    const result = await executeAction(env, {
      function: 'select_range',
      args: { range: 'B2', sheet: 'Nope' },
    });
    expect(result.ok).toBe(false);
    expect(result.error).toContain("no sheet named 'Nope'");
  });

  test('killing LibreOffice mid-action gives a clear error, not a hang', async () => {
    const session = env.session;
    const pids = session.officePids();
    expect(pids.length).toBeGreaterThan(0);
    const obs = await env.observe({ canvas: false });
    const typing = env.execute({
      function: 'keyboard_input',
      args: { keys: 'x'.repeat(400), control_focus: true },
      control: find(obs, 'Sheet Sales', 'Table'),
    });
    await new Promise((r) => setTimeout(r, 700));
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const started = performance.now();
    const error = await typing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(LAM_DesktopAppGoneError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toContain('LibreOffice');
    expect(performance.now() - started).toBeLessThan(5_000);
    const next = await executeAction(env, { function: 'get_cell_values', args: { range: 'A1' } });
    expect(next.ok).toBe(false);
    expect(next.error).toContain('start a new one');
  });
});
