// The Firefox build in real Firefox (Debian firefox-esr, headless, WebDriver BiDi through
// puppeteer-core) against the real proxy (offline judge): host access, pairing, the demo page's
// highlights, capture on two chat sites' fixtures served at their real URLs, and the dashboard's
// import and export. One browser for the file: Firefox starts in seconds, not half a second.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { listFixtures, withStreamDriver } from '../helpers/site-fixtures.ts';
import {
  EXTENSION_ORIGIN,
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
const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `firefox-${name}.png`) as `${string}.png` });

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
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

  it('pairs through the pairing link', async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${proxy.url}/pair#${proxy.token}`);
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunPaired)).toBe('true');
    expect(page.url()).not.toContain(proxy.token);
    expect(await storageGetFirefox(ff.control, ['proxyUrl', 'token'])).toEqual({ proxyUrl: proxy.url, token: proxy.token });
    await page.close();
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
});
