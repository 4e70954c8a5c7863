// The proxy app through app.request(): no port, injected judges, clock, logger and pages.
import { describe, expect, it } from 'vitest';
import { createApp, type AppDeps, type Logger, type PageName } from '../../proxy/app.ts';
import { UpstreamError } from '../../proxy/judges/anthropic/errors.ts';
import type { Judge, JudgeVerdict } from '../../proxy/judges/judge-interface.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { type Flag, ScoreResult, flagsMatchText } from '#shared/schemas';
import { taxonomyVersion } from '#shared/taxonomy';

const TOKEN = 'test-token-0123456789abcdef';
const PORT = 8787;
const BASE = `http://127.0.0.1:${PORT}`;
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

const REPLY = 'Honestly, everyone knows this is the only way. Act now before it is too late!';

function flagAt(text: string, quote: string, overrides: Partial<Flag> = {}): Flag {
  const start = text.indexOf(quote);
  return {
    move: 'bandwagon',
    start,
    end: start + quote.length,
    quote,
    severity: 2,
    support: 'unsupported',
    rationale: 'Appeals to what everyone thinks instead of a reason.',
    source: 'judge',
    ...overrides,
  };
}

/** A judge that returns fixed flags for whatever text it gets, to test the app's checks. */
function fakeJudge(kind: 'offline' | 'anthropic', verdict: (text: string) => Partial<JudgeVerdict>): Judge & { calls: number } {
  const judge = {
    kind,
    calls: 0,
    async score(request: { reply: { text: string } }) {
      judge.calls++;
      return {
        flags: [],
        score: 40,
        judge: { kind, promptVersion: 'test-1', taxonomyVersion },
        ...verdict(request.reply.text),
      };
    },
  };
  return judge;
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (l) => lines.push(l), warn: (l) => lines.push(l), error: (l) => lines.push(l) };
}

function makeApp(overrides: Partial<AppDeps> = {}) {
  const pages: Partial<Record<PageName, string>> = {
    demo: '<!doctype html><title>Demo</title>',
    pair: '<!doctype html><title>Pair</title>',
    index: '<!doctype html><title>Unspun proxy</title>',
  };
  let t = 1000;
  return createApp({
    config: { token: TOKEN, port: PORT, version: '9.9.9' },
    judges: { offline: createOfflineJudge() },
    // Each reading advances 5 ms, so latencyMs is deterministic.
    now: () => (t += 5),
    loadPage: async (name) => pages[name] ?? null,
    ...overrides,
  });
}

const scoreBody = (body: unknown) => JSON.stringify(body);

describe('GET /health', () => {
  it('answers without a token', async () => {
    const res = await makeApp().request(`${BASE}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, service: 'unspun', version: '9.9.9', judge: 'offline' });
  });

  it.each([
    ['auto without anthropic', {}, 'auto', 'offline'],
    ['auto with anthropic', { anthropic: fakeJudge('anthropic', () => ({})) }, 'auto', 'anthropic'],
    ['offline with anthropic', { anthropic: fakeJudge('anthropic', () => ({})) }, 'offline', 'offline'],
  ] as const)('reports the default judge: %s', async (_name, extra, choice, expected) => {
    const app = makeApp({
      config: { token: TOKEN, port: PORT, judge: choice },
      judges: { offline: createOfflineJudge(), ...extra },
    });
    const body = (await (await app.request(`${BASE}/health`)).json()) as { judge: string };
    expect(body.judge).toBe(expected);
  });
});

describe('auth', () => {
  it.each([
    ['no Authorization header', {}, 401],
    ['empty header', { authorization: '' }, 401],
    ['wrong token', { authorization: 'Bearer wrong-token-0123456789' }, 401],
    ['token as a prefix of the right one', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, 401],
    ['wrong scheme', { authorization: `Basic ${TOKEN}` }, 401],
    ['token without scheme', { authorization: TOKEN }, 401],
    ['right token', AUTH, 200],
    ['right token, lower-case scheme', { authorization: `bearer ${TOKEN}` }, 200],
  ] as const)('%s → %s', async (_name, headers, status) => {
    const res = await makeApp().request(`${BASE}/v1/taxonomy`, { headers });
    expect(res.status).toBe(status);
    if (status === 401) {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.message).toMatch(/Authorization/);
      expect(body.error.message).not.toContain(TOKEN);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it.each(['/', '/health', '/demo', '/pair'])('%s needs no token', async (path) => {
    expect((await makeApp().request(`${BASE}${path}`)).status).toBe(200);
  });

  it('POST /v1/score needs a token', async () => {
    const res = await makeApp().request(`${BASE}/v1/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: scoreBody({ reply: { text: REPLY } }),
    });
    expect(res.status).toBe(401);
  });
});

