// Citations in captured replies (issue 13, item 2), in real Chromium with the built extension, on the
// Perplexity and ChatGPT citation fixtures served at their real URLs and scored by the real proxy
// (offline judge): the adapter's markers are stored with the reply; the side panel's claim ledger says
// which claim cites a marker that points nowhere; "Check the cited page" asks for that one origin in
// the click, and the background fetches the page for real from a local HTTP server on 127.0.0.1 (the
// extension already holds that host for the proxy, so the request resolves without a prompt).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import { conversationOf, listFixtures, routeFixture, type Fixture } from '../helpers/site-fixtures.ts';
import { conversationMessages, launchExtension, RESULTS, storageSet, storedScore, until as untilWithin, type LaunchedExtension } from './harness.ts';

let configDir: string;
let browser: LaunchedExtension;
let server: RunningServer;
let pages: Server;
let pagesUrl: string;
let context: BrowserContext;
let sw: Worker;
const requested: string[] = [];

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000) => untilWithin(what, probe, timeoutMs);

function fixture(site: string): Fixture {
  const f = listFixtures(site).find((x) => x.file === 'citations.html');
  if (!f?.url) throw new Error(`no fixture ${site}/citations.html`);
  return f;
}

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'unspun-citations-config-'));
  const config = loadConfig({ UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, UNSPUN_JUDGE: 'offline' }, []);
  server = await startServer({ config, logger: silentLogger });
  // The cited page: the fixtures cite https://stats.example.org/…, served here instead.
  pages = createServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><script>document.title = "ran"</script><h1>AI use, 2026</h1><p>38% of US adults use an AI chatbot at least weekly.</p></body></html>');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  browser = await launchExtension();
  ({ context, sw } = browser);
  await context.route(/^https:\/\//, (route) => route.abort());
  await storageSet(sw, { proxyUrl: server.url, token: server.token });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

const tabIds = () =>
  sw.evaluate(async () => {
    const { chrome } = globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> } } };
    return (await chrome.tabs.query({})).map((t) => t.id);
  });

describe('citations in captured replies', () => {
  it.each([
    {
      site: 'perplexity',
      dangling: ['cites “pewresearch”, which points nowhere', 'cites an empty source chip, which points nowhere', 'cites [3], which points nowhere'],
    },
    { site: 'chatgpt', dangling: ['cites “Pew Research”, which points nowhere', 'cites 【4†source】, which points nowhere'] },
  ])('$site: the side panel says which claim cites a marker that points nowhere, and checks a cited page on click', async ({ site, dangling }) => {
    const f = fixture(site);
    const before = new Set(await tabIds());
    const page = await context.newPage();
    await routeFixture(page, f, f.html.replaceAll('https://stats.example.org', pagesUrl));
    await page.goto(f.url!);
    await page.locator('unspun-badge[data-state="scored"]').first().waitFor({ timeout: 30_000 });
    const tabId = (await tabIds()).find((id) => !before.has(id));
    expect(tabId).toBeDefined();

    // Stored with the reply: every marker, its place, label and URL (or none).
    const messages = await until('the replies stored', async () => {
      const m = await conversationMessages(sw, site, conversationOf(f));
      return m.length === 2 ? m : undefined;
    });
    const cited = messages.find((m) => m.citations?.length)!;
    expect(cited.citations!.map((c) => c.url ?? null)).toContain(`${pagesUrl}/ai-use-2026`);
    await until('the score', () => storedScore(sw, cited.key));

    const panel = await context.newPage();
    await panel.setViewportSize({ width: 440, height: 1100 });
    await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?tab=${tabId}`);
    const ledger = panel.locator(`section.reply[data-message-id="${cited.messageId}"] details.ledger`);
    await ledger.waitFor({ timeout: 10_000 });
    expect(await ledger.getAttribute('open'), 'a ledger with a dangling marker opens by itself').not.toBeNull();
    expect(await ledger.locator('summary').textContent()).toMatch(new RegExp(`; ${dangling.length} cites? a source that points nowhere$`));
    const said = await ledger.locator('li[data-dangling="true"] .claim-dangling').allTextContents();
    expect(said).toHaveLength(dangling.length);
    dangling.forEach((words, i) => expect(said[i]!.toLowerCase()).toContain(words.toLowerCase()));

    // The cited page: its address as text, and the check on click.
    const row = ledger.locator('.cite[data-host="127.0.0.1"]').first();
    expect(await row.locator('.cite-where').textContent()).toMatch(/→ 127\.0\.0\.1\/ai-use-2026$/);
    const fetchedBefore = requested.length;
    await row.locator('button.check-page').click();
    const status = row.locator('.check-status');
    await expect.poll(() => status.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('found');
    expect(await status.textContent()).toBe('Found on 127.0.0.1/ai-use-2026: ‘38%’, ‘US’, ‘adults’, ‘AI’, ‘chatbot’.');
    expect(requested.length).toBe(fetchedBefore + 1);
    // Page text is text: the cited page's markup and script never reach the panel.
    expect(await panel.evaluate(() => document.title)).not.toBe('ran');
    expect(await panel.locator('h1', { hasText: 'AI use, 2026' }).count()).toBe(0);
    await panel.screenshot({ path: join(RESULTS, `citations-${site}-panel.png`), fullPage: true });
    await panel.close();
    await page.close();
  });
});
