import type { CheckerSpec } from '@lam/eval';
import { CheckerSpec as CheckerSpecSchema } from '@lam/eval';
import { JsonValue, LamError } from '@lam/schema';
import { z } from 'zod';
import { selectSkills } from './catalogue';
import { buildDocument, type GeneratedDocument, HELDOUT_KINDS } from './content';
import { type Rng, rngFor, unitHash } from './random';
import { type AnySkill, type RouteStep, renderTemplate, type Sampled } from './skill';

export const GenerateSplit = z.enum(['train', 'test', 'heldout']);
export type GenerateSplit = z.infer<typeof GenerateSplit>;

const RouteStepSchema = z.strictObject({
  subtask: z.string(),
  function: z.string(),
  args: z.record(z.string(), JsonValue),
  control: z.strictObject({ name: z.string(), type: z.string().optional() }).optional(),
});

/** One generated task as written to `tasks.jsonl`: enough to run it again. */
export const GeneratedTask = z.strictObject({
  id: z.string().min(1),
  /** Position in the seeded task list (before sharding). */
  index: z.int().nonnegative(),
  seed: z.string(),
  app: z.enum(['writer', 'calc']),
  request: z.string().min(1),
  skills: z.array(z.string()).min(1),
  /** Phrasing template ids, one per skill (`writer-bold/p3`), joined with `+`; `#q` / `#d`: target quoted or described. */
  phrasing: z.string(),
  /** Route ids, one per skill, joined with `+` (`toolbar+menu`). */
  route: z.string(),
  split: GenerateSplit,
  /** The start document, relative to the output folder (`documents/<id>.fodt`). */
  document: z.string(),
  documentKind: z.string(),
  /** The generated start document's content (what a reload is checked against). */
  start: z.any(),
  checker: CheckerSpecSchema,
  /** The concatenated solution route. */
  steps: z.array(RouteStepSchema).min(1),
  /**
   * A deliberate negative (phase 4): the route was changed so that it should fail its checker:
   * `wrong-control` (one control swapped for a neighbour: Bold for Italic) or `missing-step` (the last step dropped).
   */
  perturbation: z.enum(['wrong-control', 'missing-step']).optional(),
});
export type GeneratedTask = z.infer<typeof GeneratedTask>;

/** Options of {@link generateTasks}. */
export interface GenerateTasksOptions {
  count: number;
  seed?: string;
  /** Skill ids to draw from (default: all). */
  skills?: readonly string[];
  /** `{ index, of }`: keep the tasks whose index % of === index (0-based). */
  shard?: { index: number; of: number };
  /** Share of held-out and of test tasks (defaults 0.15 and 0.1). */
  heldoutFraction?: number;
  testFraction?: number;
  /** Share of train and test tasks whose route is perturbed into a negative (default 0.1; 0: none). */
  negativeFraction?: number;
}

/** Neighbouring controls: the wrong one a person (or a model) could click instead. */
const NEIGHBOURS: Record<string, string> = {
  Bold: 'Italic',
  Italic: 'Underline',
  Underline: 'Bold',
  Strikethrough: 'Underline',
  Center: 'Right',
  Right: 'Left',
  Justified: 'Center',
  Centered: 'Left',
  'Unordered List': 'Ordered List',
  'Font Color': 'Character Highlighting Color',
  'Character Highlighting Color': 'Font Color',
  'Sort Ascending': 'Sort Descending',
  'Sort Descending': 'Sort Ascending',
  Currency: 'Percent',
  Number: 'Percent',
  'Heading 1': 'Heading 2',
  'Heading 2': 'Heading 3',
  'Heading 3': 'Heading 1',
  Subtitle: 'Title',
  Quotations: 'Heading 1',
  'Line Spacing: 1.5': 'Line Spacing: 2',
  'Line Spacing: 2': 'Line Spacing: 1.5',
};

