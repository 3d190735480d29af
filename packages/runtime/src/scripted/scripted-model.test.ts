import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../create-model';
import { LAM_ModelFileError, LAM_ScriptExhaustedError } from '../errors';
import { createScriptedModel, loadScriptedModel } from '.';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lam-scripted-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const messages = [{ role: 'user' as const, content: 'go' }];

describe('the scripted engine', () => {
  it('replays a JSONL file in order, then says it is exhausted', async () => {
    const file = join(dir, 'run.jsonl');
    await writeFile(
      file,
      `"first"\n\n{"text": "second", "finishReason": "length", "usage": {"inputTokens": 3, "outputTokens": 2}}\n`,
    );
    const model = await loadScriptedModel(file);
    expect(model.remaining).toBe(2);
    expect((await model.generate({ messages })).text).toBe('first');
    const second = await model.generate({ messages });
    expect(second).toMatchObject({
      text: 'second',
      finishReason: 'length',
      usage: { inputTokens: 3, outputTokens: 2 },
    });
    const error = await model.generate({ messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LAM_ScriptExhaustedError);
    expect((error as Error).message).toMatch(/run\.jsonl has replayed all 2 recorded outputs/);
  });

  it('replays a JSON array, streams it, applies stop strings and checks constraints', async () => {
    const file = join(dir, 'run.json');
    await writeFile(file, JSON.stringify(['{"a": 1}', 'click the OK button STOP and more']));
    const model = await createModel(`scripted:${file}`);
    const first = await model.generate({
      messages,
      constraint: { type: 'object', properties: { a: { type: 'integer' } } },
    });
    expect(first.constraintSatisfied).toBe(true);
    const stream = model.stream({ messages, stop: [' STOP'] });
    const deltas: string[] = [];
    for await (const d of stream) deltas.push(d);
    expect(deltas).toEqual(['click', ' the', ' OK', ' button']);
    expect((await stream.result).finishReason).toBe('stop');
  });

  it('names the bad line of a file', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, '"ok"\n{not json\n');
    await expect(loadScriptedModel(file)).rejects.toThrow(/bad\.jsonl is not valid: line 2: is not JSON/);
    await writeFile(file, '"ok"\n{"txt": "x"}\n');
    await expect(loadScriptedModel(file)).rejects.toBeInstanceOf(LAM_ModelFileError);
    await expect(loadScriptedModel(join(dir, 'none.jsonl'))).rejects.toThrow(/none\.jsonl is missing/);
  });

  it('replays outputs given in memory', async () => {
    const model = createScriptedModel(['a', { text: 'b' }]);
    expect((await model.generate({ messages })).text).toBe('a');
    expect((await model.generate({ messages })).text).toBe('b');
  });
});
