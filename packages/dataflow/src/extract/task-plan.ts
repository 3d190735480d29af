import { createHash } from 'node:crypto';
import type { HelpApp, HelpProcedure } from './help-html';

/** Why a procedure did not become a task-plan pair. */
export type DropReason = 'not-a-task' | 'length' | 'irrelevant' | 'format' | 'duplicate';

/** Limits of the paper's length filter (§3.1: too short or too long texts are dropped). */
export interface PairLimits {
  /** Fewest steps of a plan (default 1). */
  minSteps?: number;
  /** Most steps of a plan (default 15). */
  maxSteps?: number;
  /** Fewest words of a task (default 2). */
  minTaskWords?: number;
  /** Most words of a task (default 16). */
  maxTaskWords?: number;
  /** Fewest characters of a step (default 8). */
  minStepChars?: number;
  /** Most characters of a step (default 300). */
  maxStepChars?: number;
}

/** Names that keep their capital inside a sentence-case task. */
const PROPER = new Set([
  'Writer',
  'Calc',
  'Impress',
  'Draw',
  'Math',
  'Base',
  'Basic',
  'Microsoft',
  'Office',
  'Word',
  'Excel',
  'Windows',
  'Linux',
  'Navigator',
  'Java',
  'Python',
  'Unicode',
  'English',
  'Asian',
  'Internet',
  'Help',
]);

/** Stems of gerunds that take a final `e` back (`Creating` → `Create`). */
const E_STEM = /(at|iz|ys|ur|ov|av|ang|erg|ac|nc|ud|ag|bl|tl|pl|as|os|us|ut|fin|am|ap|ib|id|ic|ok|rv|rg)$/;

/** `Inserting` → `Insert`, `Creating` → `Create`, `Setting` → `Set`, `Adding` → `Add`. */
export function gerundToVerb(word: string): string {
  let stem = word.slice(0, -3);
  if (/([bgmnpt])\1$/.test(stem)) stem = stem.slice(0, -1);
  else if (/[^aeiou]$/.test(stem) && E_STEM.test(stem.toLowerCase())) stem = `${stem}e`;
  return stem;
}

/**
 * Turns the heading or sentence that names a procedure into a request: `To Insert a Table With
 * a Menu Command` → `Insert a table with a menu command`; `Inserting Tables` → `Insert tables`.
 * Returns undefined when it does not name a task (`Example`, `Microsoft Office Terms`).
 */
export function taskFromHeading(heading: string): string | undefined {
  let text = heading
    .replace(/\s+/g, ' ')
    .replace(/[.:]+$/, '')
    .trim();
  const to = /^(?:how )?to (.+)$/i.exec(text);
  let words: string[];
  if (to?.[1]) words = to[1].split(' ');
  else {
    words = text.split(' ');
    const first = words[0] ?? '';
    if (!/^[A-Z][a-z]{2,}ing$/.test(first) || words.length < 2 || /^(Heading|Spring|String)$/.test(first))
      return undefined;
    words[0] = gerundToVerb(first);
  }
  words = words.map((w, i) => {
    if (i === 0) return w.charAt(0).toUpperCase() + w.slice(1);
    // "Move and Copying Text" → "Move and copy text": a gerund right after and/or joins the verb.
    if (/^[A-Za-z]{3,}ing$/.test(w) && /^(and|or)$/i.test(words[i - 1] ?? '') && i === 2) w = gerundToVerb(w);
    return /^[A-Z][a-z]+(-[A-Z][a-z]+)*$/.test(w) && !PROPER.has(w) ? w.toLowerCase() : w;
  });
  text = words.join(' ');
  return text;
}

/** Words that tie a text to another application or device than Writer and Calc. */
const OTHER_APPS =
  /\b(Impress|Draw|Math|Base|presentations?|slides?|drawings?|smartphones?|tablets?|phones?|Basic[- ]IDE|dialog editor|report builder)\b/i;

/** Normalises a step to one format: no number, one sentence case, a final full stop. */
export function normaliseStep(step: string): string {
  let s = step.replace(/^\s*\d+[.)]\s*/, '').trim();
  if (s === '') return s;
  s = s.charAt(0).toUpperCase() + s.slice(1);
  if (!/[.!?:]$/.test(s) && !/\*\*$/.test(s)) s = `${s}.`;
  else if (/\*\*$/.test(s)) s = `${s}.`;
  return s;
}

/** A key under which two tasks count as the same (case, punctuation and spacing ignored). */
export function dedupKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\*\*/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** A stable task id from the app, the task and the plan: reruns give the same ids. */
export function taskIdFor(app: string, task: string, plan: readonly string[]): string {
  const hash = createHash('sha256')
    .update(`${app}\u0000${task}\u0000${plan.join('\n')}`)
    .digest('hex');
  return `${app}_${hash.slice(0, 12)}`;
}

/** A candidate pair from one procedure, or why it was dropped. */
export type Candidate =
  | { ok: true; task: string; plan: string[]; procedure: HelpProcedure }
  | { ok: false; reason: DropReason; procedure: HelpProcedure };

/**
 * Applies the paper's filters (§3.1) to one procedure: it must name a task, have a plan of
 * reasonable length, concern `app` and no other application or device, and fit one format
 * (numbered steps `1. ...`, no step left hanging on a colon). De-duplication is the caller's.
 */
export function toCandidate(procedure: HelpProcedure, app: HelpApp, limits: PairLimits = {}): Candidate {
  const drop = (reason: DropReason): Candidate => ({ ok: false, reason, procedure });
  const task = taskFromHeading(procedure.heading);
  if (task === undefined) return drop('not-a-task');
  const steps = procedure.steps.map(normaliseStep).filter((s) => s !== '');
  const words = task.split(' ').length;
  const stepLen = steps.map((s) => s.replace(/\*\*/g, '').length);
  if (
    steps.length < (limits.minSteps ?? 1) ||
    steps.length > (limits.maxSteps ?? 15) ||
    words < (limits.minTaskWords ?? 2) ||
    words > (limits.maxTaskWords ?? 16) ||
    stepLen.some((n) => n < (limits.minStepChars ?? 8) || n > (limits.maxStepChars ?? 300))
  )
    return drop('length');
  const other = app === 'writer' ? /\b(Calc|spreadsheets?)\b/ : /\b(Writer|text documents?)\b/;
  if (OTHER_APPS.test(task) || other.test(task) || steps.some((s) => OTHER_APPS.test(s)))
    return drop('irrelevant');
  if (
    steps.some((s) => s.endsWith(':')) ||
    steps.some((s) => /\*\*[^*]*$/.test(s.replace(/\*\*[^*]*\*\*/g, '')))
  )
    return drop('format');
  return { ok: true, task, plan: steps.map((s, i) => `${i + 1}. ${s}`), procedure };
}
