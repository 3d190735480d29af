export { LAM_UnknownSkillError, SKILLS, selectSkills } from './catalogue';
export {
  buildDocument,
  type CalcDocument,
  DOCUMENT_KINDS,
  type GeneratedDocument,
  HELDOUT_KINDS,
  type WriterDocument,
} from './content';
export { type GeneratedDataset, type GeneratedTrajectory, readGeneratedDataset } from './dataset';
export { calcFlatXml, documentFile, writerFlatXml } from './documents';
export {
  findControl,
  GenerateFailure,
  observationHash,
  runGeneratedTask,
  TaskAbort,
  type TaskOutcome,
} from './execute';
export {
  exportHeldoutSuite,
  type GenerateCard,
  type MergeOptions,
  mergeGenerated,
  writeGenerateCard,
  writeGeneratedTaskPlans,
} from './export';
export { type Rng, rngFor, unitHash } from './random';
export {
  type GenerateProgress,
  type GenerateSummary,
  generatePaths,
  type RunGenerateOptions,
  runGenerate,
} from './run';
export {
  type AnySkill,
  type Phrasing,
  type Route,
  type RouteStep,
  renderTemplate,
  type Sampled,
  type Skill,
} from './skill';
export {
  GeneratedTask,
  GenerateSplit,
  type GenerateTasksOptions,
  generateTasks,
  heldoutPhrasings,
  isHeldoutComposition,
} from './tasks';
export { OfficeWorker, type OfficeWorkerOptions } from './worker';
