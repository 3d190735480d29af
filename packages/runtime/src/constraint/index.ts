export { advanceText, initialState, isAccepting, REJECT, type State } from './automaton';
export { compileSchema, type SchemaNode } from './compile';
export {
  type CompileConstraintOptions,
  type CompiledConstraint,
  ConstrainedDecoder,
  compileConstraint,
  matchesConstraint,
} from './constraint';
export {
  constraintSchema,
  type DecisionConstraintOptions,
  DecisionConstraintOptionsSchema,
  decisionConstraint,
} from './decision';
export { TokenIndex } from './token-index';
