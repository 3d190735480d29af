import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launchChromium } from '@lam/grounding/web';
import { describe, expect, it } from 'vitest';
import { openReport } from '../browser';
import { formAgent, webEnvironments, writeSuite } from '../harness/__fixtures__/form-suite';
import { loadRun, runSuite } from '../harness/run-suite';
import { decisionMetrics } from '../metrics/decision-metrics';
import { lexicalStepMatcher, planningMetrics } from '../metrics/planning-metrics';
import { buildReport, toJson } from './build';
import { escapeHtml, toHtml } from './html';
import { toMarkdown } from './markdown';

const bold = {
  controlLabel: '12',
  controlName: 'Bold',
  function: 'click_input',
  args: {},
  status: 'CONTINUE' as const,
};

async function offlineAndPlanning(good: boolean) {
  const offline = decisionMetrics([
    { taskId: 'w1', steps: [{ expected: bold, predicted: bold }] },
    { taskId: 'w2', steps: [{ expected: bold, predicted: good ? bold : { ...bold, status: 'FINISH' } }] },
  ]);
  const planning = await planningMetrics(
    [
      {
        taskId: 'p1',
        task: 'Bold the title',
        predictedPlan: ['Select the title', 'Click Bold'],
        referencePlan: ['Select the title', good ? 'Click Bold' : 'Press Ctrl+B'],
      },
    ],
    { matcher: lexicalStepMatcher() },
  );
  return { offline, planning };
}

describe('reports', () => {
  it('lays out the paper tables in Markdown with systems as columns', async () => {
    const a = await offlineAndPlanning(true);
    const b = await offlineAndPlanning(false);
    const report = buildReport({
      title: 'LAM vs baseline',
      createdAt: '2026-01-01T00:00:00.000Z',
      systems: [
        {
          name: 'LAM',
          ...a,
          online: {
            taskSuccessRate: 0.71,
            averageCompletionSeconds: 30.42,
            averageSteps: 5.62,
            averageStepLatencySeconds: 5.41,
            averageModelSeconds: 0,
            averageEnvironmentSeconds: 0,
            modelTimeShare: 0,
            averageInputTokens: 0,
            averageOutputTokens: 0,
            tasks: 435,
          },
        },
        { name: 'GPT-4o | text', ...b },
      ],
    });
    const md = toMarkdown(report, { preset: 'paper' });
    expect(md).toContain('**Table 2. Planning (task-plan pairs)**');
    expect(md).toContain('| Metric | LAM | GPT-4o \\| text |');
    expect(md).toContain('| Step Recall % | 100.0 | 50.0 |');
    expect(md).toContain('| Status Acc % | 100.0 | 50.0 |');
    expect(md).toContain('| Task Success Rate % | 71.0 |');
    expect(md).toContain('| Average Step Latency s | 5.41 |');
    expect(md).not.toContain('Model time');
    expect(toMarkdown(report)).toContain('| Steps / tasks | 2 / 2 | 2 / 2 |');
    expect(JSON.parse(toJson(report)).systems[0].planning).not.toHaveProperty('records');
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });

  it('shows runs that no checker judged as "not judged", not as 0% success', () => {
    const run = {
      taskId: 't1',
      request: 'Bold the title',
      trajectoryId: 't1#1',
      status: 'finished' as const,
      verdict: 'unsure' as const,
      success: false,
      completionMs: 4000,
      steps: 2,
    };
    const report = buildReport({
      systems: [
        { name: 'lam run', results: [run], judged: false },
        { name: 'judged', results: [run] },
      ],
    });
    expect(report.systems[0]!.judged).toBe(false);
    expect(report.systems[1]).not.toHaveProperty('judged');
    const md = toMarkdown(report);
    expect(md).toContain('| Task Success Rate % | not judged | 0.0 |');
    expect(md).toMatch(/\| 95% interval % \| - \| 0\.0-0\.0 \|/);
    const html = toHtml(report);
    expect(html).toContain('>not judged<');
  });

  it('renders a self-contained HTML report that opens in Chromium without errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-report-'));
    const browser = await launchChromium();
    const systems = [];
    try {
      for (const [name, typo] of [
        ['form-agent', false],
        ['careless-agent', true],
      ] as const) {
        const outDir = join(dir, name);
        const shots = join(outDir, 'shots');
        const suite = writeSuite(join(dir, `${name}-suite`));
        const { runner } = formAgent({ shotsDir: shots, exact: !typo });
        await runSuite({
          suite,
          runner,
          environments: webEnvironments(browser, shots),
          outDir,
          concurrency: 2,
        });
        const run = await loadRun(outDir);
        expect(run.results.filter((r) => r.success)).toHaveLength(typo ? 3 : 4);
        systems.push({
          name,
          results: run.results,
          trajectories: run.trajectories,
          ...(await offlineAndPlanning(!typo)),
        });
      }
    } finally {
      await browser.close();
    }
    const report = buildReport({ title: 'Form filling: two agents', systems, resamples: 500 });
    expect(report.tasks).toHaveLength(8);
    expect(report.comparisons[0]).toMatchObject({ baseline: 'form-agent', candidate: 'careless-agent' });
    expect(report.systems[0]!.successInterval).toBeDefined();
    const html = toHtml(report);
    expect(html).not.toMatch(/<script|src="http|href="http/);
    const png = process.env.LAM_EVAL_REPORT_PNG ?? join(dir, 'report.png');
    mkdirSync(dirname(png), { recursive: true });
    const opened = await openReport(html, { screenshotPath: png, viewport: { width: 1200, height: 900 } });
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    expect(opened.title).toBe('Form filling: two agents');
    expect(opened.counts.charts).toBeGreaterThanOrEqual(3);
    expect(opened.counts.screenshots).toBe(16);
    expect(opened.counts.marks).toBe(16);
    expect(opened.screenshot!.subarray(1, 4).toString()).toBe('PNG');
    writeFileSync(join(dir, 'report.html'), html);
  }, 90_000);
});
