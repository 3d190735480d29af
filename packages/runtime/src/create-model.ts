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

/**
 * Makes a model from a spec string, loading only the engine it names:
 * - `onnx:<model folder>`: a local ONNX model (needs the optional peer `onnxruntime-node`);
 * - `hf:<model id>`: Hugging Face Inference Providers;
 * - `openai:<base url>#<model>`: any OpenAI-compatible server (TGI, vLLM, llama.cpp, Ollama);
 * - `scripted:<file.jsonl|file.json>`: replays recorded outputs.
 */
export async function createModel(spec: string, options: CreateModelOptions = {}): Promise<LanguageModel> {
  const colon = spec.indexOf(':');
  const kind = colon > 0 ? spec.slice(0, colon) : '';
  const rest = spec.slice(colon + 1);
  if (rest.length === 0) throw new LAM_ModelSpecError(spec);
  switch (kind) {
    case 'onnx': {
      const { loadOnnxModel } = await import('./onnx/onnx-model');
      return loadOnnxModel(rest, options.onnx);
    }
    case 'hf': {
      const { createHfModel } = await import('./hf/hf-model');
      return createHfModel({ ...options.hf, model: rest });
    }
    case 'openai': {
      const hash = rest.lastIndexOf('#');
      if (hash <= 0 || hash === rest.length - 1) throw new LAM_ModelSpecError(spec);
      const { createHfModel } = await import('./hf/hf-model');
      return createHfModel({ ...options.hf, endpointUrl: rest.slice(0, hash), model: rest.slice(hash + 1) });
    }
    case 'scripted': {
      const { loadScriptedModel } = await import('./scripted/scripted-model');
      return loadScriptedModel(rest, options.scripted);
    }
    default:
      throw new LAM_ModelSpecError(spec);
  }
}
