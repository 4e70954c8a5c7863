// Adding a judge is its folder plus one registry line: a test-only "echo" judge, defined here and
// put in a registry, is built by createJudges and scored through createApp; what the core does with
// it (cache, budget, upstream slots, stats) follows the capabilities it declares, not its kind.
import { describe, expect, it } from 'vitest';
import { taxonomyVersion } from '#shared/taxonomy';
import { createApp } from '../../proxy/app.ts';
import { openDailySpend } from '../../proxy/budget/daily-spend.ts';
import { createMemoryCache } from '../../proxy/cache/result-cache.ts';
import type { Judge, JudgeCapabilities, JudgeDefinition } from '../../proxy/judges/judge-interface.ts';
import { JudgeUnavailableError, type UpstreamBatchClient } from '../../proxy/judges/judge-interface.ts';
import { capabilitiesOf, createBatchClient, createJudges, JUDGES, type JudgeRegistry, selectJudge, unavailableJudges } from '../../proxy/judges/registry.ts';
import { createLimiter } from '../../proxy/limit.ts';

const TOKEN = 'test-token-0123456789abcdef';
const REPLY = 'Surely this is the right answer.';

/** The echo judge's folder, in one object: flags the reply's first word; counts its calls. */
function defineEchoJudge(overrides: Partial<JudgeCapabilities> = {}) {
  let calls = 0;
  const definition: JudgeDefinition = {
    // The wire contract (shared/schemas.ts JUDGE_KINDS) has two kinds: the echo judge takes the
    // non-offline one, so nothing in the core can be keying on the anthropic judge's internals.
    kind: 'anthropic',
    capabilities: { cache: true, budget: false, upstream: false, batches: false, ...overrides },
    promptVersion: 'echo-v1',
    upstreamName: 'Echo service',
    create: () =>
      ({
        kind: 'anthropic',
        model: 'echo-1',
        async score(request) {
          calls++;
          const quote = request.reply.text.split(' ')[0]!;
          return {
            score: 40,
            flags: [
              {
                move: 'unsupported-claim' as const,
                start: 0,
                end: quote.length,
                quote,
                severity: 2 as const,
                support: 'unsupported' as const,
                rationale: 'echoed',
                source: 'judge' as const,
              },
            ],
            judge: { kind: 'anthropic', model: 'echo-1', promptVersion: 'echo-v1', taxonomyVersion },
            usage: { inputTokens: 10, outputTokens: 5, costUsd: 0.01 },
          };
        },
      }) satisfies Judge,
  };
  return { definition, calls: () => calls };
}

