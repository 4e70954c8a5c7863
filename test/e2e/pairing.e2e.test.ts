// Pairing in real Chromium against real proxies: a local program that answers 2xx JSON on every
// path cannot take over a working pairing; a real second proxy can, but only after the reader
// says yes on the pairing page (a script on that page cannot say it for them, nor lure a press
// while it hides the question); the popup says
// which proxy is paired; the proxy records the extension's real origin and serves only it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRED_EXTENSION_FILE } from '../../proxy/pairing/paired-extension.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { closedRoot, EXTENSION_DIR, launchExtension, pair, RESULTS, storageGet, storageSet, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let first: TestProxy;
let second: TestProxy;
let impostor: Server;
let impostorUrl: string;
const impostorRequests: { path: string; authorization?: string }[] = [];

/** Some local program that answers 200 JSON, claiming to be Unspun, on every path and method. */
function startImpostor(): Promise<Server> {
  const server = createServer((req: IncomingMessage, res) => {
    impostorRequests.push({ path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, service: 'unspun', version: '6.6.6', proof: 'A'.repeat(43), moves: [], paired: true }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const settings = () => storageGet(ext.sw, ['proxyUrl', 'token', 'pairedAt']);

async function openPairLink(url: string, token: string): Promise<Page> {
  const page = await ext.context.newPage();
  await page.goto(`${url}/pair#${token}`);
  return page;
}
const pairingState = (page: Page) => page.evaluate(() => document.documentElement.dataset.unspunPairing);

beforeAll(async () => {
  first = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  second = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  impostor = await startImpostor();
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
  ext = await launchExtension();
  expect(await pair(ext.context, first.url, first.token)).toBe(true);
});

afterAll(async () => {
  await ext?.close();
  await first?.close();
  await second?.close();
  await new Promise((r) => impostor?.close(r));
});

describe('pairing', () => {
  it('records the extension’s real origin on the proxy, in a 0600 file; only that origin is served', async () => {
    const file = join(first.configDir, PAIRED_EXTENSION_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ origin: `chrome-extension://${ext.extensionId}` });
    // The extension's own requests (Origin: its chrome-extension://) pass; another extension id does not.
    const status = await ext.sw.evaluate(
      async ({ url, token }) =>
        (
          await fetch(`${url}/v1/score`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ reply: { text: 'Act now!' } }),
          })
        ).status,
      { url: first.url, token: first.token },
    );
    expect(status).toBe(200);
    const other = await first.request('/v1/taxonomy', { headers: { origin: 'chrome-extension://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' } });
    expect(other.status).toBe(403);
    expect((await first.request('/v1/taxonomy')).status).toBe(200); // no Origin: a CLI with the token
  });

  it('a local program that answers 2xx JSON on every path cannot take over the pairing, and never sees the token', async () => {
    const page = await openPairLink(impostorUrl, 'attacker-chosen-token-0123456789');
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, null, { timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.dataset.unspunPaired)).toBe('false');
    expect(await page.evaluate(() => document.body.innerText)).toMatch(/could not prove it holds this link's token/);
    await page.screenshot({ path: join(RESULTS, 'pairing-impostor.png') });
    await page.close();
    expect(await settings()).toMatchObject({ proxyUrl: first.url, token: first.token });
    expect(impostorRequests.map((r) => r.authorization).filter(Boolean)).toEqual([]);
    expect(impostorRequests.some((r) => r.path === '/v1/pair/challenge')).toBe(true);
  });

  it('a real second proxy asks first: a page script cannot answer, "Keep" keeps, a hidden question refuses, "Replace" replaces', async () => {
    const page = await openPairLink(second.url, second.token);
    await page.waitForFunction(() => document.documentElement.dataset.unspunPairing === 'confirm', null, { timeout: 15_000 });
    await page.screenshot({ path: join(RESULTS, 'pairing-confirm.png') });
    expect(await page.locator('#status').textContent()).toMatch(/already paired with another Unspun proxy/);
    expect(await settings()).toMatchObject({ proxyUrl: first.url, token: first.token });

    // The page that served the link: the question is in a closed root, and synthetic events do nothing.
    const pageTries = await page.evaluate(() => {
      const host = document.querySelector('unspun-pair-confirm') as HTMLElement;
      host.click();
      host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      return { shadowRoot: host.shadowRoot === null ? 'hidden' : 'open' };
    });
    expect(pageTries.shadowRoot).toBe('hidden');
    expect(await pairingState(page)).toBe('confirm');

    // The reader: "Keep the current pairing" has focus; Enter keeps it.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.unspunPairing === 'kept', null, { timeout: 10_000 });
    expect(await page.locator('#status').textContent()).toMatch(/Kept the pairing with .*Nothing was changed/);
    expect(await settings()).toMatchObject({ proxyUrl: first.url, token: first.token });
    await page.close();

    // Again. The page makes the question nearly transparent and lures a press on "Replace":
    // the press is real, but the question was not visible, so nothing changes.
    const again = await openPairLink(second.url, second.token);
    await again.waitForFunction(() => document.documentElement.dataset.unspunPairing === 'confirm', null, { timeout: 15_000 });
    const question = closedRoot(again, 'unspun-pair-confirm');
    await expect.poll(() => question.locator('.box').getAttribute('data-visible')).toBe('true');
    await again.evaluate(() => void ((document.querySelector('main') as HTMLElement).style.opacity = '0.05'));
    await expect.poll(() => question.locator('.box').getAttribute('data-visible')).toBe('false');
    await again.keyboard.press('Tab');
    await again.keyboard.press('Enter');
    await expect.poll(() => question.locator('.note').textContent()).toMatch(/Not replaced: this question was hidden or covered/);
    expect(await settings()).toMatchObject({ proxyUrl: first.url, token: first.token });

    // Shown plainly, the reader's Enter on "Replace it with this proxy" replaces the pairing.
    await again.evaluate(() => void ((document.querySelector('main') as HTMLElement).style.opacity = '1'));
    await expect.poll(() => question.locator('.box').getAttribute('data-visible')).toBe('true');
    await again.keyboard.press('Enter');
    await again.waitForFunction(() => document.documentElement.dataset.unspunPaired === 'true', null, { timeout: 15_000 });
    expect(await again.locator('#status').textContent()).toMatch(new RegExp(`Paired: .*${second.url.replace(/[.:/]/g, '\\$&')}`));
    await again.screenshot({ path: join(RESULTS, 'pairing-replaced.png') });
    await again.close();
    expect(await settings()).toMatchObject({ proxyUrl: second.url, token: second.token, pairedAt: expect.any(Number) });
  });

  it('the popup says which proxy is paired: its address and version', async () => {
    const popup = await ext.context.newPage();
    await popup.setViewportSize({ width: 320, height: 420 });
    await popup.goto(`chrome-extension://${ext.extensionId}/popup.html`);
    await popup.waitForFunction(() => document.getElementById('status')?.dataset.state === 'ok', null, { timeout: 15_000 });
    const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
    expect(await popup.locator('#status').textContent()).toBe(`Paired with the Unspun proxy ${version} at ${second.url}.`);
    expect(await popup.locator('#detail').textContent()).toMatch(/Paired on /);
    await popup.screenshot({ path: join(RESULTS, 'pairing-popup.png') });
    await popup.close();
  });

  it('a token pasted in the options page gets the same check: a wrong one is not saved, the right one is', async () => {
    const options = await ext.context.newPage();
    await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
    await options.locator('#proxyUrl').fill(first.url);
    await options.locator('#token').fill('not-the-token-0123456789');
    await options.locator('button[type="submit"]').click();
    await options.waitForFunction(() => document.getElementById('saved')?.dataset.state === 'bad', null, { timeout: 15_000 });
    expect(await options.locator('#saved').textContent()).toMatch(/Not saved\. .*could not prove/);
    expect(await settings()).toMatchObject({ proxyUrl: second.url, token: second.token });
    await options.locator('#token').fill(first.token);
    await options.locator('button[type="submit"]').click();
    await options.waitForFunction(() => document.getElementById('saved')?.dataset.state === 'ok', null, { timeout: 15_000 });
    expect(await settings()).toMatchObject({ proxyUrl: first.url, token: first.token });
    await options.close();
  });

  it('a second extension install with the same token is refused (403, told to re-pair) until it pairs; then the first one is', async () => {
    // The same build from another folder: another extension id, so another Origin.
    const dir = mkdtempSync(join(tmpdir(), 'unspun-e2e-second-install-'));
    cpSync(EXTENSION_DIR, dir, { recursive: true });
    const other = await launchExtension({ extensionDir: dir });
    try {
      expect(other.extensionId).not.toBe(ext.extensionId);
      await storageSet(other.sw, { proxyUrl: first.url, token: first.token });
      const score = (install: LaunchedExtension) =>
        install.sw.evaluate(
          async ({ url, token }) => {
            const res = await fetch(`${url}/v1/score`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ reply: { text: 'Act now!' } }),
            });
            return { status: res.status, body: await res.text() };
          },
          { url: first.url, token: first.token },
        );
      const refused = await score(other);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatch(/paired with another Unspun extension install.*re-pair/);
      expect((await score(ext)).status).toBe(200);

      // Its popup says what is wrong and what to do.
      const popup = await other.context.newPage();
      await popup.goto(`chrome-extension://${other.extensionId}/popup.html`);
      await popup.waitForFunction(() => /paired with another browser or Unspun install/.test(document.getElementById('status')?.textContent ?? ''), null, {
        timeout: 15_000,
      });
      await popup.screenshot({ path: join(RESULTS, 'pairing-popup-other-install.png') });
      await popup.close();

      // Re-pairing through the link moves the proxy to this install.
      expect(await pair(other.context, first.url, first.token)).toBe(true);
      expect((await score(other)).status).toBe(200);
      expect((await score(ext)).status).toBe(403);
      expect(JSON.parse(readFileSync(join(first.configDir, PAIRED_EXTENSION_FILE), 'utf8'))).toMatchObject({
        origin: `chrome-extension://${other.extensionId}`,
      });
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the harness answers the question only when told to', async () => {
    await pair(ext.context, first.url, first.token, { replace: true }); // back to this install, whatever it was
    expect(await pair(ext.context, second.url, second.token)).toBe(false);
    expect(await settings()).toMatchObject({ proxyUrl: first.url });
    expect(await pair(ext.context, second.url, second.token, { replace: true })).toBe(true);
    expect(await settings()).toMatchObject({ proxyUrl: second.url, token: second.token });
  });
});
