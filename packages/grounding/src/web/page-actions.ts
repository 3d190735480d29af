// In-page halves of the web actions (run through elementHandle.evaluate / frame.evaluate).
// Each function is self-contained: Playwright sends its source text to the browser.

/** The text of a control: an edit's value, a combo box's selected option, an editor's text, or the element's text. */
export function readText(el: Element): string {
  const tag = el.localName;
  if (tag === 'input' || tag === 'textarea') return (el as HTMLInputElement).value;
  if (tag === 'select') {
    return Array.from((el as HTMLSelectElement).selectedOptions)
      .map((o) => o.text)
      .join(', ');
  }
  // biome-ignore lint/performance/useDomNodeTextContent: innerText keeps the line breaks the user sees
  return (el as HTMLElement).innerText ?? el.textContent ?? '';
}

/**
 * Focuses an editable control and, unless it already had the focus, puts the caret at the end
 * of its content (so typed text is appended, as UFO's set_edit_text does). Returns false when
 * the element is not editable.
 */
export function focusForTyping(el: Element): boolean {
  const html = el as HTMLElement;
  const tag = el.localName;
  const isField =
    (tag === 'input' &&
      !['button', 'submit', 'reset', 'image', 'checkbox', 'radio', 'file', 'range', 'color'].includes(
        (el as HTMLInputElement).type,
      )) ||
    tag === 'textarea';
  if (!isField && !html.isContentEditable) return false;
  let active: Element | null = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  if (active === el || (html.isContentEditable && active !== null && html.contains(active))) return true;
  html.focus();
  if (isField) {
    const field = el as HTMLInputElement;
    try {
      const end = field.value.length;
      field.setSelectionRange(end, end);
    } catch {
      // email and number inputs have no selection API; the caret stays where focus put it
    }
  } else {
    const range = document.createRange();
    range.selectNodeContents(el);
    range.collapse(false);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }
  return true;
}

/** Replaces a field's value (or an editor's text) and fires input and change events. */
export function replaceValue(el: Element, text: string): boolean {
  const tag = el.localName;
  if (tag === 'input' || tag === 'textarea') {
    (el as HTMLInputElement).value = text;
  } else if ((el as HTMLElement).isContentEditable) {
    el.textContent = text;
  } else return false;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
}

/**
 * Finds the first occurrence of `text` and selects it: in the focused field, then in any text
 * field, then across the text nodes of the document (a match may span elements). Focuses the
 * editor holding a match first, so the selection is the editor's.
 */
