// "Ask for it" and the claim ledger (issue 13) in real Chromium with the built extension, on the chat
// sites' fixtures served at their real URLs, scored by the real proxy (offline judge):
//  - the card's "Ask for it" puts the flag's question into the site's message box WITHOUT sending it,
//    for a ProseMirror editor (ChatGPT), a Quill-style contenteditable (Gemini) and a React textarea
//    (Copilot); the fixture driver (composer-driver.js) behaves like each editor, so the test sees the
//    site's own state, and only the reader's Enter sends;
//  - with no message box on the page, the question goes to the clipboard and the card says so;
//  - the side panel shows each reply's claim ledger as text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import { ledgerSummary } from '../../shared/detect/claims.ts';
import { conversationOf, listFixtures, routeFixture, type Fixture } from '../helpers/site-fixtures.ts';
import {
  closedRoot,
  conversationMessages,
  inClosedRoot,
  launchExtension,
  RESULTS,
  storageSet,
  storedScore,
  until as untilWithin,
  type LaunchedExtension,
} from './harness.ts';

const DRIVER = readFileSync(resolve('test/fixtures/sites/composer-driver.js'), 'utf8');

let configDir: string;
let browser: LaunchedExtension;
let server: RunningServer;
let context: BrowserContext;
let sw: Worker;

const until = <T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000) => untilWithin(what, probe, timeoutMs);

interface ComposerState {
  kind: string | null;
  value: string;
  sends: string[];
  focused: boolean;
}
const composerState = (page: Page) => page.evaluate(() => (window as unknown as { fixtureComposer(): ComposerState }).fixtureComposer());

function fixture(site: string, file: string): Fixture {
  const f = listFixtures(site).find((x) => x.file === file);
  if (!f?.url) throw new Error(`no fixture ${site}/${file} with a URL`);
  return f;
}

/** Opens a fixture with the composer driver, waits for the reply to be scored. */
async function open(f: Fixture): Promise<Page> {
  const page = await context.newPage();
  await routeFixture(
    page,
    f,
    f.html.replace(/<\/body>/i, () => `<script>\n${DRIVER}</script>\n</body>`),
  );
  await page.goto(`${f.url!}?ms=5`);
  await page.locator('unspun-badge[data-state="scored"]').first().waitFor({ timeout: 30_000 });
  return page;
}

/** Opens the card of the reply's first weak or unsupported flag (from the badge's summary). */
async function openAskableFlag(page: Page): Promise<ReturnType<typeof closedRoot>> {
  await page.locator('unspun-badge[data-state="scored"] button').first().click();
  const card = page.locator('unspun-card');
  await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
  const index = await inClosedRoot(
    page,
    'unspun-card',
    (root: ShadowRoot) => {
      const items = [...root.querySelectorAll('li')];
      return items.findIndex((li) => /Not backed up|Weakly backed up/.test(li.textContent ?? ''));
    },
    null,
  );
  expect(index, 'a weak or unsupported flag in the summary').toBeGreaterThanOrEqual(0);
  const inCard = closedRoot(page, 'unspun-card');
  await inCard.locator(`li:nth-child(${index! + 1}) button`).click();
  await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
  return inCard;
}

