import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { templateChoiceTemplate } from '@lam/prompts';
import type { LanguageModel } from '@lam/runtime';
import { LamError } from '@lam/schema';
import { textMessages } from '../util/messages';

/** One template document and what it holds. */
export interface TemplateInfo {
  /** File name, e.g. `table.fodt` (the key of `description.json`). */
  file: string;
  path: string;
  /** The one-line description of `description.json` (UFO's template catalogue, PAPER.md §2.3). */
  description: string;
  /** The document's text, for choosing by content. */
  text: string;
}

/** A folder of template documents with its `description.json`. */
export interface TemplateCatalogue {
  dir: string;
  app: string;
  templates: TemplateInfo[];
}

function packageRoot(): string {
  // dist/index.js and src/instantiate/templates.ts both sit two or one level below the package root.
  let dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir;
    dir = dirname(dir);
  }
  return dir;
}

/** The Writer templates that ship with this package (`templates/writer`). */
export function defaultTemplatesDir(app = 'writer'): string {
  return join(packageRoot(), 'templates', app);
}

function flatText(xml: string): string {
  return xml
    .replace(
      /<office:(meta|settings|styles|automatic-styles|font-face-decls|master-styles)>[\s\S]*?<\/office:\1>/g,
      ' ',
    )
    .replace(/<text:(p|h)\b[^>]*>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

/**
 * Reads a template folder: `description.json` (file name → description, UFO's format) and the
 * `.fodt` documents it names. Throws `LAM_TemplatesError` naming the problem and the fix.
 */
export function loadTemplateCatalogue(
  dir: string = defaultTemplatesDir(),
  app = 'writer',
): TemplateCatalogue {
  const full = resolve(dir);
  const descriptionFile = join(full, 'description.json');
  if (!existsSync(descriptionFile)) {
    throw new LamError(
      'LAM_TemplatesError',
      `No description.json in the template folder ${full}. Put the template documents (.fodt) there with a description.json mapping each file name to a one-line description of its content, as UFO's dataflow/templates/<app>/description.json does.`,
    );
  }
  let descriptions: Record<string, unknown>;
  try {
    descriptions = JSON.parse(readFileSync(descriptionFile, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new LamError(
      'LAM_TemplatesError',
      `${descriptionFile} is not valid JSON (${String(cause)}). Write it as {"file.fodt": "description", ...}.`,
    );
  }
  const templates: TemplateInfo[] = [];
  for (const [file, description] of Object.entries(descriptions)) {
    const path = join(full, file);
    if (typeof description !== 'string' || !existsSync(path)) {
      throw new LamError(
        'LAM_TemplatesError',
        `${descriptionFile} names ${JSON.stringify(file)}, which ${typeof description !== 'string' ? 'has no text description' : 'is not in the folder'}. Add the file or remove its entry (files there: ${readdirSync(full).join(', ')}).`,
      );
    }
    if (!file.toLowerCase().endsWith('.fodt')) {
      throw new LamError(
        'LAM_TemplatesError',
        `Template ${file} is not a flat ODF text document. Save it from LibreOffice as .fodt (File - Save As, "Flat XML ODF Text Document") and update description.json.`,
      );
    }
    templates.push({ file, path, description, text: flatText(readFileSync(path, 'utf8')) });
  }
  if (templates.length === 0) {
    throw new LamError(
      'LAM_TemplatesError',
      `${descriptionFile} lists no templates. Add at least one entry.`,
    );
  }
  return { dir: full, app, templates };
}

const STOP = new Set(
  'a an the to of in on for and or with from into by as at your you that this these those it its is are be can all some any use using new text document documents how do one two such'.split(
    ' ',
  ),
);

/** Lower-case word stems of a text, without stop words (plural and -ing endings folded). */
export function stems(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z-]+/g) ?? [])
    .filter((w) => !STOP.has(w) && w.length > 2)
    .map((w) =>
      w
        .replace(/ies$/, 'y')
        .replace(/(ing|ed)$/, '')
        .replace(/s$/, ''),
    );
}

/** How well each template fits a task: TF-IDF cosine of the task against description and content. */
export function scoreTemplates(
  task: string,
  catalogue: TemplateCatalogue,
): { file: string; score: number }[] {
  const docs = catalogue.templates.map((t) => stems(`${t.description} ${t.description} ${t.text}`));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = (w: string) => Math.log((1 + docs.length) / (1 + (df.get(w) ?? 0))) + 1;
  const vector = (words: string[]) => {
    const v = new Map<string, number>();
    for (const w of words) v.set(w, (v.get(w) ?? 0) + 1);
    for (const [w, n] of v) v.set(w, n * idf(w));
    return v;
  };
  const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0)) || 1;
  const q = vector(stems(task));
  const qn = norm(q);
  return docs.map((d, i) => {
    const v = vector(d);
    let dot = 0;
    for (const [w, x] of q) dot += x * (v.get(w) ?? 0);
    return { file: (catalogue.templates[i] as TemplateInfo).file, score: dot / (qn * norm(v)) };
  });
}

/** The template for a task by lexical similarity (the first template when nothing matches). */
export function chooseTemplate(
  task: string,
  catalogue: TemplateCatalogue,
): { template: TemplateInfo; score: number; method: 'lexical' } {
  const scores = scoreTemplates(task, catalogue);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i]?.score ?? 0) > (scores[best]?.score ?? 0)) best = i;
  return {
    template: catalogue.templates[best] as TemplateInfo,
    score: Math.round((scores[best]?.score ?? 0) * 1000) / 1000,
    method: 'lexical',
  };
}

/**
 * The template a model chooses (PAPER.md §4.3, UFO's `TEMPLATE_METHOD: "LLM"`), through
 * `templateChoiceTemplate` of `@lam/prompts`. Falls back to {@link chooseTemplate} when the answer
 * names no listed file.
 */
export async function chooseTemplateWithModel(
  task: string,
  catalogue: TemplateCatalogue,
  options: { model: LanguageModel; app?: string },
): Promise<{ template: TemplateInfo; reason: string; method: 'model' | 'lexical' }> {
  const descriptions = Object.fromEntries(catalogue.templates.map((t) => [t.file, t.description]));
  const messages = textMessages(
    templateChoiceTemplate.render({ app: options.app ?? 'LibreOffice Writer', descriptions, task }),
  );
  const result = await options.model.generate({ messages, maxTokens: 200, temperature: 0 });
  try {
    const choice = templateChoiceTemplate.parse(result.text, { files: Object.keys(descriptions) });
    const template = catalogue.templates.find((t) => t.file === choice.file);
    if (template !== undefined) return { template, reason: choice.reason, method: 'model' };
  } catch (error) {
    if (!LamError.isInstance(error)) throw error;
  }
  const fallback = chooseTemplate(task, catalogue);
  return { template: fallback.template, reason: 'the model named no listed template', method: 'lexical' };
}