function perturb(
  steps: RouteStep[],
  r: Rng,
): { steps: RouteStep[]; kind: 'wrong-control' | 'missing-step' } | undefined {
  const swappable = steps
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.control !== undefined && NEIGHBOURS[s.control.name] !== undefined);
  if (swappable.length > 0) {
    const { s, i } = r.pick(swappable);
    const name = NEIGHBOURS[(s.control as { name: string }).name] as string;
    const out = [...steps];
    out[i] = {
      ...s,
      subtask: `Click ${name}`,
      control: { ...(s.control as { name: string; type?: string }), name },
    };
    return { steps: out, kind: 'wrong-control' };
  }
  if (steps.length >= 2) return { steps: steps.slice(0, -1), kind: 'missing-step' };
  return undefined;
}

/**
 * The phrasing templates of a skill that are held out: the quarter (at least one) with the lowest
 * hash under the seed. No train or test task uses them.
 */
export function heldoutPhrasings(skill: AnySkill, seed: string): Set<string> {
  const ranked = [...skill.phrasings].sort(
    (a, b) => unitHash(seed, skill.id, a.id) - unitHash(seed, skill.id, b.id),
  );
  return new Set(ranked.slice(0, Math.max(1, Math.floor(skill.phrasings.length / 4))).map((p) => p.id));
}

/** Whether a combination of skills is held out (a fifth of them, by hash under the seed). */
export function isHeldoutComposition(skillIds: readonly string[], seed: string): boolean {
  return skillIds.length > 1 && unitHash(seed, 'composition', [...skillIds].sort().join('+')) < 0.2;
}

const lowerFirst = (s: string) =>
  /^[A-Z][a-z]/.test(s) && !/^(I|I'm)\b/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
const stripEnd = (s: string) => s.replace(/[.!]\s*$/, '');

/** Makes task `index` of the seeded list, or undefined when the draw found no valid combination. */
function makeTask(
  index: number,
  seed: string,
  pool: readonly AnySkill[],
  o: GenerateTasksOptions,
): GeneratedTask | undefined {
  const rng = rngFor(seed, 'task', index);
  const u = rng.next();
  const split: GenerateSplit =
    u < (o.heldoutFraction ?? 0.15)
      ? 'heldout'
      : u < (o.heldoutFraction ?? 0.15) + (o.testFraction ?? 0.1)
        ? 'test'
        : 'train';
  const heldout = split === 'heldout';
  const apps = [...new Set(pool.map((s) => s.app))];
  const writerShare = pool.filter((s) => s.app === 'writer').length / pool.length;
  const app =
    apps.length === 1 ? (apps[0] as 'writer' | 'calc') : rng.chance(writerShare) ? 'writer' : 'calc';
  const appSkills = pool.filter((s) => s.app === app);
  const composable = appSkills.filter((s) => s.composable !== false);
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = rngFor(seed, 'task', index, 'attempt', attempt);
    const want =
      composable.length < 2 ? 1 : r.next() < 0.6 ? 1 : r.next() < 0.75 || composable.length < 3 ? 2 : 3;
    const chosen = want === 1 ? [r.pick(appSkills)] : r.sample(composable, want);
    const ids = chosen.map((s) => s.id);
    if (want > 1 && isHeldoutComposition(ids, seed) !== heldout) continue;
    const kinds = heldout ? [...HELDOUT_KINDS] : undefined;
    const doc = buildDocument(
      app,
      r,
      kinds?.find((k) => (app === 'writer' ? k === 'notice' : k === 'expenses')),
    );
    const claims = new Set<string>();
    const sampled: Sampled<unknown>[] = [];
    for (const skill of chosen) {
      const s = skill.sample(doc, r, claims);
      if (s === undefined) break;
      for (const c of s.claims) claims.add(c);
      sampled.push(s);
    }
    if (sampled.length !== chosen.length) continue;
    return assemble(index, seed, split, app, doc, chosen, sampled, r, o.negativeFraction ?? 0.1);
  }
  return undefined;
}

