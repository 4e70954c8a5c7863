// "Check with Unspun": what a menu click does with the selection, and the background's scoring of
// it (proxy first, the built-in detector when the proxy cannot answer).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import {
  CHECK_MENU_ID,
  createCheckMenu,
  isCheckablePage,
  MIN_CHECK_CHARS,
  SELECTION_SCRIPT,
  selectionToCheck,
  type CheckMenuApi,
} from '../../extension/background/check-menu.ts';
import { createReaderService } from '../../extension/background/reader-service.ts';
import { createDb } from '../../extension/db/schema.ts';
import type { Settings } from '../../extension/settings.ts';
import { MAX_REPLY_CHARS, ScoreResult } from '../../shared/schemas.ts';

const PITCH = 'Experts agree this is the best plan. You should act now before it is too late.';

describe('selectionToCheck', () => {
  it.each([
    ['nothing selected', undefined, false],
    ['only spaces', '   \n ', false],
    ['a word or two', 'act now', false],
    ['just long enough', 'x'.repeat(MIN_CHECK_CHARS), true],
    ['a sentence', '  Experts agree this is the best plan.  ', true],
  ])('%s', (_name, raw, ok) => {
    expect(selectionToCheck(raw).ok).toBe(ok);
  });

  it('trims, turns no-break spaces into spaces and bounds the length', () => {
    expect(selectionToCheck('\u00a0Experts\u00a0agree, trust me.\n')).toEqual({ ok: true, text: 'Experts agree, trust me.' });
    const long = selectionToCheck('a'.repeat(MAX_REPLY_CHARS + 50));
    expect(long.ok && long.text.length).toBe(MAX_REPLY_CHARS);
  });
});

describe('isCheckablePage', () => {
  it.each([
    ['https://example.org/a', true],
    ['http://127.0.0.1:8787/demo', true],
    ['file:///home/me/a.html', true],
    ['chrome://settings', false],
    ['chrome-extension://abc/popup.html', false],
    ['about:blank', false],
    [undefined, true],
  ])('%s → %s', (url, ok) => {
    expect(isCheckablePage(url)).toBe(ok);
  });
});

function fakeApi(fail?: string) {
  const calls: string[] = [];
  const api: CheckMenuApi = {
    removeAllMenus: vi.fn(async () => void calls.push('removeAll')),
    createMenu: vi.fn((item) => void calls.push(`create ${item.id} ${item.contexts.join()}`)),
    executeScript: vi.fn(async (target, file) => {
      if (fail) throw new Error(fail);
      calls.push(`inject ${target.tabId} ${target.frameIds?.join() ?? 'top'} ${file}`);
    }),
    sendToFrame: vi.fn(async (tabId, message, frameId) => void calls.push(`send ${tabId} ${frameId} ${message.type} ${message.fallbackText}`)),
  };
  return { api, calls };
}

describe('the menu', () => {
  it('registers one item for selected text', async () => {
    const { api, calls } = fakeApi();
    await createCheckMenu(api).register();
    expect(calls).toEqual(['removeAll', `create ${CHECK_MENU_ID} selection`]);
  });

  it('on click injects the script into the clicked frame only, then hands it the menu’s copy of the text', async () => {
    const { api, calls } = fakeApi();
    const menu = createCheckMenu(api);
    expect(await menu.onClicked({ menuItemId: CHECK_MENU_ID, selectionText: PITCH, frameId: 0 }, { id: 7, url: 'https://example.org/' })).toEqual({
      ok: true,
      detail: 'injected',
    });
    expect(await menu.onClicked({ menuItemId: CHECK_MENU_ID, selectionText: 'in a frame', frameId: 3 }, { id: 7 })).toMatchObject({ ok: true });
    expect(calls).toEqual([
      `inject 7 top ${SELECTION_SCRIPT}`,
      `send 7 0 selection-check-run ${PITCH}`,
      `inject 7 3 ${SELECTION_SCRIPT}`,
      'send 7 3 selection-check-run in a frame',
    ]);
  });

  it.each([
    ['another menu item', { menuItemId: 'other' }, { id: 1 }, 'not our menu item'],
    ['no tab', { menuItemId: CHECK_MENU_ID }, undefined, 'no tab'],
    ['a browser page', { menuItemId: CHECK_MENU_ID }, { id: 1, url: 'chrome://settings' }, 'this page cannot be checked'],
  ])('does nothing for %s', async (_name, info, tab, detail) => {
    const { api, calls } = fakeApi();
    expect(await createCheckMenu(api).onClicked(info, tab)).toEqual({ ok: false, detail });
    expect(calls).toEqual([]);
  });

  it('reports a page the browser refuses to script', async () => {
    const { api } = fakeApi('Cannot access contents of the page');
    expect(await createCheckMenu(api).onClicked({ menuItemId: CHECK_MENU_ID }, { id: 2 })).toEqual({ ok: false, detail: 'Cannot access contents of the page' });
  });
});

