// Citations in Firefox (MV3, Debian firefox-esr, headless, WebDriver BiDi): the ChatGPT citation
// fixture at its real URL, scored by the real proxy (offline judge); the sidebar page says which
// claim cites a marker that points nowhere, and "Check the cited page" asks for the one origin in a
// real click (optional host permissions, Firefox 128+; prompts answer at once in this profile) and
// the background fetches the page from a local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { listFixtures } from '../helpers/site-fixtures.ts';
import { launchFirefoxExtension, readArchiveFirefox, serveAt, until, type FirefoxExtension } from './firefox-harness.ts';
import { RESULTS } from './harness.ts';

let ff: FirefoxExtension;
let proxy: TestProxy;
let pages: Server;
let pagesUrl: string;
const requested: string[] = [];

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  pages = createServer((req, res) => {
    requested.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<html><body><h1>AI use, 2026</h1><p>38% of US adults use an AI chatbot at least weekly.</p></body></html>');
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  pagesUrl = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  ff = await launchFirefoxExtension();
  const pairing = await ff.browser.newPage();
  await pairing.goto(`${proxy.url}/pair#${proxy.token}`);
  await pairing.waitForFunction(() => document.documentElement.dataset.unspunPaired === 'true', { timeout: 15_000 });
  await pairing.close();
});

afterAll(async () => {
  await ff?.close();
  await proxy?.close();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
});

describe('citations in Firefox', () => {
  it('chatgpt: the sidebar names the dangling markers and checks a cited page on click', async () => {
    const f = listFixtures('chatgpt').find((x) => x.file === 'citations.html')!;
    const page = await ff.browser.newPage();
    await serveAt(page, { [f.url!]: f.html.replaceAll('https://stats.example.org', pagesUrl) });
    await page.goto(f.url!);
    await page.waitForSelector('unspun-badge[data-state="scored"]', { timeout: 30_000 });
    const conv = new URL(f.url!).pathname.split('/').pop();
    const cited = await until('the reply with its markers', async () =>
      (await readArchiveFirefox(ff.control)).messages.find(
        (m) => m.site === 'chatgpt' && m.conversationId === conv && m.citations?.length && m.status === 'scored',
      ),
    );
    expect(cited.citations!.some((c) => c.url === `${pagesUrl}/ai-use-2026`)).toBe(true);
    const tabId = await ff.control.evaluate(async (url) => {
      const tabs = (await (globalThis as any).browser.tabs.query({})) as Array<{ id: number; url?: string }>;
      return tabs.find((t) => t.url?.startsWith(url))?.id;
    }, f.url!);
    expect(tabId).toBeDefined();

    const panel = await ff.openExtensionPage(`sidepanel.html?tab=${tabId}`);
    await panel.setViewport({ width: 440, height: 1100 });
    const ledger = `section.reply[data-message-id="${cited.messageId}"] details.ledger`;
    await panel.waitForSelector(ledger, { timeout: 15_000 });
    const said = await panel.$$eval(`${ledger} li[data-dangling="true"] .claim-dangling`, (els) => els.map((e) => e.textContent ?? ''));
    expect(said).toEqual([
      'Cites “Pew Research”, which points nowhere (it carries no link).',
      'Cites 【4†source】, which points nowhere (it carries no link).',
    ]);
    const before = requested.length;
    await panel.click(`${ledger} .cite[data-host="127.0.0.1"] button.check-page`); // a real click: permissions.request needs user input
    const status = `${ledger} .cite[data-host="127.0.0.1"] .check-status`;
    await panel.waitForSelector(`${status}[data-outcome="found"]`, { timeout: 15_000 });
    expect(await panel.$eval(status, (e) => e.textContent)).toBe('Found on 127.0.0.1/ai-use-2026: ‘38%’, ‘US’, ‘adults’, ‘AI’, ‘chatbot’.');
    expect(requested.length).toBe(before + 1);
    await panel.screenshot({ path: join(RESULTS, 'firefox-citations-panel.png') as `${string}.png`, fullPage: true });
    await panel.close();
    await page.close();
  });
});
