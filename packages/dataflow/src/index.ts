export { TASK_PLAN_SYSTEM_PROMPT, type TaskPlanSampleOptions, taskPlanSample } from './postprocess/phase1';
export { isTestTask, type SplitOptions, splitByTask } from './postprocess/split';
