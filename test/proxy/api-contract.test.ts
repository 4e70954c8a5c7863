// The HTTP contract as a test: every route the proxy serves answers with its shared/api schema,
// checked on the real app's answers (success and error), and the extension's own client code parses
// those same answers (its fetch is the app). A route added without a schema here fails the first test.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  BatchCreated,
  BatchDeleted,
  BatchList,
  BatchView,
  ErrorBody,
  HealthResponse,
  PairChallengeResponse,
  PairCheckResponse,
  PairConfirmResponse,
  ScoreResult,
  SitesResponse,
  StatsResponse,
  TaxonomyResponse,
} from '#shared/api/index';
import { createNonce } from '#shared/pairing';
import { createApp, silentLogger } from '../../proxy/app.ts';
import type { Judge } from '../../proxy/judges/judge-interface.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { createPairing } from '../../extension/background/pairing.ts';
import { fetchDisabledSites } from '../../extension/background/site-list.ts';
import { createBatchApi } from '../../extension/dashboard/runs.ts';
import { createProxyClient, ProxyError } from '../../extension/scoring/proxy-client.ts';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8787';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
const REPLY = { reply: { text: 'You are brilliant, and experts agree this is the only way. Act now before it is too late!' } };

/** An offline judge that waits while `hold` is set, so a batch job can be seen running. */
function holdableJudge() {
  const offline = createOfflineJudge();
  let release: (() => void) | null = null;
  let held: Promise<void> | null = null;
  const judge: Judge = { ...offline, score: async (request, signal) => (await held, offline.score(request, signal)) };
  return {
    judge,
    hold: () => void (held = new Promise<void>((resolve) => (release = resolve))),
    release: () => {
      held = null;
      release?.();
    },
  };
}

function setup() {
  const gate = holdableJudge();
  const app = createApp({
    config: { token: TOKEN, port: 8787, version: '1.2.3', maxBodyBytes: 64 * 1024 },
    judges: { offline: gate.judge },
    logger: silentLogger,
    disabledSites: async () => ({
      disabled: [
        { id: 'claude', reason: 'Selectors broke in the 2026-11 redesign' },
        { id: 'poe', reason: '' },
      ],
      problems: ['disabled-sites.json is not a list of {id, reason}: ignored'],
    }),
  });
  // The extension's fetch, answered by the app itself.
  const fetchApp = ((input: string | URL | Request, init?: RequestInit) => app.request(String(input), init)) as typeof fetch;
  return { app, gate, fetchApp, client: createProxyClient({ proxyUrl: BASE, token: TOKEN, fetch: fetchApp }) };
}

async function answer(app: ReturnType<typeof setup>['app'], method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
  const res = await app.request(`${BASE}${path}`, { method, headers: init.headers ?? AUTH, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, body: (await res.json()) as unknown };
}

function expectParses(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? 'ok' : parsed.error.issues).toBe('ok');
}

/** Every JSON route, with the schema of its 2xx answer. The HTML pages are not JSON. */
const ROUTES: Record<string, z.ZodType> = {
  'GET /health': HealthResponse,
  'GET /v1/taxonomy': TaxonomyResponse,
  'GET /v1/stats': StatsResponse,
  'GET /v1/sites': SitesResponse,
  'POST /v1/score': ScoreResult,
  'POST /v1/score/batch': BatchCreated,
  'GET /v1/batches': BatchList,
  'GET /v1/batches/:id': BatchView,
  'POST /v1/batches/:id/cancel': BatchView,
  'DELETE /v1/batches/:id': BatchDeleted,
  'POST /v1/pair/challenge': PairChallengeResponse,
  'POST /v1/pair/confirm': PairConfirmResponse,
  'POST /v1/pair/check': PairCheckResponse,
};
const HTML_PAGES = ['GET /', 'GET /demo', 'GET /pair'];
/** Routes that only ever answer an error (ErrorBody). */
const ERROR_ONLY = ['ALL /v1/score'];

describe('every route has its shared/api schema', () => {
  it('the table above names every route the app serves, and nothing else', () => {
    const { app } = setup();
    const served = new Set(app.routes.filter((r) => r.path !== '/*').map((r) => `${r.method} ${r.path}`));
    expect([...served].sort()).toEqual([...Object.keys(ROUTES), ...HTML_PAGES, ...ERROR_ONLY].sort());
    app.shutdown();
  });
});

