// Where the proxy and the extension each had their own copy of a contract, the copies disagreed.
// These tests put the two sides' code next to each other on the inputs where they did, so a copy
// that comes back (or a shared schema that one side stops using) fails here.
import { describe, expect, it } from 'vitest';
import { JUDGE_KINDS } from '#shared/schemas';
import { MessageRecord } from '#shared/records';
import { createApp, silentLogger } from '../../proxy/app.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { parseDisabledSitesEnv } from '../../proxy/routes/sites.ts';
import { fetchDisabledSites } from '../../extension/background/site-list.ts';
import { batchItem, createBatchApi } from '../../extension/dashboard/runs.ts';
import { createProxyClient } from '../../extension/scoring/proxy-client.ts';
import { SITE_IDS } from '../../extension/sites/types.ts';

const TOKEN = 'test-token-0123456789abcdef';
const BASE = 'http://127.0.0.1:8787';

/** A fetch that answers every request with `body` as JSON. */
const answering = (body: unknown) => (async () => Response.json(body)) as unknown as typeof fetch;

describe('the disabled-site list: an entry one side takes, the other takes too', () => {
  // Before: the proxy took ids matching /^[a-z0-9-]{1,64}$/ and reasons up to 500 characters; the
  // extension took any 1-64 character id and replaced a longer reason with ''.
  it.each([
    ...SITE_IDS.map((id) => [`the registered site ${id}`, id, 'broken'] as const),
    ['a 64-character id', 'a'.repeat(64), ''],
    ['a 500-character reason', 'claude', 'r'.repeat(500)],
    ['capitals', 'ChatGPT', ''],
    ['a space', 'chat gpt', ''],
    ['a dot', 'chat.openai', ''],
    ['a 65-character id', 'a'.repeat(65), ''],
    ['a 501-character reason', 'claude', 'r'.repeat(501)],
  ] as const)('%s', async (name, id, reason) => {
    const entry = { id, reason };
    const proxy = parseDisabledSitesEnv(JSON.stringify([entry]));
    const proxyTakes = proxy.problems.length === 0 && proxy.disabled.length === 1;
    const extension = await fetchDisabledSites({ proxyUrl: BASE, token: TOKEN, fetch: answering({ disabled: [entry] }) });
    expect({ proxyTakes, extensionTakes: extension !== null }).toEqual({ proxyTakes, extensionTakes: proxyTakes });
    if (name.startsWith('the registered site')) expect(proxyTakes).toBe(true);
  });
});

describe('batch items: every reply the archive can hold is one the proxy takes', () => {
  // Before: a stored reply's key (site:conversationId:messageId, up to 1090 characters) went out as
  // the item id, and the proxy refused ids over 512 characters: the whole chunk of 200 replies got a
  // 400, and the run retried it on every poll, forever.
  it('a reply with the longest site, conversation and message ids is scored and comes back under its key', async () => {
    const site = 's'.repeat(64);
    const conversationId = 'c'.repeat(512);
    const messageId = 'm'.repeat(512);
    const message = MessageRecord.parse({
      key: `${site}:${conversationId}:${messageId}`,
      conversationKey: `${site}:${conversationId}`,
      site,
      conversationId,
      messageId,
      role: 'assistant',
      text: 'Everyone agrees this is the only sensible choice.',
      userTurn: 'Which should I pick?',
      previous: [{ role: 'user', text: 'Hi' }],
      status: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      capturedAt: 1,
      updatedAt: 1,
    });
    const app = createApp({ config: { token: TOKEN, port: 8787 }, judges: { offline: createOfflineJudge() }, logger: silentLogger });
    const fetchApp = ((input: string | URL | Request, init?: RequestInit) => app.request(String(input), init)) as typeof fetch;
    const api = createBatchApi({ proxyUrl: BASE, token: TOKEN }, fetchApp);
    const { id } = await api.create({ judge: 'offline', items: [batchItem(message)] });
    await app.batchesIdle();
    const view = await api.get(id);
    expect(view.status).toBe('done');
    expect(view.results).toEqual([expect.objectContaining({ id: message.key, score: expect.any(Number) })]);
    app.shutdown();
  });
});

describe('the judges /health reports: every kind the proxy has, the dashboard offers', () => {
  // Before: the dashboard read them with its own list of kinds (offline, anthropic), the proxy with
  // JUDGE_KINDS: a judge added to the registry would have made every proxy's answer unreadable
  // to the dashboard ("This proxy does not say which judges it has").
  it.each(JUDGE_KINDS)('%s', async (kind) => {
    const body = {
      ok: true,
      service: 'unspun',
      version: '1',
      judge: kind,
      judges: { available: [kind], default: kind, unavailable: [] },
      taxonomyVersion: 'x',
    };
    const health = await createProxyClient({ proxyUrl: BASE, token: '', fetch: answering(body) }).health();
    expect(health.judges).toEqual({ available: [kind], default: kind, unavailable: [] });
  });

  it('an older proxy whose judges are in another shape is still an Unspun proxy, without judges', async () => {
    const health = await createProxyClient({
      proxyUrl: BASE,
      token: '',
      fetch: answering({ ok: true, service: 'unspun', version: '0.0.9', judges: ['offline'] }),
    }).health();
    expect(health).toEqual({ service: 'unspun', version: '0.0.9' });
  });
});
