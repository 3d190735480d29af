import { describe, expect, it } from 'vitest';
import { createModel, parseModelSpec } from './create-model';
import { LAM_InvalidOptionsError, LAM_ModelError, LAM_ModelSpecError } from './errors';
import { parseGenerateOptions } from './options';

describe('createModel', () => {
  it('rejects unknown or incomplete specs with the accepted forms', async () => {
    for (const spec of ['model.onnx', 'onnx:', 'openai:http://x', 'openai:http://x#', 'llama:x']) {
      const error = await createModel(spec).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LAM_ModelSpecError);
      expect((error as Error).message).toContain('"onnx:<model folder>"');
      expect(LAM_ModelError.isModelError(error)).toBe(true);
      expect(() => parseModelSpec(spec)).toThrow(LAM_ModelSpecError);
    }
  });

  it('reads a spec without loading anything', () => {
    expect(parseModelSpec('onnx:/models/lam')).toEqual({ engine: 'onnx', dir: '/models/lam' });
    expect(parseModelSpec('hf:org/model:v2')).toEqual({ engine: 'hf', model: 'org/model:v2' });
    expect(parseModelSpec('openai:http://127.0.0.1:8080/v1#llama')).toEqual({
      engine: 'openai',
      endpointUrl: 'http://127.0.0.1:8080/v1',
      model: 'llama',
    });
    expect(parseModelSpec('scripted:run.jsonl')).toEqual({ engine: 'scripted', file: 'run.jsonl' });
  });
});

describe('parseGenerateOptions', () => {
  it('lists every problem of bad options', () => {
    const error = (() => {
      try {
        parseGenerateOptions({ messages: [{ role: 'robot', content: 'x' }], maxTokens: 0, topP: 2 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LAM_InvalidOptionsError);
    const issues = (error as LAM_InvalidOptionsError).issues.join('\n');
    expect(issues).toMatch(/messages\.0\.role/);
    expect(issues).toMatch(/maxTokens/);
    expect(issues).toMatch(/topP/);
  });
});
