// The background's side of per-site state: switched-off sites never reach the archive, health
// reports are stored, and the proxy's disabled list is kept (and kept through an outage).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { createBackgroundService } from '../../extension/background/service.ts';
import { createDb } from '../../extension/db/schema.ts';
import type { Settings } from '../../extension/settings.ts';
import type { SiteState } from '../../extension/sites/site-settings.ts';

let n = 0;
function setup(initial: Partial<SiteState> = {}, sitesResponse: () => Response = () => Response.json({ disabled: [] })) {
  const settings: Settings = { proxyUrl: 'http://127.0.0.1:8787', token: 'good', enabled: true } as Settings;
  let state: SiteState = { siteSwitches: {}, disabledSites: [], siteHealth: {}, ...initial };
  const fetchImpl = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    if (new Headers(init?.headers).get('authorization') !== 'Bearer good') return new Response('no', { status: 401 });
    if (u.pathname === '/v1/sites') return sitesResponse();
    return new Response('not found', { status: 404 });
  });
  const service = createBackgroundService({
    db: createDb(`bg-sites-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    loadSettings: async () => settings,
    saveSettings: async () => undefined,
    sendToTab: async () => undefined,
    fetch: fetchImpl as unknown as typeof fetch,
    now: () => 1_000,
    loadSiteState: async () => state,
    saveSiteState: async (patch) => void (state = { ...state, ...patch }),
  });
  return { service, state: () => state, fetchImpl };
}

const capture = (site: string) => ({
  type: 'reply-captured',
  site,
  conversationId: 'c1',
  messageId: 'm1',
  text: 'A reply.',
  previous: [],
  parentId: 'u1',
  idSource: 'fallback',
  model: 'gpt-5-3',
});
const fromTab = { tab: { id: 3 } as never, url: 'https://chatgpt.com/c/c1', id: 'ext' };

describe('background: per-site state', () => {
  it('stores parent, id source and model with the reply', async () => {
    const { service } = setup();
    expect(await service.handleMessage(capture('chatgpt'), fromTab)).toEqual({ status: 'pending' });
    expect(await service.db.messages.get('chatgpt:c1:m1')).toMatchObject({ parentId: 'u1', idSource: 'fallback', model: 'gpt-5-3' });
  });

  it.each([
    ['switched off by the reader', { siteSwitches: { chatgpt: false } }],
    ['on the proxy’s disabled list', { disabledSites: [{ id: 'chatgpt', reason: 'broken' }] }],
  ] as const)('a site %s never reaches the archive', async (_why, initial) => {
    const { service } = setup(initial as Partial<SiteState>);
    expect(await service.handleMessage(capture('chatgpt'), fromTab)).toEqual({ status: 'disabled' });
    expect(await service.db.messages.count()).toBe(0);
    // Other sites are not affected.
    expect(await service.handleMessage(capture('claude'), fromTab)).toEqual({ status: 'pending' });
  });

  it('stores health reports, once per change', async () => {
    const { service, state } = setup();
    const report = { type: 'site-health', site: 'claude', state: 'unhealthy', check: 'turns-missing', reason: 'No messages were found.' };
    expect(await service.handleMessage(report, fromTab)).toEqual({ ok: true });
    expect(state().siteHealth.claude).toEqual({ state: 'unhealthy', check: 'turns-missing', reason: 'No messages were found.', at: 1_000 });
    await service.handleMessage({ type: 'site-health', site: 'claude', state: 'healthy' }, fromTab);
    expect(state().siteHealth.claude).toEqual({ state: 'healthy', at: 1_000 });
  });

  it('rejects a malformed health report', async () => {
    const { service, state } = setup();
    expect(await service.handleMessage({ type: 'site-health', site: 'claude', state: 'fine' }, fromTab)).toBeUndefined();
    expect(state().siteHealth).toEqual({});
  });

  it('reads the proxy’s disabled list with the token', async () => {
    const { service, state, fetchImpl } = setup({}, () => Response.json({ disabled: [{ id: 'gemini', reason: 'layout changed' }] }));
    await service.refreshDisabledSites();
    expect(state().disabledSites).toEqual([{ id: 'gemini', reason: 'layout changed' }]);
    expect(String(fetchImpl.mock.calls[0]![0])).toBe('http://127.0.0.1:8787/v1/sites');
  });

  it.each([
    ['the proxy is down', () => Response.error()],
    ['the proxy is too old for the route', () => new Response('not found', { status: 404 })],
    ['the answer is not a list', () => Response.json({ disabled: 'gemini' })],
  ] as const)('keeps the last list when %s', async (_why, response) => {
    const { service, state } = setup({ disabledSites: [{ id: 'gemini', reason: 'x' }] }, response as () => Response);
    await service.refreshDisabledSites();
    expect(state().disabledSites).toEqual([{ id: 'gemini', reason: 'x' }]);
  });
});