function echoApp(overrides: Partial<JudgeCapabilities> = {}, deps: Partial<Parameters<typeof createApp>[0]> = {}) {
  const echo = defineEchoJudge(overrides);
  const registry: JudgeRegistry = { ...JUDGES, anthropic: echo.definition }; // the one registry line
  const judges = createJudges({ anthropic: null }, registry);
  const app = createApp({ config: { token: TOKEN, port: 8787, deadlineMs: 100 }, judges, registry, cache: createMemoryCache(), ...deps });
  const score = (body: object = { reply: { text: REPLY }, judge: 'anthropic' }) =>
    app.request('http://127.0.0.1:8787/v1/score', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const get = (path: string) => app.request(`http://127.0.0.1:8787${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { app, judges, score, get, calls: echo.calls };
}

describe('the judge registry', () => {
  it('declares every kind with its capabilities: anthropic is cached, budgeted, queued and batched; offline none of these', () => {
    expect(JUDGES.anthropic.capabilities).toEqual({ cache: true, budget: true, upstream: true, batches: true });
    expect(JUDGES.offline.capabilities).toEqual({ cache: false, budget: false, upstream: false, batches: false });
  });

  it('builds a judge only when its definition can (anthropic needs a key), offline always', () => {
    expect(Object.keys(createJudges({ anthropic: null }))).toEqual(['offline']);
    const judges = createJudges({ anthropic: { apiKey: 'sk-ant-test-key-000000', model: 'claude-haiku-4-5' } as never });
    expect(Object.keys(judges)).toEqual(['offline', 'anthropic']);
    expect(judges.anthropic?.model).toBe('claude-haiku-4-5');
  });

  it("lets an instance override its definition's capabilities", () => {
    const judge: Judge = {
      kind: 'anthropic',
      capabilities: { cache: false },
      score: async () => ({ score: 0, flags: [], judge: { kind: 'anthropic', promptVersion: 'p', taxonomyVersion } }),
    };
    expect(capabilitiesOf(judge)).toEqual({ cache: false, budget: true, upstream: true, batches: true });
  });
});

describe('a test-only echo judge, registered with one line, scored through createApp', () => {
  it('answers /v1/score with its own identity and anchored flags, and shows in /health and /v1/stats', async () => {
    const { score, get } = echoApp();
    const res = await score();
    expect(res.status).toBe(200);
    const body = (await res.json()) as { judge: unknown; flags: Array<{ quote: string }>; cached: boolean };
    expect(body.judge).toEqual({ kind: 'anthropic', model: 'echo-1', promptVersion: 'echo-v1', taxonomyVersion });
    expect(body.flags.map((f) => f.quote)).toEqual(['Surely']);
    expect(body.cached).toBe(false);
    expect(await (await get('/health')).json()).toMatchObject({ judge: 'anthropic', judges: { available: ['offline', 'anthropic'], default: 'anthropic' } });
    expect(await (await get('/v1/stats')).json()).toMatchObject({ model: 'echo-1', judgeCalls: { anthropic: 1 } });
  });

  it.each([
    ['declared', true, 1, true],
    ['not declared', false, 2, false],
  ] as const)('caching %s: the same reply twice costs %i call(s)', async (_name, cache, calls, cached) => {
    const echo = echoApp({ cache });
    expect((await echo.score()).status).toBe(200);
    const again = (await (await echo.score()).json()) as { cached: boolean };
    expect(echo.calls()).toBe(calls);
    expect(again.cached).toBe(cached);
  });

  it.each([
    ['budget not declared: it still answers', false, 200],
    ['budget declared: refused like any paid judge', true, 429],
  ] as const)('with the daily budget spent, %s', async (_name, budget, status) => {
    const spend = openDailySpend({ budgetUsd: 0.01, file: null });
    spend.add(1);
    const echo = echoApp({ budget }, { spend });
    const res = await echo.score();
    expect(res.status).toBe(status);
    if (status === 429) expect(((await res.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');
  });

  it.each([
    ['upstream not declared: it never waits for a slot', false, 200],
    ['upstream declared: it queues, and the deadline names its upstream', true, 504],
  ] as const)('with every upstream slot taken, %s', async (_name, upstream, status) => {
    const limiter = createLimiter(1);
    void limiter.run(() => new Promise(() => {}));
    const echo = echoApp({ upstream }, { limiter });
    const res = await echo.score();
    expect(res.status).toBe(status);
    if (status === 504) {
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('upstream_timeout');
      expect(body.error.message).toMatch(/^The Echo service did not answer within the 100 ms deadline/);
      expect(echo.calls()).toBe(0);
    }
  });
});

describe('a registered judge this process cannot build speaks for itself', () => {
  // Before: /health's reason and the 503 for an unbuilt judge were the anthropic judge's words,
  // written into app.ts and selectJudge, whatever the registry held.
  const unbuilt: JudgeDefinition = {
    kind: 'anthropic',
    capabilities: { cache: true, budget: false, upstream: true, batches: false },
    promptVersion: 'echo-v1',
    setup: 'set ECHO_URL and restart',
    notConfigured: 'The proxy has no echo service: set ECHO_URL and restart the proxy.',
    create: () => undefined,
  };
  const registry: JudgeRegistry = { ...JUDGES, anthropic: unbuilt };

  function unbuiltApp() {
    const judges = createJudges({ anthropic: { apiKey: 'sk-ant-test-key-000000' } as never }, registry);
    const app = createApp({ config: { token: TOKEN, port: 8787 }, judges, registry });
    const request = (path: string, body?: object) =>
      app.request(`http://127.0.0.1:8787${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    return { judges, request };
  }

  it('is not built even when the settings hold an Anthropic key, and /health gives its own reason', async () => {
    const { judges, request } = unbuiltApp();
    expect(Object.keys(judges)).toEqual(['offline']);
    expect(await (await request('/health')).json()).toMatchObject({
      judge: 'offline',
      judges: {
        available: ['offline'],
        default: 'offline',
        unavailable: [{ kind: 'anthropic', reason: 'not_configured', message: 'The proxy has no echo service: set ECHO_URL and restart the proxy.' }],
      },
    });
  });

  it('asked for by name, it is a 503 that says what its definition needs; auto falls back to offline', async () => {
    const { request } = unbuiltApp();
    const named = await request('/v1/score', { reply: { text: REPLY }, judge: 'anthropic' });
    expect(named.status).toBe(503);
    const { error } = (await named.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('judge_unavailable');
    expect(error.message).toBe('The anthropic judge is not configured: set ECHO_URL and restart, or ask for judge "offline" or "auto".');
    expect(error.message).not.toMatch(/ANTHROPIC/);
    const auto = await request('/v1/score', { reply: { text: REPLY }, judge: 'auto' });
    expect(auto.status).toBe(200);
    expect(((await auto.json()) as { judge: { kind: string } }).judge.kind).toBe('offline');
  });

  it('a definition with no words of its own gets a generic reason built from its setup', () => {
    const { notConfigured: _, ...plain } = unbuilt;
    expect(unavailableJudges({ offline: createJudges({ anthropic: null }).offline }, { ...JUDGES, anthropic: plain })).toEqual([
      { kind: 'anthropic', reason: 'not_configured', message: 'The proxy has no anthropic judge: set ECHO_URL and restart.' },
    ]);
  });
});

describe('selectJudge: what offline, auto and a named kind mean', () => {
  const offline = createJudges({ anthropic: null }).offline;
  const upstream = createJudges({ anthropic: { apiKey: 'sk-ant-test-key-000000' } as never }).anthropic!;

  it.each([
    ['offline, with an upstream judge', 'offline', true, 'offline'],
    ['auto, with an upstream judge', 'auto', true, 'anthropic'],
    ['auto, without one', 'auto', false, 'offline'],
    ['anthropic, with it', 'anthropic', true, 'anthropic'],
  ] as const)('%s -> %s', (_name, choice, withUpstream, kind) => {
    expect(selectJudge(withUpstream ? { offline, anthropic: upstream } : { offline }, choice).kind).toBe(kind);
  });

  it("a named kind the process lacks throws, naming its registry definition's setup", () => {
    expect(() => selectJudge({ offline }, 'anthropic')).toThrow(JudgeUnavailableError);
    expect(() => selectJudge({ offline }, 'anthropic')).toThrow(
      'The anthropic judge is not configured: set ANTHROPIC_API_KEY (or the key file; UNSPUN_JUDGE=anthropic or auto makes it the default) and restart, or ask for judge "offline" or "auto".',
    );
  });
});

describe('the batch client comes from the definition that declares batches', () => {
  const KEY = { anthropic: { apiKey: 'sk-ant-test-key-000000', model: 'claude-haiku-4-5' } } as never;
  const echoClient = { create: async () => ({ id: 'echo-batch', processingStatus: 'ended' }) } as unknown as UpstreamBatchClient;

  it('the anthropic definition builds its Message Batches client from a key, and none without one', () => {
    const client = createBatchClient(KEY);
    expect(client).not.toBeNull();
    expect(Object.keys(client!).sort()).toEqual(['cancel', 'create', 'list', 'results', 'retrieve']);
    expect(createBatchClient({ anthropic: null })).toBeNull();
  });

  it("a test-only judge's own batch client is the one used; a definition that does not declare batches gets none", () => {
    const echo = { ...JUDGES.anthropic, createBatchClient: () => echoClient };
    expect(createBatchClient(KEY, { ...JUDGES, anthropic: echo })).toBe(echoClient);
    expect(createBatchClient(KEY, { ...JUDGES, anthropic: { ...echo, capabilities: { ...echo.capabilities, batches: false } } })).toBeNull();
  });
});
