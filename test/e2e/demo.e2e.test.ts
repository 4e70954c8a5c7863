// The real extension in real Chromium against the real proxy (offline judge) and its demo page:
// pairing, capture, storage, scoring, drawing, and the queue surviving a proxy outage.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig, type ProxyConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import { closedRoot, highlightCount, launchExtension, readArchive, RESULTS, storageGet, until, type LaunchedExtension } from './harness.ts';

const DEMO_MOVES = ['flattery', 'unsourced-authority', 'bandwagon', 'false-urgency', 'false-dilemma', 'relational-manipulation'];

let configDir: string;
let browser: LaunchedExtension;
let config: ProxyConfig;
let server: RunningServer | null = null;
let context: BrowserContext;
let sw: Worker;

const archive = () => readArchive(sw);

const storedSettings = (keys: string[]) => storageGet(sw, keys);

/** Snapshots every assistant body the moment the page marks it finished, before Unspun can draw. */
const SNAPSHOT_SCRIPT = () => {
  const w = window as unknown as { __snap: Record<string, { text: string; html: string }> };
  w.__snap = {};
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as Element;
      if (r.type === 'attributes' && el.getAttribute('data-streaming') === 'false') {
        const body = el.querySelector('[data-message-body]')!;
        w.__snap[el.getAttribute('data-message-id')!] = { text: body.textContent ?? '', html: body.innerHTML };
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-streaming'] });
};

async function startProxy(port = 0): Promise<RunningServer> {
  return startServer({ config: { ...config, port }, logger: silentLogger });
}

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'unspun-e2e-config-'));
  config = loadConfig({ UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, UNSPUN_JUDGE: 'offline' }, []);
  server = await startProxy();
  browser = await launchExtension();
  ({ context, sw } = browser);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('Unspun in Chromium', () => {
  it('loads as an extension with a service worker', () => {
    const url = new URL(sw.url());
    expect(url.protocol).toBe('chrome-extension:');
    expect(url.host).toMatch(/^[a-p]{32}$/);
  });

  it('pairs through the pairing link and takes the token out of the URL', async () => {
    const page = await context.newPage();
    await page.goto(`${server!.url}/pair#${server!.token}`);
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, null, { timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunPaired)).toBe('true');
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/Paired/);
    expect(page.url()).not.toContain(server!.token);
    expect(page.url()).not.toContain('#');
    const stored = await storedSettings(['proxyUrl', 'token']);
    expect(stored).toEqual({ proxyUrl: server!.url, token: server!.token });
    await page.screenshot({ path: join(RESULTS, 'pair-paired.png') });
    await page.close();
  });

  it('refuses a wrong token and keeps the good pairing', async () => {
    const page = await context.newPage();
    await page.goto(`${server!.url}/pair#not-the-token-0123456789`);
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, null, { timeout: 10_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunPaired)).toBe('false');
    expect(await page.locator('#status').textContent()).toMatch(/could not prove it holds this link's token/);
    // One next step, the link again; no demo link, whose replies would not be scored with this pairing.
    expect(await page.locator('#demo-link').isVisible()).toBe(false);
    expect(await page.locator('#failed-help').textContent()).toMatch(/Open the pairing link again/);
    await page.screenshot({ path: join(RESULTS, 'pair-wrong-token.png') });
    expect(await storedSettings(['token'])).toEqual({ token: server!.token });
    await page.close();
  });

  it('captures the streamed demo replies, scores them, and draws without touching the page text', async () => {
    const page = await context.newPage();
    await page.addInitScript(SNAPSHOT_SCRIPT);
    await page.goto(`${server!.url}/demo?c=e2e-1&ms=25`);
    const a1 = 'e2e-1-a1';
    const a2 = 'e2e-1-a2';

    // The flagged reply: badge with a score, highlights over the page's own text.
    const badge = page.locator(`unspun-badge[data-message-id="${a1}"][data-state="scored"]`);
    await badge.waitFor({ timeout: 20_000 });
    expect(Number(await badge.getAttribute('data-score'))).toBeGreaterThanOrEqual(40);
    await expect.poll(() => highlightCount(page)).toBeGreaterThanOrEqual(DEMO_MOVES.length);
    await expect.poll(() => badge.locator('button').textContent()).toMatch(/Unspun\s*\d+\/100\s*·\s*\d+ moves/);

    // The clean reply is captured and scored too.
    await page.waitForFunction(() => document.documentElement.dataset.demoDone === 'true', null, { timeout: 20_000 });
    const clean = page.locator(`unspun-badge[data-message-id="${a2}"][data-state="scored"]`);
    await clean.waitFor({ timeout: 10_000 });

    // Stored in the background: conversation, both messages, both scores.
    const stored = await until('both demo replies scored in the archive', async () => {
      const a = await archive();
      return a.scores.filter((s) => s.messageKey.startsWith('demo:e2e-1:')).length === 2 ? a : undefined;
    });
    expect(stored.conversations.find((c) => c.key === 'demo:e2e-1')).toMatchObject({ site: 'demo', conversationId: 'e2e-1' });
    const m1 = stored.messages.find((m) => m.messageId === a1)!;
    const m2 = stored.messages.find((m) => m.messageId === a2)!;
    expect(m1).toMatchObject({ status: 'scored', site: 'demo', conversationId: 'e2e-1', role: 'assistant' });
    expect(m1.text.startsWith('Great question!')).toBe(true);
    expect(m1.userTurn).toMatch(/savings/);
    expect(m2).toMatchObject({ status: 'scored' });
    expect(m2.previous.map((t) => t.role)).toEqual(['user', 'assistant']);
    const s1 = stored.scores.find((s) => s.messageKey === m1.key)!;
    const s2 = stored.scores.find((s) => s.messageKey === m2.key)!;
    expect(s1.judge.kind).toBe('offline');
    const moves = new Set(s1.flags.map((f) => f.move));
    for (const move of DEMO_MOVES) expect(moves, `demo reply should be flagged for ${move}`).toContain(move);
    for (const f of s1.flags) expect(m1.text.slice(f.start, f.end)).toBe(f.quote);
    expect(s2.score).toBeLessThanOrEqual(15);
    expect(s2.score).toBeLessThan(s1.score);
    expect(Number(await clean.getAttribute('data-score'))).toBe(Math.round(s2.score));

    // Each reply stored and scored once, even though the page kept mutating while it streamed.
    expect(stored.messages.filter((m) => m.conversationId === 'e2e-1')).toHaveLength(2);

    // The page's own DOM is untouched: same text, same markup as when streaming finished.
    const now = await page.evaluate(() =>
      Object.fromEntries(
        Array.from(document.querySelectorAll('[data-turn="assistant"]')).map((el) => {
          const body = el.querySelector('[data-message-body]')!;
          return [el.getAttribute('data-message-id'), { text: body.textContent ?? '', html: body.innerHTML }];
        }),
      ),
    );
    const snap = await page.evaluate(() => (window as unknown as { __snap: object }).__snap);
    expect(Object.keys(snap).sort()).toEqual([a1, a2]);
    expect(now).toEqual(snap);

    await page.screenshot({ path: join(RESULTS, 'demo-flagged-reply.png') });

    // Hover a highlight → card with the move, the quote and the reason.
    const spot = await page.evaluate(() => {
      const body = document.querySelector('[data-message-id="e2e-1-a1"] [data-message-body]')!;
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.nodeValue!.indexOf('before it');
        if (at >= 0) {
          const range = document.createRange();
          range.setStart(n, at + 2);
          range.setEnd(n, at + 4);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      return null;
    });
    expect(spot).not.toBeNull();
    await page.mouse.move(spot!.x, spot!.y);
    const card = page.locator('unspun-card');
    const inCard = closedRoot(page, 'unspun-card');
    await inCard.locator('.card').waitFor({ state: 'visible', timeout: 5_000 });
    expect(await card.getAttribute('data-kind')).toBe('flag');
    expect(await inCard.locator('.card').getAttribute('data-move')).toBe('false-urgency');
    expect((await inCard.locator('.why').textContent())?.length).toBeGreaterThan(10);
    expect(await inCard.locator('.name').textContent()).toBe('False urgency');
    await page.mouse.click(spot!.x, spot!.y); // pin it
    await page.screenshot({ path: join(RESULTS, 'demo-flag-card.png') });

    // Badge click → summary of every move in the reply.
    await badge.locator('button').click();
    await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
    expect(await inCard.locator('li').count()).toBe(s1.flags.length);
    await page.screenshot({ path: join(RESULTS, 'demo-summary-card.png') });
    await page.keyboard.press('Escape');
    await inCard.locator('.card').waitFor({ state: 'hidden', timeout: 5_000 });

    // A reload captures the same replies again: the archive dedups, and the stored score is redrawn.
    await page.reload();
    await page.locator(`unspun-badge[data-message-id="${a1}"][data-state="scored"]`).waitFor({ timeout: 20_000 });
    expect((await archive()).messages.filter((m) => m.conversationId === 'e2e-1')).toHaveLength(2);
    await page.close();
  });

  it('keeps replies captured while the proxy is down and scores them when it is back', async () => {
    const port = server!.port;
    await server!.close();
    server = null;

    // The demo page is served by the proxy; while it is down, the browser gets the same page from a
    // route at the same URL (content scripts inject by URL, so the real match patterns still apply).
    const html = readFileSync(resolve('proxy/pages/demo.html'), 'utf8');
    await context.route(`http://127.0.0.1:${port}/demo*`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));

    const offline = await context.newPage();
    await offline.goto(`http://127.0.0.1:${port}/demo?c=e2e-2&ms=10`);
    const key = 'demo:e2e-2:e2e-2-a1';
    // Wait for both replies, so no new capture can trigger the retry: only the backoff timer can.
    await offline.waitForFunction(() => document.documentElement.dataset.demoDone === 'true', null, { timeout: 15_000 });
    const [pending] = await until('both replies stored as pending after failed attempts', async () => {
      const ms = (await archive()).messages.filter((x) => x.conversationId === 'e2e-2');
      return ms.length === 2 && ms.every((m) => m.status === 'pending' && m.attempts >= 1) ? ms.sort((a, b) => a.capturedAt - b.capturedAt) : undefined;
    });
    expect(pending!.key).toBe(key);
    expect(pending!.lastError).toMatch(/unreachable/);
    expect((await archive()).scores.find((s) => s.messageKey === key)).toBeUndefined();
    await offline.locator('unspun-badge[data-message-id="e2e-2-a1"][data-state="pending"]').waitFor({ timeout: 5_000 });
    expect(await highlightCount(offline)).toBe(0);
    await offline.screenshot({ path: join(RESULTS, 'demo-pending-reply.png') });
    // A click on the waiting badge says why, in words, with the one thing to do.
    await offline.locator('unspun-badge[data-message-id="e2e-2-a1"] button').click();
    const waiting = closedRoot(offline, 'unspun-card');
    await expect.poll(() => offline.locator('unspun-card').getAttribute('data-kind')).toBe('waiting');
    expect(await waiting.locator('.card').getAttribute('data-reason')).toBe('proxy-down');
    expect(await waiting.locator('.name').textContent()).toBe('The Unspun proxy is not running');
    expect(await waiting.locator('.body').textContent()).toMatch(/npm start/);
    expect(await waiting.locator('.action').textContent()).toBe('Check again');
    await expect.poll(() => offline.locator('unspun-badge[data-message-id="e2e-2-a1"]').getAttribute('data-reason')).toBe('proxy-down');
    expect(await offline.locator('unspun-badge[data-message-id="e2e-2-a1"] button').textContent()).toMatch(/proxy not running/);
    await offline.screenshot({ path: join(RESULTS, 'demo-waiting-proxy-down.png') });
    await offline.keyboard.press('Escape');

    // Back on the same port with the same token: the queue retries on its own.
    server = await startProxy(port);
    expect(server.token).toBe(config.token);
    const scored = await until(
      'the pending replies to be scored after the proxy came back',
      async () => {
        const ms = (await archive()).messages.filter((x) => x.conversationId === 'e2e-2');
        return ms.every((m) => m.status === 'scored') ? ms.find((m) => m.key === key) : undefined;
      },
      20_000,
    );
    expect(scored.attempts).toBeGreaterThanOrEqual(2);
    await offline.locator('unspun-badge[data-message-id="e2e-2-a1"][data-state="scored"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => highlightCount(offline)).toBeGreaterThanOrEqual(DEMO_MOVES.length);
    await offline.screenshot({ path: join(RESULTS, 'demo-scored-after-outage.png') });
    await context.unroute(`http://127.0.0.1:${port}/demo*`);
    await offline.close();
  });

  it('draws under a strict page Content-Security-Policy (as real chat sites send)', async () => {
    const nonce = 'e2e-nonce-1';
    const html = readFileSync(resolve('proxy/pages/demo.html'), 'utf8').replace(/<(style|script)>/g, `<$1 nonce="${nonce}">`);
    const isCspDemo = (url: URL) => url.pathname === '/demo' && url.searchParams.get('c') === 'e2e-csp';
    await context.route(isCspDemo, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        headers: { 'Content-Security-Policy': `default-src 'self'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'` },
        body: html,
      }),
    );
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server!.url}/demo?c=e2e-csp&ms=5`);
    const badge = page.locator('unspun-badge[data-message-id="e2e-csp-a1"][data-state="scored"]');
    await badge.waitFor({ timeout: 15_000 });
    await expect.poll(() => highlightCount(page)).toBeGreaterThanOrEqual(DEMO_MOVES.length);
    // Our styles applied: the badge's shadow CSS and the document-level ::highlight rules.
    expect(await badge.locator('button').evaluate((b) => getComputedStyle(b).borderRadius)).toBe('999px');
    const highlightRules = await page.evaluate(
      () => document.adoptedStyleSheets.flatMap((s) => Array.from(s.cssRules, (r) => r.cssText)).filter((t) => t.includes('::highlight(unspun-')).length,
    );
    expect(highlightRules).toBeGreaterThanOrEqual(3);
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(RESULTS, 'demo-strict-csp.png') });
    await page.close();
    await context.unroute(isCspDemo);
  });

  it('switching off takes the drawing down; switching on brings the stored scores back', async () => {
    const page = await context.newPage();
    await page.goto(`${server!.url}/demo?c=e2e-1&ms=5`);
    const badge = page.locator('unspun-badge[data-message-id="e2e-1-a1"][data-state="scored"]');
    await badge.waitFor({ timeout: 15_000 });
    await expect.poll(() => highlightCount(page)).toBeGreaterThan(0);
    const setEnabled = (enabled: boolean) =>
      sw.evaluate((value) => {
        const { chrome } = globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } };
        return chrome.storage.local.set({ enabled: value });
      }, enabled);
    await setEnabled(false);
    await expect.poll(() => highlightCount(page)).toBe(0);
    await expect.poll(() => page.locator('unspun-badge').count()).toBe(0);
    await setEnabled(true);
    await badge.waitFor({ timeout: 10_000 });
    await expect.poll(() => highlightCount(page)).toBeGreaterThan(0);
    await page.close();
  });

  it('popup reports the proxy reachable and paired, with counts', async () => {
    const id = new URL(sw.url()).host;
    const page = await context.newPage();
    await page.goto(`chrome-extension://${id}/popup.html`);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 10_000 })
      .toMatch(/^Paired with the Unspun proxy \S+ at http:\/\/127\.0\.0\.1:\d+\.$/);
    expect(Number(await page.locator('#scored').textContent())).toBeGreaterThanOrEqual(4);
    expect(await page.locator('#pending').textContent()).toBe('0');
    await page.screenshot({ path: join(RESULTS, 'popup.png') });
    await page.close();
  });

  it('options page shows the pairing and tests the connection', async () => {
    const id = new URL(sw.url()).host;
    const page = await context.newPage();
    await page.goto(`chrome-extension://${id}/options.html`);
    await expect.poll(() => page.locator('#proxyUrl').inputValue()).toBe(server!.url);
    expect(await page.locator('#token').getAttribute('type')).toBe('password');
    await page.locator('#test').click();
    await expect.poll(() => page.locator('#report').textContent(), { timeout: 10_000 }).toMatch(/Token accepted/);
    expect(await page.locator('#report .bad').count()).toBe(0);
    await page.locator('#token').fill('wrong-token-0123456789');
    await page.locator('#test').click();
    await expect.poll(() => page.locator('#report').textContent(), { timeout: 10_000 }).toMatch(/rejected this token/);
    await page.screenshot({ path: join(RESULTS, 'options.png') });
    await page.close();
  });
});
