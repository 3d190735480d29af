export {
  createScriptedModel,
  loadScriptedModel,
  type RecordedOutput,
  RecordedOutputSchema,
  ScriptedModel,
  type ScriptedModelOptions,
} from './scripted-model';
