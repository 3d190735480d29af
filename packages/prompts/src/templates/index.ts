import { executionEvaluationTemplate, taskActionEvaluationTemplate } from './evaluation';
import { filterTemplate, prefillTemplate, templateChoiceTemplate } from './instantiation';
import { lamDecisionTemplate } from './lam-decision';
import { planningJudgeTemplate } from './planning-judge';
import { dataEvolutionTemplate, taskPlanExtractionTemplate } from './task-plan';
import { ufoAppAgentTemplate } from './ufo-app-agent';

export {
  CaptionedScreenshot,
  EvaluationStepItem,
  ExecutionEvaluationInputs,
  executionEvaluationTemplate,
  TaskActionEvaluationInputs,
  TrajectoryAction,
  taskActionEvaluationTemplate,
  toEvaluationStepItem,
} from './evaluation';
export {
  DEFAULT_PREFILL_EXAMPLES,
  FilterInputs,
  filterTemplate,
  PrefillExample,
  PrefillInputs,
  prefillTemplate,
  TemplateChoiceInputs,
  templateChoiceTemplate,
} from './instantiation';
export {
  DecisionPromptInputs,
  type DecisionRenderOptions,
  DecisionSampleInputs,
  decisionInputsFromTrajectory,
  formatDecisionOutput,
  lamDecisionTemplate,
  renderDecisionPrompt,
  renderDecisionSample,
} from './lam-decision';
export { PlanningJudgeInputs, planningJudgeTemplate } from './planning-judge';
export { STATUS_DESCRIPTIONS } from './shared';
export {
  DataEvolutionInputs,
  dataEvolutionTemplate,
  TaskPlanExtractionInputs,
  taskPlanExtractionTemplate,
} from './task-plan';
export {
  AppAgentExample,
  AppAgentPromptInputs,
  type AppAgentRenderOptions,
  DEFAULT_APP_AGENT_EXAMPLES,
  ufoAppAgentTemplate,
} from './ufo-app-agent';

/** Every template of the package, in pipeline order. */
export const PROMPT_TEMPLATES = [
  taskPlanExtractionTemplate,
  dataEvolutionTemplate,
  templateChoiceTemplate,
  prefillTemplate,
  filterTemplate,
  taskActionEvaluationTemplate,
  executionEvaluationTemplate,
  lamDecisionTemplate,
  ufoAppAgentTemplate,
  planningJudgeTemplate,
] as const;
