// Titles with hidden direction controls in the real dashboard (real Chromium, real layout): a
// right-to-left override must not make "Invoice \u202Egnp.exe" draw as "Invoice exe.png". Checked
// by where the browser draws the characters, in the list row and in the conversation's heading;
// an Arabic title still reads right to left. The list is screenshotted to look at.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExtension, RESULTS, until, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let page: Page;
const errors: string[] = [];

const SPOOF = 'Invoice \u202Egnp.exe';
const ARABIC = 'ما هي أفضل طريقة للادخار؟';

beforeAll(async () => {
  ext = await launchExtension();
  await ext.sw.evaluate(
    async (turns) => {
      type Q = Record<string, (...args: unknown[]) => Promise<unknown>>;
      const { db, queries } = (globalThis as unknown as { unspun: { db: unknown; queries: Q } }).unspun;
      const base = Date.UTC(2026, 10, 1);
      for (const [i, userTurn] of turns.entries()) {
        await queries.recordCapture!(
          db,
          {
            site: 'chatgpt',
            conversationId: `bidi-${i}`,
            messageId: `m-${i}`,
            text: 'Here is the file you asked for.',
            userTurn,
            previous: [],
            url: `https://chatgpt.com/c/bidi-${i}`,
          },
          base + i * 60_000,
        );
      }
    },
    ['A plain title', ARABIC, SPOOF],
  );
  page = await ext.context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1200, height: 700 });
  await page.goto(`chrome-extension://${ext.extensionId}/dashboard.html`);
  await until('the dashboard list', async () => (await page.evaluate(() => document.getElementById('dashboard')?.dataset.total)) === '3');
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await ext?.close();
});

/**
 * Where the browser draws `word`'s first and last characters inside `selector` (their left
 * edges), found in whichever text node holds the word.
 */
function drawnOrder(selector: string, word: string) {
  return page.evaluate(
    ({ selector, word }) => {
      const root = document.querySelector(selector)!;
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(word);
        if (at < 0) continue;
        const left = (i: number) => {
          const range = document.createRange();
          range.setStart(node!, i);
          range.setEnd(node!, i + 1);
          return range.getBoundingClientRect().left;
        };
        const el = root.querySelector('bdi') ?? root;
        return { first: left(at), last: left(at + word.length - 1), tag: el.tagName, dir: el.getAttribute('dir'), text: root.textContent };
      }
      return null;
    },
    { selector, word },
  );
}

describe('dashboard titles with direction controls', () => {
  it('the list draws "gnp.exe" in its stored order, with the override shown as a marker, isolated in a <bdi dir=auto>', async () => {
    const row = '.row[data-key="chatgpt:bidi-2"]';
    const drawn = await drawnOrder(row, 'gnp.exe');
    expect(drawn).not.toBeNull();
    expect(drawn!.first).toBeLessThan(drawn!.last); // "g" left of the last "e": not reversed into "exe.png"
    expect(drawn!.tag).toBe('BDI');
    expect(drawn!.dir).toBe('auto');
    expect(drawn!.text).toContain('Invoice [RLO]gnp.exe');
    await page.screenshot({ path: join(RESULTS, 'dashboard-bidi-list.png'), clip: { x: 0, y: 0, width: 1200, height: 420 } });
  });

  it('an Arabic title still reads right to left (its first letter drawn rightmost)', async () => {
    const drawn = await drawnOrder('.row[data-key="chatgpt:bidi-1"]', 'ما');
    expect(drawn!.first).toBeGreaterThan(drawn!.last);
  });

  it('the conversation heading and its user turn are isolated the same way', async () => {
    await page.click('.row[data-key="chatgpt:bidi-2"]');
    await until('the conversation view', async () => page.evaluate(() => Boolean(document.querySelector('.view h2 bdi'))));
    const drawn = await drawnOrder('.view h2', 'gnp.exe');
    expect(drawn!.first).toBeLessThan(drawn!.last);
    expect(drawn!.tag).toBe('BDI');
    // The user turn the title came from, too (the reply text is left as written: highlights point into it).
    const turn = await drawnOrder('.view .user', 'gnp.exe');
    expect(turn!.first).toBeLessThan(turn!.last);
    await page.screenshot({ path: join(RESULTS, 'dashboard-bidi-conversation.png'), clip: { x: 0, y: 0, width: 1200, height: 420 } });
  });
});
