// What every end-to-end test needs: the built extension in real Debian Chromium (playwright-core),
// reads of its real IndexedDB archive through the service worker, and an event-free poll helper.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { ConversationRecord, MessageRecord, ScoreRecord } from '../../shared/records.ts';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');
export const CHROMIUM = process.env.UNSPUN_CHROMIUM ?? '/usr/bin/chromium';
export const RESULTS = resolve('test-results');
// Screenshots land here; puppeteer (Firefox) does not create the folder the way Playwright does.
mkdirSync(RESULTS, { recursive: true });

/** Flags this closed network needs (STACK.md): without them Chromium keeps dialling out. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The network flags plus loading an unpacked build. */
export function chromiumArgs(extensionDir = EXTENSION_DIR): string[] {
  return [...CHROMIUM_FLAGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`];
}

export interface LaunchedExtension {
  context: BrowserContext;
  sw: Worker;
  extensionId: string;
  close(): Promise<void>;
}

/** Fails clearly without Chromium; builds the extension when `npm test` has not. */
export function ensureBuilt(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set UNSPUN_CHROMIUM)`);
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    const built = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
    if (built.status !== 0 || !existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
      throw new Error(`No extension build at ${EXTENSION_DIR} and \`npx wxt build\` failed: build it first.`);
    }
  }
}

/**
 * Builds the extension when `npm test` has not, then opens Chromium with it in a fresh profile.
 * `extensionDir` loads another build (e.g. a test copy with an extra host permission).
 */
export async function launchExtension(options: { extensionDir?: string } = {}): Promise<LaunchedExtension> {
  ensureBuilt();
  mkdirSync(RESULTS, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), 'unspun-e2e-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    headless: true,
    executablePath: CHROMIUM,
    viewport: { width: 1100, height: 900 },
    args: chromiumArgs(options.extensionDir),
  });
  const sw = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return {
    context,
    sw,
    extensionId: new URL(sw.url()).host,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface Archive {
  conversations: ConversationRecord[];
  messages: MessageRecord[];
  scores: ScoreRecord[];
}

/** Reads the extension's Dexie archive inside the service worker (real IndexedDB). */
export function readArchive(sw: Worker): Promise<Archive> {
  return sw.evaluate(async () => {
    type Table = { toArray(): Promise<unknown[]> };
    const { db } = (globalThis as unknown as { unspun: { db: Record<'conversations' | 'messages' | 'scores', Table> } }).unspun;
    return {
      conversations: await db.conversations.toArray(),
      messages: await db.messages.toArray(),
      scores: await db.scores.toArray(),
    } as never;
  });
}

/** The extension's storage.local, read and written in the service worker. */
export function storageGet(sw: Worker, keys: string[]): Promise<Record<string, any>> {
  type Local = { get(keys: string[]): Promise<Record<string, unknown>> };
  return sw.evaluate((k) => (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local.get(k), keys);
}

export function storageSet(sw: Worker, values: Record<string, unknown>): Promise<void> {
  type Local = { set(values: object): Promise<void> };
  return sw.evaluate((v) => (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome.storage.local.set(v), values);
}

/** Polls until `probe` returns something truthy; fails with what it was waiting for. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Number of ranges in Unspun's highlights (read in the page's main world). */
export function highlightCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    let n = 0;
    for (const [name, highlight] of CSS.highlights) if (name.startsWith('unspun-')) n += highlight.size;
    return n;
  });
}

/**
 * Opens the pairing link and waits for the extension to report the result on the page. When the
 * browser is already paired with another proxy the page asks first: `replace` answers yes (Tab to
 * "Replace", Enter, as a reader would), otherwise the answer is false and nothing changes.
 */
export async function pair(context: BrowserContext, proxyUrl: string, token: string, options: { replace?: boolean } = {}): Promise<boolean> {
  const page = await context.newPage();
  await page.goto(`${proxyUrl}/pair#${token}`);
  const settled = () => document.documentElement.dataset.unspunPaired !== undefined || document.documentElement.dataset.unspunPairing === 'confirm';
  await page.waitForFunction(settled, null, { timeout: 10_000 });
  if ((await page.evaluate(() => document.documentElement.dataset.unspunPairing)) === 'confirm') {
    if (!options.replace) {
      await page.close();
      return false;
    }
    await until('the question visible', async () => (await closedRoot(page, 'unspun-pair-confirm').locator('.box').getAttribute('data-visible')) === 'true');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.unspunPaired !== undefined, null, { timeout: 10_000 });
  }
  const paired = (await page.evaluate(() => document.documentElement.dataset.unspunPaired)) === 'true';
  await page.close();
  return paired;
}

