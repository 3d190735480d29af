export { type ReportResult, reportCommand } from './commands/report';
export { askOnTerminal, type RunCommandIo, RunCommandOptions, runCommand } from './commands/run';
export { type ValidateResult, validateTrajectoryFile } from './commands/validate';
export { type RunAgentOptions, type RunAgentResult, runAgent } from './run/agent-loop';
export { VERSION } from './version';
