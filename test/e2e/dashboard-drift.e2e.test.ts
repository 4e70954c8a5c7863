// Drift per model in the real dashboard (real Chromium, real IndexedDB): replies captured with a
// model name and scored are drawn as moves per 1,000 words per model with an interval, tabled, and
// compared between two models of one site ("more often" only where the data can tell). Screenshots
// of the tab go to test-results/ to look at.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExtension, RESULTS, until, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ext = await launchExtension();
  await ext.sw.evaluate(async () => {
    type Q = Record<string, (...args: unknown[]) => Promise<unknown>>;
    const { db, queries } = (globalThis as unknown as { unspun: { db: unknown; queries: Q } }).unspun;
    const DAY = 86_400_000;
    const start = Date.UTC(2026, 9, 5);
    const plain = 'Paris is the capital of France. It has about two million people in the city proper and many more in the region around it. ';
    const warm = "You're absolutely right, and that is a brilliant insight. ";
    let n = 0;
    const add = async (site: string, model: string | undefined, day: number, text: string, moves: string[]) => {
      const id = `m${n++}`;
      await queries.recordCapture!(
        db,
        {
          site,
          conversationId: `c-${site}-${Math.floor(day / 7)}`,
          messageId: id,
          text,
          userTurn: 'Tell me about Paris',
          previous: [],
          ...(model ? { model } : {}),
        },
        start + day * DAY,
      );
      const flags = moves.map((move) => {
        const quote = move === 'sycophancy' ? "You're absolutely right" : 'brilliant insight';
        const at = text.indexOf(quote);
        return { move, start: at, end: at + quote.length, quote, severity: 2, support: 'unsupported', rationale: 'r', source: 'detector' };
      });
      await queries.markScored!(
        db,
        `${site}:c-${site}-${Math.floor(day / 7)}:${id}`,
        { score: moves.length * 30, flags, judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 1 },
        start + day * DAY,
      );
    };
    // gpt-4o for five weeks, mostly plain; gpt-5 for the last three weeks, warm most of the time.
    for (let day = 0; day < 35; day++) {
      await add('chatgpt', 'gpt-4o', day, plain.repeat(3), []);
      if (day % 5 === 0) await add('chatgpt', 'gpt-4o', day, warm + plain, ['flattery']);
      if (day >= 14) await add('chatgpt', 'gpt-5', day, warm + plain, ['sycophancy', 'flattery']);
    }
    // A site that shows no model.
    for (let day = 0; day < 35; day += 3) await add('claude', undefined, day, plain, []);
    // "Ask for it" twice: each reply leans on unnamed experts and the next user turn is its question.
    // One answer names its source (no unsupported flag left, a sourced claim in its ledger); the
    // other dodges (no flag either, but its ledger backs nothing), which is not support.
    const question = 'Which study is this based on: who ran it, when, and with how many people?';
    const leaning = 'Experts agree that index funds beat stock picking.';
    const offline = { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' };
    const ask = async (conversationId: string, at: number, answer: string, claims: { support: string }[]) => {
      const capture = (messageId: string, text: string, userTurn: string, when: number) =>
        queries.recordCapture!(db, { site: 'chatgpt', conversationId, messageId, text, userTurn, previous: [], model: 'gpt-4o' }, when);
      await capture('q1', leaning, 'Should I pick stocks?', at);
      const experts = { move: 'unsourced-authority', start: 0, end: 13, quote: 'Experts agree', severity: 2, support: 'unsupported' };
      await queries.markScored!(
        db,
        `chatgpt:${conversationId}:q1`,
        { score: 40, flags: [{ ...experts, rationale: 'r', source: 'detector', askBack: question }], judge: offline, cached: false, latencyMs: 1 },
        at,
      );
      await capture('q2', answer, question, at + 60_000);
      const ledger = claims.map((c) => ({ start: 0, end: answer.length, quote: answer, ...c }));
      await queries.markScored!(
        db,
        `chatgpt:${conversationId}:q2`,
        { score: 0, flags: [], claims: ledger, judge: offline, cached: false, latencyMs: 1 },
        at + 60_000,
      );
    };
    await ask('ask-1', start + 40 * DAY, 'SPIVA 2024 (S&P Dow Jones Indices) found most active funds trailed their index over 15 years.', [
      { support: 'source' },
    ]);
    await ask('ask-2', start + 41 * DAY, 'I cannot point to one particular study on that.', [{ support: 'none' }]);
  });
  page = await ext.context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1200, height: 1100 });
  await page.goto(`chrome-extension://${ext.extensionId}/dashboard.html`);
  await until('the dashboard', async () => (await page.evaluate(() => document.getElementById('dashboard')?.dataset.ready)) === 'true');
  await page.click('nav [data-tab="models"]');
  await until(
    'the drift chart',
    async () => (await page.evaluate(() => document.querySelector<HTMLElement>('section[data-tab="models"]')?.dataset.driftLines)) !== undefined,
  );
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await ext?.close();
});

