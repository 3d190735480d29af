import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { LamError, openJsonlWriter, readJsonl, TaskPlanPair } from '@lam/schema';
import { type HelpApp, parseHelpPage } from './help-html';
import { type DropReason, dedupKey, type PairLimits, taskIdFor, toCandidate } from './task-plan';

/** Where Debian's `libreoffice-help-en-us` puts the English help. */
export const DEFAULT_HELP_DIR = '/usr/share/libreoffice/help/en-US';

/** Progress of a run, reported after each help file. */
export interface ExtractionProgress {
  /** Files handled so far in this run, skipped ones included. */
  done: number;
  total: number;
  /** The help file just handled, relative to `helpDir`. */
  file: string;
  /** Pairs written so far, by earlier runs included. */
  pairs: number;
}

/** Options of {@link runExtraction}. */
export interface RunExtractionOptions {
  /** The help's language folder, holding `text/swriter`, `text/scalc`, `text/shared` (default {@link DEFAULT_HELP_DIR}). */
  helpDir?: string;
  /** The JSONL file of `TaskPlanPair`s to append to. Its processed files are kept in `<out>.files.jsonl`. */
  out: string;
  /** Limits of the length filter. */
  limits?: PairLimits;
  /** Stop after this many help files (for a quick look); all by default. */
  maxFiles?: number;
  /** Called after each file; default: a line on stderr every 100 files and at the end. `null`: silent. */
  onProgress?: ((progress: ExtractionProgress) => void) | null;
  /** fsync each record (default true); turn off where speed matters more than surviving a power cut. */
  fsync?: boolean;
}

/** What a run did. */
export interface ExtractionSummary {
  out: string;
  /** Help files found. */
  files: number;
  /** Files handled in this run (not skipped as done by an earlier run). */
  processed: number;
  /** Files skipped because an earlier run did them. */
  skipped: number;
  /** Procedures found in the files handled in this run. */
  procedures: number;
  /** Pairs written in this run. */
  written: number;
  /** Pairs in the output file after this run. */
  total: number;
  /** Pairs written in this run per app. */
  byApp: Record<HelpApp, number>;
  /** Procedures dropped in this run, by reason. */
  dropped: Record<DropReason, number>;
  seconds: number;
}

const ProcessedFile = (value: unknown): value is { file: string } =>
  typeof value === 'object' && value !== null && typeof (value as { file?: unknown }).file === 'string';

function listHtml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listHtml(path));
    else if (entry.name.endsWith('.html')) out.push(path);
  }
  return out.sort();
}

const CALC_WORDS = /\b(spreadsheets?|cells?|sheets?|Calc|rows?|columns?|formulas?)\b/gi;
const WRITER_WORDS = /\b(text documents?|Writer|paragraphs?|pages?|characters?|words?)\b/gi;
const OTHER_WORDS = /\b(Impress|Draw|slides?|presentations?|drawings?|Base|database|Math|macros?|Basic)\b/gi;

/** The app a help file is about: by its folder, and for `shared` pages by what the text talks about. */
export function appOfHelpFile(relPath: string, html: string): HelpApp | undefined {
  const parts = relPath.split(sep).join('/');
  if (parts.includes('text/swriter/')) return 'writer';
  if (parts.includes('text/scalc/')) return 'calc';
  if (!parts.includes('text/shared/')) return undefined;
  const body = html.replace(/<[^>]+>/g, ' ');
  const count = (re: RegExp) => body.match(re)?.length ?? 0;
  const calc = count(CALC_WORDS);
  const writer = count(WRITER_WORDS);
  if (count(OTHER_WORDS) > calc + writer) return undefined;
  return calc > writer ? 'calc' : 'writer';
}

/**
 * Stage 1 of the pipeline (paper §3.1): reads LibreOffice's HTML help, finds each procedure,
 * turns it into a `TaskPlanPair` (`source: 'docs'`, app `writer` or `calc`, metadata naming the
 * help file), filters and de-duplicates, and appends each pair to `out` as it is made. A rerun
 * skips the help files an earlier run finished and never writes a task twice.
 * @throws {LamError} `LAM_HelpNotFoundError` when `helpDir` holds no help pages.
 */