describe("the proxy's answers match their schemas", () => {
  it('health, taxonomy, stats, sites, score', async () => {
    const { app } = setup();
    for (const [path, schema] of [
      ['/health', HealthResponse],
      ['/v1/taxonomy', TaxonomyResponse],
      ['/v1/sites', SitesResponse],
    ] as const) {
      const { status, body } = await answer(app, 'GET', path);
      expect(status).toBe(200);
      expectParses(schema, body);
    }
    const score = await answer(app, 'POST', '/v1/score', { headers: JSON_AUTH, body: JSON.stringify(REPLY) });
    expect(score.status).toBe(200);
    expectParses(ScoreResult, score.body);
    expect((score.body as ScoreResult).flags.length).toBeGreaterThan(0);
    // After a score, the counters are non-zero and still match.
    const stats = await answer(app, 'GET', '/v1/stats');
    expectParses(StatsResponse, stats.body);
    expect((stats.body as StatsResponse).requests.score).toBe(1);
    app.shutdown();
  });

  it('a batch job: created, running, canceled, listed, ended with results, deleted', async () => {
    const { app, gate } = setup();
    gate.hold();
    const created = await answer(app, 'POST', '/v1/score/batch', {
      headers: JSON_AUTH,
      body: JSON.stringify({
        items: [
          { ...REPLY, id: 'a' },
          { ...REPLY, id: 7 },
        ],
      }),
    });
    expect(created.status).toBe(202);
    expectParses(BatchCreated, created.body);
    const { id } = created.body as BatchCreated;

    const running = await answer(app, 'GET', `/v1/batches/${id}`);
    expectParses(BatchView, running.body);
    expect((running.body as BatchView).results).toBeUndefined();

    const canceled = await answer(app, 'POST', `/v1/batches/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expectParses(BatchView, canceled.body);
    expect((canceled.body as BatchView).status).toBe('canceled');
    gate.release();
    await app.batchesIdle();

    const second = (
      await answer(app, 'POST', '/v1/score/batch', {
        headers: JSON_AUTH,
        body: JSON.stringify({ items: [{ ...REPLY, id: 'b' }, { reply: { text: 'Plain.' } }] }),
      })
    ).body as BatchCreated;
    await app.batchesIdle();
    const done = await answer(app, 'GET', `/v1/batches/${second.id}`);
    expectParses(BatchView, done.body);
    expect((done.body as BatchView).status).toBe('done');
    expect((done.body as BatchView).results).toHaveLength(2);

    const list = await answer(app, 'GET', '/v1/batches');
    expectParses(BatchList, list.body);
    expect((list.body as BatchList).batches.map((b) => b.id).sort()).toEqual([id, second.id].sort());

    gate.hold();
    const third = (await answer(app, 'POST', '/v1/score/batch', { headers: JSON_AUTH, body: JSON.stringify({ items: [REPLY] }) })).body as BatchCreated;
    for (const job of [second.id, third.id]) {
      const deleted = await answer(app, 'DELETE', `/v1/batches/${job}`);
      expect(deleted.status).toBe(200);
      expectParses(BatchDeleted, deleted.body);
    }
    gate.release();
    app.shutdown();
  });

  it('pairing: challenge, confirm, check', async () => {
    const { app } = setup();
    const challenge = await answer(app, 'POST', '/v1/pair/challenge', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nonce: createNonce() }),
    });
    expectParses(PairChallengeResponse, challenge.body);
    for (const origin of [undefined, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop']) {
      const headers = { ...JSON_AUTH, ...(origin ? { origin } : {}) };
      expectParses(PairConfirmResponse, (await answer(app, 'POST', '/v1/pair/confirm', { headers, body: '{}' })).body);
      expectParses(PairCheckResponse, (await answer(app, 'POST', '/v1/pair/check', { headers, body: '{}' })).body);
    }
    app.shutdown();
  });

  it.each([
    ['no token', 'GET', '/v1/stats', {}, undefined, 401],
    ['a web page origin', 'GET', '/v1/stats', { ...AUTH, origin: 'https://evil.example' }, undefined, 403],
    ['not JSON', 'POST', '/v1/score', JSON_AUTH, '{oops', 400],
    ['an invalid ScoreRequest', 'POST', '/v1/score', JSON_AUTH, '{"reply":{"text":""}}', 400],
    ['an invalid batch', 'POST', '/v1/score/batch', JSON_AUTH, '{"items":[{"reply":{}}]}', 400],
    ['a short nonce', 'POST', '/v1/pair/challenge', { 'content-type': 'application/json' }, '{"nonce":"x"}', 400],
    ['an unknown batch', 'GET', '/v1/batches/batch_nope', AUTH, undefined, 404],
    ['an id the proxy never makes', 'DELETE', '/v1/batches/..%2Fetc', AUTH, undefined, 404],
    ['an unknown route', 'GET', '/v1/nothing', AUTH, undefined, 404],
    ['GET on /v1/score', 'GET', '/v1/score', AUTH, undefined, 405],
    ['a body over the limit', 'POST', '/v1/score', JSON_AUTH, JSON.stringify({ reply: { text: 'x'.repeat(70_000) } }), 413],
  ] as const)('%s → %i with an ErrorBody that says what to fix', async (_name, method, path, headers, body, status) => {
    const { app, client } = setup();
    const got = await answer(app, method, path, { headers, ...(body !== undefined ? { body } : {}) });
    expect(got.status).toBe(status);
    expectParses(ErrorBody, got.body);
    const { error } = got.body as ErrorBody;
    expect(error.message.length).toBeGreaterThan(20);
    if (status === 400) expect(error.message).toMatch(/send|invalid/i);
    // The extension's client reads the same code and message from it.
    if (headers !== AUTH || method !== 'GET') return app.shutdown();
    const thrown = await client.call(path, ErrorBody).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ProxyError);
    expect(thrown).toMatchObject({ status, code: error.code });
    expect((thrown as ProxyError).message).toContain(error.message);
    app.shutdown();
  });
});

describe('request bodies', () => {
  it.each([
    ['no Content-Type', AUTH],
    ['a form type (curl -d)', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/plain', { ...AUTH, 'content-type': 'text/plain' }],
  ])('are read as JSON whatever the Content-Type: %s', async (_name, headers) => {
    const { app } = setup();
    const score = await answer(app, 'POST', '/v1/score', { headers, body: JSON.stringify(REPLY) });
    expect(score.status).toBe(200);
    expectParses(ScoreResult, score.body);
    const batch = await answer(app, 'POST', '/v1/score/batch', { headers, body: JSON.stringify({ items: [REPLY] }) });
    expect(batch.status).toBe(202);
    await app.batchesIdle();
    app.shutdown();
  });
});

describe('the extension parses what the proxy answers (its fetch is the app)', () => {
  it('health: identity, version and judges', async () => {
    const { app, client } = setup();
    const health = await client.health();
    expect(health).toEqual({
      service: 'unspun',
      version: '1.2.3',
      judges: { available: ['offline'], default: 'offline', unavailable: [expect.objectContaining({ kind: 'anthropic', reason: 'not_configured' })] },
    });
    app.shutdown();
  });

  it('the disabled-site list', async () => {
    const { app, fetchApp } = setup();
    expect(await fetchDisabledSites({ proxyUrl: BASE, token: TOKEN, fetch: fetchApp })).toEqual([
      { id: 'claude', reason: 'Selectors broke in the 2026-11 redesign' },
      { id: 'poe', reason: '' },
    ]);
    app.shutdown();
  });

  it("a score and the dashboard's batch API (create, status, cancel)", async () => {
    const { app, gate, fetchApp, client } = setup();
    expect((await client.score(REPLY)).flags.length).toBeGreaterThan(0);
    const batches = createBatchApi({ proxyUrl: BASE, token: TOKEN }, fetchApp);
    gate.hold();
    const { id } = await batches.create({ judge: 'offline', items: [{ ...REPLY, id: 'k1' }] });
    expect((await batches.get(id)).results).toBeUndefined();
    expect((await batches.cancel(id)).status).toBe('canceled');
    gate.release();
    const done = await batches.create({ items: [{ ...REPLY, id: 'k2' }] });
    await app.batchesIdle();
    const view = await batches.get(done.id);
    expect(view).toMatchObject({ status: 'done', total: 1, done: 1, results: [expect.objectContaining({ id: 'k2' })] });
    app.shutdown();
  });

  it('pairing: the challenge is verified and confirm and check are read', async () => {
    const { app, fetchApp, client } = setup();
    const pairing = createPairing({
      fetch: fetchApp,
      loadSettings: async () => ({ proxyUrl: BASE, token: '', enabled: true }),
      saveSettings: async () => {},
      now: () => 0,
    });
    expect(await pairing.verify(BASE, TOKEN)).toEqual({ ok: true, version: '1.2.3' });
    expect(await client.call('/v1/pair/confirm', PairConfirmResponse, { method: 'POST', body: {} })).toEqual({ paired: false, origin: null, version: '1.2.3' });
    expect(await client.call('/v1/pair/check', PairCheckResponse, { method: 'POST', body: {} })).toEqual({ ok: true, version: '1.2.3' });
    app.shutdown();
  });
});
