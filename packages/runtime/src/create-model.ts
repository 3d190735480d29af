import { LAM_ModelSpecError } from './errors';
import type { HfModelOptions } from './hf/hf-model';
import type { OnnxModelOptions } from './onnx/onnx-model';
import type { ScriptedModelOptions } from './scripted/scripted-model';
import type { LanguageModel } from './types';

/** Engine options for {@link createModel}, by engine. */
export interface CreateModelOptions {
  onnx?: OnnxModelOptions;
  hf?: Omit<HfModelOptions, 'model' | 'endpointUrl'>;
  scripted?: ScriptedModelOptions;
}

/** A model spec, parsed: which engine, and what it loads. */
export type ModelSpec =
  | { engine: 'onnx'; dir: string }
  | { engine: 'hf'; model: string }
  | { engine: 'openai'; endpointUrl: string; model: string }
  | { engine: 'scripted'; file: string };

/**
 * Reads a model spec without loading anything (to check settings before a run starts).
 * @throws {LAM_ModelSpecError} for a spec that names no engine, or names one without what it loads.
 */
export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const rest = spec.slice(colon + 1);
  if (rest.length === 0) throw new LAM_ModelSpecError(spec);
  switch (kind) {
    case 'onnx':
      return { engine: 'onnx', dir: rest };
    case 'hf':
      return { engine: 'hf', model: rest };
    case 'openai': {
      const hash = rest.lastIndexOf('#');
      if (hash <= 0 || hash === rest.length - 1) throw new LAM_ModelSpecError(spec);
      return { engine: 'openai', endpointUrl: rest.slice(0, hash), model: rest.slice(hash + 1) };
    }
    case 'scripted':
      return { engine: 'scripted', file: rest };
    default:
      throw new LAM_ModelSpecError(spec);
  }
}

/**
 * Makes a model from a spec string, loading only the engine it names:
 * - `onnx:<model folder>`: a local ONNX model (needs the optional peer `onnxruntime-node`);
 * - `hf:<model id>`: Hugging Face Inference Providers;
 * - `openai:<base url>#<model>`: any OpenAI-compatible server (TGI, vLLM, llama.cpp, Ollama);
 * - `scripted:<file.jsonl|file.json>`: replays recorded outputs.
 */
export async function createModel(spec: string, options: CreateModelOptions = {}): Promise<LanguageModel> {
  const parsed = parseModelSpec(spec);
  switch (parsed.engine) {
    case 'onnx': {
      const { loadOnnxModel } = await import('./onnx/onnx-model');
      return loadOnnxModel(parsed.dir, options.onnx);
    }
    case 'hf': {
      const { createHfModel } = await import('./hf/hf-model');
      return createHfModel({ ...options.hf, model: parsed.model });
    }
    case 'openai': {
      const { createHfModel } = await import('./hf/hf-model');
      return createHfModel({ ...options.hf, endpointUrl: parsed.endpointUrl, model: parsed.model });
    }
    case 'scripted': {
      const { loadScriptedModel } = await import('./scripted/scripted-model');
      return loadScriptedModel(parsed.file, options.scripted);
    }
  }
}
