import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { ConfirmCallback, Environment } from '@lam/grounding';
import { createModel } from '@lam/runtime';
import { type ActionRegistry, LamError, type Step } from '@lam/schema';
import { z } from 'zod';
import { type RunAgentResult, runAgent } from '../run/agent-loop';
import { promptSettingsForSpec } from '../run/default-model';
import { reportCommand } from './report';

/** The options of `lam run`, validated before anything starts. */
export const RunCommandOptions = z
  .strictObject({
    request: z.string().trim().min(1, 'give the request in quotes, e.g. lam run "Make the title bold" ...'),
    app: z.enum(['web', 'writer', 'calc']),
    url: z.string().url().optional(),
    doc: z.string().optional(),
    model: z.string().min(1),
    maxSteps: z.coerce.number().int().positive().default(20),
    out: z.string().default('runs'),
    /** `ask` on the terminal, `yes` to run sensitive actions, `no` to refuse them. */
    confirm: z.enum(['ask', 'yes', 'no']).default('ask'),
    constrained: z.boolean().default(true),
    /** Label the run as a replay of recorded decisions (scripted models) in the output. */
    replay: z.boolean().default(false),
  })
  .superRefine((o, ctx) => {
    if (o.app === 'web' && o.url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'the web app needs --url <address of the page>',
      });
    }
    if (o.app !== 'web' && o.doc === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['doc'],
        message: `the ${o.app} app needs --doc <document to open>`,
      });
    }
  });
export type RunCommandOptions = z.input<typeof RunCommandOptions>;

/** Where the command writes, and how it talks to the person running it. */
export interface RunCommandIo {
  log: (line: string) => void;
  /** Asks a yes/no question; absent: questions are answered no. */
  ask?: (question: string) => Promise<boolean>;
}

/** A terminal question, answered y or n. */
export async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function openEnvironment(
  options: z.output<typeof RunCommandOptions>,
  workDir: string,
): Promise<{ environment: Environment; registry?: ActionRegistry; document?: string }> {
  if (options.app === 'web') {
    const web = await import('@lam/grounding/web');
    const environment = await web.launchWebEnvironment({ url: options.url!, saveDir: workDir });
    return { environment, registry: web.createWebActionRegistry() };
  }
  const source = resolve(options.doc!);
  if (!existsSync(source)) {
    throw new LamError(
      'LAM_ConfigError',
      `lam run: the document ${source} does not exist. Check the --doc path.`,
    );
  }
  // The agent works on a copy, next to the trajectory, so the original document is never changed.
  const document = join(workDir, basename(source));
  copyFileSync(source, document);
  const desktop = await import('@lam/grounding/desktop');
  const environment = await desktop.createDesktopEnvironment({
    app: options.app,
    document,
    saveDir: workDir,
  });
  return { environment, document };
}

function describeStep(step: Step): string {
  const d = step.decision;
  const target = d.controlName ? ` on "${d.controlName}"${d.controlLabel ? ` [${d.controlLabel}]` : ''}` : '';
  const outcome = step.result
    ? step.result.ok
      ? 'ok'
      : `error: ${step.result.error}`
    : step.safety && step.safety.verdict !== 'allow'
      ? `not run (${step.safety.verdict}${step.safety.userConfirmed === false ? ', declined' : ''})`
      : 'not run';
  const t = step.timings;
  return `step ${step.index}: ${d.function || '(no action)'}${target} -> ${outcome}  [${d.status}]  model ${Math.round(t.modelMs ?? 0)} ms, env ${Math.round(t.envMs ?? 0)} ms`;
}

/**
 * `lam run`: opens the application (for Writer and Calc, on a copy of the document), loads the
 * model, runs the agent loop, writes the trajectory to `<out>/<trajectory id>/trajectory.jsonl`
 * as it goes, and the HTML report next to it at the end.
 */
export async function runCommand(
  input: RunCommandOptions,
  io: RunCommandIo,
): Promise<RunAgentResult & { trajectoryFile: string; report: string; document?: string }> {
  const parsed = RunCommandOptions.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`)
      .join('\n  ');
    throw new LamError('LAM_ConfigError', `lam run: the options are not valid:\n  ${problems}`);
  }
  const options = parsed.data;
  const trajectoryId = `${options.app}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const workDir = resolve(join(options.out, trajectoryId));
  mkdirSync(workDir, { recursive: true });
  const trajectoryFile = join(workDir, 'trajectory.jsonl');

  const model = await createModel(options.model);
  const prompt = promptSettingsForSpec(options.model);
  const { environment, registry, document } = await openEnvironment(options, workDir).catch(async (error) => {
    await model.dispose();
    throw error;
  });
  const confirm: ConfirmCallback = async (request) => {
    if (options.confirm !== 'ask') return options.confirm === 'yes';
    const question = `The agent wants to ${request.function} on "${request.control?.name ?? ''}" (${request.reason}). Allow?`;
    return io.ask ? io.ask(question) : false;
  };

  io.log(
    `${options.replay ? 'Replaying recorded decisions' : 'Running'} "${options.request}" in ${options.app} with ${model.engine}:${model.model}`,
  );
  io.log(`trajectory: ${trajectoryFile}`);
  if (document) io.log(`working on a copy of the document: ${document}`);
  try {
    const result = await runAgent({
      request: options.request,
      environment,
      model,
      trajectoryFile,
      trajectoryId,
      ...(registry ? { registry } : {}),
      ...(options.app !== 'web' ? { app: options.app } : {}),
      maxSteps: options.maxSteps,
      constrained: options.constrained,
      prompt,
      confirm,
      onStep: (step) => io.log(describeStep(step)),
    });
    const t = result.timings;
    io.log(
      `${result.status}${result.reason ? `: ${result.reason}` : ''} after ${result.steps.length} steps in ${(t.totalMs / 1000).toFixed(2)} s (model ${(t.modelMs / 1000).toFixed(2)} s, environment ${(t.envMs / 1000).toFixed(2)} s)`,
    );
    const report = await reportCommand(trajectoryFile);
    io.log(`report: ${report.file}`);
    return { ...result, trajectoryFile, report: report.file, ...(document ? { document } : {}) };
  } finally {
    await environment.close();
    await model.dispose();
  }
}