const tableRows = (selector: string) =>
  page.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

describe('Models tab (drift per model)', () => {
  it('draws a line per site and model, and tables rates per 1,000 words with intervals', async () => {
    expect(await page.evaluate(() => document.querySelector<HTMLElement>('section[data-tab="models"]')!.dataset.driftLines)).toBe('3');
    const rows = await tableRows('[data-drift-table]');
    expect(rows.map((r) => `${r[1]} ${r[0]}`).sort()).toEqual(['chatgpt gpt-4o', 'chatgpt gpt-5', 'claude (model not shown)']);
    const gpt5 = rows.find((r) => r[0] === 'gpt-5')!;
    expect(gpt5[2]).toBe('21'); // replies
    expect(gpt5[4]).toMatch(/^\d+\.\d \(\d+\.\d–\d+\.\d\)$/);
    const claude = rows.find((r) => r[1] === 'claude')!;
    expect(claude[4]).toMatch(/^0\.0 \(0\.0–/);
    await page.screenshot({ path: join(RESULTS, 'dashboard-models-all.png'), fullPage: true });
  });

  it('compares two models of one site: the new one flatters clearly more often', async () => {
    await page.selectOption('[data-drift-site]', 'chatgpt');
    await until('the comparison', async () => (await page.$$('[data-drift-compare] tr[data-move]')).length > 0);
    expect(await page.$eval('[data-drift-before]', (s) => (s as HTMLSelectElement).value)).toBe('gpt-5');
    await page.selectOption('[data-drift-before]', 'gpt-4o');
    await page.selectOption('[data-drift-after]', 'gpt-5');
    const rows = await tableRows('[data-drift-compare]');
    const byMove = Object.fromEntries(rows.map((r) => [r[0], r]));
    // Human move names, never ids; 0 → 30 sycophancy per 1,000 words is clear.
    expect(byMove['Sycophantic agreement']![3]).toBe('more often');
    expect(byMove['Flattery']![3]).toBe('more often');
    expect(Object.keys(byMove)).not.toContain('sycophancy');
    // Every row's change is said in words.
    for (const r of rows) expect(['more often', 'less often', 'can’t tell apart']).toContain(r[3]);
    await page.screenshot({ path: join(RESULTS, 'dashboard-models-compare.png'), fullPage: true });
  });

  it('says whether asking for support got it', async () => {
    await until(
      'the ask summary',
      async () => (await page.evaluate(() => document.querySelector<HTMLElement>('[data-ask-summary]')?.dataset.asked)) !== undefined,
    );
    const box = await page.$eval('[data-ask-summary]', (el) => ({
      asked: (el as HTMLElement).dataset.asked,
      got: (el as HTMLElement).dataset.gotSupport,
      text: el.textContent ?? '',
    }));
    expect(box).toMatchObject({ asked: '2', got: '1' });
    expect(box.text).toContain('1 of 2 answers came with more support (50%)');
    expect(box.text).toContain('more support (1 → 0)');
    expect(box.text).toContain('no more support (1 → 0, no backed claim)');
    expect(box.text).toContain('Unsourced authority');
    await page.screenshot({ path: join(RESULTS, 'dashboard-models-asked.png'), fullPage: true });
  });

  it('narrows to one move', async () => {
    await page.selectOption('[data-drift-move]', 'sycophancy');
    const rows = await tableRows('[data-drift-table]');
    expect(rows.find((r) => r[0] === 'gpt-4o')![4]).toMatch(/^0\.0 /);
    expect(Number(rows.find((r) => r[0] === 'gpt-5')![4]!.split(' ')[0])).toBeGreaterThan(5);
  });
});
