// Time to a labelled control list with boxes: @lam/grounding/web observe() against Playwright's
// page.ariaSnapshot({ mode: 'ai', boxes: true }) on the same generated pages of 100, 1,000 and
// 5,000 controls, served from 127.0.0.1, in one headless Chromium. Runs are interleaved; medians.
import { createServer } from 'node:http';
import { launchChromium, launchWebEnvironment } from '@lam/grounding/web';
import { peakRssMiB, report } from './report.mjs';

const SIZES = [100, 1000, 5000];
const REPEATS = 7;

/** A page of `n` controls of mixed kinds, in nested sections with labels, as real forms are. */
function page(n) {
  const parts = [];
  for (let i = 0; i < n; i++) {
    if (i % 25 === 0) parts.push(`${i > 0 ? '</section>' : ''}<section><h2>Group ${i / 25}</h2>`);
    switch (i % 6) {
      case 0:
        parts.push(`<div class="row"><button id="b${i}">Action ${i}</button></div>`);
        break;
      case 1:
        parts.push(
          `<div class="row"><label for="t${i}">Field ${i}</label> <input id="t${i}" value="value ${i}"></div>`,
        );
        break;
      case 2:
        parts.push(`<div class="row"><a href="#a${i}">Link ${i}</a></div>`);
        break;
      case 3:
        parts.push(
          `<div class="row"><label><input type="checkbox" ${i % 12 === 3 ? 'checked' : ''}> Option ${i}</label></div>`,
        );
        break;
      case 4:
        parts.push(
          `<div class="row"><span role="button" tabindex="0" aria-pressed="false">Toggle ${i}</span></div>`,
        );
        break;
      default:
        parts.push(
          `<div class="row"><select aria-label="Choice ${i}"><option>One</option><option>Two</option></select></div>`,
        );
    }
  }
  parts.push('</section>');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${n} controls</title>
<style>body{font-family:sans-serif} .row{padding:2px} section{border:1px solid #ddd;margin:4px}</style></head>
<body>${parts.join('\n')}</body></html>`;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const round = (x) => Math.round(x * 10) / 10;

const pages = new Map(SIZES.map((n) => [`/${n}.html`, page(n)]));
const server = createServer((req, res) => {
  const body = pages.get(req.url);
  res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await launchChromium();
const figures = {};
const peer = {};
const ratios = {};
try {
  for (const n of SIZES) {
    const env = await launchWebEnvironment({ browser, url: `${base}/${n}.html` });
    const ours = [];
    const theirs = [];
    let found = 0;
    let snapshotBytes = 0;
    // Warm both paths once (JIT, first layout), then interleave.
    await env.observe();
    await env.page.ariaSnapshot({ mode: 'ai', boxes: true });
    for (let r = 0; r < REPEATS; r++) {
      let t = performance.now();
      const obs = await env.observe();
      ours.push(performance.now() - t);
      found = obs.controls.filter((c) => c.rect !== undefined).length;
      t = performance.now();
      const snapshot = await env.page.ariaSnapshot({ mode: 'ai', boxes: true });
      theirs.push(performance.now() - t);
      snapshotBytes = snapshot.length;
    }
    await env.close();
    if (found < n) throw new Error(`observe found ${found} controls with boxes on a page of ${n}`);
    figures[`observe_ms_${n}`] = round(median(ours));
    figures[`controls_${n}`] = found;
    peer[`ariaSnapshot_ms_${n}`] = round(median(theirs));
    peer[`ariaSnapshot_chars_${n}`] = snapshotBytes;
    ratios[n] = median(ours) / median(theirs);
  }
} finally {
  await browser.close();
  server.close();
}

// Growth: the exponent k in time ∝ controls^k between 1,000 and 5,000 controls (1 is linear).
const growth = (a, b) => Math.log(b / a) / Math.log(5000 / 1000);
figures.growth_exponent = round(growth(figures.observe_ms_1000, figures.observe_ms_5000) * 100) / 100;
peer.growth_exponent = round(growth(peer.ariaSnapshot_ms_1000, peer.ariaSnapshot_ms_5000) * 100) / 100;
for (const n of SIZES) figures[`ratio_${n}`] = Math.round(ratios[n] * 1000) / 1000;
figures.peak_rss_mib = peakRssMiB();
const worst = Math.max(...SIZES.map((n) => ratios[n]));

report({
  name: 'grounding-web-observe',
  figures,
  peer,
  ratio: Math.round(worst * 1000) / 1000,
  target:
    'observe() time / ariaSnapshot({mode:"ai", boxes:true}) time <= 1.0 at 100, 1,000 and 5,000 controls (ratio: the worst size), and growth exponent <= 1.1 from 1,000 to 5,000 controls (1.0 = linear; 0.1 allowed for noise)',
  met: worst <= 1.0 && figures.growth_exponent <= 1.1,
  notes: `median of ${REPEATS} interleaved runs after one warm-up, one headless Chromium, pages served from 127.0.0.1; observe() includes labelling and iframe discovery, and returns values and states that the snapshot does not`,
});
