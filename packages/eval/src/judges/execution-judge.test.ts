import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHfModel } from '@lam/runtime/hf';
import { createScriptedModel } from '@lam/runtime/scripted';
import { Step } from '@lam/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideOutcome } from './evidence';
import { createLlmJudge } from './execution-judge';

const steps = [
  Step.parse({
    index: 1,
    decision: {
      thought: 'Select the title',
      controlLabel: '3',
      controlName: 'Title',
      function: 'select_text',
      args: { text: 'Report' },
      status: 'CONTINUE',
      plan: ['Click Bold'],
    },
    result: { ok: true, durationMs: 20 },
  }),
  Step.parse({
    index: 2,
    decision: {
      thought: 'Make it bold',
      controlLabel: '12',
      controlName: 'Bold',
      function: 'click_input',
      args: {},
      status: 'FINISH',
      plan: [],
    },
    result: { ok: true, durationMs: 30 },
  }),
];
const answer = (complete: string) =>
  JSON.stringify({
    reason: 'The title was selected and Bold clicked.',
    sub_scores: { 'title selected': 'yes', 'bold applied': complete },
    complete,
  });

describe('createLlmJudge with the scripted engine', () => {
  it('returns the verdict and the parsed evaluation', async () => {
    const model = createScriptedModel([
      { text: `\`\`\`json\n${answer('Yes')}\n\`\`\``, usage: { inputTokens: 900, outputTokens: 60 } },
    ]);
    const v = await createLlmJudge({ model }).evaluate({ request: 'Make the title bold', steps });
    expect(v).toMatchObject({
      verdict: 'yes',
      judge: 'llm-judge:scripted',
      usage: { inputTokens: 900, outputTokens: 60 },
    });
    expect(v.evaluation?.subScores).toEqual({ 'title selected': 'yes', 'bold applied': 'yes' });
  });

  it('asks again after an unparsable answer, then gives up as unsure', async () => {
    const retried = createScriptedModel(['Looks done to me.', answer('no')]);
    expect((await createLlmJudge({ model: retried }).evaluate({ request: 'r', steps })).verdict).toBe('no');
    const hopeless = createScriptedModel(['?', '??']);
    const v = await createLlmJudge({ model: hopeless, attempts: 2 }).evaluate({ request: 'r', steps });
    expect(v).toMatchObject({ verdict: 'unsure', rawOutput: '??' });
    expect(v.evaluation).toBeUndefined();
    expect(v.error).toContain('no parsable answer in 2 attempts');
  });

  it('sends screenshots as data URLs, or leaves them out for text-only models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-judge-'));
    const png = join(dir, 'final.png');
    writeFileSync(png, Buffer.from('89504e470d0a1a0a', 'hex'));
    const seen: unknown[] = [];
    const model = createScriptedModel([answer('unsure'), answer('yes')]);
    const spy = {
      ...model,
      engine: model.engine,
      model: model.model,
      generate: (o: Parameters<typeof model.generate>[0]) => {
        seen.push(o.messages);
        return model.generate(o);
      },
      stream: model.stream.bind(model),
      dispose: model.dispose.bind(model),
    };
    const screenshots = [{ caption: 'Final screen', image: { path: png, mimeType: 'image/png' } }];
    expect(
      (await createLlmJudge({ model: spy }).evaluate({ request: 'r', steps, screenshots })).verdict,
    ).toBe('unsure');
    await createLlmJudge({ model: spy, images: 'omit' }).evaluate({ request: 'r', steps, screenshots });
    const user = (i: number) => JSON.stringify((seen[i] as { content: unknown }[])[1]!.content);
    expect(user(0)).toContain('data:image/png;base64,iVBORw0KGgo=');
    expect(user(1)).not.toContain('data:image');
    expect(user(1)).toContain('Final screen');
  });
});

describe('createLlmJudge with the hf engine against a local OpenAI-compatible server', () => {
  let server: Server;
  let base = '';
  const bodies: { model: string; messages: { role: string; content: unknown }[]; temperature?: number }[] =
    [];
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw);
      bodies.push(body);
      const user = JSON.stringify(body.messages.at(-1).content);
      const verdict = user.includes('click_input') && user.includes('Bold') ? 'yes' : 'no';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c1',
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [
            { index: 0, message: { role: 'assistant', content: answer(verdict) }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290 },
        }),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends UFO’s evaluation prompt over HTTP and parses the verdict', async () => {
    const model = createHfModel({ endpointUrl: base, model: 'judge-7b', accessToken: 'test', maxRetries: 0 });
    const judge = createLlmJudge({ model });
    const yes = await judge.evaluate({ request: 'Make the title bold', steps });
    expect(yes).toMatchObject({
      verdict: 'yes',
      judge: 'llm-judge:judge-7b',
      usage: { inputTokens: 1234, outputTokens: 56 },
    });
    const no = await judge.evaluate({ request: 'Make the title bold', steps: steps.slice(0, 1) });
    expect(no.verdict).toBe('no');
    expect(bodies[0]!.model).toBe('judge-7b');
    expect(bodies[0]!.temperature).toBe(0);
    expect(JSON.stringify(bodies[0]!.messages[0]!.content)).toContain('sub_scores');
    expect(JSON.stringify(bodies[0]!.messages[1]!.content)).toContain(
      '<Original Request:> Make the title bold',
    );
  });
});

describe('decideOutcome', () => {
  const pass = { pass: true, reason: 'Title is bold', checker: 'document-format("Title")' };
  const fail = { ...pass, pass: false, reason: 'Title is not bold' };
  const judge = (verdict: 'yes' | 'no' | 'unsure') => ({
    verdict,
    rawOutput: '',
    usage: { inputTokens: 0, outputTokens: 0 },
    judge: 'llm-judge:m',
    durationMs: 1,
    evaluation: { reason: `judged ${verdict}`, subScores: {}, complete: verdict },
  });

  it('lets the checker decide when there is one, keeping the judge as a second opinion', () => {
    const o = decideOutcome({ check: fail, judge: judge('yes') });
    expect(o).toMatchObject({
      verdict: 'no',
      success: false,
      decidedBy: 'document-format("Title")',
      agreement: false,
    });
    expect(o.reason).toBe('checker: Title is not bold; judge: yes (judged yes)');
    expect(decideOutcome({ check: pass })).toMatchObject({ verdict: 'yes', success: true });
  });

  it('needs both under the both policy', () => {
    expect(decideOutcome({ check: pass, judge: judge('unsure') }, 'both')).toMatchObject({
      verdict: 'unsure',
      success: false,
      decidedBy: 'document-format("Title")+llm-judge:m',
    });
    expect(decideOutcome({ check: pass, judge: judge('yes') }, 'both')).toMatchObject({
      verdict: 'yes',
      success: true,
      agreement: true,
    });
    expect(decideOutcome({ check: fail, judge: judge('yes') }, 'both').verdict).toBe('no');
  });

  it('uses the judge alone only without a checker, and refuses no evidence', () => {
    expect(decideOutcome({ judge: judge('unsure') })).toMatchObject({
      verdict: 'unsure',
      success: false,
      decidedBy: 'llm-judge:m',
    });
    expect(() => decideOutcome({})).toThrow(/neither a checker result nor a judge verdict/);
  });
});
