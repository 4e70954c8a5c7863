// The Firefox build in real Firefox (Debian firefox-esr, headless, WebDriver BiDi through
// puppeteer-core) against the real proxy (offline judge): host access (granted at install, and
// asked for again from the popup once revoked), pairing, the demo page's highlights and card, the
// options page, capture on two chat sites' fixtures served at their real URLs (BiDi network
// interception), and the dashboard's import and export. One browser for the file: Firefox takes
// seconds to start, not half a second.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { listFixtures, withStreamDriver } from '../helpers/site-fixtures.ts';
import { unzipStored } from '../helpers/unzip.ts';
import { ExportRecord } from '../../shared/export/record.ts';
import { neededOrigins, type ManifestHosts } from '../../extension/host-access.ts';
import {
  EXTENSION_ORIGIN,
  FIREFOX_EXTENSION_DIR,
  GECKO_ID,
  highlightCountFirefox,
  launchFirefoxExtension,
  readArchiveFirefox,
  serveAt,
  storageGetFirefox,
  until,
  type FirefoxExtension,
} from './firefox-harness.ts';
import { RESULTS } from './harness.ts';

let ff: FirefoxExtension;
let proxy: TestProxy;

const archive = () => readArchiveFirefox(ff.control);
const badgeText = () => ff.control.evaluate(() => (globalThis as any).browser.action.getBadgeText({}) as Promise<string>);
const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `firefox-${name}.png`) as `${string}.png` });

beforeAll(async () => {
  // UNSPUN_FIREFOX_DEBUG=1: the proxy's request lines (method, path, status) on stderr too.
  const log = (line: string) => console.error(`proxy: ${line}`);
  proxy = await startTestProxy({
    env: { UNSPUN_JUDGE: 'offline' },
    ...(process.env.UNSPUN_FIREFOX_DEBUG === '1' ? { logger: { info: log, warn: log, error: log } } : {}),
  });
  ff = await launchFirefoxExtension();
});

afterAll(async () => {
  await ff?.close();
  await proxy?.close();
});

