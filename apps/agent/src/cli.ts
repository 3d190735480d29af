#!/usr/bin/env node
import { Command } from 'commander';
import { reportCommand } from './commands/report';
import { askOnTerminal, runCommand } from './commands/run';
import { validateTrajectoryFile } from './commands/validate';
import { VERSION } from './version';

const program = new Command()
  .name('lam')
  .description('The reference Large Action Model agent: run, evaluate and collect data in real applications.')
  .version(VERSION);

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
  .requiredOption('--model <spec>', 'onnx:<dir>, hf:<model id>, openai:<base url>#<model> or scripted:<file>')
  .option('--max-steps <n>', 'stop after this many steps', '20')
  .option('--out <dir>', 'where trajectories are written', 'runs')
  .option('--yes', 'run actions the safety policy wants confirmed without asking')
  .option('--no-confirm', 'refuse actions the safety policy wants confirmed, without asking')
  .option('--no-constrained', 'do not constrain decoding to the decision schema (local models)')
  .option('--replay', 'label the run as a replay of recorded decisions')
  .action(async (request: string, flags: Record<string, string | boolean | undefined>) => {
    const result = await runCommand(
      {
        request,
        app: flags.app as 'web',
        url: flags.url as string | undefined,
        doc: flags.doc as string | undefined,
        model: flags.model as string,
        maxSteps: Number(flags.maxSteps),
        out: flags.out as string,
        confirm: flags.yes ? 'yes' : flags.confirm === false ? 'no' : 'ask',
        constrained: flags.constrained !== false,
        replay: flags.replay === true,
      },
      { log: (line) => console.log(line), ...(process.stdin.isTTY ? { ask: askOnTerminal } : {}) },
    );
    process.exitCode = result.status === 'finished' ? 0 : 1;
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
