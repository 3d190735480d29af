#!/usr/bin/env node
import { Command } from 'commander';
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

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
