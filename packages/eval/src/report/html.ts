import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { EvalReport, ReportStep, ReportTask } from './build';
import { comparisonTable, type ReportTable, reportTables, type TablePreset } from './tables';

/** Options of {@link toHtml}. */
export interface HtmlOptions {
  preset?: TablePreset;
  /** Folder that relative screenshot paths are resolved against (default the working directory). */
  baseDir?: string;
  /** Embed screenshots as data URLs (default true), so the file stands alone. */
  embedScreenshots?: boolean;
  /** At most this many screenshots per task (default 20). */
  maxScreenshotsPerTask?: number;
  /** Which task sections start expanded (default `failed`). */
  expand?: 'none' | 'failed' | 'all';
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** A horizontal bar chart as inline SVG; values are drawn against `max`. */
/**
 * A line chart as inline SVG (no script, no external file): one series of `[x, y]` points, axes with the
 * first and last x and the smallest and largest y, e.g. a training loss by step.
 */
export function lineChartSvg(options: {
  points: readonly (readonly [number, number])[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}): string {
  const width = options.width ?? 560;
  const height = options.height ?? 220;
  const pad = { left: 56, right: 12, top: 12, bottom: 36 };
  const xs = options.points.map((p) => p[0]);
  const ys = options.points.map((p) => p[1]);
  if (xs.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"></svg>`;
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (width - pad.left - pad.right);
  const sy = (y: number) => pad.top + (1 - (y - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  const path = options.points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`)
    .join(' ');
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const bottom = height - pad.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" font-family="sans-serif" font-size="11">`,
    `<line x1="${pad.left}" y1="${bottom}" x2="${width - pad.right}" y2="${bottom}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${bottom}" stroke="#888"/>`,
    `<text x="${pad.left - 4}" y="${pad.top + 4}" text-anchor="end">${fmt(y1)}</text>`,
    `<text x="${pad.left - 4}" y="${bottom}" text-anchor="end">${fmt(y0)}</text>`,
    `<text x="${pad.left}" y="${bottom + 14}" text-anchor="middle">${fmt(x0)}</text>`,
    `<text x="${width - pad.right}" y="${bottom + 14}" text-anchor="end">${fmt(x1)}</text>`,
    options.xLabel
      ? `<text x="${(pad.left + width - pad.right) / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`
      : '',
    options.yLabel
      ? `<text x="12" y="${(pad.top + bottom) / 2}" transform="rotate(-90 12 ${(pad.top + bottom) / 2})" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`
      : '',
    `<path d="${path}" fill="none" stroke="#3366cc" stroke-width="1.5"/>`,
    '</svg>',
  ].join('');
}

export function barChartSvg(options: {
  title: string;
  bars: { label: string; value: number; text: string; color?: string }[];
  max: number;
}): string {
  const rowH = 28;
  const labelW = 170;
  const barW = 360;
  const height = 34 + options.bars.length * rowH;
  const rows = options.bars
    .map((b, i) => {
      const y = 30 + i * rowH;
      const w = options.max <= 0 ? 0 : Math.max(0, Math.min(1, b.value / options.max)) * barW;
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text><rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="20" rx="3" fill="${b.color ?? COLORS[i % COLORS.length]}"/><text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${escapeHtml(b.text)}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 90}" height="${height}" viewBox="0 0 ${labelW + barW + 90} ${height}"><text x="0" y="16" class="chart-title">${escapeHtml(options.title)}</text>${rows}</svg>`;
}

/** A stacked bar per system: model time and environment time per task. */
function timeSplitSvg(report: EvalReport): string | undefined {
  const systems = report.systems.filter(
    (s) => s.online !== undefined && s.online.averageModelSeconds + s.online.averageEnvironmentSeconds > 0,
  );
  if (systems.length === 0) return undefined;
  const max = Math.max(
    ...systems.map((s) => s.online!.averageModelSeconds + s.online!.averageEnvironmentSeconds),
  );
  const labelW = 170;
  const barW = 360;
  const rowH = 28;
  const height = 56 + systems.length * rowH;
  const rows = systems
    .map((s, i) => {
      const y = 30 + i * rowH;
      const m = (s.online!.averageModelSeconds / max) * barW;
      const e = (s.online!.averageEnvironmentSeconds / max) * barW;
      const total = s.online!.averageModelSeconds + s.online!.averageEnvironmentSeconds;
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(s.name)}</text><rect x="${labelW}" y="${y}" width="${m.toFixed(1)}" height="20" fill="#2563eb"/><rect x="${(labelW + m).toFixed(1)}" y="${y}" width="${e.toFixed(1)}" height="20" fill="#f59e0b"/><text x="${(labelW + m + e + 6).toFixed(1)}" y="${y + 15}">${total.toFixed(2)} s</text>`;
    })
    .join('');
  const legendY = height - 10;
  return `<svg class="chart" role="img" aria-label="Model and environment time per task" xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 90}" height="${height}" viewBox="0 0 ${labelW + barW + 90} ${height}"><text x="0" y="16" class="chart-title">Time per task: model vs environment (s)</text>${rows}<rect x="${labelW}" y="${legendY - 10}" width="12" height="12" fill="#2563eb"/><text x="${labelW + 16}" y="${legendY}">model</text><rect x="${labelW + 80}" y="${legendY - 10}" width="12" height="12" fill="#f59e0b"/><text x="${labelW + 96}" y="${legendY}">environment</text></svg>`;
}

function charts(report: EvalReport): string[] {
  const out: string[] = [];
  const online = report.systems.filter((s) => s.online !== undefined);
  if (online.length > 0) {
    out.push(
      barChartSvg({
        title: 'Online task success rate (%)',
        max: 1,
        bars: online.map((s) => ({
          label: s.name,
          value: s.judged === false ? 0 : s.online!.taskSuccessRate,
          text: s.judged === false ? 'not judged' : `${(s.online!.taskSuccessRate * 100).toFixed(1)}%`,
        })),
      }),
      barChartSvg({
        title: 'Average step latency (s)',
        max: Math.max(...online.map((s) => s.online!.averageStepLatencySeconds)),
        bars: online.map((s) => ({
          label: s.name,
          value: s.online!.averageStepLatencySeconds,
          text: `${s.online!.averageStepLatencySeconds.toFixed(2)} s`,
        })),
      }),
    );
    const split = timeSplitSvg(report);
    if (split) out.push(split);
  }
  const offline = report.systems.filter((s) => s.offline !== undefined);
  if (offline.length > 0) {
    out.push(
      barChartSvg({
        title: 'Offline step success rate (%)',
        max: 1,
        bars: offline.map((s) => ({
          label: s.name,
          value: s.offline!.stepSuccessRate,
          text: `${(s.offline!.stepSuccessRate * 100).toFixed(1)}%`,
        })),
      }),
    );
  }
  return out;
}

function htmlTable(t: ReportTable): string {
  const head = t.columns.map((c, i) => `<th${i === 0 ? ' scope="col"' : ''}>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<table id="${escapeHtml(t.id)}"><caption>${escapeHtml(t.caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || bytes.readUInt32BE(0) !== 0x89504e47) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function screenshotFigure(step: ReportStep, options: HtmlOptions): string {
  const shot = step.screenshot!;
  const path = isAbsolute(shot.path) ? shot.path : resolve(options.baseDir ?? process.cwd(), shot.path);
  if (!existsSync(path)) return `<p class="missing">Screenshot not found: ${escapeHtml(shot.path)}</p>`;
  const bytes = readFileSync(path);
  const size =
    pngSize(bytes) ?? (shot.width && shot.height ? { width: shot.width, height: shot.height } : undefined);
  if (size === undefined) return `<p class="missing">Screenshot size unknown: ${escapeHtml(shot.path)}</p>`;
  const mime =
    path.toLowerCase().endsWith('.jpg') || path.toLowerCase().endsWith('.jpeg') ? 'image/jpeg' : 'image/png';
  const href =
    options.embedScreenshots === false ? escapeHtml(path) : `data:${mime};base64,${bytes.toString('base64')}`;
  let mark = '';
  const rect = step.control?.rect;
  if (rect !== undefined) {
    // Normalised boxes are scaled to the image; other spaces are drawn as image pixels.
    const sx = rect.space === 'normalized' ? size.width : 1;
    const sy = rect.space === 'normalized' ? size.height : 1;
    mark = `<rect class="mark" x="${(rect.x * sx).toFixed(1)}" y="${(rect.y * sy).toFixed(1)}" width="${(rect.width * sx).toFixed(1)}" height="${(rect.height * sy).toFixed(1)}" fill="none" stroke="#e11d48" stroke-width="3"/>`;
  }
  const label = `Step ${step.index}: ${step.action}${step.control ? ` on ${step.control.name}` : ''}`;
  return `<figure><svg class="shot" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size.width} ${size.height}"><image href="${href}" x="0" y="0" width="${size.width}" height="${size.height}"/>${mark}</svg><figcaption>${escapeHtml(label)}</figcaption></figure>`;
}

function taskSection(task: ReportTask, options: HtmlOptions): string {
  const max = options.maxScreenshotsPerTask ?? 20;
  let shots = 0;
  const rows = task.steps
    .map((s) => {
      const result = s.ok === undefined ? '' : s.ok ? 'ok' : `failed: ${s.error ?? ''}`;
      return `<tr><td>${s.index}</td><td><code>${escapeHtml(s.action)}</code></td><td>${escapeHtml(s.control?.name ?? '')}</td><td>${escapeHtml(s.status)}</td><td>${escapeHtml(result)}</td><td>${escapeHtml(s.thought)}</td></tr>`;
    })
    .join('');
  const figures = task.steps
    .filter((s) => s.screenshot !== undefined && shots++ < max)
    .map((s) => screenshotFigure(s, options))
    .join('');
  const badge = task.success ? 'pass' : task.verdict === 'unsure' ? 'unsure' : 'fail';
  const why = task.error ?? task.reason ?? '';
  const expand = options.expand ?? 'failed';
  const open = expand === 'all' || (expand === 'failed' && !task.success) ? ' open' : '';
  return `<details class="task ${badge}"${open}><summary><span class="badge ${badge}">${badge.toUpperCase()}</span> <strong>${escapeHtml(task.taskId)}</strong> <span class="sys">${escapeHtml(task.system)}</span> - ${escapeHtml(task.request)} <span class="meta">${task.steps.length} steps, ${(task.completionMs / 1000).toFixed(1)} s</span></summary><p class="why">${escapeHtml(`${task.status}; decided by ${task.decidedBy ?? 'n/a'}: ${why}`)}</p>${task.steps.length === 0 ? '<p>No steps recorded.</p>' : `<table class="steps"><thead><tr><th>#</th><th>Action</th><th>Control</th><th>Status</th><th>Result</th><th>Thought</th></tr></thead><tbody>${rows}</tbody></table>`}<div class="shots">${figures}</div></details>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#111827;padding:0 16px}
h1{font-size:1.6rem;margin-bottom:4px}h2{font-size:1.2rem;margin-top:28px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.created{color:#6b7280;margin-top:0}.tables{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}
table{border-collapse:collapse;font-size:.9rem;margin:8px 0}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #e5e7eb;padding:4px 8px}td{text-align:right}thead th{background:#f3f4f6}tbody th{text-align:left;font-weight:500}
table.steps td{text-align:left;vertical-align:top}.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{font-size:12px;background:#fafafa;border:1px solid #e5e7eb;border-radius:6px;padding:6px}.chart-title{font-weight:600}
details.task{border:1px solid #e5e7eb;border-radius:6px;margin:8px 0;padding:6px 10px}summary{cursor:pointer}
.badge{font-size:.75rem;font-weight:700;border-radius:4px;padding:1px 6px;color:#fff}.badge.pass{background:#16a34a}.badge.fail{background:#dc2626}.badge.unsure{background:#d97706}
.sys,.meta{color:#6b7280;font-size:.85rem}.why{color:#374151}.shots{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;max-width:520px}svg.shot{width:100%;height:auto;border:1px solid #d1d5db}figcaption{font-size:.8rem;color:#374151}
.missing{color:#b91c1c}`;

/**
 * Renders a report as one self-contained HTML file: the tables (paper layout or full), inline SVG
 * charts, paired comparisons, and each task's trajectory with its screenshots (embedded) and the
 * acted-on control marked by a red box. No script, no external resource.
 */
export function toHtml(report: EvalReport, options: HtmlOptions = {}): string {
  const preset = options.preset ?? 'full';
  const tables = reportTables(report, preset).map(htmlTable).join('');
  const comparisons = comparisonTable(report);
  const chartSvgs = charts(report);
  const tasks = report.tasks.map((t) => taskSection(t, options)).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(report.title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(report.title)}</h1><p class="created">Created ${escapeHtml(report.createdAt)} · ${report.systems.length} system(s) · ${report.tasks.length} task run(s)</p>
<h2>Results</h2><div class="tables">${tables}</div>
${chartSvgs.length > 0 ? `<h2>Charts</h2><div class="charts">${chartSvgs.join('')}</div>` : ''}
${comparisons && preset === 'full' ? `<h2>Comparisons</h2>${htmlTable(comparisons)}` : ''}
${report.tasks.length > 0 && preset === 'full' ? `<h2>Tasks</h2>${tasks}` : ''}
</body></html>
`;
}