export function selectTextInPage(text: string): boolean {
  const fields = Array.from(document.querySelectorAll('input, textarea')) as HTMLInputElement[];
  const active = document.activeElement as HTMLInputElement | null;
  if (active && (active.localName === 'input' || active.localName === 'textarea')) fields.unshift(active);
  for (const field of fields) {
    const at = field.value.indexOf(text);
    if (at >= 0) {
      field.focus();
      try {
        field.setSelectionRange(at, at + text.length);
        return true;
      } catch {
        // inputs without a selection API: keep looking in the document text
      }
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  const starts: number[] = [];
  let all = '';
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    nodes.push(n as Text);
    starts.push(all.length);
    all += n.nodeValue ?? '';
  }
  const at = all.indexOf(text);
  if (at < 0) return false;
  const locate = (offset: number, end: boolean): [Text, number] => {
    for (let k = nodes.length - 1; k >= 0; k--) {
      const s = starts[k]!;
      if (end ? s < offset : s <= offset) return [nodes[k]!, offset - s];
    }
    return [nodes[0]!, 0];
  };
  const [startNode, startOffset] = locate(at, false);
  const [endNode, endOffset] = locate(at + text.length, true);
  const editor = (startNode.parentElement?.closest('[contenteditable]') ?? null) as HTMLElement | null;
  editor?.focus();
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return true;
}

/** Selects the contents of the n-th table (1-based) of the document. */
export function selectTableInPage(n: number): boolean {
  const table = document.querySelectorAll('table')[n - 1];
  if (table === undefined) return false;
  const range = document.createRange();
  range.selectNodeContents(table);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return true;
}

/**
 * Appends a bordered table of rows × columns to the editor (the focused editing host, else the
 * first one in the document); returns false when the page has no editor.
 */
export function insertTableInPage(arg: { rows: number; columns: number }): boolean {
  const isHost = (h: HTMLElement) => h.isContentEditable && !(h.parentElement?.isContentEditable ?? false);
  let host: HTMLElement | null = null;
  let a = document.activeElement as HTMLElement | null;
  while (a?.isContentEditable) {
    if (isHost(a)) host = a;
    a = a.parentElement;
  }
  host ??= (Array.from(document.querySelectorAll('[contenteditable]')) as HTMLElement[]).find(isHost) ?? null;
  if (host === null) return false;
  const table = document.createElement('table');
  table.setAttribute('border', '1');
  table.style.borderCollapse = 'collapse';
  for (let r = 0; r < arg.rows; r++) {
    const row = table.insertRow();
    for (let c = 0; c < arg.columns; c++) {
      const cell = row.insertCell();
      cell.style.border = '1px solid';
      cell.appendChild(document.createElement('br'));
    }
  }
  host.appendChild(table);
  host.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
}

/** Wraps the current non-empty selection in a span with the font; returns false when nothing is selected. */
export function setFontInPage(arg: { fontName?: string; fontSize?: number }): boolean {
  const selection = window.getSelection();
  if (selection === null || selection.rangeCount === 0 || selection.isCollapsed) return false;
  const range = selection.getRangeAt(0);
  const span = document.createElement('span');
  if (arg.fontName !== undefined) span.style.fontFamily = arg.fontName;
  if (arg.fontSize !== undefined) span.style.fontSize = `${arg.fontSize}pt`;
  span.appendChild(range.extractContents());
  range.insertNode(span);
  const again = document.createRange();
  again.selectNodeContents(span);
  selection.removeAllRanges();
  selection.addRange(again);
  span.closest('[contenteditable]')?.dispatchEvent(new Event('input', { bubbles: true }));
  return true;
}

/** Result of a table operation in the page. */
export type TableResult = { ok: true; values?: (string | number | null)[][] } | { ok: false; error: string };

/**
 * Reads, writes or selects cells of an HTML table addressed in A1 notation (column letters,
 * 1-based row numbers over all rows, header rows included). `sheet` picks the table by id,
 * aria-label, caption or 1-based number; default the first table.
 */
export function tableCellsInPage(arg: {
  op: 'get' | 'set' | 'select';
  range: string;
  sheet?: string;
  values?: (string | number | boolean | null)[][];
}): TableResult {
  const tables = Array.from(document.querySelectorAll('table'));
  let table: HTMLTableElement | undefined;
  if (arg.sheet === undefined) table = tables[0];
  else {
    const key = arg.sheet.trim().toLowerCase();
    table = tables.find(
      (t) =>
        t.id.toLowerCase() === key ||
        (t.getAttribute('aria-label') ?? '').trim().toLowerCase() === key ||
        (t.caption?.textContent ?? '').trim().toLowerCase() === key,
    );
    if (table === undefined && /^\d+$/.test(key)) table = tables[Number(key) - 1];
  }
  if (table === undefined) {
    return {
      ok: false,
      error: `no table ${arg.sheet === undefined ? 'on the page' : `named ${JSON.stringify(arg.sheet)}`} (the page has ${tables.length}); name a table by its id, aria-label, caption or number`,
    };
  }
  const parse = (ref: string): [number, number] => {
    const m = /^([A-Za-z]+)(\d+)$/.exec(ref)!;
    let col = 0;
    for (const ch of m[1]!.toUpperCase()) col = col * 26 + (ch.charCodeAt(0) - 64);
    return [Number(m[2]) - 1, col - 1];
  };
  const [a, b = a] = arg.range.split(':') as [string, string?];
  const [r0, c0] = parse(a);
  const [r1, c1] = parse(b);
  const cell = (r: number, c: number) => table!.rows[r]?.cells[c];
  const name = (r: number, c: number) => {
    let col = '';
    for (let k = c + 1; k > 0; k = Math.floor((k - 1) / 26))
      col = String.fromCharCode(65 + ((k - 1) % 26)) + col;
    return `${col}${r + 1}`;
  };
  const field = (td: Element) => td.querySelector('input, textarea, select') as HTMLInputElement | null;

  if (arg.op === 'set') {
    const values = arg.values ?? [];
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      for (let j = 0; j < row.length; j++) {
        const td = cell(r0 + i, c0 + j);
        if (td === undefined)
          return { ok: false, error: `cell ${name(r0 + i, c0 + j)} is outside the table` };
        const text = row[j] === null ? '' : String(row[j]);
        const input = field(td);
        if (input) {
          input.value = text;
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.dispatchEvent(new Event('change', { bubbles: true }));
        } else if ((td as HTMLElement).isContentEditable) {
          td.textContent = text;
          td.dispatchEvent(new Event('input', { bubbles: true }));
        } else {
          return {
            ok: false,
            error: `cell ${name(r0 + i, c0 + j)} is not editable (no field, not contenteditable)`,
          };
        }
      }
    }
    return { ok: true };
  }

  const top = Math.min(r0, r1);
  const bottom = Math.max(r0, r1);
  const left = Math.min(c0, c1);
  const right = Math.max(c0, c1);
  if (cell(bottom, right) === undefined || cell(top, left) === undefined) {
    return { ok: false, error: `range ${arg.range} is outside the table (${table.rows.length} rows)` };
  }
  if (arg.op === 'select') {
    const range = document.createRange();
    range.setStartBefore(cell(top, left)!);
    range.setEndAfter(cell(bottom, right)!);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
    return { ok: true };
  }
  const values: (string | number | null)[][] = [];
  for (let r = top; r <= bottom; r++) {
    const row: (string | number | null)[] = [];
    for (let c = left; c <= right; c++) {
      const td = cell(r, c);
      if (td === undefined) {
        row.push(null);
        continue;
      }
      const input = field(td);
      const text = (input ? input.value : (td.textContent ?? '')).trim();
      row.push(text !== '' && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
    }
    values.push(row);
  }
  return { ok: true, values };
}
