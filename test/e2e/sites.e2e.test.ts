// The built extension in Chromium on the chat sites' fixtures, served at the sites' real URLs
// (context.route), so the manifest's real match patterns inject the one content script:
// streamed replies captured once when finished, scored by the real proxy (offline judge), drawn;
// a long virtualized thread; SPA navigation; per-site off; the proxy's disabled list; drift.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import type { LabelRecord } from '../../extension/db/labels.ts';
import { conversationOf, listFixtures, routeFixture, type Fixture } from '../helpers/site-fixtures.ts';
import {
  closedRoot,
  highlightCount,
  launchExtension,
  RESULTS,
  storageGet,
  storageSet,
  conversationMessages,
  storedScore,
  until as untilWithin,
  type LaunchedExtension,
} from './harness.ts';

let configDir: string;
let browser: LaunchedExtension;
let server: RunningServer;
let context: BrowserContext;
let sw: Worker;

const fixture = (site: string, file: string): Fixture => {
  const f = listFixtures(site).find((x) => x.file === file);
  if (!f?.url) throw new Error(`no fixture ${site}/${file} with a URL`);
  return f;
};
const messages = (site: string, conversationId: string) => conversationMessages(sw, site, conversationId);
const scoreOf = (key: string) => storedScore(sw, key);

const labels = (): Promise<LabelRecord[]> =>
  sw.evaluate(async () => (globalThis as unknown as { unspun: { db: { labels: { toArray(): Promise<unknown[]> } } } }).unspun.db.labels.toArray()) as Promise<
    LabelRecord[]
  >;

const storage = (keys: string[]) => storageGet(sw, keys);
const setStorage = (values: Record<string, unknown>) => storageSet(sw, values);

// Site pages stream slower than the demo: a longer default wait.
const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000) => untilWithin(what, probe, timeoutMs);

/** The content script marks <html data-unspun-site> with the adapter id once it runs (or "off"). */
const siteMark = (page: Page) => page.evaluate(() => document.documentElement.dataset.unspunSite ?? null);

