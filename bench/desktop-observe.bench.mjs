// The Linux desktop backend (@lam/grounding/desktop) on real LibreOffice:
// - time from start to a ready Writer document;
// - observe() on Writer, against the unbounded AT-SPI tree walk (every node, every menu item);
// - observe() on Calc with an empty sheet and with a 5,000 × 20 block, and soffice's memory meanwhile.
// Target: Writer observe() under 250 ms median; Calc observe() bounded in time and memory whatever the sheet size.
// Needs the Debian packages of scripts/debian-packages.txt and a build (pnpm turbo run build --filter=@lam/grounding...).
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDesktopEnvironment } from '@lam/grounding/desktop';
import { report } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'packages', 'grounding', 'src', 'desktop', '__fixtures__');
const RUNS = 15;
const STARTS = 3;
const TARGET_MS = 250;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 10) / 10;
};
const round = (x) => Math.round(x * 10) / 10;

async function timed(fn) {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** The unbounded walk: every node below the frame, menus and hidden nodes included (only 2^31-1 tables are skipped). */
async function fullWalk(session) {
  const atspi = session.atspi;
  let level = [await session.frame()];
  let nodes = 0;
  while (level.length > 0) {
    const infos = await Promise.all(level.map((ref) => atspi.info(ref).catch(() => undefined)));
    nodes += infos.filter(Boolean).length;
    const parents = infos.filter((i) => i && i.childCount > 0 && i.childCount <= 500);
    const kids = await Promise.all(parents.map((i) => atspi.children(i.ref).catch(() => [])));
    level = kids.flat();
  }
  return nodes;
}

function rssMiB(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return round(kb / 1024);
}

const dir = mkdtempSync(join(tmpdir(), 'lam-bench-desktop-'));
copyFileSync(join(fixtures, 'report.fodt'), join(dir, 'report.fodt'));
copyFileSync(join(fixtures, 'sales.fods'), join(dir, 'sales.fods'));
const figures = {};
const peer = {};
try {
  // Start to a ready Writer document (fresh profile each time).
  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    const { ms, value: env } = await timed(() =>
      createDesktopEnvironment({ document: join(dir, 'report.fodt') }),
    );
    starts.push(ms);
    await env.close();
  }
  figures.writerStartMs = { median: median(starts), runs: starts.map(round) };

  // Writer: observe() against the unbounded walk, interleaved.
  const writer = await createDesktopEnvironment({ document: join(dir, 'report.fodt') });
  try {
    await writer.observe();
    const ours = [];
    const oursNoCanvas = [];
    const full = [];
    let controls = 0;
    let walked = 0;
    let fullNodes = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = await timed(() => writer.observe());
      ours.push(a.ms);
      controls = a.value.controls.length;
      walked = a.value.metadata.nodes;
      oursNoCanvas.push((await timed(() => writer.observe({ canvas: false }))).ms);
      const b = await timed(() => fullWalk(writer.session));
      full.push(b.ms);
      fullNodes = b.value;
    }
    figures.writerObserveMs = median(ours);
    figures.writerObserveNoCanvasMs = median(oursNoCanvas);
    figures.writerControls = controls;
    figures.writerNodesWalked = walked;
    peer.writerFullWalkMs = median(full);
    peer.writerFullWalkNodes = fullNodes;
  } finally {
    await writer.close();
  }

  // Calc: observe() with a small sheet, then after writing a 5,000 × 20 block.
  const calc = await createDesktopEnvironment({ document: join(dir, 'sales.fods') });
  try {
    await calc.observe();
    const small = [];
    for (let i = 0; i < RUNS; i++) small.push((await timed(() => calc.observe())).ms);
    const pids = calc.session.officePids();
    const rows = Array.from({ length: 5_000 }, (_, r) => Array.from({ length: 20 }, (_, c) => r * 20 + c));
    await calc.execute({ function: 'set_cell_values', args: { start: 'A10', values: rows } });
    const rssBefore = rssMiB(pids);
    const large = [];
    let cells = 0;
    for (let i = 0; i < RUNS; i++) {
      const r = await timed(() => calc.observe());
      large.push(r.ms);
      cells = r.value.metadata.nodes;
    }
    const rssAfter = rssMiB(pids);
    figures.calcObserveSmallMs = median(small);
    figures.calcObserveLargeMs = median(large);
    figures.calcNodesWalked = cells;
    figures.calcSofficeRssMiB = { beforeObserves: rssBefore, afterObserves: rssAfter };
  } finally {
    await calc.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const met =
  figures.writerObserveMs < TARGET_MS &&
  figures.calcObserveLargeMs < 4 * Math.max(figures.calcObserveSmallMs, 50) &&
  figures.calcSofficeRssMiB.afterObserves - figures.calcSofficeRssMiB.beforeObserves < 100;
report({
  name: 'desktop-observe',
  figures,
  peer,
  ratio: round(peer.writerFullWalkMs / figures.writerObserveMs),
  target: `Writer observe() < ${TARGET_MS} ms median; Calc observe() bounded in time (large sheet < 4x small) and memory (soffice RSS grows < 100 MiB over ${RUNS} observes)`,
  met,
  notes:
    'peer = the unbounded AT-SPI walk of the Writer frame (every node, menus included), measured in the same process; observe() includes the canvas text read over UNO unless noted.',
});
