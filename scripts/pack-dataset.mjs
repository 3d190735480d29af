// Packs a `lam dataflow generate` folder as the committed dataset (datasets/office by default): its JSONL
// files gzip-compressed, the start documents and the held-out suite as they are, card.json, a SHA256SUMS
// manifest, and a README.md (a dataset card) made from card.json. `readGeneratedDataset` reads the
// packed folder as it reads a generated one.
//
// Usage: node scripts/pack-dataset.mjs <generated folder> [<dataset folder>] [--log <generate log>[,<log of a resumed run>...]] [--seconds <n>] [--note <text>]
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const flag = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const source = args[0] && resolve(args[0]);
if (!source || !existsSync(join(source, 'trajectories.jsonl'))) {
  console.error(
    'pack-dataset: give the folder of a `lam dataflow generate` run (it holds trajectories.jsonl)',
  );
  process.exit(1);
}
const target = resolve(args[1] ?? join(root, 'datasets', 'office'));

rmSync(target, { recursive: true, force: true });
cpSync(source, target, {
  recursive: true,
  filter: (path) => !relative(source, path).startsWith('.work') && !path.endsWith('.jsonl'),
});
for (const name of readdirSync(source).filter((f) => f.endsWith('.jsonl'))) {
  writeFileSync(join(target, `${name}.gz`), gzipSync(readFileSync(join(source, name)), { level: 9 }));
}

const card = JSON.parse(readFileSync(join(source, 'card.json'), 'utf8'));
// The generation time: the sum over the logs of the runs that made the folder (a resumed run has two).
const logs = (flag('--log') ?? '').split(',').filter((f) => f !== '' && existsSync(f));
const seconds = logs.map((f) => /(\d+) s, [\d.]+ verified per minute/.exec(readFileSync(f, 'utf8'))?.[1]);
if (logs.length > 0 && seconds.every((s) => s !== undefined))
  card.generationSeconds = seconds.reduce((n, s) => n + Number(s), 0);
// A run stopped by a kill prints no summary: --seconds gives the whole generation time instead.
if (flag('--seconds')) card.generationSeconds = Number(flag('--seconds'));
if (flag('--note')) card.note = flag('--note');
writeFileSync(join(target, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name !== 'SHA256SUMS' && name !== 'README.md') files.push(path);
  }
};
walk(target);
writeFileSync(
  join(target, 'SHA256SUMS'),
  files
    .map((f) => `${createHash('sha256').update(readFileSync(f)).digest('hex')}  ${relative(target, f)}`)
    .join('\n')
    .concat('\n'),
);

const table = (rows, head) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const perSkill = Object.entries(card.perSkill ?? {}).map(([k, v]) => [k, v.verified, v.failed]);
const perRoute = Object.entries(card.perRoute ?? {})
  .sort()
  .map(([k, v]) => [k, typeof v === 'object' ? v.verified : v, typeof v === 'object' ? (v.failed ?? 0) : '']);
const histogram = (h) => table(Object.entries(h ?? {}), ['bin', 'trajectories']);
const size = files.reduce((n, f) => n + statSync(f).size, 0);
writeFileSync(
  join(target, 'README.md'),
  `# datasets/office — generated, executed and checked Writer and Calc trajectories

Made by \`lam dataflow generate\` (\`@lam/dataflow\`'s task generator): each task is a request composed from a
skill catalogue, a generated start document and a phrasing template; its solution route was executed step by
step in real LibreOffice through \`@lam/grounding/desktop\` (every step recorded in \`@lam/schema\`'s trajectory
format, with the control list it saw), and the saved document was checked by the task's deterministic
checker. Verified trajectories are phase-2 training data; failed ones (with their reason) and the deliberate
negatives are for phase 4. \`readGeneratedDataset('datasets/office')\` reads this folder.
${card.note ? `\n${card.note}\n` : ''}
## Figures (card.json)
| | |
|---|---|
| verified trajectories | ${card.verified} |
| failed trajectories | ${card.failed} |
| steps | ${card.steps} |
| Writer skills / Calc skills | ${card.skills?.writer} / ${card.skills?.calc} |
| distinct phrasing templates | ${card.phrasings} |
| splits (train / test / held-out) | ${card.splits?.train} / ${card.splits?.test} / ${card.splits?.heldout} |
| fewest verified trajectories of a skill | ${card.minPerSkill} |
| generation time (2 workers, 2 CPU cores) | ${card.generationSeconds ? `${(card.generationSeconds / 60).toFixed(1)} min` : 'n/a'} |
| size on disk | ${(size / 1e6).toFixed(1)} MB |

The held-out split uses phrasing templates, skill combinations and document kinds that no train task uses;
its verified tasks are also a \`lam eval\` suite: \`heldout-suite/suite.json\`.

## Per skill
${table(perSkill, ['skill', 'verified', 'failed'])}

## Per route
${table(perRoute, ['skill:route', 'verified', 'failed'])}

## Failure reasons
${table(Object.entries(card.failures ?? {}), ['reason', 'trajectories'])}

## Steps per trajectory
${histogram(card.stepHistogram)}

## Request length (words)
${histogram(card.requestWordsHistogram)}

## Files
- \`trajectories.jsonl.gz\`: trajectory log records (start, steps, end); the start record's \`metadata\` holds the
  split, skills, phrasing, route, document, verdict and failure reason.
- \`observations.jsonl.gz\`: each distinct observation once, \`{hash, observation}\`; steps name theirs in
  \`metadata.observation\`.
- \`tasks.jsonl.gz\`: the seeded tasks (request, skills, route, split, start document, checker, steps).
- \`documents/\`: the start documents; \`heldout-suite/\`: the held-out suite with its documents and references.
- \`SHA256SUMS\`: the checksum of every file (\`sha256sum -c SHA256SUMS\` in this folder).
`,
);
console.log(`packed ${source} into ${target}: ${files.length} files, ${(size / 1e6).toFixed(1)} MB`);
