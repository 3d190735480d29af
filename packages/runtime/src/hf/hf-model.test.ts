import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decisionConstraint } from '../constraint/decision';
import { createModel } from '../create-model';
import { LAM_AbortError, LAM_RemoteModelError } from '../errors';
import { createHfModel, parseRetryAfter, retryDelayMs } from '.';

/** A small OpenAI-compatible chat-completions server; the model name picks its behaviour. */
interface Seen {
  path: string;
  auth: string | undefined;
  body: Record<string, unknown>;
  at: number;
}
const seen: Seen[] = [];
const failures = new Map<string, number>();
let server: Server;
let base: string;

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function completion(model: string, content: string, finish = 'stop') {
  return {
    id: 'c1',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
    usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  seen.push({ path: req.url ?? '', auth: req.headers.authorization, body, at: Date.now() });
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
    return;
  }
  const model = String(body.model);
  const messages = body.messages as { content: unknown }[];
  const last = messages[messages.length - 1]!.content;
  const failCount = failures.get(model) ?? 0;
  if (model.startsWith('fail-') && failCount > 0) {
    failures.set(model, failCount - 1);
    const status = Number(model.slice(5, 8));
    if (status === 429) return reply(res, 429, { error: 'rate limited' }, { 'retry-after': '1' });
    return reply(res, status, { error: `upstream failure ${status}` });
  }
  if (model === 'private' && req.headers.authorization !== 'Bearer good-token') {
    return reply(res, 401, { error: { message: 'Invalid token', type: 'invalid_request_error' } });
  }
  if (model === 'slow') {
    await new Promise((r) => setTimeout(r, 1500));
    if (res.destroyed) return;
  }
  if (!['echo', 'private', 'slow', 'decision'].includes(model) && !model.startsWith('fail-')) {
    return reply(res, 404, {
      object: 'error',
      message: `The model \`${model}\` does not exist.`,
      type: 'NotFoundError',
      code: 404,
    });
  }
  const content =
    model === 'decision'
      ? JSON.stringify({
          thought: 't',
          control_label: '4',
          control_name: 'OK',
          function: 'click_input',
          args: {},
          status: 'FINISH',
          plan: [],
        })
      : `echo: ${typeof last === 'string' ? last : JSON.stringify(last)}`;
  if (body.stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const pieces = content.match(/\S+\s*/g) ?? [];
    for (const [i, piece] of pieces.entries()) {
      const chunk = {
        id: 'c1',
        object: 'chat.completion.chunk',
        created: 0,
        model,
        choices: [
          { index: 0, delta: { content: piece }, finish_reason: i === pieces.length - 1 ? 'stop' : null },
        ],
      };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    res.write('data: [DONE]\n\n');
    res.end();
    return;
  }
  reply(res, 200, completion(model, content));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen.length = 0;
});

const messages = [{ role: 'user' as const, content: 'click OK' }];

async function remoteError(promise: Promise<unknown>): Promise<LAM_RemoteModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LAM_RemoteModelError);
  return error as LAM_RemoteModelError;
}