const questionOf = async (inCard: ReturnType<typeof closedRoot>) => (await inCard.locator('.askback .question').textContent()) ?? '';

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'unspun-askback-config-'));
  const config = loadConfig({ UNSPUN_PORT: '0', UNSPUN_HOST: '127.0.0.1', UNSPUN_CONFIG_DIR: configDir, UNSPUN_JUDGE: 'offline' }, []);
  server = await startServer({ config, logger: silentLogger });
  browser = await launchExtension();
  ({ context, sw } = browser);
  await context.route(/^https:\/\//, (route) => route.abort());
  await storageSet(sw, { proxyUrl: server.url, token: server.token });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('Ask for it', () => {
  it.each([
    { site: 'chatgpt', kind: 'prosemirror' },
    { site: 'gemini', kind: 'contenteditable' },
    { site: 'copilot', kind: 'react-textarea' },
  ])("$site ($kind): the question lands in the message box, in the site's own state, and is not sent", async ({ site, kind }) => {
    const page = await open(fixture(site, 'streaming.html'));
    const before = await composerState(page);
    expect(before).toMatchObject({ kind, value: '', sends: [] });
    const inCard = await openAskableFlag(page);
    const question = await questionOf(inCard);
    expect(question).toMatch(/".{3,}".+\?$/);

    await inCard.locator('button.ask').click();
    await expect.poll(() => inCard.locator('.askback').getAttribute('data-asked'), { timeout: 10_000 }).toBe('composer');
    expect(await inCard.locator('.ask-status').textContent()).toBe('In the chat box, not sent: read it, then press Enter to send it.');
    const after = await composerState(page);
    expect(after.value.trim()).toBe(question);
    expect(after.sends, 'nothing sent').toEqual([]);
    expect(after.focused, "the message box has the focus, for the reader's Enter").toBe(true);
    await page.screenshot({ path: join(RESULTS, `askback-${site}-composer.png`) });

    // The reader presses Enter: the site sends exactly the question.
    await page.keyboard.press('Enter');
    expect((await composerState(page)).sends.map((s) => s.trim())).toEqual([question]);
    await page.close();
  });

  it('with no message box on the page, the question is copied to the clipboard and the card says so', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://chatgpt.com' });
    const page = await open(fixture('chatgpt', 'streaming.html'));
    await page.evaluate(() => document.querySelectorAll('#prompt-textarea, textarea').forEach((el) => el.remove()));
    const inCard = await openAskableFlag(page);
    const question = await questionOf(inCard);
    await inCard.locator('button.ask').click();
    await expect.poll(() => inCard.locator('.askback').getAttribute('data-asked'), { timeout: 10_000 }).toBe('clipboard');
    expect(await inCard.locator('.ask-status').textContent()).toBe(
      'No chat box found on this page: the question is copied to your clipboard. Paste it into the chat.',
    );
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(question);
    await page.screenshot({ path: join(RESULTS, 'askback-clipboard.png') });
    await page.close();
  });

  it('a message box that does not take the text: copied to the clipboard instead, the card says so, the box is left as it was', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: 'https://chatgpt.com' });
    const page = await open(fixture('chatgpt', 'streaming.html'));
    // The site's editor in a state that refuses input (read-only while it reconnects, say): it
    // cancels beforeinput and puts back whatever reaches its DOM. Every way "Ask for it" has of
    // typing is tried and seen to fail; nothing is left in the box.
    await page.evaluate(() => {
      const old = document.getElementById('prompt-textarea')!;
      const box = old.cloneNode(false) as HTMLElement;
      box.removeAttribute('data-fixture-composer');
      box.style.minHeight = '24px';
      old.replaceWith(box);
      box.addEventListener('beforeinput', (event) => event.preventDefault());
      new MutationObserver(() => {
        if (box.childNodes.length > 0) box.replaceChildren();
      }).observe(box, { childList: true, characterData: true, subtree: true });
    });
    const inCard = await openAskableFlag(page);
    const question = await questionOf(inCard);
    await inCard.locator('button.ask').click();
    await expect.poll(() => inCard.locator('.askback').getAttribute('data-asked'), { timeout: 10_000 }).toBe('clipboard');
    expect(await inCard.locator('.ask-status').textContent()).toBe(
      'The chat box did not take it: the question is copied to your clipboard. Paste it into the chat.',
    );
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(question);
    expect(await page.evaluate(() => document.getElementById('prompt-textarea')!.textContent)).toBe('');
    await page.close();
  });
});

describe('the claim ledger', () => {
  it("the side panel shows each reply's claims as text, as stored with its score", async () => {
    const f = fixture('chatgpt', 'streaming.html');
    // The page's tab: the one that appears when it opens (tab URLs of chat sites are not ours to read).
    const tabIds = () =>
      sw.evaluate(async () => {
        const { chrome } = globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> } } };
        return (await chrome.tabs.query({})).map((t) => t.id);
      });
    const before = new Set(await tabIds());
    const page = await open(f);
    const tabId = (await tabIds()).find((id) => !before.has(id));
    expect(tabId).toBeDefined();
    const [message] = await until('the reply stored', async () => {
      const m = await conversationMessages(sw, 'chatgpt', conversationOf(f));
      return m.length === 1 ? m : undefined;
    });
    const score = await until('the score', () => storedScore(sw, message!.key));
    expect(score.claims?.length).toBeGreaterThan(0);
    for (const c of score.claims!) expect(message!.text.slice(c.start, c.end)).toBe(c.quote);

    const panel = await context.newPage();
    await panel.setViewportSize({ width: 420, height: 900 });
    await panel.goto(`chrome-extension://${browser.extensionId}/sidepanel.html?tab=${tabId}`);
    const ledger = panel.locator('section.reply details.ledger');
    await ledger.waitFor({ timeout: 10_000 });
    expect(await ledger.locator('summary').textContent()).toBe(ledgerSummary(score.claims!));
    await ledger.locator('summary').click();
    expect(await ledger.locator('li').count()).toBe(score.claims!.length);
    expect(await ledger.locator('li').first().textContent()).toContain(score.claims![0]!.quote);
    await panel.screenshot({ path: join(RESULTS, 'askback-panel-ledger.png'), fullPage: true });
    await panel.close();
    await page.close();
  });
});
