import { type CalcDocument, columnLetter, type GeneratedDocument } from '../content';
import type { Rng } from '../random';
import { asCalc, asWriter, type Skill } from '../skill';
import { pickParagraph, pickPhrase, pickRow } from './targets';

/** Parameters of a Writer skill that acts on a text: `phrase` is what its routes select. */
export interface PhraseParams {
  phrase: string;
  [key: string]: string | number;
}

type Sampler<P> = Skill<P>['sample'];

/** Samples a phrase of 2-4 words in an unclaimed paragraph (see pickPhrase), claimed as `p:<index>`. */
export const samplePhrase =
  (options: { title?: boolean } = {}): Sampler<PhraseParams> =>
  (doc, rng, claims) => {
    const w = asWriter(doc);
    const t = w && pickPhrase(w, rng, claims, options);
    if (t === undefined) return undefined;
    return {
      params: { phrase: t.phrase },
      slots: {},
      targets: { quoted: t.quoted, described: t.described },
      claims: [`p:${t.index}`],
    };
  };

type ParagraphOptions = Parameters<typeof pickParagraph>[3];

/** Samples a whole unclaimed paragraph (see pickParagraph), claimed as `p:<index>`. */
export const sampleParagraph =
  (options: ParagraphOptions = {}): Sampler<PhraseParams> =>
  (doc, rng, claims) => {
    const w = asWriter(doc);
    const t = w && pickParagraph(w, rng, claims, options);
    if (t === undefined) return undefined;
    return {
      params: { phrase: t.text },
      slots: {},
      targets: { quoted: t.quoted, described: t.described },
      claims: [`p:${t.index}`],
    };
  };

/**
 * Samples a paragraph (as {@link sampleParagraph}), then one of `values` as parameter `param`. The
 * phrasings get it as slot `{<param>}`, or get what `slots` makes of it and of the paragraph's text.
 */
export function sampleParagraphAndValue<K extends string, V extends string | number>(
  o: ParagraphOptions & {
    values: readonly V[];
    param: K;
    slots?: (value: V, paragraph: string) => Record<string, string>;
  },
): Sampler<PhraseParams & Record<K, V>> {
  const paragraph = sampleParagraph({ title: o.title, minWords: o.minWords });
  return (doc, rng, claims) => {
    const s = paragraph(doc, rng, claims);
    if (s === undefined) return undefined;
    const value = rng.pick(o.values);
    return {
      ...s,
      params: { ...s.params, [o.param]: value } as PhraseParams & Record<K, V>,
      slots: o.slots?.(value, s.params.phrase) ?? { [o.param]: String(value) },
    };
  };
}

/** A whole data row of a Calc document (see pickRow), or none when a skill has claimed one of `unless`. */
export function pickWholeRow(
  doc: GeneratedDocument,
  rng: Rng,
  claims: ReadonlySet<string>,
  unless: readonly string[],
) {
  const c = asCalc(doc);
  const r = c && !unless.some((claim) => claims.has(claim)) ? pickRow(c, rng, claims) : undefined;
  if (c === undefined || r === undefined) return undefined;
  return { ...r, range: rowRange(c, r.row), cells: rowCells(c, r.row) };
}

/** The range of sheet row `row`, from column A to the last column: `A<row>:<last><row>`. */
export const rowRange = (c: CalcDocument, row: number) =>
  `A${row}:${columnLetter(c.header.length - 1)}${row}`;
/** The cells of sheet row `row`, one a column: `A<row>`, `B<row>`... */
export const rowCells = (c: CalcDocument, row: number) => c.header.map((_, i) => `${columnLetter(i)}${row}`);

/**
 * Samples an unclaimed value column (not A) of a Calc document, claimed as `col:<index>`; its
 * parameters are the `range` and the `checks` (`<cell>=<value>`, the values it holds).
 */
export const sampleValueColumn: Sampler<Record<string, string | string[]>> = (doc, rng, claims) => {
  const c = asCalc(doc);
  if (c === undefined || claims.has('values')) return undefined;
  const cols = c.header.map((_, i) => i).filter((i) => i > 0 && !claims.has(`col:${i}`));
  if (cols.length === 0) return undefined;
  const col = rng.pick(cols);
  const letter = columnLetter(col);
  const range = `${letter}2:${letter}${c.rows.length + 1}`;
  return {
    params: { range, checks: c.rows.map((r, i) => `${letter}${i + 2}=${Number(r[col])}`) },
    slots: { range, column: String(c.header[col]) },
    targets: { quoted: range, described: `the ${c.header[col]} column` },
    claims: [`col:${col}`, 'reads-values'],
  };
};
