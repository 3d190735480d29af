/**
 * Reading a field back: whether the text a spin field shows after a commit is the value that was typed.
 * LibreOffice shows measures in its own unit and precision ("3 cm" reads back as `1.18″`), so measures
 * are compared through millimetres, to the precision the field shows.
 */

const MM_PER_UNIT: Record<string, number> = {
  mm: 1,
  cm: 10,
  in: 25.4,
  inch: 25.4,
  inches: 25.4,
  '″': 25.4,
  '"': 25.4,
  pt: 25.4 / 72,
  pc: 25.4 / 6,
};

interface Measure {
  value: number;
  /** The unit as written, lower case ('' when none). */
  unit: string;
  /** Digits after the decimal point. */
  decimals: number;
}

function measure(text: string): Measure | undefined {
  const m = /^\s*(-?\d+(?:[.,](\d+))?)\s*([^\d\s]*)\s*$/u.exec(text);
  if (m === null) return undefined;
  return { value: Number(m[1]!.replace(',', '.')), unit: m[3]!.toLowerCase(), decimals: m[2]?.length ?? 0 };
}

/**
 * Whether `read` (the field's text after the commit) shows `expected` (what was typed): true or false
 * when both are numbers in comparable units (`3 cm` vs `1.18″`; `80%` vs `80 %`), undefined when they
 * cannot be compared (text that is not a measure, or a unit the field leaves implicit), in which case
 * a caller can only ask whether the field changed.
 */
export function fieldShows(read: string, expected: string): boolean | undefined {
  if (read.replace(/\s+/g, '').toLowerCase() === expected.replace(/\s+/g, '').toLowerCase()) return true;
  const a = measure(read);
  const b = measure(expected);
  if (a === undefined) return undefined;
  if (b === undefined) return /\d/.test(expected) ? undefined : false;
  // LibreOffice cuts to the digits it shows (8 cm reads 3.14″, not 3.15″): one last digit of slack.
  const tolerance = 10 ** -a.decimals + 1e-9;
  if (a.unit === b.unit || b.unit === '') return Math.abs(a.value - b.value) <= tolerance;
  const ra = MM_PER_UNIT[a.unit];
  const rb = MM_PER_UNIT[b.unit];
  if (ra === undefined || rb === undefined) return undefined;
  return Math.abs(a.value - (b.value * rb) / ra) <= tolerance;
}