describe('Unspun in Firefox', () => {
  it('installs as a temporary add-on with its gecko id', () => {
    expect(ff.addonId).toBe(GECKO_ID);
  });

  it('has access to the proxy and the chat sites once installed (Firefox 127+ grants MV3 hosts at install)', async () => {
    const needed = neededOrigins(JSON.parse(readFileSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'), 'utf8')) as ManifestHosts);
    expect(needed).toEqual(expect.arrayContaining(['http://127.0.0.1/*', 'https://chatgpt.com/*', 'https://claude.ai/*']));
    const missing = await ff.control.evaluate(
      (origins) => Promise.all(origins.map(async (o) => ((await (globalThis as any).browser.permissions.contains({ origins: [o] })) ? null : o))),
      needed,
    );
    expect(missing.filter(Boolean)).toEqual([]);
    expect(await badgeText()).toBe('');
  });

  it('pairs through the pairing link', async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${proxy.url}/pair#${proxy.token}`);
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunPaired)).toBe('true');
    expect(page.url()).not.toContain(proxy.token);
    expect(await storageGetFirefox(ff.control, ['proxyUrl', 'token'])).toEqual({ proxyUrl: proxy.url, token: proxy.token });
    await page.close();

    // Firefox sends its per-install origin (moz-extension://<uuid>) on the extension's POSTs: the
    // proxy records it, serves this install, and refuses another Firefox install until it re-pairs.
    expect(JSON.parse(readFileSync(join(proxy.configDir, 'paired-extension'), 'utf8'))).toMatchObject({ origin: EXTENSION_ORIGIN });
    const fromThisInstall = await ff.control.evaluate(
      async (url, token) => (await fetch(`${url}/v1/pair/check`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status,
      proxy.url,
      proxy.token,
    );
    expect(fromThisInstall).toBe(200);
    const otherInstall = await fetch(`${proxy.url}/v1/pair/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${proxy.token}`, origin: 'moz-extension://0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' },
    });
    expect(otherInstall.status).toBe(403);
    expect(((await otherInstall.json()) as { error: { code: string } }).error.code).toBe('origin_not_paired');
  });

  it('captures the demo replies, scores them through the proxy and draws highlights', async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${proxy.url}/demo?c=ff-1&ms=10`);
    await page.waitForSelector('unspun-badge[data-message-id="ff-1-a1"][data-state="scored"]', { timeout: 30_000 });
    await until('highlights drawn', async () => (await highlightCountFirefox(page)) >= 6);
    await shot(page, 'demo');
    const stored = await until('both demo replies scored', async () => {
      const a = await archive();
      return a.scores.filter((s) => s.messageKey.startsWith('demo:ff-1:')).length === 2 ? a : undefined;
    });
    expect(stored.messages.filter((m) => m.conversationId === 'ff-1')).toHaveLength(2);

    // Hovering a highlight opens its card (Firefox finds the text under the pointer with
    // caretPositionFromPoint, Chromium with caretRangeFromPoint). The card lives in a closed shadow
    // root and takes labels only from trusted events, so the test does what a reader does: click
    // the highlight (the card pins and focuses its heading, so a stray Enter records nothing), Tab
    // past Close, More and Agree to Disagree, press Enter, and finds the label in the archive.
    // Only the host's own attributes are read.
    const spot = await page.evaluate(() => {
      const body = document.querySelector('[data-message-id="ff-1-a1"] [data-message-body]')!;
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.nodeValue!.indexOf('before it');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at + 2);
        range.setEnd(n, at + 4);
        const r = range.getBoundingClientRect();
        return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
      }
      return null;
    });
    expect(spot).not.toBeNull();
    const openCard = 'unspun-card[data-kind="flag"][data-message-id="ff-1-a1"]:not([hidden])';
    expect(await page.$(openCard)).toBeNull();
    await page.mouse.move(spot!.x, spot!.y);
    await page.waitForSelector(openCard, { timeout: 10_000 });
    // Hover shows the card without taking focus.
    expect(await page.evaluate(() => document.activeElement?.localName)).not.toBe('unspun-card');
    await page.mouse.click(spot!.x, spot!.y); // pin it: focus moves into the card
    await page.waitForFunction(() => document.activeElement?.localName === 'unspun-card', { timeout: 10_000 });
    await page.keyboard.press('Enter'); // on the heading: nothing is recorded
    for (const _control of ['Close', 'More', 'Agree', 'Disagree']) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const labels = await until('the label stored', async () => {
      const all = await ff.control.evaluate(async () => {
        const bg = (await (globalThis as any).browser.runtime.getBackgroundPage()) as { unspun: { db: { labels: { toArray(): Promise<unknown[]> } } } };
        return JSON.parse(JSON.stringify(await bg.unspun.db.labels.toArray())) as {
          messageKey?: string;
          verdict: string;
          flag: { move: string; quote: string };
        }[];
      });
      return all.length > 0 ? all : undefined;
    });
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ messageKey: 'demo:ff-1:ff-1-a1', verdict: 'disagree', flag: { move: 'false-urgency' } });
    await shot(page, 'demo-card');
    await page.close();
  });

  it('options page shows the pairing and tests the connection', async () => {
    const page = await ff.openExtensionPage('options.html');
    await until('the stored proxy URL in the form', async () => (await page.$eval('#proxyUrl', (e) => (e as HTMLInputElement).value)) === proxy.url);
    await page.click('#test');
    await until('the connection report', async () => /Token accepted/.test((await page.$eval('#report', (e) => e.textContent)) ?? ''));
    expect(await page.$$eval('#report .bad', (bad) => bad.length)).toBe(0);
    await page.close();
  });

  it.each(['chatgpt', 'claude'])('%s: a streamed reply on the real URL is captured once, scored and drawn', async (site) => {
    const f = listFixtures(site).find((x) => x.file === 'streaming.html')!;
    const page = await ff.browser.newPage();
    await serveAt(page, { [f.url!]: withStreamDriver(f.html) });
    await page.goto(`${f.url}?ms=10`);
    await page.waitForSelector('unspun-badge[data-state="scored"]', { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunSite)).toBe(site);
    await until('highlights drawn', async () => (await highlightCountFirefox(page)) > 0);
    await shot(page, `${site}`);
    const conv = new URL(f.url!).pathname.split('/').pop();
    const ms = (await archive()).messages.filter((m) => m.site === site && m.conversationId === conv);
    expect(ms).toHaveLength(1);
    await page.close();
  });

  describe('host access the user revoked', () => {
    const revoked = ['https://chatgpt.com/*', 'http://127.0.0.1/*'];

    it('shows "!" on the button and says in the popup what is missing; "Allow access" asks for it and capture works again', async () => {
      await ff.control.evaluate((origins) => (globalThis as any).browser.permissions.remove({ origins }), revoked);
      await until('the "!" badge', async () => (await badgeText()) === '!');

      // Without 127.0.0.1 the pairing page gets no answer, and says what to check.
      const pairing = await ff.browser.newPage();
      await pairing.goto(`${proxy.url}/pair#${proxy.token}`);
      await until('the pairing page to give up', async () => /may it access 127\.0\.0\.1/.test((await pairing.$eval('#status', (e) => e.textContent)) ?? ''));
      expect(await pairing.evaluate(() => document.documentElement.dataset.unspunPaired)).toBeUndefined();
      await pairing.close();

      const popup = await ff.openExtensionPage('popup.html');
      await popup.waitForSelector('#host-access:not([hidden])', { timeout: 10_000 });
      expect((await popup.$eval('#host-access', (e) => (e as HTMLElement).dataset.missing))!.split(' ').sort()).toEqual(['127.0.0.1', 'chatgpt.com']);
      expect(await popup.$eval('#host-access p', (e) => e.textContent)).toMatch(/local proxy \(127\.0\.0\.1\).*chatgpt\.com/);
      // What it breaks: the background cannot reach the proxy without access to 127.0.0.1.
      await until('the popup status', async () => /not reachable/.test((await popup.$eval('#status', (e) => e.textContent)) ?? ''));
      await shot(popup, 'popup-host-access');

      await popup.click('#host-access button'); // a real click: permissions.request needs user input
      await popup.waitForSelector('#host-access[hidden]', { timeout: 10_000 });
      const granted = await ff.control.evaluate((origins) => (globalThis as any).browser.permissions.contains({ origins }), revoked);
      expect(granted).toBe(true);
      await until('the badge cleared', async () => (await badgeText()) === '');
      await popup.close();

      // Access back: a ChatGPT page is read and scored again.
      const f = listFixtures('chatgpt').find((x) => x.file === 'conversation.html')!;
      const page = await ff.browser.newPage();
      await serveAt(page, { [f.url!]: withStreamDriver(f.html) });
      await page.goto(f.url!);
      await page.waitForSelector('unspun-badge[data-state="scored"]', { timeout: 30_000 });
      await page.close();
    });
  });

  describe('dashboard', () => {
    let page: Page;
    const errors: string[] = [];

    beforeAll(async () => {
      page = await ff.openExtensionPage('dashboard.html');
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.waitForFunction(() => document.getElementById('dashboard')?.dataset.total !== undefined, { timeout: 15_000 });
      await page.click('nav [data-tab="data"]');
    });

    afterAll(async () => {
      await page?.close();
    });

    it.each([
      ['chatgpt', 'chatgpt-conversations.json'],
      ['claude', 'claude-conversations.json'],
    ] as const)('imports a %s data export and scores the imported replies through the proxy', async (format, file) => {
      await page.select('select[name="import-format"]', format);
      await page.select('select[name="import-judge"]', 'offline');
      const input = await page.$('input[name="import-file"]');
      await input!.uploadFile(resolve('test/fixtures/exports', file));
      await page.click('#import-go');
      // The import panel clears its runs list and its done mark on each import (the click removes
      // the mark before its first await), and marks it again once the import's runs have ended.
      await until(`the ${format} import and its scoring run to finish`, async () => (await page.$('#import-panel[data-import-done]')) !== null, 60_000);
      expect(await page.$eval('#import-status', (e) => e.textContent)).toMatch(/imported [1-9]\d* conversation/i); // "Done: imported 3 conversations …" once the run ends
      const imported = (await archive()).messages.filter((m) => m.captureMethod === 'import' && m.site === format);
      expect(imported.length).toBeGreaterThan(0);
      const scored = new Set((await archive()).scores.map((s) => s.messageKey));
      expect(imported.filter((m) => m.role === 'assistant').every((m) => m.status === 'scored' && scored.has(m.key))).toBe(true);
      expect(errors).toEqual([]);
    });

    it('exports the archive as a research zip that lands in the downloads folder and validates', async () => {
      const conversations = (await archive()).conversations.length;
      await page.click('#export-go');
      const name = await until(
        'the export zip in the downloads folder',
        async () => readdirSync(ff.downloads).find((f) => f.endsWith('.zip') && !readdirSync(ff.downloads).includes(`${f}.part`)),
        60_000,
      );
      const files = unzipStored(
        await until('the whole zip', async () => {
          const buffer = readFileSync(join(ff.downloads, name));
          return buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0 ? buffer : undefined;
        }),
      );
      expect([...files.keys()].sort()).toEqual(['conversations.csv', 'conversations.jsonl', 'manifest.json', 'schema.json']);
      const lines = files.get('conversations.jsonl')!.toString('utf8').trim().split('\n');
      expect(lines).toHaveLength(conversations);
      const records = lines.map((l) => ExportRecord.parse(JSON.parse(l)));
      expect(new Set(records.map((r) => r.conversation.site))).toEqual(new Set(['demo', 'chatgpt', 'claude']));
      for (const r of records) expect(r.redaction).toMatchObject({ redacted: true, ids: 'pseudonymous' });
      expect(await page.$eval('#export-status', (e) => e.textContent)).toContain(`Exported ${conversations} conversations, redacted`);
      expect(errors).toEqual([]);
    });
  });
});
