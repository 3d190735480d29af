export {
  createMemoryEnvironment,
  type EffectContext,
  type MemoryActionRecord,
  type MemoryControl,
  type MemoryControlInput,
  MemoryEnvironment,
  type MemoryEnvironmentOptions,
  type ScriptedEffect,
} from './memory-environment';
export { encodePng } from './png';
