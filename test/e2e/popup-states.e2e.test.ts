// The popup as a newcomer meets it, in real Chromium: not paired yet, paired, proxy down and token
// rejected each say their own words and one action (never a raw "Failed to fetch"); unseen chat sites
// fold into one line; the options page keeps the moves switch apart from the connection form.
// A reply's waiting badge on the demo chat says the same states in its card (not paired yet, token
// rejected; the proxy-down card is in demo.e2e.test.ts). Screenshots of each state land in test-results/.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { closedRoot, launchExtension, pair, RESULTS, storageGet, storageSet, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let proxy: TestProxy;

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  ext = await launchExtension();
});
afterAll(async () => {
  await ext?.close();
  await proxy?.close();
});

async function openPopup(connection: string): Promise<Page> {
  const popup = await ext.context.newPage();
  await popup.setViewportSize({ width: 300, height: 480 });
  await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
  await popup.waitForFunction((want) => document.getElementById('status')?.dataset.connection === want, connection, { timeout: 15_000 });
  return popup;
}

const text = async (popup: Page, id: string) => (await popup.locator(`#${id}`).textContent()) ?? '';

/**
 * Opens the demo chat and waits for its first reply's waiting badge to say why it waits (`reason`),
 * unclicked; then clicks it: the card says the same reason and offers one action.
 */
async function waitingCard(conversation: string, reason: string): Promise<{ page: Page; card: ReturnType<typeof closedRoot> }> {
  const page = await ext.context.newPage();
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.goto(`${proxy.url}/demo?c=${conversation}&ms=5`);
  await page.waitForFunction(() => document.documentElement.dataset.demoDone === 'true', null, { timeout: 15_000 });
  const badge = page.locator(`unspun-badge[data-message-id="${conversation}-a1"]`);
  await page.locator(`unspun-badge[data-message-id="${conversation}-a1"][data-state="pending"]`).waitFor({ timeout: 15_000 });
  // The badge says why before anyone clicks it.
  await expect.poll(() => badge.getAttribute('data-reason'), { timeout: 10_000 }).toBe(reason);
  await badge.locator('button').click();
  await expect.poll(() => page.locator('unspun-card').getAttribute('data-kind')).toBe('waiting');
  const card = closedRoot(page, 'unspun-card');
  expect(await card.locator('.card').getAttribute('data-reason')).toBe(reason);
  await expect.poll(() => badge.getAttribute('data-reason')).toBe(reason);
  return { page, card };
}

