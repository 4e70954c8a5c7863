// The built Firefox extension in real Firefox (Debian firefox-esr), driven over WebDriver BiDi with
// puppeteer-core: `webExtension.install` loads .output/firefox-mv3 as a temporary add-on, the way
// about:debugging does. No geckodriver (its npm package downloads a binary, which fails here).
//
// What Firefox needs that Chromium does not:
// - moz-extension:// pages are reachable by WebDriver navigation only with -remote-allow-system-access,
//   and the navigation switches process, so puppeteer never sees it "finish": `openExtensionPage`
//   starts it and waits for the document instead.
// - An extension's internal UUID is random per profile: a pref pins it, so page URLs are known.
// - The background is an event page, not a service worker: code that needs it runs in an extension
//   page through `runtime.getBackgroundPage()`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { until, type Archive } from './harness.ts';

export { until };

export const FIREFOX = process.env.UNSPUN_FIREFOX ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv3');
export const GECKO_ID = 'unspun@unspun.dev';
/** Pinned through the `extensions.webextensions.uuids` pref (tests only). */
export const EXTENSION_UUID = '5b0e4a6c-1f2d-4c3b-9a8e-7d6f5e4c3b2a';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

/** Fails clearly without Firefox (never a silent skip); builds the Firefox extension when `npm test` has not. */
export function ensureFirefoxBuilt(): void {
  if (!existsSync(FIREFOX)) {
    throw new Error(`Firefox not found at ${FIREFOX}: apt-get install -y firefox-esr (.ci/run does), or set UNSPUN_FIREFOX`);
  }
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    const built = spawnSync('npx', ['wxt', 'build', '-b', 'firefox'], { stdio: 'inherit' });
    if (built.status !== 0 || !existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
      throw new Error(`No Firefox build at ${FIREFOX_EXTENSION_DIR} and \`npx wxt build -b firefox\` failed: build it first.`);
    }
  }
}

export interface FirefoxExtension {
  browser: Browser;
  /** The gecko id webExtension.install answered with. */
  addonId: string;
  /** Where Firefox saves downloads (no dialog). */
  downloads: string;
  /** An extension page kept open to read the archive and storage. */
  control: Page;
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchFirefoxExtension(): Promise<FirefoxExtension> {
  ensureFirefoxBuilt();
  const downloads = mkdtempSync(join(tmpdir(), 'unspun-ff-downloads-'));
  let browser: Browser;
  try {
    browser = await launch(downloads);
  } catch (error) {
    rmSync(downloads, { recursive: true, force: true });
    throw error;
  }
  let addonId: string;
  try {
    addonId = await browser.installExtension(FIREFOX_EXTENSION_DIR);
  } catch (error) {
    await browser.close();
    rmSync(downloads, { recursive: true, force: true });
    throw error;
  }
  const openExtensionPage = async (path: string): Promise<Page> => {
    const page = await browser.newPage();
    const url = `${EXTENSION_ORIGIN}/${path.replace(/^\//, '')}`;
    // The navigation commits in the extension process; puppeteer's own wait never ends (see top).
    page.goto(url).catch(() => undefined);
    await until(`${path} to load`, async () => {
      try {
        return await page.evaluate((u) => location.href === u && document.readyState === 'complete', url);
      } catch {
        return false;
      }
    });
    return page;
  };
  const control = await openExtensionPage('popup.html');
  return {
    browser,
    addonId,
    downloads,
    control,
    openExtensionPage,
    async close() {
      await browser.close();
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

function launch(downloads: string): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    args: ['-remote-allow-system-access'],
    // UNSPUN_FIREFOX_DEBUG=1: Firefox's own output and every console message (pages, extension) on stderr.
    dumpio: process.env.UNSPUN_FIREFOX_DEBUG === '1',
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      // permissions.request() answers at once instead of showing a doorhanger headless Firefox
      // cannot click; the request still needs a real click (user input) in an extension page.
      'extensions.webextOptionalPermissionPrompts': false,
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      'browser.download.alwaysOpenPanel': false,
      // Nothing on this closed network answers: no captive portal or connectivity probes.
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      ...(process.env.UNSPUN_FIREFOX_DEBUG === '1' ? { 'devtools.console.stdout.chrome': true, 'devtools.console.stdout.content': true } : {}),
    },
  });
}

/** Reads the extension's Dexie archive through the background page (real IndexedDB in Firefox). */
export function readArchiveFirefox(control: Page): Promise<Archive> {
  return control.evaluate(async () => {
    type Table = { toArray(): Promise<unknown[]> };
    const bg = (await (globalThis as any).browser.runtime.getBackgroundPage()) as { unspun: { db: Record<'conversations' | 'messages' | 'scores', Table> } };
    const { db } = bg.unspun;
    // JSON round trip: plain data out of the background's compartment.
    return JSON.parse(
      JSON.stringify({ conversations: await db.conversations.toArray(), messages: await db.messages.toArray(), scores: await db.scores.toArray() }),
    );
  });
}

export function storageGetFirefox(control: Page, keys: string[]): Promise<Record<string, any>> {
  return control.evaluate(async (k) => JSON.parse(JSON.stringify(await (globalThis as any).browser.storage.local.get(k))), keys);
}

export function storageSetFirefox(control: Page, values: Record<string, unknown>): Promise<void> {
  return control.evaluate((v) => (globalThis as any).browser.storage.local.set(v), values);
}

/**
 * Serves HTML at real https URLs for this page (WebDriver BiDi network interception), and refuses
 * every other https request: nothing reaches the real sites.
 */
export async function serveAt(page: Page, routes: Record<string, string>): Promise<void> {
  await page.setRequestInterception(true);
  page.on('request', (request: HTTPRequest) => {
    const href = request.url().split('?')[0]!;
    const body = routes[href];
    if (body !== undefined) void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body });
    else if (href.startsWith('https://')) void request.abort();
    else void request.continue();
  });
}

/** Number of ranges in Unspun's highlights (CSS Custom Highlight API, read in the page). */
export function highlightCountFirefox(page: Page): Promise<number> {
  return page.evaluate(() => {
    let n = 0;
    for (const [name, highlight] of CSS.highlights) if (name.startsWith('unspun-')) n += highlight.size;
    return n;
  });
}
