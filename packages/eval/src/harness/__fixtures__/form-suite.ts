import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchWebEnvironment, type WebEnvironment } from '@lam/grounding/web';
import { type Control, defaultActionRegistry, summarizeObservation } from '@lam/schema';
import type { Browser } from 'playwright-core';
import { createPageReader } from '../../checkers/page-reader';
import type { AgentRunner, EnvironmentProvider } from '../run-suite';

export const FORM = (label: string) => `<!doctype html><title>${label}</title>
<form onsubmit="event.preventDefault(); document.getElementById('out').textContent = 'Saved: ' + document.getElementById('name').value">
<label for="name">${label}</label> <input id="name"> <button type="submit">Save</button></form><p id="out"></p>`;

/** Writes a suite file: four form tasks (one from an HTML file next to the suite) with page checkers. */
export function writeSuite(dir: string): string {
  mkdirSync(join(dir, 'pages'), { recursive: true });
  writeFileSync(join(dir, 'pages', 'city.html'), FORM('City'));
  const task = (id: string, value: string, typed: string, start: object) => ({
    id,
    request: `Enter ${value} and save`,
    app: 'web',
    start,
    checker: {
      kind: 'all',
      of: [
        { kind: 'page-element', selector: '#out', text: { equals: `Saved: ${value}` } },
        { kind: 'page-element', selector: '#name', value: { equals: value } },
      ],
    },
    metadata: { typed },
  });
  const suite = {
    name: 'forms',
    tasks: [
      task('name', 'Ada', 'Ada', { html: FORM('Name') }),
      task('city', 'Paris', 'Paris', { file: 'pages/city.html' }),
      task('wrong', 'Oslo', 'Olso', { html: FORM('Town') }),
      task('country', 'Chile', 'Chile', { html: FORM('Country') }),
    ],
  };
  const file = join(dir, 'suite.json');
  writeFileSync(file, JSON.stringify(suite, null, 2));
  return file;
}

export const webEnvironments =
  (browser: Browser, shotsDir?: string): EnvironmentProvider<WebEnvironment> =>
  async (task) => {
    const html = task.start?.html ?? readFileSync(task.start!.file!, 'utf8');
    const env = await launchWebEnvironment({ browser, html, viewport: { width: 480, height: 200 } });
    if (shotsDir) mkdirSync(shotsDir, { recursive: true });
    return {
      environment: env,
      state: { page: async () => createPageReader(env.page) },
      close: () => env.close(),
    };
  };

function resolved(c: Control) {
  return {
    label: c.label,
    name: c.name,
    type: c.type,
    ...(c.rect ? { rect: c.rect } : {}),
    matchedBy: 'label' as const,
  };
}

/** A deterministic agent: type the task's text into the edit box, then click Save. */
export function formAgent(
  options: {
    shotsDir?: string;
    hold?: (taskId: string, signal: AbortSignal) => Promise<void>;
    /** Type the value named in the request instead of the task's `typed` metadata (which may hold a typo). */
    exact?: boolean;
  } = {},
) {
  let active = 0;
  const seen = { maxActive: 0, slots: new Set<number>() };
  const runner: AgentRunner<WebEnvironment> = async ({ task, environment, recordStep, slot, signal }) => {
    active++;
    seen.maxActive = Math.max(seen.maxActive, active);
    seen.slots.add(slot);
    try {
      const act = async (index: number, type: string, fn: string, args: Record<string, unknown>) => {
        const t0 = performance.now();
        const shot = options.shotsDir ? join(options.shotsDir, `${task.id}-${index}.png`) : undefined;
        const obs = await environment.observe(shot ? { screenshotPath: shot } : {});
        const control = obs.controls.find((c) => c.type === type)!;
        const parsed = defaultActionRegistry.parseArgs(fn, args);
        const t1 = performance.now();
        await environment.execute({ function: fn, args: parsed as Record<string, unknown>, control });
        recordStep({
          index,
          observation: summarizeObservation(obs, { includeControls: false }),
          decision: {
            thought: `Use ${control.name}`,
            controlLabel: control.label,
            controlName: control.name,
            function: fn,
            args: parsed as Record<string, never>,
            status: index === 2 ? 'FINISH' : 'CONTINUE',
            plan: [],
          },
          control: resolved(control),
          result: { ok: true, durationMs: performance.now() - t1 },
          timings: { modelMs: 5, envMs: performance.now() - t0 },
          usage: { inputTokens: 100, outputTokens: 10 },
        });
      };
      await act(1, 'Edit', 'set_edit_text', {
        text: options.exact ? task.request.split(' ')[1]! : String(task.metadata?.typed),
      });
      await options.hold?.(task.id, signal);
      await act(2, 'Button', 'click_input', { button: 'left' });
      return { status: 'finished' };
    } finally {
      active--;
    }
  };
  return { runner, seen };
}
