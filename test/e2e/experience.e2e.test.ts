// The reader's experience in real Chromium with the built extension, the real proxy (offline
// judge) and its demo page: family colours, the keyboard-reachable card with agree / disagree
// stored in the archive, the conversation panel, reading settings applied live, and
// "Check with Unspun" on an arbitrary page.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreRecord } from '../../shared/records.ts';
import type { LabelRecord } from '../../extension/db/labels.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import {
  closedRoot,
  EXTENSION_DIR as BUILD_DIR,
  ensureBuilt,
  inClosedRoot,
  launchExtension,
  RESULTS,
  storageSet,
  until,
  type LaunchedExtension,
} from './harness.ts';

const ARTICLE_URL = 'https://example.org/article';

let proxy: TestProxy;
let extensionDir: string;
let browser: LaunchedExtension;
let context: BrowserContext;
let sw: Worker;
let extensionId: string;

type UnspunGlobal = { unspun: { db: { labels: { toArray(): Promise<unknown[]> }; scores: { toArray(): Promise<unknown[]> } } } };

const labels = () => sw.evaluate(async () => (globalThis as unknown as UnspunGlobal).unspun.db.labels.toArray()) as Promise<LabelRecord[]>;
const scores = () => sw.evaluate(async () => (globalThis as unknown as UnspunGlobal).unspun.db.scores.toArray()) as Promise<ScoreRecord[]>;

const setLocal = (items: Record<string, unknown>) => storageSet(sw, items);

/** Sizes of Unspun's flag highlights by name (read in the page's main world). */
const highlightSizes = (page: Page) =>
  page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const [name, highlight] of CSS.highlights) if (name.startsWith('unspun-sev-') && highlight.size > 0) out[name] = highlight.size;
    return out;
  });
const total = (sizes: Record<string, number>) => Object.values(sizes).reduce((a, b) => a + b, 0);

/** The id of the tab showing a URL (the extension sees URLs of hosts it has access to). */
const tabIdOf = (urlPart: string) =>
  until(`a tab at ${urlPart}`, () =>
    sw.evaluate(async (part) => {
      const { chrome } = globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id: number; url?: string }>> } } };
      return (await chrome.tabs.query({})).find((t) => t.url?.includes(part))?.id;
    }, urlPart),
  );

/** Which element has focus, looking through shadow roots (the card's closed one too): tag, class and text. */
const focused = async (page: Page) => {
  const outer = await page.evaluate(() => {
    let el = document.activeElement;
    const path: string[] = [];
    while (el) {
      path.push(el.tagName.toLowerCase());
      if (!el.shadowRoot?.activeElement) break;
      el = el.shadowRoot.activeElement;
    }
    return { path: path.join('>'), className: (el as HTMLElement | null)?.className ?? '', text: el?.textContent?.trim().slice(0, 40) ?? '' };
  });
  if (outer.path !== 'unspun-card') return outer;
  const inner = await inClosedRoot(
    page,
    'unspun-card',
    (root: ShadowRoot) => {
      const el = root.activeElement as HTMLElement | null;
      return el ? { tag: el.tagName.toLowerCase(), className: el.className, text: el.textContent?.trim().slice(0, 40) ?? '' } : null;
    },
    null,
  );
  return inner ? { path: `unspun-card>${inner.tag}`, className: inner.className, text: inner.text } : outer;
};