export async function runExtraction(options: RunExtractionOptions): Promise<ExtractionSummary> {
  const started = performance.now();
  const helpDir = options.helpDir ?? DEFAULT_HELP_DIR;
  const files = ['swriter', 'scalc', 'shared'].flatMap((m) => listHtml(join(helpDir, 'text', m)));
  if (files.length === 0) {
    throw new LamError(
      'LAM_HelpNotFoundError',
      `No help pages under ${join(helpDir, 'text')} (expected text/swriter, text/scalc, text/shared with .html files). Install the help (apt-get install libreoffice-help-en-us libreoffice-help-common) or pass helpDir pointing at a language folder such as ${DEFAULT_HELP_DIR}.`,
    );
  }
  const ledger = `${options.out}.files.jsonl`;
  const done = new Set<string>();
  if (existsSync(ledger))
    for await (const entry of readJsonl(ledger, { skipInvalid: true }))
      if (ProcessedFile(entry)) done.add(entry.file);
  const seen = new Set<string>();
  let total = 0;
  if (existsSync(options.out)) {
    for await (const pair of readJsonl(options.out, { schema: TaskPlanPair, skipInvalid: true })) {
      seen.add(`${pair.app}\u0000${dedupKey(pair.task)}`);
      total++;
    }
  }
  const summary: ExtractionSummary = {
    out: options.out,
    files: files.length,
    processed: 0,
    skipped: 0,
    procedures: 0,
    written: 0,
    total,
    byApp: { writer: 0, calc: 0 },
    dropped: { 'not-a-task': 0, length: 0, irrelevant: 0, format: 0, duplicate: 0 },
    seconds: 0,
  };
  const report =
    options.onProgress === undefined
      ? (p: ExtractionProgress) => {
          if (p.done % 100 === 0 || p.done === p.total)
            process.stderr.write(`extract: ${p.done}/${p.total} help files, ${p.pairs} pairs\n`);
        }
      : options.onProgress;
  const fsync = options.fsync ?? true;
  const writer = openJsonlWriter(options.out, {
    schema: TaskPlanPair,
    record: 'TaskPlanPair',
    fsync,
    tornTail: 'newline',
  });
  const filesLog = openJsonlWriter(ledger, { fsync, tornTail: 'newline' });
  const limit = Math.min(files.length, options.maxFiles ?? files.length);
  try {
    for (let i = 0; i < limit; i++) {
      const path = files[i] as string;
      const file = relative(helpDir, path).split(sep).join('/');
      if (done.has(file)) summary.skipped++;
      else {
        const html = readFileSync(path, 'utf8');
        const app = appOfHelpFile(file, html);
        let pairs = 0;
        const procedures = app === undefined ? [] : parseHelpPage(html, { app });
        summary.procedures += procedures.length;
        for (const procedure of procedures) {
          const candidate = toCandidate(procedure, app as HelpApp, options.limits);
          if (!candidate.ok) {
            summary.dropped[candidate.reason]++;
            continue;
          }
          const key = `${app}\u0000${dedupKey(candidate.task)}`;
          if (seen.has(key)) {
            summary.dropped.duplicate++;
            continue;
          }
          seen.add(key);
          writer.append({
            taskId: taskIdFor(app as HelpApp, candidate.task, candidate.plan),
            task: candidate.task,
            plan: candidate.plan,
            app,
            source: 'docs',
            metadata: {
              helpFile: file,
              title: procedure.title,
              heading: procedure.heading,
              ...(procedure.anchor ? { anchor: procedure.anchor } : {}),
            },
          });
          pairs++;
          summary.byApp[app as HelpApp]++;
        }
        summary.written += pairs;
        summary.total += pairs;
        summary.processed++;
        filesLog.append({ file, pairs });
      }
      report?.({ done: i + 1, total: limit, file, pairs: summary.total });
    }
  } finally {
    writer.close();
    filesLog.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