describe('the hf engine against an OpenAI-compatible server', () => {
  it('sends the chat request and reads text, usage and timings', async () => {
    const model = createHfModel({ endpointUrl: base, model: 'echo', accessToken: 'tok' });
    const result = await model.generate({
      messages,
      maxTokens: 12,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      seed: 3,
    });
    expect(result.text).toBe('echo: click OK');
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 5 });
    expect(result.finishReason).toBe('stop');
    expect(result.timings.totalMs).toBeGreaterThan(0);
    expect(seen[0]!.path).toBe('/v1/chat/completions');
    expect(seen[0]!.auth).toBe('Bearer tok');
    expect(seen[0]!.body).toMatchObject({
      model: 'echo',
      max_tokens: 12,
      temperature: 0.5,
      top_p: 0.9,
      stop: ['END'],
      seed: 3,
    });
  });

  it('streams SSE deltas, and applies stop strings', async () => {
    const model = createHfModel({ endpointUrl: `${base}/`, model: 'echo' });
    const stream = model.stream({ messages: [{ role: 'user', content: 'open the file menu now' }] });
    const deltas: string[] = [];
    for await (const d of stream) deltas.push(d);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('echo: open the file menu now');
    expect((await stream.result).text).toBe('echo: open the file menu now');
    expect(seen[0]!.body.stream).toBe(true);
    expect(seen[0]!.auth).toBeUndefined();

    const stopped = model.stream({
      messages: [{ role: 'user', content: 'open the file menu now' }],
      stop: ['file'],
    });
    let text = '';
    for await (const d of stopped) text += d;
    expect(text).toBe('echo: open the ');
  });

  it('sends a constraint as response_format and reports whether the text follows it', async () => {
    const constraint = decisionConstraint({ controlLabels: ['4'], functionNames: ['click_input'] });
    const model = createHfModel({ endpointUrl: base, model: 'decision' });
    const result = await model.generate({ messages, constraint });
    expect(result.constraintSatisfied).toBe(true);
    expect(seen[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'lam_output', schema: constraint, strict: true },
    });
    const other = await model.generate({
      messages,
      constraint: decisionConstraint({ controlLabels: ['9'], functionNames: ['click_input'] }),
    });
    expect(other.constraintSatisfied).toBe(false);
    await createHfModel({ endpointUrl: base, model: 'decision', constraintFormat: 'tgi' }).generate({
      messages,
      constraint,
    });
    expect(seen[2]!.body.response_format).toEqual({ type: 'json', value: constraint });
  });

  it('sends image parts as image_url', async () => {
    const model = createHfModel({ endpointUrl: base, model: 'echo' });
    await model.generate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image', image: 'data:image/png;base64,AA==' },
          ],
        },
      ],
    });
    expect((seen[0]!.body.messages as { content: unknown }[])[0]!.content).toEqual([
      { type: 'text', text: 'what is this' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } },
    ]);
  });

  it('retries 5xx with exponential backoff and gives up with a server error', async () => {
    failures.set('fail-500', 2);
    const model = createHfModel({ endpointUrl: base, model: 'fail-500', retryBaseMs: 40 });
    const result = await model.generate({ messages });
    expect(result.text).toBe('echo: click OK');
    expect(seen).toHaveLength(3);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThan(seen[1]!.at - seen[0]!.at);

    failures.set('fail-503', 10);
    const e = await remoteError(
      createHfModel({ endpointUrl: base, model: 'fail-503', retryBaseMs: 5, maxRetries: 2 }).generate({
        messages,
      }),
    );
    expect(e.fault).toBe('server');
    expect(e.info).toMatchObject({ status: 503, attempts: 3 });
    expect(e.message).toMatch(/HTTP 503 after 3 attempts/);
    failures.delete('fail-503');
  });

  it('honours Retry-After on 429', async () => {
    failures.set('fail-429', 1);
    const model = createHfModel({ endpointUrl: base, model: 'fail-429', retryBaseMs: 1 });
    const result = await model.generate({ messages });
    expect(result.text).toBe('echo: click OK');
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('says when the token is wrong, and reads HF_TOKEN', async () => {
    const e = await remoteError(
      createHfModel({ endpointUrl: base, model: 'private', accessToken: 'bad' }).generate({ messages }),
    );
    expect(e.fault).toBe('token');
    expect(e.message).toMatch(/refused the access token \(HTTP 401\)/);
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = 'good-token';
    try {
      const result = await createHfModel({ endpointUrl: base, model: 'private' }).generate({ messages });
      expect(result.text).toBe('echo: click OK');
      expect(seen.at(-1)!.auth).toBe('Bearer good-token');
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
    }
  });

  it('says when the model is wrong, and when the URL is wrong', async () => {
    let e = await remoteError(
      createHfModel({ endpointUrl: base, model: 'no-such-model' }).generate({ messages }),
    );
    expect(e.fault).toBe('model');
    expect(e.message).toMatch(/does not serve model "no-such-model"/);
    e = await remoteError(
      createHfModel({ endpointUrl: `${base}/api/other`, model: 'echo' }).generate({ messages }),
    );
    expect(e.fault).toBe('url');
    expect(e.message).toMatch(/no chat-completions route/);
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    e = await remoteError(
      createHfModel({ endpointUrl: `http://127.0.0.1:${port}`, model: 'echo' }).generate({ messages }),
    );
    expect(e.fault).toBe('url');
    expect(e.message).toMatch(/cannot connect.*ECONNREFUSED/);
    expect(() => createHfModel({ endpointUrl: 'ftp://x', model: 'echo' })).toThrow(/not an http\(s\) URL/);
  });

  it('times out a slow server, and is cancelled by an AbortSignal', async () => {
    const e = await remoteError(
      createHfModel({
        endpointUrl: base,
        model: 'slow',
        timeoutMs: 150,
        maxRetries: 1,
        retryBaseMs: 5,
      }).generate({ messages }),
    );
    expect(e.fault).toBe('timeout');
    expect(seen).toHaveLength(2);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(
      createHfModel({ endpointUrl: base, model: 'slow' }).generate({
        messages,
        abortSignal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(LAM_AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('asks for a token before calling Inference Providers', () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      expect(() => createHfModel({ model: 'org/model' })).toThrow(/Set the HF_TOKEN environment variable/);
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });

  it('is made by createModel("openai:<url>#<model>")', async () => {
    const model = await createModel(`openai:${base}#echo`);
    expect((await model.generate({ messages })).text).toBe('echo: click OK');
    expect(model.engine).toBe('hf');
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or a date, and backs off exponentially', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    const options = { baseMs: 100, maxMs: 1000 };
    expect(retryDelayMs(1, null, options, () => 0.5)).toBe(100);
    expect(retryDelayMs(3, null, options, () => 0.5)).toBe(400);
    expect(retryDelayMs(9, null, options, () => 0.5)).toBe(1000);
    expect(retryDelayMs(1, '120', options)).toBe(1000);
  });
});