beforeAll(async () => {
  ensureBuilt();
  // A headless browser cannot click a context menu, so the activeTab grant such a click gives is
  // stood in for by a host permission for the one test page, in a copy of the build. Everything
  // else (match patterns, other permissions, code) is the build as shipped.
  extensionDir = mkdtempSync(join(tmpdir(), 'unspun-e2e-ext-'));
  cpSync(BUILD_DIR, extensionDir, { recursive: true });
  const manifestPath = join(extensionDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { host_permissions: string[]; permissions: string[] };
  expect(manifest.permissions).toEqual(expect.arrayContaining(['contextMenus', 'activeTab', 'scripting', 'sidePanel']));
  manifest.host_permissions.push('https://example.org/*');
  writeFileSync(manifestPath, JSON.stringify(manifest));

  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  browser = await launchExtension({ extensionDir });
  ({ context, sw, extensionId } = browser);
  await setLocal({ proxyUrl: proxy.url, token: proxy.token });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  if (extensionDir) rmSync(extensionDir, { recursive: true, force: true });
});

describe('the reader’s experience in Chromium', () => {
  let page: Page;
  const conv = 'exp-1';
  const a1 = `${conv}-a1`;

  it('draws each flag in its move family’s colour, with counts by family on the badge', async () => {
    page = await context.newPage();
    await page.goto(`${proxy.url}/demo?c=${conv}&ms=5`);
    const badge = page.locator(`unspun-badge[data-message-id="${a1}"][data-state="scored"]`);
    await badge.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.documentElement.dataset.demoDone === 'true', null, { timeout: 20_000 });
    const score = await until('the demo reply scored', async () => (await scores()).find((s) => s.messageKey === `demo:${conv}:${a1}`));
    const sizes = await until('highlights drawn', async () => {
      const s = await highlightSizes(page);
      return total(s) >= score.flags.length ? s : undefined;
    });
    // Names are unspun-sev-<severity>-<family>: several families on the demo reply.
    const families = new Set(Object.keys(sizes).map((n) => n.split('-').slice(3).join('-')));
    expect(families.size).toBeGreaterThanOrEqual(3);
    expect([...families].every((f) => ['emotion', 'rapport', 'authority', 'logic', 'evidence', 'deflection', 'interest'].includes(f))).toBe(true);
    // Each family has its own colour in the document's ::highlight rules.
    const colours = await page.evaluate(() => {
      const out: Record<string, string> = {};
      for (const sheet of document.adoptedStyleSheets) {
        for (const rule of Array.from(sheet.cssRules)) {
          const m = /::highlight\(unspun-sev-2-([a-z]+)\)/.exec(rule.cssText);
          if (m) out[m[1]!] = (rule as CSSStyleRule).style.backgroundColor;
        }
      }
      return out;
    });
    expect(Object.keys(colours)).toHaveLength(7);
    expect(new Set(Object.values(colours)).size).toBe(7);
    // Badge: score, move count, and a dot per family.
    expect(Number(await badge.getAttribute('data-shown'))).toBe(score.flags.length);
    expect(await badge.locator('.fam').count()).toBe(families.size);
    expect(await badge.locator('button').getAttribute('aria-label')).toMatch(/score \d+ of 100, \d+ persuasive moves \(/);
    await page.screenshot({ path: join(RESULTS, 'experience-flagged-reply.png') });
  });

  it('reaches the card by keyboard, stores agree / disagree with a note, and gives focus back on Escape', async () => {
    const badgeButton = page.locator(`unspun-badge[data-message-id="${a1}"] button`);
    await badgeButton.focus();
    await page.keyboard.press('Enter');
    const card = page.locator('unspun-card');
    const inCard = closedRoot(page, 'unspun-card');
    await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
    expect((await focused(page)).path).toBe('unspun-card>button'); // first flag of the summary
    await page.keyboard.press('Enter');
    await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
    expect(await card.getAttribute('data-message-id')).toBe(a1);
    const move = await inCard.locator('.card').getAttribute('data-move');
    expect(move).toBeTruthy();
    // The compact card: move name, the why in one line, support status, what would back it up;
    // the definition and who found it behind "More", and no rule id anywhere.
    expect(await inCard.locator('.name').textContent()).toBeTruthy();
    expect(await inCard.locator('.why').textContent()).toMatch(/.{10,}/);
    expect(await inCard.locator('.would').textContent()).toMatch(/What would back it up: .{5,}/);
    expect(await inCard.locator('.support').textContent()).toMatch(/backed up|Asked for/);
    expect(await inCard.locator('details.more').getAttribute('open')).toBeNull();
    expect(await inCard.locator('.foot').textContent()).toMatch(/offline detector/);
    expect(await inCard.locator('.card').textContent()).not.toMatch(/\brule\b/);
    // Focus is on the card's heading: a stray Enter records nothing.
    expect(await focused(page)).toMatchObject({ className: 'name' });
    await page.keyboard.press('Enter');
    expect(await inCard.locator('.verdict').getAttribute('data-verdict')).toBeFalsy();
    // Tab: Close, More, then Agree; Enter there agrees.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ className: 'close' });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ className: 'agree' });
    await page.keyboard.press('Enter');
    await expect.poll(() => inCard.locator('.status').textContent()).toBe('Saved: you agree.');
    const first = await until('the label stored', async () => (await labels()).find((l) => l.messageId === a1));
    expect(first).toMatchObject({ site: 'demo', conversationId: conv, verdict: 'agree', flag: { move } });
    // Tab to Disagree, then the note; Shift+Tab back to Disagree and press it: one label, replaced.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ className: 'disagree' });
    await page.keyboard.press('Tab');
    expect((await focused(page)).path).toBe('unspun-card>textarea');
    await page.keyboard.type('Reads as <b>urgency</b> to me? No.');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => inCard.locator('.status').textContent()).toBe('Saved: you disagree.');
    const replaced = await until('the label replaced', async () => {
      const all = (await labels()).filter((l) => l.messageId === a1);
      return all.length === 1 && all[0]!.verdict === 'disagree' ? all[0] : undefined;
    });
    expect(replaced.note).toBe('Reads as <b>urgency</b> to me? No.');
    expect(replaced.createdAt).toBe(first.createdAt);
    // Tab stays inside the card: from the note (past "Ask for it" on a flag that is not backed up)
    // it wraps to the first control (Close).
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    if ((await inCard.locator('button.ask').count()) > 0) await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ className: 'close' });
    await page.screenshot({ path: join(RESULTS, 'experience-card.png') });
    await page.keyboard.press('Escape');
    await inCard.locator('.card').waitFor({ state: 'hidden', timeout: 5_000 });
    expect((await focused(page)).path).toBe('unspun-badge>button');
    // Opening the same flag again shows the stored verdict and note.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await expect.poll(() => inCard.locator('.verdict').getAttribute('data-verdict')).toBe('disagree');
    expect(await inCard.locator('textarea').inputValue()).toBe('Reads as <b>urgency</b> to me? No.');
    // A note changed after the verdict is saved on leaving the field.
    await inCard.locator('textarea').fill('Changed my mind about the wording.');
    await page.keyboard.press('Tab');
    await until('the edited note stored', async () => (await labels()).find((l) => l.messageId === a1 && l.note === 'Changed my mind about the wording.'));
    expect((await labels()).filter((l) => l.messageId === a1)).toHaveLength(1);
    await page.keyboard.press('Escape');
  });

  it('shows a picker for overlapping flags, compact cards beside the text that cover no other highlight, and the score in words', async () => {
    /** The page box of a piece of the reply's text. */
    const textBox = (needle: string, from = 0, to = 2) =>
      page.evaluate(
        ([n, a, b]) => {
          const body = document.querySelector('[data-message-id="exp-1-a1"] [data-message-body]')!;
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          for (let t = walker.nextNode(); t; t = walker.nextNode()) {
            const at = t.nodeValue!.indexOf(n as string);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(t, at + (a as number));
            range.setEnd(t, at + (b as number));
            const r = range.getBoundingClientRect();
            return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
          }
          return null;
        },
        [needle, from, to] as const,
      );
    /** Every highlight rectangle of the reply except those over `except`. */
    const otherHighlightBoxes = (except: string) =>
      page.evaluate((ex) => {
        const out: Array<{ x: number; y: number; width: number; height: number; text: string }> = [];
        for (const [name, highlight] of CSS.highlights) {
          if (!name.startsWith('unspun-sev-')) continue;
          for (const range of highlight as unknown as Set<Range>) {
            const text = range.toString();
            if (text.includes(ex) || ex.includes(text)) continue;
            for (const r of Array.from(range.getClientRects())) out.push({ x: r.x, y: r.y, width: r.width, height: r.height, text });
          }
        }
        return out;
      }, except);
    const overlaps = (a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const card = page.locator('unspun-card');
    const inCard = closedRoot(page, 'unspun-card');

    for (const width of [800, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => window.scrollTo(0, 0));
      // "Experts agree that AI funds are the future of investing" carries three flags (unsourced
      // authority, bandwagon, and the unsupported claim itself): a click offers all three.
      const spot = await until('the overlapping flag on screen', () => textBox('Experts agree'));
      await page.mouse.click(spot.x, spot.y);
      await expect.poll(() => card.getAttribute('data-kind')).toBe('picker');
      const moves = await inClosedRoot(
        page,
        'unspun-card',
        (root: ShadowRoot) => Array.from(root.querySelectorAll('.pick button')).map((b) => b.getAttribute('data-move')),
        null,
      );
      expect(new Set(moves)).toEqual(new Set(['unsourced-authority', 'bandwagon', 'unsupported-claim']));
      expect(await focused(page)).toMatchObject({ className: 'name' });
      await page.screenshot({ path: join(RESULTS, `experience-picker-${width}.png`) });
      await inCard.locator('.pick button[data-move="bandwagon"]').click();
      await expect.poll(() => inCard.locator('.card').getAttribute('data-move')).toBe('bandwagon');
      expect(await focused(page)).toMatchObject({ className: 'name' });
      await page.keyboard.press('Escape');
      await inCard.locator('.card').waitFor({ state: 'hidden' });

      // A single flag's card sits beside or below its text and covers none of the reply's other highlights.
      for (const needle of ['Great question', 'act now', 'always here for you']) {
        const at = await until(`"${needle}" on screen`, () => textBox(needle));
        await page.mouse.click(at.x, at.y);
        await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
        expect(await focused(page)).toMatchObject({ className: 'name' });
        const box = await until('the card placed', () => inCard.locator('.card').boundingBox());
        // Compact: under 300 px, plus the one-line "Ask for it" row on a flag that is not backed up.
        const askRow = (await inCard.locator('.askback').boundingBox())?.height ?? 0;
        expect(askRow).toBeLessThan(40);
        expect(box.height - askRow).toBeLessThan(300);
        const others = await otherHighlightBoxes(needle);
        expect(others.length).toBeGreaterThan(3);
        expect(others.filter((o) => overlaps(box, o))).toEqual([]);
        const self = await until('the text box', () => textBox(needle, 0, needle.length));
        expect(self.x >= box.x && self.x <= box.x + box.width && self.y >= box.y && self.y <= box.y + box.height).toBe(false);
        if (needle === 'act now') await page.screenshot({ path: join(RESULTS, `experience-compact-card-${width}.png`) });
        await page.keyboard.press('Escape');
        await inCard.locator('.card').waitFor({ state: 'hidden' });
      }

      // The badge says its score in words; its summary opens beside or below the badge, not over the reply.
      const badge = page.locator(`unspun-badge[data-message-id="${a1}"] button`);
      await badge.scrollIntoViewIfNeeded();
      expect(await badge.textContent()).toMatch(/\d+\/100/);
      expect(await badge.getAttribute('title')).toMatch(/unsupported persuasion: \d+\/100 \(0 = none\)/);
      expect(await page.locator(`unspun-badge[data-message-id="${a1}"] .fam`).first().getAttribute('title')).toMatch(/^[A-Z][a-z].*: \d+ moves?$/);
      await badge.click();
      await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
      expect(await inCard.locator('.meaning').textContent()).toMatch(/^(Leans|Barely leans|No unsupported).*: \d+\/100 \(0 = none\)$/);
      expect(await inCard.locator('.legend .family').count()).toBeGreaterThanOrEqual(3);
      const summary = await until('the summary placed', () => inCard.locator('.card').boundingBox());
      const reply = (await page.locator(`[data-message-id="${a1}"] [data-message-body]`).boundingBox())!;
      await page.screenshot({ path: join(RESULTS, `experience-summary-${width}.png`) });
      expect(overlaps(summary, reply), JSON.stringify({ summary, reply })).toBe(false);
      await page.keyboard.press('Escape');
    }
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('lists the conversation’s flags by reply in the side panel, with a legend; a click shows the flag in the page', async () => {
    const tabId = await tabIdOf(`/demo?c=${conv}`);
    const panel = await context.newPage();
    await panel.setViewportSize({ width: 420, height: 900 });
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html?tab=${tabId}`);
    const root = panel.locator('#panel');
    await expect.poll(() => root.getAttribute('data-state'), { timeout: 10_000 }).toBe('conversation');
    const stored = (await scores()).filter((s) => s.messageKey.startsWith(`demo:${conv}:`));
    await expect.poll(() => panel.locator('section.reply').count()).toBe(2);
    const flagCount = stored.reduce((n, s) => n + s.flags.length, 0);
    await expect.poll(() => panel.locator('button.flag').count()).toBe(flagCount);
    expect(await panel.locator(`section.reply[data-message-id="${a1}"] button.flag`).count()).toBe(stored.find((s) => s.messageKey.endsWith(a1))!.flags.length);
    expect(await panel.locator('section.reply').first().textContent()).toMatch(/you disagreed/);
    expect(await panel.locator('.legend dt').count()).toBe(7);
    expect(await panel.locator('.legend details').count()).toBe(20);
    await panel.screenshot({ path: join(RESULTS, 'experience-panel.png'), fullPage: true });

    const target = panel.locator(`section.reply[data-message-id="${a1}"] button.flag`).last();
    const targetMove = await target.getAttribute('data-move');
    await target.click();
    await expect.poll(() => root.getAttribute('data-last-shown')).toBe('ok');
    const card = page.locator('unspun-card');
    await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
    expect(await closedRoot(page, 'unspun-card').locator('.card').getAttribute('data-move')).toBe(targetMove);
    expect(await page.evaluate(() => CSS.highlights.get('unspun-active')?.size)).toBe(1);
    await page.bringToFront();
    await page.keyboard.press('Escape');
    await panel.close();
  });

  it('applies reading settings live: severity threshold, moves off, pause on this site', async () => {
    const before = total(await highlightSizes(page));
    const flags = (await scores()).filter((s) => s.messageKey.startsWith(`demo:${conv}:`)).flatMap((s) => s.flags);
    expect(before).toBe(flags.length);
    await setLocal({ reading: { minSeverity: 2 } });
    const strong = flags.filter((f) => f.severity >= 2).length;
    expect(strong).toBeGreaterThan(0);
    expect(strong).toBeLessThan(flags.length);
    await expect.poll(() => highlightSizes(page).then(total), { timeout: 10_000 }).toBe(strong);
    expect(Object.keys(await highlightSizes(page)).some((n) => n.startsWith('unspun-sev-1-'))).toBe(false);
    const hidden = ['flattery', 'sycophancy', 'relational-manipulation', 'bandwagon', 'unsourced-authority', 'appeal-to-values'];
    await setLocal({ reading: { hiddenMoves: hidden } });
    const kept = flags.filter((f) => !hidden.includes(f.move)).length;
    await expect.poll(() => highlightSizes(page).then(total), { timeout: 10_000 }).toBe(kept);
    expect(Object.keys(await highlightSizes(page)).some((n) => /-(rapport|authority)$/.test(n))).toBe(false);
    await page.locator(`unspun-badge[data-message-id="${a1}"] button`).click();
    await expect
      .poll(() => closedRoot(page, 'unspun-card').locator('.hidden-note').textContent())
      .toMatch(/^The score counts all \d+ moves, including \d+ hidden by your reading settings\.$/);
    expect(await page.locator(`unspun-badge[data-message-id="${a1}"] .moves`).textContent()).toMatch(/^\d+ shown, \d+ hidden \(still in the score\)$/);
    await page.screenshot({ path: join(RESULTS, 'experience-hidden-moves-count.png') });
    await page.keyboard.press('Escape');
    await setLocal({ reading: { pausedHosts: ['127.0.0.1'] } });
    await expect.poll(() => page.locator('unspun-badge').count()).toBe(0);
    expect(total(await highlightSizes(page))).toBe(0);
    await setLocal({ reading: {} });
    await expect.poll(() => highlightSizes(page).then(total), { timeout: 10_000 }).toBe(before);
  });

  it('options page has the reading settings and saves them', async () => {
    const options = await context.newPage();
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    const flattery = options.locator('#reading input[data-move="flattery"]');
    await flattery.waitFor();
    expect(await options.locator('#reading input[data-move]').count()).toBe(20);
    await flattery.uncheck();
    await options.locator('#minSeverity').selectOption('2');
    await options.locator('#offlineOnly').check();
    await expect.poll(() => options.locator('#reading .status').textContent()).toMatch(/Saved/);
    const stored = await sw.evaluate(() =>
      (globalThis as unknown as { chrome: { storage: { local: { get(k: string[]): Promise<Record<string, unknown>> } } } }).chrome.storage.local.get([
        'reading',
        'offlineOnly',
      ]),
    );
    expect(stored.offlineOnly).toBe(true);
    expect(stored.reading).toMatchObject({ minSeverity: 2, hiddenMoves: ['flattery'] });
    await options.screenshot({ path: join(RESULTS, 'experience-options-reading.png'), fullPage: true });
    await setLocal({ reading: {}, offlineOnly: false });
    await options.close();
  });

  it('highlights follow a re-render of the reply; a pinned card follows scrolling; the panel scrolls the page to a flag', async () => {
    const long = await context.newPage();
    await long.setViewportSize({ width: 1100, height: 700 });
    const c = 'exp-long';
    await long.goto(`${proxy.url}/demo?c=${c}&ms=5&long=12`);
    await long.locator(`unspun-badge[data-message-id="${c}-a1"][data-state="scored"]`).waitFor({ timeout: 30_000 });
    const stored = await until('the long reply scored', async () => (await scores()).find((s) => s.messageKey === `demo:${c}:${c}-a1`));
    await expect.poll(() => highlightSizes(long).then(total)).toBe(stored.flags.length);

    // The site re-renders the reply (new nodes, same text): the highlights are drawn again on the new nodes.
    await long.evaluate((id) => {
      const body = document.querySelector(`[data-message-id="${id}"] [data-message-body]`)!;
      body.replaceWith(body.cloneNode(true));
    }, `${c}-a1`);
    await expect
      .poll(
        () =>
          long.evaluate(() => {
            let connected = 0;
            for (const [name, h] of CSS.highlights)
              if (name.startsWith('unspun-sev-')) for (const r of h) if ((r as Range).startContainer.isConnected) connected++;
            return connected;
          }),
        { timeout: 10_000 },
      )
      .toBe(stored.flags.length);

    // The panel's click scrolls the page to a flag far down and opens its card there.
    await long.evaluate(() => window.scrollTo(0, 0));
    const last = [...stored.flags].sort((a, b) => b.start - a.start)[0]!;
    const tabId = await tabIdOf(`/demo?c=${c}`);
    const panel = await context.newPage();
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html?tab=${tabId}`);
    const button = panel.locator(`section.reply[data-message-id="${c}-a1"] button.flag`).last();
    await button.waitFor({ timeout: 10_000 });
    expect(await button.getAttribute('data-move')).toBe(last.move);
    await button.click();
    await expect.poll(() => panel.locator('#panel').getAttribute('data-last-shown')).toBe('ok');
    await panel.close();
    const inCard = closedRoot(long, 'unspun-card');
    await expect.poll(() => inCard.locator('.card').getAttribute('data-move')).toBe(last.move);
    const activeTop = () =>
      long.evaluate(() => {
        const range = [...CSS.highlights.get('unspun-active')!][0] as Range;
        return range.getBoundingClientRect().top;
      });
    const top = await activeTop();
    expect(top).toBeGreaterThan(0);
    expect(top).toBeLessThan(700);
    expect(await long.evaluate(() => window.scrollY)).toBeGreaterThan(0);

    // Scrolling moves the text, and the pinned card moves with it: still right below or above it.
    const placement = async () => {
      const text = await long.evaluate(() => {
        const r = ([...CSS.highlights.get('unspun-active')!][0] as Range).getBoundingClientRect();
        return { top: r.top, bottom: r.bottom };
      });
      const card = (await inCard.locator('.card').boundingBox())!;
      const cardTop = card.y;
      const cardBottom = card.y + card.height;
      return {
        textTop: text.top,
        textBottom: text.bottom,
        cardTop,
        cardBottom,
        below: Math.abs(cardTop - (text.bottom + 8)) < 2,
        above: Math.abs(cardBottom - (text.top - 8)) < 2,
      };
    };
    const before = await placement();
    expect(before.below || before.above, JSON.stringify(before)).toBe(true);
    // Up, not down: the flag is near the end of the page, which may not scroll further.
    const scrolled = await long.evaluate(() => {
      const y = window.scrollY;
      window.scrollBy(0, -40);
      return y - window.scrollY;
    });
    expect(scrolled).toBeGreaterThan(0);
    await expect
      .poll(async () => {
        const p = await placement();
        return Math.round(p.textTop - before.textTop) === scrolled && (p.below || p.above);
      })
      .toBe(true);
    await long.close();
  });

  it('popup links to the conversation panel', async () => {
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect.poll(() => popup.locator('#open-panel').textContent()).toBe('Conversation panel');
    await popup.close();
  });

  it('"Check with Unspun" on selected text of any page shows a card, page text rendered as text', async () => {
    const article = `<!doctype html><html><head><title>An article</title></head><body style="font: 16px/1.5 serif; max-width: 640px; margin: 40px auto">
      <h1>Why you should switch today</h1>
      <p id="pitch">Experts agree this is the best plan, and everyone is switching. You should act now before it's too late. &lt;img src=x onerror=alert(1)&gt; Either you switch today or you lose everything.</p>
      <p>Unrelated closing paragraph.</p></body></html>`;
    await context.route(ARTICLE_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: article }));
    const tab = await context.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await tab.goto(ARTICLE_URL);
    expect(await tab.locator('unspun-badge').count()).toBe(0); // no content script on an arbitrary page
    await tab.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('pitch')!);
      const selection = getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
    });
    const tabId = await tabIdOf('example.org/article');
    // The same handler the context menu's onClicked calls.
    const outcome = await sw.evaluate(
      ([id, text]) =>
        (
          globalThis as unknown as { unspunReader: { onMenuClicked(info: object, tab: object): Promise<{ ok: boolean; detail: string }> } }
        ).unspunReader.onMenuClicked({ menuItemId: 'unspun-check-selection', selectionText: text, frameId: 0 }, { id }),
      [tabId, 'fallback text'] as const,
    );
    expect(outcome).toEqual({ ok: true, detail: 'injected' });
    const card = tab.locator('unspun-check-card[data-state="result"]');
    await card.waitFor({ timeout: 15_000 });
    const moves = await card.locator('.flag').evaluateAll((els) => els.map((e) => e.getAttribute('data-move')));
    expect(moves).toEqual(expect.arrayContaining(['unsourced-authority', 'false-urgency', 'false-dilemma']));
    expect(await card.locator('.score').textContent()).toMatch(/\d+ \/ 100/);
    // The selection's markup-looking text stays text: no element made from it, no script run.
    expect(await card.evaluate((host) => host.shadowRoot!.querySelectorAll('img').length)).toBe(0);
    expect(dialogs).toEqual([]);
    // The card is placed near the selection.
    const [cardBox, pBox] = await Promise.all([card.locator('.card').boundingBox(), tab.locator('#pitch').boundingBox()]);
    expect(Math.abs(cardBox!.y - (pBox!.y + pBox!.height))).toBeLessThan(40);
    await tab.screenshot({ path: join(RESULTS, 'experience-check-selection.png') });
    // Escape closes it; a second check reuses the same card (the script is injected once per page).
    await tab.keyboard.press('Escape');
    await expect.poll(() => tab.locator('unspun-check-card').getAttribute('hidden')).not.toBeNull();
    await sw.evaluate(
      (id) =>
        (globalThis as unknown as { unspunReader: { onMenuClicked(info: object, tab: object): Promise<unknown> } }).unspunReader.onMenuClicked(
          { menuItemId: 'unspun-check-selection', selectionText: 'x', frameId: 0 },
          { id },
        ),
      tabId,
    );
    await tab.locator('unspun-check-card[data-state="result"]:not([hidden])').waitFor({ timeout: 15_000 });
    expect(await tab.locator('unspun-check-card').count()).toBe(1);
    await context.unroute(ARTICLE_URL);
    await tab.close();
  });

  it('does nothing for a menu item that is not ours or a tab it cannot reach', async () => {
    const other = await sw.evaluate(() =>
      (globalThis as unknown as { unspunReader: { onMenuClicked(info: object, tab?: object): Promise<{ ok: boolean }> } }).unspunReader.onMenuClicked(
        { menuItemId: 'something-else' },
        { id: 1 },
      ),
    );
    expect(other.ok).toBe(false);
    const noTab = await sw.evaluate(() =>
      (globalThis as unknown as { unspunReader: { onMenuClicked(info: object, tab?: object): Promise<{ ok: boolean }> } }).unspunReader.onMenuClicked({
        menuItemId: 'unspun-check-selection',
      }),
    );
    expect(noTab.ok).toBe(false);
  });
});
