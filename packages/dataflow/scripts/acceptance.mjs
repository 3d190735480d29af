// The acceptance run of the data pipeline (issue #9): every stage in one command on the real
// LibreOffice help and real LibreOffice Writer, through runDataflowCommand (what `lam dataflow` calls).
//
//   pnpm -F @lam/dataflow build && node packages/dataflow/scripts/acceptance.mjs [outDir] [evolvePerPair] [templatesPerTask] [maxExecutions] [maxTasks] [alternativesPerTask]
//
// maxExecutions and maxTasks bound the new tasks executed and instantiated in this run (runDataflowCommand's
// options of the same names; default, or "all": no bound), for a run that must end in a given time.
// alternativesPerTask (default 1) is the number of alternative attempts per passing task (stage explore).
// Needs Debian's libreoffice-help-en-us (the help under /usr/share/libreoffice/help/en-US) and the
// desktop packages of scripts/debian-packages.txt. Resumable: run it again on the same folder to go on
// (each run instantiates and executes only what the folder does not hold yet).
// Prints the summary; summary.json and summary.md are in the folder.
import { runDataflowCommand } from '../dist/index.js';

/** A bound from the command line: a whole number, or undefined for none (absent, "all", "-"). */
function bound(arg, name) {
  if (arg === undefined || arg === '' || arg === 'all' || arg === '-') return undefined;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`${name} must be a whole number or "all", not "${arg}"\n`);
    process.exit(2);
  }
  return n;
}

const outDir = process.argv[2] ?? 'runs/dataflow-acceptance';
const evolvePerPair = Number(process.argv[3] ?? 5);
const templatesPerTask = Number(process.argv[4] ?? 2);
const maxExecutions = bound(process.argv[5], 'maxExecutions');
const maxTasks = bound(process.argv[6], 'maxTasks');
const alternativesPerTask = bound(process.argv[7], 'alternativesPerTask');
const started = performance.now();
const result = await runDataflowCommand({
  outDir,
  evolvePerPair,
  templatesPerTask,
  ...(maxExecutions === undefined ? {} : { maxExecutions }),
  ...(maxTasks === undefined ? {} : { maxTasks }),
  ...(alternativesPerTask === undefined ? {} : { alternativesPerTask }),
});
const minutes = (performance.now() - started) / 60_000;
process.stdout.write(`${result.text}\n`);
process.stdout.write(
  `${JSON.stringify(
    {
      wallMinutes: Math.round(minutes * 10) / 10,
      seconds: result.seconds,
      tasksPerMinute: result.report.tasksPerMinute,
      instantiation: result.report.instantiation,
      execution: result.report.execution,
      evaluation: result.report.evaluation,
      alternatives: result.report.alternatives,
      datasets: result.report.datasets,
    },
    null,
    2,
  )}\n`,
);
