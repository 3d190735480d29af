#!/usr/bin/env node
import { Command } from 'commander';
import { registerDataflowCommand } from './commands/dataflow';
import { registerEvalCommand } from './commands/eval';
import { reportCommand } from './commands/report';
import { askOnTerminal, runCommand } from './commands/run';
import { trainCommand } from './commands/train';
import { validateTrajectoryFile } from './commands/validate';
import { describeConfig, resolveConfig } from './config';
import { defaultModelSpec } from './run/default-model';
import { VERSION } from './version';

const program = new Command()
  .name('lam')
  .description('The reference Large Action Model agent: run, evaluate and collect data in real applications.')
  .version(VERSION)
  .option('--config <file>', 'settings file (default: lam.config.json in this folder, or LAM_CONFIG)');

/** The shared settings of a command: its flags over LAM_* variables over the config file over defaults. */
function settings(flags: Record<string, string | boolean | undefined>) {
  return resolveConfig({
    ...(program.opts().config ? { configFile: program.opts().config as string } : {}),
    flags: {
      model: flags.model,
      out: flags.out,
      maxSteps: flags.maxSteps,
      concurrency: flags.concurrency,
      confirm: flags.yes ? 'yes' : flags.confirm === false ? 'no' : undefined,
      constrained: flags.constrained === false ? false : undefined,
    },
  }).values;
}

program
  .command('validate')
  .description('Check trajectory JSONL files record by record; report invalid lines and a torn last line.')
  .argument('<files...>', 'trajectory files (.jsonl)')
  .action(async (files: string[]) => {
    let bad = 0;
    for (const file of files) {
      const result = await validateTrajectoryFile(file);
      if (result.problems.length === 0) {
        console.log(`${file}: ${result.records} records, all valid`);
      } else {
        bad++;
        console.log(`${file}: ${result.records} valid records, ${result.problems.length} problems`);
        for (const problem of result.problems) console.log(`  ${problem}`);
      }
    }
    process.exitCode = bad > 0 ? 1 : 0;
  });

program
  .command('run')
  .description('Run the agent on a request in an application, recording the trajectory as it goes.')
  .argument('<request>', 'what to do, in quotes')
  .requiredOption('--app <app>', 'web, writer or calc')
  .option('--url <url>', 'the page to open (web)')
  .option('--doc <file>', 'the document to open (writer, calc)')
  .option(
    '--model <spec>',
    "onnx:<dir>, hf:<model id>, openai:<base url>#<model> or scripted:<file> (or LAM_MODEL; default: the project's own model, models/lam-small)",
  )
  .option('--max-steps <n>', 'stop after this many steps (default 20, or LAM_MAX_STEPS)')
  .option('--out <dir>', 'where trajectories are written (default runs, or LAM_OUT)')
  .option('--yes', 'run actions the safety policy wants confirmed without asking')
  .option('--no-confirm', 'refuse actions the safety policy wants confirmed, without asking')
  .option('--no-constrained', 'do not constrain decoding to the decision schema (local models)')
  .option('--replay', 'label the run as a replay of recorded decisions')
  .action(async (request: string, flags: Record<string, string | boolean | undefined>) => {
    const config = settings(flags);
    const result = await runCommand(
      {
        request,
        app: flags.app as 'web',
        url: flags.url as string | undefined,
        doc: flags.doc as string | undefined,
        model: config.model ?? defaultModelSpec(),
        maxSteps: config.maxSteps,
        out: config.out,
        confirm: config.confirm,
        constrained: config.constrained,
        replay: flags.replay === true,
      },
      { log: (line) => console.log(line), ...(process.stdin.isTTY ? { ask: askOnTerminal } : {}) },
    );
    process.exitCode = result.status === 'finished' ? 0 : 1;
  });

registerEvalCommand(program, settings);
registerDataflowCommand(program, settings);

program
  .command('train')
  .description(
    'Train a LAM from a config: render the samples with the agent prompt renderer, run the phases (Python, resumable), export each LAM to ONNX, score Table 3, write report.html.',
  )
  .argument('<config>', 'a lam train config (JSON), e.g. training/configs/lam-small.json')
  .requiredOption('--out <dir>', 'the run folder (a rerun with the same folder resumes)')
  .option(
    '--python <file>',
    'the Python of the training environment (default training/.venv, or LAM_TRAINING_PYTHON)',
  )
  .action(async (config: string, flags: { out: string; python?: string }) => {
    const result = await trainCommand(
      { config, out: flags.out, ...(flags.python ? { python: flags.python } : {}) },
      { log: (line) => console.error(`[train] ${line}`) },
    );
    console.log(result.report);
  });

program
  .command('config')
  .description(
    'Print the settings in effect and where each comes from (flag, LAM_* variable, config file, default).',
  )
  .action(() => {
    for (const line of describeConfig(
      resolveConfig(program.opts().config ? { configFile: program.opts().config as string } : {}),
    ))
      console.log(line);
  });

program
  .command('report')
  .description(
    'Render the HTML report of a run (a run folder or its trajectory.jsonl), even of one cut short by a crash.',
  )
  .argument('<run>', 'run folder or trajectory file')
  .option('--out <file>', 'where to write the report (default: report.html next to the trajectory)')
  .action(async (run: string, flags: { out?: string }) => {
    const result = await reportCommand(run, flags.out ? { out: flags.out } : {});
    for (const problem of result.skipped) console.log(`skipped: ${problem.split('\n')[0]}`);
    const steps = result.trajectories.reduce((n, t) => n + t.steps.length, 0);
    console.log(`${result.file}: ${result.trajectories.length} trajectories, ${steps} steps`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