/** One element inside a closed shadow root, addressed like a small Playwright locator. */
export interface ClosedRootLocator {
  first(): ClosedRootLocator;
  last(): ClosedRootLocator;
  count(): Promise<number>;
  textContent(): Promise<string | null>;
  getAttribute(name: string): Promise<string | null>;
  inputValue(): Promise<string>;
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  isVisible(): Promise<boolean>;
  waitFor(options?: { state?: 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  /** A real (trusted) mouse click at the element's centre, as a reader's click. */
  click(): Promise<void>;
  /** Clicks into the field, selects what is there and types `value` (trusted key events). */
  fill(value: string): Promise<void>;
}

type NodeTree = { nodeName: string; backendNodeId: number; children?: NodeTree[]; shadowRoots?: NodeTree[]; contentDocument?: NodeTree };

function findHost(node: NodeTree, tag: string): NodeTree | undefined {
  if (node.nodeName === tag && node.shadowRoots?.length) return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
    const found = findHost(child, tag);
    if (found) return found;
  }
  return undefined;
}

/**
 * Runs `fn(root, arg)` on the closed shadow root of the first `hostTag` element. Test-only access
 * through the DevTools protocol: page scripts have no such door (element.shadowRoot is null).
 * Resolves undefined when there is no such element.
 */
export async function inClosedRoot<A, T>(page: Page, hostTag: string, fn: ((root: ShadowRoot, arg: A) => T) | string, arg: A): Promise<T | undefined> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as unknown as { root: NodeTree };
    const host = findHost(root, hostTag.toUpperCase());
    if (!host) return undefined;
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: host.shadowRoots![0]!.backendNodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId!,
      functionDeclaration: `function (arg) { return (${fn.toString()})(this, arg); }`,
      arguments: [{ value: arg }],
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(`in the closed root of <${hostTag}>: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Locators into the closed shadow root of `hostTag` (the flag card), for e2e tests. */
export function closedRoot(page: Page, hostTag: string) {
  const make = (selector: string, pick: 'first' | 'last'): ClosedRootLocator => {
    // One function source, compiled by the protocol (no eval in the page, so strict CSPs are fine).
    const run = <T>(fn: (el: Element | null, arg: unknown) => T, arg?: unknown): Promise<T | undefined> =>
      inClosedRoot<unknown, T>(
        page,
        hostTag,
        `(root, a) => {
          const all = root.querySelectorAll(a.selector);
          const el = all.length === 0 ? null : a.pick === 'last' ? all[all.length - 1] : all[0];
          return (${fn.toString()})(el, a.arg);
        }`,
        { selector, pick, arg },
      );
    const box = async () =>
      (await run((el) => {
        if (!el || (el.getRootNode() as ShadowRoot).host.hasAttribute('hidden')) return null;
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
      })) ?? null;
    const self: ClosedRootLocator = {
      first: () => make(selector, 'first'),
      last: () => make(selector, 'last'),
      count: async () => (await inClosedRoot(page, hostTag, (root: ShadowRoot, s: string) => root.querySelectorAll(s).length, selector)) ?? 0,
      textContent: async () => (await run((el) => el?.textContent ?? null)) ?? null,
      getAttribute: async (name) => (await run((el, n) => el?.getAttribute(n as string) ?? null, name)) ?? null,
      inputValue: async () => (await run((el) => (el as HTMLTextAreaElement | null)?.value ?? '')) ?? '',
      boundingBox: box,
      isVisible: async () => (await box()) !== null,
      async waitFor({ state = 'visible', timeout = 5_000 } = {}) {
        await until(`${selector} in <${hostTag}> ${state}`, async () => ((await box()) !== null) === (state === 'visible'), timeout);
      },
      async click() {
        const b = await until(`${selector} in <${hostTag}> to click`, box, 5_000);
        await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
      },
      async fill(value) {
        await self.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        await page.keyboard.insertText(value);
      },
    };
    return self;
  };
  return { locator: (selector: string) => make(selector, 'first') };
}

/** The archived messages of one conversation, read through the service worker. */
export function conversationMessages(sw: Worker, site: string, conversationId: string): Promise<MessageRecord[]> {
  return sw.evaluate(
    async ([s, c]) => {
      const { db } = (globalThis as unknown as { unspun: { db: { messages: { toArray(): Promise<MessageRecord[]> } } } }).unspun;
      return (await db.messages.toArray()).filter((m) => m.site === s && m.conversationId === c);
    },
    [site, conversationId] as const,
  );
}

/** One stored score by its message key, read through the service worker. */
export function storedScore(sw: Worker, key: string): Promise<ScoreRecord | undefined> {
  return sw.evaluate(async (k) => {
    const { db } = (globalThis as unknown as { unspun: { db: { scores: { get(k: string): Promise<ScoreRecord | undefined> } } } }).unspun;
    return db.scores.get(k);
  }, key);
}
