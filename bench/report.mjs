// Shared by every benchmark: print one JSON object and keep it in bench/results/<name>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');

/**
 * @param {{ name: string, figures: Record<string, unknown>, peer?: Record<string, unknown> | null,
 *   ratio?: number | null, target: string, met: boolean, notes?: string }} result
 */
export function report(result) {
  const full = {
    name: result.name,
    date: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    figures: result.figures,
    peer: result.peer ?? null,
    ratio: result.ratio ?? null,
    target: result.target,
    met: result.met,
    ...(result.notes ? { notes: result.notes } : {}),
  };
  const text = JSON.stringify(full, null, 2);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${result.name}.json`), `${text}\n`);
  process.stdout.write(`${text}\n`);
  return full;
}

/** Peak resident set size of this process so far, in MiB (Linux: from /proc). */
export function peakRssMiB() {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