function assemble(
  index: number,
  seed: string,
  split: GenerateSplit,
  app: 'writer' | 'calc',
  doc: GeneratedDocument,
  skills: readonly AnySkill[],
  sampled: readonly Sampled<unknown>[],
  r: Rng,
  negativeFraction: number,
): GeneratedTask {
  const parts: string[] = [];
  const phrasings: string[] = [];
  const routes: string[] = [];
  const steps: RouteStep[] = [];
  const checkers: CheckerSpec[] = [];
  skills.forEach((skill, i) => {
    const s = sampled[i] as Sampled<unknown>;
    const held = heldoutPhrasings(skill, seed);
    const options = skill.phrasings.filter((p) => held.has(p.id) === (split === 'heldout'));
    const phrasing = r.pick(options);
    const described = s.targets.described !== undefined && r.chance(0.5);
    const target = described ? (s.targets.described as string) : s.targets.quoted;
    parts.push(renderTemplate(phrasing.template, { ...s.slots, target }));
    phrasings.push(
      `${skill.id}/${phrasing.id}${phrasing.template.includes('{target}') ? (described ? '#d' : '#q') : ''}`,
    );
    const route = r.pick(skill.routes);
    routes.push(route.id);
    steps.push(...route.steps(s.params));
    checkers.push(skill.checker(s.params));
  });
  let request = parts[0] as string;
  for (const part of parts.slice(1)) {
    const joiner = r.pick(['; then ', ', and ', '. Also, ', '. After that, ']);
    request = request.endsWith('?')
      ? `${request} ${joiner.replace(/^[;,.]\s*/, '').replace(/^./, (c) => c.toUpperCase())}${lowerFirst(part)}`
      : `${stripEnd(request)}${joiner}${lowerFirst(part)}`;
  }
  if (!/[.!?"]$/.test(request)) request += parts.length > 1 ? '.' : '';
  const id = `gen-${seed}-${String(index).padStart(6, '0')}`;
  const negative = split !== 'heldout' && r.chance(negativeFraction) ? perturb(steps, r) : undefined;
  return {
    id,
    index,
    seed,
    app,
    request,
    skills: skills.map((s) => s.id),
    phrasing: phrasings.join('+'),
    route: negative === undefined ? routes.join('+') : `${routes.join('+')}!${negative.kind}`,
    split,
    document: `documents/${id}${app === 'writer' ? '.fodt' : '.fods'}`,
    documentKind: doc.kind,
    start: doc,
    checker: checkers.length === 1 ? (checkers[0] as CheckerSpec) : { kind: 'all', of: checkers },
    steps: negative?.steps ?? steps,
    ...(negative === undefined ? {} : { perturbation: negative.kind }),
  };
}

/**
 * The seeded task list: `count` tasks drawn from the catalogue (or the named skills), each with its
 * split, start document, request, route and checker. The same options give the same list on any
 * machine; a shard keeps every `of`-th task from `index`.
 */
export function generateTasks(options: GenerateTasksOptions): GeneratedTask[] {
  const seed = options.seed ?? '1';
  const pool = selectSkills(options.skills);
  if (options.shard !== undefined) {
    const { index, of } = options.shard;
    if (!Number.isInteger(of) || of < 1 || !Number.isInteger(index) || index < 0 || index >= of)
      throw new LamError(
        'LAM_ConfigError',
        `Shard ${index}/${of} is not valid: give i/n with 0 <= i < n, e.g. --shard 0/4.`,
      );
  }
  const out: GeneratedTask[] = [];
  for (let i = 0; i < options.count; i++) {
    if (options.shard !== undefined && i % options.shard.of !== options.shard.index) continue;
    const task = makeTask(i, seed, pool, options);
    if (task !== undefined) out.push(task);
  }
  return out;
}
