import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createBackgroundService } from '../../extension/background/service.ts';
import { createDb } from '../../extension/db/schema.ts';
import type { ScoreReady } from '../../extension/messages.ts';
import type { Settings } from '../../extension/settings.ts';
import type { ScoreResult } from '../../shared/schemas.ts';

const TEXT = 'Great question! Experts agree.';
const result: ScoreResult = {
  score: 40,
  flags: [{ move: 'flattery', start: 0, end: 15, quote: 'Great question!', severity: 1, support: 'unsupported', rationale: 'Praise.', source: 'detector' }],
  judge: { kind: 'offline', promptVersion: 'd', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 1,
};

let n = 0;
function setup(initial: Partial<Settings> = {}, routes: Record<string, (init?: RequestInit) => Response> = {}) {
  let settings: Settings = { proxyUrl: 'http://127.0.0.1:8787', token: 'good', enabled: true, ...initial };
  const sent: { tabId: number; message: ScoreReady }[] = [];
  const fetchImpl = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    const auth = new Headers(init?.headers).get('authorization');
    const route = routes[u.pathname];
    if (route) return route(init);
    if (u.pathname === '/health') return Response.json({ ok: true, service: 'unspun', version: '0.1.0' });
    if (auth !== 'Bearer good') return Response.json({ error: 'unauthorized' }, { status: 401 });
    if (u.pathname === '/v1/taxonomy') return Response.json({ moves: [] });
    if (u.pathname === '/v1/score') return Response.json(result);
    return new Response('not found', { status: 404 });
  });
  const service = createBackgroundService({
    db: createDb(`bg-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    loadSettings: async () => settings,
    saveSettings: async (patch) => void (settings = { ...settings, ...patch }),
    sendToTab: async (tabId, message) => void sent.push({ tabId, message }),
    fetch: fetchImpl as unknown as typeof fetch,
    extensionVersion: '9.8.7',
  });
  return { service, sent, fetchImpl, settings: () => settings };
}

const captured = { type: 'reply-captured', site: 'demo', conversationId: 'c1', messageId: 'm1', text: TEXT, userTurn: 'Hi', previous: [] };
const fromTab = { tab: { id: 4 } as never, url: 'http://127.0.0.1:8787/demo?c=c1', id: 'ext' };

describe('background service', () => {
  it('stores a capture first, answers pending, then scores it and tells the tab', async () => {
    const { service, sent } = setup();
    expect(await service.handleMessage(captured, fromTab)).toEqual({ status: 'pending' });
    expect(await service.db.messages.get('demo:c1:m1')).toBeDefined();
    await service.queue.drain();
    expect((await service.db.messages.get('demo:c1:m1'))?.status).toBe('scored');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ tabId: 4, message: { type: 'score-ready', messageId: 'm1', status: 'scored', result: { score: 40 } } });
  });

  it('records which adapter (site and extension version) read the conversation', async () => {
    const { service } = setup();
    await service.handleMessage(captured, fromTab);
    expect((await service.db.conversations.get('demo:c1'))?.adapterVersion).toBe('demo@9.8.7');
  });

  it('answers a repeated capture with the stored score and does not score again', async () => {
    const { service, fetchImpl } = setup();
    await service.handleMessage(captured, fromTab);
    await service.queue.drain();
    const scoreCalls = () => fetchImpl.mock.calls.filter(([u]) => String(u).endsWith('/v1/score')).length;
    expect(scoreCalls()).toBe(1);
    const again = (await service.handleMessage(captured, fromTab)) as { status: string; result?: ScoreResult };
    expect(again.status).toBe('scored');
    expect(again.result?.flags[0]?.quote).toBe('Great question!');
    await service.queue.drain();
    expect(scoreCalls()).toBe(1);
  });

  it('does nothing while switched off', async () => {
    const { service } = setup({ enabled: false });
    expect(await service.handleMessage(captured, fromTab)).toEqual({ status: 'disabled' });
    expect(await service.db.messages.count()).toBe(0);
  });

  it('ignores messages that are not ours or malformed', async () => {
    const { service } = setup();
    expect(await service.handleMessage({ type: 'reply-captured', site: 'demo' }, fromTab)).toBeUndefined();
    expect(await service.handleMessage('hello', fromTab)).toBeUndefined();
  });

  it('reports status: reachable, paired and counts', async () => {
    const { service } = setup();
    await service.handleMessage(captured, fromTab);
    const status = (await service.handleMessage({ type: 'get-status' }, { id: 'ext' })) as { reachable: boolean; paired: boolean; counts: object };
    expect(status.reachable).toBe(true);
    expect(status.paired).toBe(true);
    expect(status.counts).toMatchObject({ pending: expect.any(Number), scored: expect.any(Number) });
  });

  it('test-connection tells a missing proxy from a wrong token', async () => {
    const down = setup(
      {},
      {
        '/health': () => {
          throw new TypeError('Failed to fetch');
        },
      },
    );
    const r1 = (await down.service.handleMessage({ type: 'test-connection', proxyUrl: 'http://127.0.0.1:1', token: 'good' }, { id: 'ext' })) as {
      health: { ok: boolean };
      auth: { ok: boolean };
    };
    expect(r1.health.ok).toBe(false);
    expect(r1.auth.ok).toBe(false);
    const { service } = setup();
    const r2 = (await service.handleMessage({ type: 'test-connection', proxyUrl: 'http://127.0.0.1:8787', token: 'wrong' }, { id: 'ext' })) as {
      health: { ok: boolean };
      auth: { ok: boolean; detail: string };
    };
    expect(r2.health.ok).toBe(true);
    expect(r2.auth).toMatchObject({ ok: false, detail: expect.stringContaining('rejected') });
  });
});

describe('connection state for the popup', () => {
  const down = () => {
    throw new TypeError('Failed to fetch');
  };
  it.each<[string, Partial<Settings>, Record<string, (init?: RequestInit) => Response>, string]>([
    ['paired and answering', {}, {}, 'ok'],
    ['no token yet', { token: '' }, {}, 'not-paired'],
    ['no token yet and no proxy either', { token: '' }, { '/health': down }, 'not-paired'],
    ['nothing answers', {}, { '/health': down }, 'proxy-down'],
    ['something else answers', {}, { '/health': () => Response.json({ ok: true }) }, 'not-unspun'],
    ['token rejected', { token: 'stale' }, {}, 'token-rejected'],
    [
      'paired with another install',
      {},
      { '/v1/pair/check': () => Response.json({ error: { code: 'origin_not_paired', message: 'no' } }, { status: 403 }) },
      'other-install',
    ],
    ['the proxy fails', {}, { '/v1/pair/check': () => Response.json({ error: { code: 'internal', message: 'boom' } }, { status: 500 }) }, 'error'],
  ])('%s → %s', async (_name, initial, routes, connection) => {
    const { service } = setup(initial, routes);
    expect(await service.handleMessage({ type: 'get-status' }, fromTab)).toMatchObject({ connection });
  });
});
