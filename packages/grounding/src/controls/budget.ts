import type { Control } from '@lam/schema';
import { type SerializeOptions, serializeControl, serializeControls } from './serialize';

/**
 * Estimates the tokens of a text without a tokenizer, as a SentencePiece/BPE tokenizer with a
 * 32k vocabulary (Llama 2's, Mistral-7B's) splits it: one token per word piece (a capital and up to
 * 8 lower-case letters, or up to 4 other letters), per digit, per run of up to 2 punctuation
 * characters, per line break and per space before a digit; plus 15% as a margin. Measured against
 * Llama 2's tokenizer it over-counts control lists in the UFO JSON form by about 40%, in the compact
 * form by 3-6%, and prose by about 14% (docs/decisions/0404); tokenizers with larger vocabularies
 * usually need fewer tokens. Pass `countTokens` to budget with a real tokenizer instead.
 */
export function estimateTokens(text: string): number {
  const pieces = text.match(
    /\p{Lu}?\p{Ll}{1,8}|\p{Lu}{1,4}|\p{L}{1,4}|\p{N}|[^\s\p{L}\p{N}]{1,2}|\n| (?=\p{N})/gu,
  );
  return pieces === null ? 0 : Math.ceil(pieces.length * 1.15);
}

const STOP_WORDS = new Set(
  'a an and are as at be by for from in into is it of on or the then this to with your you my me click select press type open go use step'.split(
    ' ',
  ),
);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (w) => w.length > 1 && !STOP_WORDS.has(w),
  );
}

const INTERACTIVITY: Record<string, number> = {
  Edit: 0.5,
  Document: 0.5,
  Table: 0.5,
  ComboBox: 0.5,
  Button: 0.4,
  MenuItem: 0.4,
  TabItem: 0.4,
  Hyperlink: 0.35,
  CheckBox: 0.4,
  RadioButton: 0.4,
  ListItem: 0.35,
  TreeItem: 0.35,
  Spinner: 0.35,
  Slider: 0.3,
  DataItem: 0.2,
  ScrollBar: 0.1,
};

/** Options of {@link controlRelevance}. */
export interface RelevanceQuery {
  /** The user's request. */
  request?: string;
  /** The plan (previous plan, or the steps still to do). */
  plan?: readonly string[] | string;
}

/**
 * How useful a control probably is for the next step, higher is better (0 to about 3):
 * 2 × the share of the control's name words that occur in the request or plan (words of 4+
 * letters also match by prefix, so "bold" matches "bolded"), plus an interactivity weight by
 * type (edits, documents, tables and combo boxes 0.5, buttons and menu items 0.4, ... others 0.1), plus 0.3 when
 * focused, minus 0.3 when disabled and 0.2 when unnamed.
 */
export function controlRelevance(control: Control, query: RelevanceQuery | Set<string>): number {
  const vocabulary = query instanceof Set ? query : queryWords(query);
  const name = words(control.name);
  let hits = 0;
  for (const w of name) {
    if (vocabulary.has(w)) hits++;
    else if (w.length >= 4) {
      for (const q of vocabulary) {
        if (q.length >= 4 && (q.startsWith(w) || w.startsWith(q))) {
          hits++;
          break;
        }
      }
    }
  }
  let score = name.length === 0 ? 0 : (2 * hits) / name.length;
  score += INTERACTIVITY[control.type] ?? 0.1;
  if (control.states?.focused === true) score += 0.3;
  if (control.states?.enabled === false) score -= 0.3;
  if (control.name.trim() === '') score -= 0.2;
  return score;
}

function queryWords(query: RelevanceQuery): Set<string> {
  const plan = typeof query.plan === 'string' ? query.plan : (query.plan ?? []).join(' ');
  return new Set(words(`${query.request ?? ''} ${plan}`));
}

/** Options of {@link budgetControls}. */
export interface BudgetOptions extends RelevanceQuery {
  /** The most tokens the serialised list may take. */
  maxTokens: number;
  /** How the list will be serialised (the cost of each control depends on it). */
  serialize?: SerializeOptions;
  /** A real tokenizer's count, instead of {@link estimateTokens}. */
  countTokens?: (text: string) => number;
}

/** The controls kept within a token budget. */
export interface BudgetResult {
  /** The kept controls, in their original order, with their original labels. */
  controls: Control[];
  /** The dropped controls, least relevant first. */
  dropped: Control[];
  /** Tokens of the serialised kept list. */
  tokens: number;
  /** The serialised kept list. */
  text: string;
}

/**
 * Keeps a control list within `maxTokens` once serialised, dropping the least relevant controls
 * first ({@link controlRelevance} against the request and plan). Kept controls keep their order
 * and labels, so the model's label still points at the same control.
 */
export function budgetControls(controls: readonly Control[], options: BudgetOptions): BudgetResult {
  const count = options.countTokens ?? estimateTokens;
  const vocabulary = queryWords(options);
  const ranked = controls
    .map((control, index) => ({
      control,
      index,
      relevance: controlRelevance(control, vocabulary),
      cost: count(serializeControl(control, options.serialize)) + 1,
    }))
    .sort((a, b) => b.relevance - a.relevance || a.index - b.index);

  let used = count(serializeControls([], options.serialize));
  const kept: typeof ranked = [];
  const dropped: typeof ranked = [];
  for (const entry of ranked) {
    if (used + entry.cost <= options.maxTokens) {
      kept.push(entry);
      used += entry.cost;
    } else dropped.push(entry);
  }
  kept.sort((a, b) => a.index - b.index);
  let list = kept.map((k) => k.control);
  let text = serializeControls(list, options.serialize);
  let tokens = count(text);
  // The per-control costs are additive estimates; drop more if the joined text still overflows.
  while (tokens > options.maxTokens && kept.length > 0) {
    let worst = 0;
    for (let i = 1; i < kept.length; i++) {
      const k = kept[i]!;
      const w = kept[worst]!;
      if (k.relevance < w.relevance || (k.relevance === w.relevance && k.index > w.index)) worst = i;
    }
    dropped.unshift(...kept.splice(worst, 1));
    list = kept.map((k) => k.control);
    text = serializeControls(list, options.serialize);
    tokens = count(text);
  }
  dropped.sort((a, b) => a.relevance - b.relevance || b.index - a.index);
  return { controls: list, dropped: dropped.map((d) => d.control), tokens, text };
}