describe('popup states', () => {
  it('before pairing: "Not paired yet" with the one action, and the sites folded into one line', async () => {
    const popup = await openPopup('not-paired');
    expect(await text(popup, 'status')).toBe('Not paired yet.');
    expect(await text(popup, 'detail')).toMatch(/Run npm start .* open the pairing link/);
    expect(await popup.locator('main').textContent()).not.toMatch(/Failed to fetch|not reachable/);
    const summary = popup.locator('#site-health details summary');
    expect(await summary.textContent()).toMatch(/^\d+ sites supported, none visited yet$/);
    expect(await popup.locator('#site-health li[data-kind="unseen"]').first().isVisible()).toBe(false);
    await popup.screenshot({ path: join(RESULTS, 'popup-not-paired.png') });
    await summary.click();
    expect(await popup.locator('#site-health li[data-kind="unseen"]').first().isVisible()).toBe(true);
    await popup.close();
  });

  it('before pairing, a reply’s waiting badge says "not paired yet" (as the popup does) and its card opens the proxy’s front door', async () => {
    // No token, and nothing answers at the default address: still "not paired yet", not "proxy not running".
    const first = await waitingCard('np-1', 'not-paired');
    expect(await first.card.locator('.name').textContent()).toBe('Unspun is not paired with its proxy yet');
    expect(await first.card.locator('.body').textContent()).toMatch(/npm start.*pairing link .* saved/);
    expect(await first.page.locator('unspun-badge[data-message-id="np-1-a1"] button').textContent()).toMatch(/not paired yet/);
    await first.page.screenshot({ path: join(RESULTS, 'badge-waiting-not-paired.png') });
    await first.page.close();
    // With the proxy's address known (as after typing it in the options page), the one action opens
    // its front door, which has the pairing steps.
    await storageSet(ext.sw, { proxyUrl: proxy.url });
    const { page, card } = await waitingCard('np-2', 'not-paired');
    expect(await card.locator('.action').count()).toBe(1);
    expect(await card.locator('.action').textContent()).toBe('Open the pairing page');
    const [door] = await Promise.all([ext.context.waitForEvent('page'), card.locator('.action').click()]);
    await door.waitForLoadState();
    expect(door.url()).toBe(`${proxy.url}/`);
    expect(await door.locator('body').textContent()).toMatch(/pairing link/);
    await door.screenshot({ path: join(RESULTS, 'proxy-front-door.png') });
    await door.close();
    await page.close();
  });

  it('paired: says so', async () => {
    expect(await pair(ext.context, proxy.url, proxy.token)).toBe(true);
    const popup = await openPopup('ok');
    expect(await text(popup, 'status')).toMatch(/^Paired with the Unspun proxy .* at http:\/\/127\.0\.0\.1:\d+\.$/);
    await popup.screenshot({ path: join(RESULTS, 'popup-paired.png') });
    await popup.close();
  });

  it('token rejected: says to open the pairing link again', async () => {
    await storageSet(ext.sw, { token: 'not-the-token-0123456789abcdef' });
    const popup = await openPopup('token-rejected');
    expect(await text(popup, 'status')).toMatch(/rejected this extension’s token/);
    expect(await text(popup, 'detail')).toMatch(/^Open the pairing link again/);
    await popup.screenshot({ path: join(RESULTS, 'popup-token-rejected.png') });
    await popup.close();
  });

  it('token rejected: a reply’s waiting badge says pairing is needed again, and its card says how', async () => {
    const { page, card } = await waitingCard('tr-1', 'token-rejected');
    expect(await card.locator('.name').textContent()).toBe('The proxy no longer accepts this browser');
    expect(await card.locator('.body').textContent()).toMatch(/pair again/);
    expect(await card.locator('.action').textContent()).toBe('Open the pairing page');
    expect(await page.locator('unspun-badge[data-message-id="tr-1-a1"] button').textContent()).toMatch(/pairing needed again/);
    await page.screenshot({ path: join(RESULTS, 'badge-waiting-token-rejected.png') });
    await page.close();
  });

  it('proxy down: says it isn’t running and to run npm start, with no raw fetch error', async () => {
    await storageSet(ext.sw, { token: proxy.token, proxyUrl: 'http://127.0.0.1:9' });
    const popup = await openPopup('proxy-down');
    expect(await text(popup, 'status')).toMatch(/The Unspun proxy isn’t running/);
    expect(await text(popup, 'detail')).toMatch(/^Start it with npm start/);
    expect(await popup.locator('main').textContent()).not.toMatch(/Failed to fetch/);
    await popup.screenshot({ path: join(RESULTS, 'popup-proxy-down.png') });
    await popup.close();
    await storageSet(ext.sw, { proxyUrl: proxy.url });
  });
});

describe('options page', () => {
  it('the moves switch sits apart from the connection form and saves on its own', async () => {
    const page = await ext.context.newPage();
    await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
    await page.locator('#proxyUrl').waitFor();
    expect(await page.locator('#form #enabled').count()).toBe(0);
    expect(await page.locator('#showing #enabled').count()).toBe(1);
    expect(await page.locator('#form button[type="submit"]').textContent()).toBe('Save connection');
    await page.waitForFunction(() => (document.getElementById('enabled') as HTMLInputElement).checked);
    await page.locator('#enabled').uncheck();
    await page.waitForFunction(() => /Saved: hidden/.test(document.getElementById('enabled-saved')?.textContent ?? ''));
    expect((await storageGet(ext.sw, ['enabled'])).enabled).toBe(false);
    await page.screenshot({ path: join(RESULTS, 'options-sections.png'), fullPage: true });
    await page.locator('#enabled').check();
    await page.close();
  });
});