async function openFixture(f: Fixture, query = ''): Promise<Page> {
  const page = await context.newPage();
  await routeFixture(page, f);
  await page.goto(f.url! + query);
  return page;
}

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'unspun-sites-config-'));
  const config = loadConfig({ UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, UNSPUN_JUDGE: 'offline' }, []);
  server = await startServer({ config, logger: silentLogger });
  browser = await launchExtension();
  ({ context, sw } = browser);
  // Nothing reaches the real sites: whatever a test does not serve is refused (later routes win).
  await context.route(/^https:\/\//, (route) => route.abort());
  await setStorage({ proxyUrl: server.url, token: server.token });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('chat sites in Chromium', () => {
  const streams = [
    {
      site: 'chatgpt',
      replyId: '7d0c2b8e-0002-4b1a-8e55-3f0a9c2d0002',
      parentId: '7d0c2b8e-0001-4b1a-8e55-3f0a9c2d0001',
      model: 'gpt-5-3',
      idSource: undefined,
    },
    { site: 'claude', replyId: null, parentId: null, model: undefined, idSource: 'fallback' },
    { site: 'gemini', replyId: 'r_9f00aa11bb22cc33', parentId: null, model: '2.5 Pro', idSource: undefined },
  ] as const;

  it.each(streams)(
    '$site: a reply that streams in is captured once, when finished, scored and drawn; disagree is stored',
    async ({ site, replyId, parentId, model, idSource }) => {
      const f = fixture(site, 'streaming.html');
      const conv = conversationOf(f);
      const page = await openFixture(f, '?ms=20');
      await page.waitForFunction(() => document.documentElement.dataset.unspunSite !== undefined);
      expect(await siteMark(page)).toBe(site);

      const badge = page.locator('unspun-badge[data-state="scored"]');
      await badge.waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.documentElement.dataset.fixtureDone)).toBe('true');
      await expect.poll(() => highlightCount(page), { timeout: 10_000 }).toBeGreaterThan(0);

      const stored = await messages(site, conv);
      expect(stored, 'one reply, stored once').toHaveLength(1);
      const m = stored[0]!;
      expect(m.text.startsWith('Great question!')).toBe(true);
      expect(m.text).toMatch(/without you\.|here for you\.$/); // the finished text, not a prefix caught mid-stream
      expect(m.userTurn).toBe('Should I move my savings into AI funds?');
      if (replyId) expect(m.messageId).toBe(replyId);
      expect(m.idSource).toBe(idSource);
      if (parentId) expect(m.parentId).toBe(parentId);
      else expect(m.parentId).toMatch(/^fb-/);
      expect(m.model).toBe(model);
      expect(await badge.getAttribute('data-message-id')).toBe(m.messageId);
      const score = await until('the score', () => scoreOf(m.key));
      expect(score.flags.length).toBeGreaterThan(0);
      for (const flag of score.flags) expect(m.text.slice(flag.start, flag.end)).toBe(flag.quote);

      await page.screenshot({ path: join(RESULTS, `sites-${site}-flagged.png`) });

      // The reader disagrees with the first flag from its card; the label lands in the archive.
      await badge.locator('button').click();
      const card = page.locator('unspun-card');
      const inCard = closedRoot(page, 'unspun-card');
      await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
      await inCard.locator('li button').first().click(); // the summary's first flag
      await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
      const move = await inCard.locator('.card').getAttribute('data-move');
      await inCard.locator('button.disagree').click();
      await expect.poll(() => inCard.locator('.status').textContent()).toBe('Saved: you disagree.');
      const label = await until('the label stored', async () => (await labels()).find((l) => l.messageId === m.messageId));
      expect(label).toMatchObject({ site, conversationId: conv, verdict: 'disagree', flag: { move } });

      // Still once after the page kept settling (badges, highlights) and a reload.
      await page.reload();
      await page.locator('unspun-badge[data-state="scored"]').waitFor({ timeout: 20_000 });
      expect(await messages(site, conv)).toHaveLength(1);
      await page.close();
    },
  );

  it('chatgpt: a long virtualized thread (6 of 40 turns mounted at a time) stores every reply once', async () => {
    const f = fixture('chatgpt', 'long-virtualized.html');
    const conv = conversationOf(f);
    const page = await openFixture(f, '?ms=200');
    await page.waitForFunction(() => document.documentElement.dataset.fixtureDone === 'true', null, { timeout: 60_000 });
    const stored = await until('20 replies', async () => {
      const ms = await messages('chatgpt', conv);
      return ms.length >= 20 ? ms : undefined;
    });
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((m) => m.messageId)).size).toBe(20);
    for (const m of stored) {
      const n = Number(/Step (\d+)/.exec(m.text)![1]);
      expect(m.userTurn).toBe(`Question ${n}: what is step ${n} of the plan?`);
      expect(m.model).toBe('gpt-5-3');
    }
    await page.close();
  });

  it('chatgpt: switching chats with history.pushState captures the new chat under its own id', async () => {
    const f = fixture('chatgpt', 'conversation.html');
    const convA = conversationOf(f);
    const page = await openFixture(f);
    await until('both replies of the first chat', async () => ((await messages('chatgpt', convA)).length === 2 ? true : undefined));
    await expect.poll(() => page.locator('unspun-badge').count()).toBe(2);

    const convB = '6751a2b0-0c1e-8000-9d5e-5b1f7e0c3b99';
    await page.evaluate((id) => {
      history.pushState(null, '', `/c/${id}`);
      const list = document.querySelector('[data-scroll-root] > div')!;
      list.innerHTML = `
        <section data-testid="conversation-turn-1" data-turn="user"><div data-message-author-role="user" data-message-id="b-user-0001-0000-0000-000000000001"><div class="whitespace-pre-wrap">Is now the time to buy a house?</div></div></section>
        <section data-testid="conversation-turn-2" data-turn="assistant"><div data-message-author-role="assistant" data-message-id="b-reply-0002-0000-0000-000000000002" data-message-model-slug="gpt-5-3"><div class="markdown prose"><p>Everyone is buying right now, so you must act before it is too late.</p></div></div><div><button data-testid="copy-turn-action-button"></button></div></section>`;
    }, convB);
    const [b] = await until('the reply of the second chat', async () => {
      const ms = await messages('chatgpt', convB);
      return ms.length ? ms : undefined;
    });
    expect(b).toMatchObject({ messageId: 'b-reply-0002-0000-0000-000000000002', parentId: 'b-user-0001-0000-0000-000000000001' });
    expect(await messages('chatgpt', convA)).toHaveLength(2);
    // The first chat's badges went with it; the new reply gets its own.
    await expect.poll(() => page.locator('unspun-badge').count()).toBe(1);
    expect(await page.locator('unspun-badge').getAttribute('data-message-id')).toBe('b-reply-0002-0000-0000-000000000002');
    await page.close();
  });

  it('chatgpt: a regenerated reply is a new message linked to the same user turn', async () => {
    // The same page under its own conversation, so other tests' captures do not mix in.
    const f = { ...fixture('chatgpt', 'conversation.html'), url: 'https://chatgpt.com/c/6751a2b0-0c1e-8000-9d5e-5b1f7e0c3e55' };
    const conv = conversationOf(f);
    const page = await openFixture(f);
    await until('both replies', async () => ((await messages('chatgpt', conv)).length === 2 ? true : undefined));
    // Regenerate: the site swaps the reply for a new message (new id) streaming under the same question.
    await page.evaluate(() => {
      const message = document.querySelector('[data-message-id="b6b4e1f2-0004-4c55-9f0e-0c4e5b7a1004"]')!;
      message.setAttribute('data-message-id', 'b6b4e1f2-0005-4c55-9f0e-0c4e5b7a1005');
      message.querySelector('.markdown')!.innerHTML = '<p>Check the expense ratio first; everything else matters less.</p>';
    });
    const regenerated = await until('the regenerated reply', async () =>
      (await messages('chatgpt', conv)).find((m) => m.messageId === 'b6b4e1f2-0005-4c55-9f0e-0c4e5b7a1005'),
    );
    expect(regenerated.parentId).toBe('b6b4e1f2-0003-4c55-9f0e-0c4e5b7a1003');
    const original = (await messages('chatgpt', conv)).find((m) => m.messageId === 'b6b4e1f2-0004-4c55-9f0e-0c4e5b7a1004')!;
    expect(original.parentId).toBe('b6b4e1f2-0003-4c55-9f0e-0c4e5b7a1003');
    expect(original.text).toMatch(/^- The expense ratio\./);
    await page.close();
  });

  it('chatgpt: a new chat (no id in the URL) is captured under the id the page pushes once the reply starts', async () => {
    const f = fixture('chatgpt', 'streaming.html');
    const convNew = '6751a2b0-0c1e-8000-9d5e-5b1f7e0c3c77';
    const page = await context.newPage();
    await routeFixture(page, { ...f, url: 'https://chatgpt.com/' });
    // As ChatGPT does: the URL gets its /c/<id> after the first words of the first reply arrive.
    await page.addInitScript((id) => {
      const moved = new MutationObserver(() => {
        if (document.querySelector('[data-fixture-stream]')?.textContent?.trim()) {
          moved.disconnect();
          history.pushState(null, '', `/c/${id}`);
        }
      });
      document.addEventListener('DOMContentLoaded', () => moved.observe(document.body, { subtree: true, characterData: true, childList: true }));
    }, convNew);
    await page.goto('https://chatgpt.com/?ms=25');
    await page.locator('unspun-badge[data-state="scored"]').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/c/${convNew}`);
    const stored = await messages('chatgpt', convNew);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.messageId).toBe('7d0c2b8e-0002-4b1a-8e55-3f0a9c2d0002');
    await page.close();
  });

  it('a site switched off in options captures nothing; switched back on, it captures', async () => {
    await setStorage({ siteSwitches: { claude: false } });
    const f = fixture('claude', 'conversation.html');
    const conv = conversationOf(f);
    const page = await openFixture(f);
    await page.waitForFunction(() => document.documentElement.dataset.unspunSite === 'off');
    expect(await messages('claude', conv)).toHaveLength(0);
    expect(await page.locator('unspun-badge').count()).toBe(0);

    await setStorage({ siteSwitches: { claude: true } });
    await page.locator('unspun-badge[data-state="scored"]').waitFor({ timeout: 20_000 });
    expect(await siteMark(page)).toBe('claude');
    const stored = await messages('claude', conv);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).toContain('$$B_n = B_0 (1 + r - f)^n$$');
    await page.close();
  });

  it('the proxy’s disabled list switches a site off without a release', async () => {
    writeFileSync(join(configDir, 'disabled-sites.json'), JSON.stringify([{ id: 'gemini', reason: 'Gemini changed its layout on 2026-11-20' }]));
    const id = new URL(sw.url()).host;
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${id}/popup.html`); // opening the popup re-reads the list
    await until('the disabled list in storage', async () =>
      (await storage(['disabledSites'])).disabledSites?.some((d: { id: string }) => d.id === 'gemini') ? true : undefined,
    );
    await popup.locator('#site-health li[data-site="gemini"][data-kind="off"]').waitFor();
    expect(await popup.locator('#site-health li[data-site="gemini"] .why').textContent()).toMatch(/proxy: Gemini changed its layout/);

    const f = fixture('gemini', 'conversation.html');
    const page = await openFixture(f);
    await page.waitForFunction(() => document.documentElement.dataset.unspunSite === 'off');
    expect(await messages('gemini', conversationOf(f))).toHaveLength(0);
    await page.close();

    rmSync(join(configDir, 'disabled-sites.json'));
    await popup.reload();
    await until('the list emptied', async () => ((await storage(['disabledSites'])).disabledSites?.length === 0 ? true : undefined));
    await popup.close();
  });

  it('fixtures with drifted selectors turn their sites unhealthy and store nothing', async () => {
    const broken = [fixture('chatgpt', 'broken-labels.html'), fixture('claude', 'broken-renamed.html'), fixture('gemini', 'broken-no-body.html')];
    const expected: Record<string, string> = { chatgpt: 'chrome-captured', claude: 'turns-missing', gemini: 'body-missing' };
    const pages = await Promise.all(broken.map((f) => openFixture(f)));
    const health = await until(
      'all three sites unhealthy',
      async () => {
        const { siteHealth } = await storage(['siteHealth']);
        return broken.every((f) => siteHealth?.[f.site]?.state === 'unhealthy') ? siteHealth : undefined;
      },
      30_000,
    );
    for (const f of broken) {
      expect(health[f.site].check).toBe(expected[f.site]);
      expect(await messages(f.site, conversationOf(f)), `${f.site}: nothing stored`).toHaveLength(0);
    }
    for (const p of pages) expect(await p.locator('unspun-badge').count()).toBe(0);

    const id = new URL(sw.url()).host;
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${id}/popup.html`);
    for (const f of broken) await popup.locator(`#site-health li[data-site="${f.site}"][data-kind="unhealthy"]`).waitFor();
    await popup.screenshot({ path: join(RESULTS, 'sites-popup-unhealthy.png'), fullPage: true });
    const options = await context.newPage();
    await options.goto(`chrome-extension://${id}/options.html`);
    await options.locator('#sites .site[data-site="claude"][data-kind="unhealthy"]').waitFor();
    await options.locator('#sites').screenshot({ path: join(RESULTS, 'sites-options.png') });
    await Promise.all([...pages, popup, options].map((p) => p.close()));
  });
});