let n = 0;
function reader(settings: Partial<Settings>, respond: (body: Record<string, unknown>) => Response | Promise<Response>) {
  const bodies: Record<string, unknown>[] = [];
  const fetchImpl = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    bodies.push(body);
    return respond(body);
  });
  const service = createReaderService({
    db: createDb(`reader-${n++}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    loadSettings: async () => ({ proxyUrl: 'http://127.0.0.1:8787', token: 'tok', enabled: true, ...settings }),
    fetch: fetchImpl as unknown as typeof fetch,
    now: () => 1000,
  });
  return { service, bodies, fetchImpl };
}

const proxyResult = { score: 12, flags: [], judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 3 };

describe('scoring a selection in the background', () => {
  it('asks the proxy, with the offline judge in offline-only mode', async () => {
    const { service, bodies } = reader({ offlineOnly: true }, () => Response.json(proxyResult));
    const answer = await service.handleMessage({ type: 'check-selection', text: PITCH });
    expect(answer).toEqual({ result: proxyResult });
    expect(bodies).toEqual([{ reply: { text: PITCH }, judge: 'offline' }]);
    const plain = reader({}, () => Response.json(proxyResult));
    await plain.service.check(PITCH);
    expect(plain.bodies[0]).toEqual({ reply: { text: PITCH } });
  });

  it('falls back to the built-in detector when the proxy is down, and says so', async () => {
    const { service } = reader({}, () => Promise.reject(new TypeError('fetch failed')));
    const { result } = (await service.check(PITCH)) as { result: ScoreResult };
    expect(ScoreResult.safeParse(result).success).toBe(true);
    expect(result.judge.kind).toBe('offline');
    expect(result.notice).toMatch(/did not answer.*built-in detector/);
    expect(result.flags.map((f) => f.move)).toEqual(expect.arrayContaining(['unsourced-authority', 'false-urgency']));
    for (const f of result.flags) expect(PITCH.slice(f.start, f.end)).toBe(f.quote);
  });

  it('uses the built-in detector without a pairing, and reports a request the proxy refused', async () => {
    const unpaired = reader({ token: '' }, () => Response.json(proxyResult));
    expect(((await unpaired.service.check(PITCH)) as { result: ScoreResult }).result.notice).toMatch(/Not paired/);
    expect(unpaired.fetchImpl).not.toHaveBeenCalled();
    const refused = reader({}, () => Response.json({ error: 'too long' }, { status: 413 }));
    expect(await refused.service.check(PITCH)).toMatchObject({ error: expect.stringMatching(/413|too long/) });
  });

  it('stores labels and lists them by conversation; refuses malformed ones', async () => {
    const { service } = reader({}, () => Response.json(proxyResult));
    const flag = { move: 'flattery', start: 0, end: 5, quote: 'Great', source: 'detector' };
    const ok = await service.handleMessage({ type: 'label-flag', site: 'demo', conversationId: 'c', messageId: 'm', flag, verdict: 'agree', note: 'yes' });
    expect(ok).toMatchObject({ ok: true, label: { verdict: 'agree', note: 'yes', messageKey: 'demo:c:m' } });
    expect(await service.handleMessage({ type: 'label-flag', site: 'demo', conversationId: 'c', messageId: 'm', flag, verdict: 'meh' })).toBeUndefined();
    expect(
      await service.handleMessage({
        type: 'label-flag',
        site: 'demo',
        conversationId: 'c',
        messageId: 'm',
        flag: { ...flag, move: '<script>' },
        verdict: 'agree',
      }),
    ).toBeUndefined();
    expect(await service.handleMessage({ type: 'get-labels', site: 'demo', conversationId: 'c' })).toMatchObject({ labels: [{ verdict: 'agree' }] });
    expect(await service.handleMessage({ type: 'reply-captured' })).toBeUndefined();
  });
});
