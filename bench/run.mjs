// pnpm bench [name]: runs bench/<name>.bench.mjs (every one when no name is given),
// each in its own Node process so that memory figures do not mix.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.slice(0, -'.bench.mjs'.length))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${all.join(', ') || '(none)'}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  console.error(`\n# bench ${name}`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(here, `${name}.bench.mjs`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