describe('origin and host', () => {
  it.each([
    ['chrome extension', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 200],
    ['firefox extension', 'moz-extension://2c127fa4-62c7-7e4f-90e5-472b45eecfdc', 200],
    ['safari extension', 'safari-web-extension://E2C0D4A1-1234-4A5B-9C8D-0123456789AB', 200],
    ['no Origin (CLI, curl)', undefined, 200],
    ['web page', 'https://evil.example', 403],
    ['web page on localhost', 'http://localhost:3000', 403],
    ['null origin (sandboxed frame, file://)', 'null', 403],
    ['extension scheme with a path trick', 'chrome-extension://abc/../https://evil.example', 403],
    ['look-alike scheme', 'chrome-extension-evil://abc', 403],
  ] as const)('%s → %s even with the right token', async (_name, origin, status) => {
    const headers: Record<string, string> = { ...AUTH };
    if (origin !== undefined) headers.origin = origin;
    const res = await makeApp().request(`${BASE}/v1/taxonomy`, { headers });
    expect(res.status).toBe(status);
    if (status === 403) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
  });

  it('refuses a web origin on /health too', async () => {
    const res = await makeApp().request(`${BASE}/health`, { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });

  it.each([
    ['127.0.0.1 on our port', '127.0.0.1:8787', 200],
    ['localhost on our port', 'localhost:8787', 200],
    ['LOCALHOST on our port', 'LOCALHOST:8787', 200],
    ['[::1] on our port', '[::1]:8787', 200],
    ['rebinding host name', 'evil.example:8787', 403],
    ['loopback on another port', '127.0.0.1:9999', 403],
    ['no port (80)', '127.0.0.1', 403],
    ['suffix trick', 'localhost.evil.example:8787', 403],
    ['other IP literal while bound to loopback', '192.168.1.9:8787', 403],
  ] as const)('Host %s → %s', async (_name, host, status) => {
    const res = await makeApp().request(`${BASE}/v1/taxonomy`, { headers: { ...AUTH, host } });
    expect(res.status).toBe(status);
    if (status === 403) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden_host');
  });

  it('accepts the configured host and, when bound to every interface, IP literals only', async () => {
    const lan = makeApp({ config: { token: TOKEN, port: PORT, host: '192.168.1.9' } });
    expect((await lan.request(`${BASE}/health`, { headers: { host: '192.168.1.9:8787' } })).status).toBe(200);
    const wildcard = makeApp({ config: { token: TOKEN, port: PORT, host: '0.0.0.0' } });
    expect((await wildcard.request(`${BASE}/health`, { headers: { host: '10.0.0.7:8787' } })).status).toBe(200);
    expect((await wildcard.request(`${BASE}/health`, { headers: { host: 'evil.example:8787' } })).status).toBe(403);
  });

  it('adds no permissive CORS headers', async () => {
    const res = await makeApp().request(`${BASE}/health`, { headers: { origin: 'chrome-extension://abc' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /v1/taxonomy', () => {
  it('returns the taxonomy version and moves', async () => {
    const res = await makeApp().request(`${BASE}/v1/taxonomy`, { headers: AUTH });
    const body = (await res.json()) as { taxonomyVersion: string; moves: unknown[] };
    expect(body.taxonomyVersion).toBe(taxonomyVersion);
    expect(Array.isArray(body.moves)).toBe(true);
  });
});

describe('POST /v1/score validation', () => {
  const post = (body: string, headers: Record<string, string> = JSON_AUTH) => makeApp().request(`${BASE}/v1/score`, { method: 'POST', headers, body });

  it.each([
    ['missing reply', scoreBody({}), 'invalid_request', 'reply'],
    ['empty text', scoreBody({ reply: { text: '' } }), 'invalid_request', 'reply.text'],
    ['text not a string', scoreBody({ reply: { text: 42 } }), 'invalid_request', 'reply.text'],
    ['wrong judge value', scoreBody({ reply: { text: REPLY }, judge: 'gpt' }), 'invalid_request', 'judge'],
    [
      'bad previous role',
      scoreBody({ reply: { text: REPLY }, context: { previous: [{ role: 'system', text: 'x' }] } }),
      'invalid_request',
      'context.previous.0.role',
    ],
    ['body is an array', scoreBody([]), 'invalid_request', '(body)'],
  ])('%s → 400 naming %s', async (_name, body, code, path) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string; issues: { path: string }[] } };
    expect(json.error.code).toBe(code);
    expect(json.error.issues.map((i) => i.path)).toContain(path);
    expect(json.error.message).toContain(path);
  });

  it.each([
    ['malformed JSON', '{"reply": {"text": "hi"'],
    ['not JSON at all', 'hello'],
    ['empty body', ''],
  ])('%s → 400 invalid_json, never 500', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('invalid_json');
    expect(json.error.message).toMatch(/JSON/);
  });

  it('oversized body → 413 with a JSON message', async () => {
    const app = makeApp({ config: { token: TOKEN, port: PORT, maxBodyBytes: 1024 } });
    const res = await app.request(`${BASE}/v1/score`, {
      method: 'POST',
      headers: JSON_AUTH,
      body: scoreBody({ reply: { text: 'x'.repeat(2000) } }),
    });
    expect(res.status).toBe(413);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('payload_too_large');
    expect(json.error.message).toMatch(/1 KB/);
  });

  it('a body just under the limit is accepted', async () => {
    const app = makeApp({ config: { token: TOKEN, port: PORT, maxBodyBytes: 4096 } });
    const res = await app.request(`${BASE}/v1/score`, {
      method: 'POST',
      headers: JSON_AUTH,
      body: scoreBody({ reply: { text: 'x'.repeat(3000) } }),
    });
    expect(res.status).toBe(200);
  });

  it('the default limit is 1 MB', async () => {
    const res = await post(scoreBody({ reply: { text: 'x'.repeat(1024 * 1024) } }));
    expect(res.status).toBe(413);
  });
});

describe('POST /v1/score', () => {
  const post = (app: ReturnType<typeof makeApp>, body: unknown) =>
    app.request(`${BASE}/v1/score`, { method: 'POST', headers: JSON_AUTH, body: scoreBody(body) });

  it('returns a ScoreResult from the offline judge', async () => {
    const res = await post(makeApp(), { reply: { text: REPLY }, context: { user: 'Should I?' } });
    expect(res.status).toBe(200);
    const result = ScoreResult.parse(await res.json());
    expect(result.judge.kind).toBe('offline');
    expect(result.judge.taxonomyVersion).toBe(taxonomyVersion);
    expect(result.cached).toBe(false);
    expect(result.latencyMs).toBe(5);
    expect(flagsMatchText(REPLY, result.flags)).toBe(true);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it("reads the request's site: a reply pushing the site's own maker's product is self-serving there, not elsewhere", async () => {
    const app = makeApp();
    const text = 'For travel, the Surface Laptop is the best choice; nothing else comes close.';
    const ownMaker = async (site: string) => {
      const res = await post(app, { reply: { text }, site });
      expect(res.status).toBe(200);
      return ScoreResult.parse(await res.json()).flags.filter((f) => f.ruleId === 'self-serving-bias/own-maker');
    };
    const onCopilot = await ownMaker('copilot');
    expect(onCopilot).toHaveLength(1);
    expect(onCopilot[0]!.rationale).toContain('Microsoft');
    // Same text, another site: a new cache entry, and no self-serving flag.
    expect(await ownMaker('claude')).toEqual([]);
  });

  it('keeps anchored flags and drops (and counts) any whose quote is not text.slice(start, end)', async () => {
    const logger = captureLogger();
    const judge = fakeJudge('offline', (text) => ({
      flags: [
        flagAt(text, 'everyone knows'),
        flagAt(text, 'Act now', { move: 'false-urgency' }),
        { ...flagAt(text, 'the only way'), quote: 'the only wax' }, // wrong quote, right length
        { ...flagAt(text, 'Honestly'), start: 1, end: 9 }, // shifted offsets
        { ...flagAt(text, 'too late!'), end: text.length + 5, quote: 'too late!xxxxx' }, // past the end
        { ...flagAt(text, 'Honestly'), move: 'not-a-move' } as unknown as Flag, // schema-invalid
      ],
    }));
    const app = makeApp({ judges: { offline: judge }, logger });
    const res = await post(app, { reply: { text: REPLY } });
    expect(res.status).toBe(200);
    const result = ScoreResult.parse(await res.json());
    expect(result.flags.map((f) => f.quote)).toEqual(['everyone knows', 'Act now']);
    expect(flagsMatchText(REPLY, result.flags)).toBe(true);
    expect(res.headers.get('x-unspun-dropped-flags')).toBe('4');
    expect(logger.lines.some((l) => /dropped 4 flag/.test(l))).toBe(true);
  });

  it('a clean verdict sets no dropped-flags header', async () => {
    const judge = fakeJudge('offline', (text) => ({ flags: [flagAt(text, 'everyone knows')] }));
    const res = await post(makeApp({ judges: { offline: judge } }), { reply: { text: REPLY } });
    expect(res.headers.get('x-unspun-dropped-flags')).toBeNull();
    expect(ScoreResult.parse(await res.json()).flags).toHaveLength(1);
  });

  it.each([
    ['omitted, config auto, no anthropic', undefined, undefined, false, 200, 'offline'],
    ['auto, no anthropic', 'auto', undefined, false, 200, 'offline'],
    ['auto, anthropic configured', 'auto', undefined, true, 200, 'anthropic'],
    ['offline, anthropic configured', 'offline', undefined, true, 200, 'offline'],
    ['anthropic, configured', 'anthropic', undefined, true, 200, 'anthropic'],
    ['omitted, config offline, anthropic configured', undefined, 'offline', true, 200, 'offline'],
    ['anthropic, not configured', 'anthropic', undefined, false, 503, null],
  ] as const)('judge %s → %s', async (_name, requested, configured, hasAnthropic, status, kind) => {
    const app = makeApp({
      config: { token: TOKEN, port: PORT, ...(configured ? { judge: configured } : {}) },
      judges: { offline: createOfflineJudge(), ...(hasAnthropic ? { anthropic: fakeJudge('anthropic', () => ({})) } : {}) },
    });
    const res = await post(app, { reply: { text: REPLY }, ...(requested ? { judge: requested } : {}) });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { judge?: { kind: string }; error?: { code: string; message: string } };
    if (kind) {
      expect(json.judge?.kind).toBe(kind);
    } else {
      expect(json.error?.code).toBe('judge_unavailable');
      expect(json.error?.message).toMatch(/ANTHROPIC_API_KEY/);
      expect(json.error?.message).toMatch(/UNSPUN_JUDGE/);
    }
  });

  it('a judge that throws gives 502 without leaking its message', async () => {
    const logger = captureLogger();
    const judge: Judge = {
      kind: 'offline',
      score: async () => {
        throw new Error('upstream said sk-secret-detail');
      },
    };
    const res = await post(makeApp({ judges: { offline: judge }, logger }), { reply: { text: REPLY } });
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('judge_failed');
    expect(text).not.toContain('sk-secret-detail');
    expect(logger.lines.join('\n')).toContain('sk-secret-detail');
  });

  it.each([
    ['rate limited, with retry-after', new UpstreamError(503, 'upstream_rate_limited', 'Rate limited; try again later.', { retryAfterSeconds: 7 }), 503, '7'],
    ['timed out', new UpstreamError(504, 'upstream_timeout', 'No answer in time.'), 504, null],
    ['refused key', new UpstreamError(502, 'upstream_auth', 'Check ANTHROPIC_API_KEY.'), 502, null],
  ] as const)('an upstream error (%s) keeps its status, code and message', async (_name, error, status, retryAfter) => {
    const judge: Judge = {
      kind: 'anthropic',
      score: async () => {
        throw error;
      },
    };
    const app = makeApp({ judges: { offline: createOfflineJudge(), anthropic: judge } });
    const res = await post(app, { reply: { text: REPLY } });
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe(retryAfter);
    expect(await res.json()).toEqual({ error: { code: error.code, message: error.message } });
  });

  it.each([
    ['score above 100', { score: 250 }],
    ['negative score', { score: -1 }],
    ['judge info missing taxonomyVersion', { judge: { kind: 'offline', promptVersion: 'x' } as never }],
  ])('a judge result outside the contract (%s) gives 502 invalid_judge_output', async (_name, verdict) => {
    const res = await post(makeApp({ judges: { offline: fakeJudge('offline', () => verdict) } }), { reply: { text: REPLY } });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_judge_output');
  });

  it('passes usage and notice through', async () => {
    const judge = fakeJudge('anthropic', () => ({ usage: { inputTokens: 10, outputTokens: 3 }, notice: 'fell back' }));
    const app = makeApp({ judges: { offline: createOfflineJudge(), anthropic: judge } });
    const result = ScoreResult.parse(await (await post(app, { reply: { text: REPLY } })).json());
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 3 });
    expect(result.notice).toBe('fell back');
  });

  it.each(['GET', 'PUT', 'DELETE'])('%s /v1/score → 405 naming POST', async (method) => {
    const res = await makeApp().request(`${BASE}/v1/score`, { method, headers: AUTH });
    expect(res.status).toBe(405);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/POST/);
  });
});

describe('errors', () => {
  it('unknown route → 404 JSON', async () => {
    const res = await makeApp().request(`${BASE}/v1/nope`, { headers: AUTH });
    expect(res.status).toBe(404);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('not_found');
    expect(json.error.message).toMatch(/\/v1\/score/);
  });

  it('unexpected errors → 500 without internals', async () => {
    const logger = captureLogger();
    const app = makeApp({
      logger,
      loadPage: async () => {
        throw new Error('EACCES: /secret/path/demo.html');
      },
    });
    const res = await app.request(`${BASE}/demo`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(text).not.toContain('/secret/path');
    expect(logger.lines.join('\n')).toContain('/secret/path');
  });
});

describe('pages', () => {
  it('serves /demo as HTML', async () => {
    const res = await makeApp().request(`${BASE}/demo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<title>Demo</title>');
  });

  it('serves /pair with no-referrer and no-store', async () => {
    const res = await makeApp().request(`${BASE}/pair`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a missing page → 404 with a clear message', async () => {
    const res = await makeApp({ loadPage: async () => null }).request(`${BASE}/pair`);
    expect(res.status).toBe(404);
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('page_missing');
    expect(json.error.message).toContain('proxy/pages/pair.html');
  });

  it('/ is the front door: the real page, no token needed, with the pairing steps and the demo link, and no token in it', async () => {
    const app = createApp({ config: { token: TOKEN, port: PORT }, judges: { offline: createOfflineJudge() } });
    const res = await app.request(`${BASE}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>Unspun proxy</title>');
    expect(html).toMatch(/Pair the extension/);
    expect(html).toMatch(/pairing link/);
    expect(html).toMatch(/npm start/);
    // Both browsers' loading steps, as in the README.
    expect(html).toContain('.output/chrome-mv3');
    expect(html).toContain('.output/firefox-mv3/manifest.json');
    expect(html).toContain('href="/demo"');
    expect(html).not.toContain(TOKEN);
  });

  it('the default loader reads proxy/pages (or reports it missing)', async () => {
    const app = createApp({ config: { token: TOKEN, port: PORT }, judges: { offline: createOfflineJudge() } });
    const res = await app.request(`${BASE}/demo`);
    expect([200, 404]).toContain(res.status);
  });
});

describe('request log', () => {
  it('logs method, path, status and ms, never the query, token or body', async () => {
    const logger = captureLogger();
    const app = makeApp({ logger });
    await app.request(`${BASE}/pair?token=${TOKEN}`);
    await app.request(`${BASE}/v1/score?x=1`, { method: 'POST', headers: JSON_AUTH, body: scoreBody({ reply: { text: 'a very private reply' } }) });
    await app.request(`${BASE}/v1/taxonomy`, { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(logger.lines).toEqual(['GET /pair 200 5ms', 'POST /v1/score 200 15ms', 'GET /v1/taxonomy 401 5ms']);
    const all = logger.lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('private');
    expect(all).not.toContain('wrong-token');
  });
});
