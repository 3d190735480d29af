import { type CalcDocument, ordinal, paragraphsOf, type WriterDocument } from '../content';
import type { Rng } from '../random';

/** A paragraph of a Writer document picked as a skill's target. */
export interface ParagraphTarget {
  /** 0-based over all paragraphs (0: the title). */
  index: number;
  text: string;
  quoted: string;
  described: string;
}

const count = (hay: string, needle: string) => hay.toLowerCase().split(needle.toLowerCase()).length - 1;

/** A paragraph not yet claimed whose text is unique in the document (so `select_text` finds it). */
export function pickParagraph(
  doc: WriterDocument,
  rng: Rng,
  claims: ReadonlySet<string>,
  options: { title?: boolean; minWords?: number } = {},
): ParagraphTarget | undefined {
  const all = paragraphsOf(doc);
  const text = all.join('\n');
  const candidates = all
    .map((p, index) => ({ p, index }))
    .filter(({ index }) => (options.title ?? true) || index > 0)
    .filter(({ p, index }) => !claims.has(`p:${index}`) && count(text, p) === 1)
    .filter(({ p }) => p.split(/\s+/).length >= (options.minWords ?? 1));
  if (candidates.length === 0) return undefined;
  const { p, index } = rng.pick(candidates);
  const start = p.split(/\s+/).slice(0, 3).join(' ');
  const described =
    index === 0
      ? rng.pick(['the title', 'the document title', 'the heading at the top'])
      : index === all.length - 1 && rng.chance(0.4)
        ? 'the last paragraph'
        : rng.chance(0.5)
          ? `the ${ordinal(index + 1)} paragraph`
          : `the paragraph that starts with "${start}"`;
  return { index, text: p, quoted: `"${p}"`, described };
}

/** A phrase of 2-4 words inside an unclaimed body paragraph, unique in the document. */
export function pickPhrase(
  doc: WriterDocument,
  rng: Rng,
  claims: ReadonlySet<string>,
  options: { title?: boolean } = {},
): { index: number; phrase: string; quoted: string; described: string } | undefined {
  const all = paragraphsOf(doc);
  const text = all.join('\n');
  const order = rng.shuffle(all.map((_, i) => i).filter((i) => (options.title ?? false) || i > 0));
  for (const index of order) {
    if (claims.has(`p:${index}`)) continue;
    const words = (all[index] as string).split(/\s+/).map((w) => w.replace(/^[^\w$]+|[^\w%]+$/g, ''));
    for (let attempt = 0; attempt < 6; attempt++) {
      const n = rng.int(2, Math.min(4, words.length));
      if (words.length < 2) break;
      const at = rng.int(0, words.length - n);
      const slice = words.slice(at, at + n);
      if (slice.some((w) => w === '')) continue;
      const phrase = slice.join(' ');
      // The phrase must be in the paragraph as is (no punctuation dropped inside) and nowhere else.
      if (!(all[index] as string).includes(phrase) || count(text, phrase) !== 1) continue;
      const described = rng.chance(0.5)
        ? `the words "${phrase}" in the ${index === 0 ? 'title' : `${ordinal(index + 1)} paragraph`}`
        : `the phrase "${phrase}"`;
      return { index, phrase, quoted: `"${phrase}"`, described };
    }
  }
  return undefined;
}

/** A data row of a Calc document (0-based in `rows`; sheet row = index + 2). */
export function pickRow(doc: CalcDocument, rng: Rng, claims: ReadonlySet<string>) {
  const free = doc.rows.map((_, i) => i).filter((i) => !claims.has(`row:${i + 2}`));
  if (free.length === 0) return undefined;
  const index = rng.pick(free);
  const label = String((doc.rows[index] as unknown[])[0]);
  return { index, row: index + 2, label };
}
