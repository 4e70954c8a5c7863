// The dashboard's screens as a first-time user meets them, in real Chromium on the real archive,
// each screenshotted into test-results/: the empty archive (points to the demo page and to import,
// charts say in words that there is nothing yet), one conversation (plurals), one day of data
// (bars on whole-number axes, moves by their names), several days (a line), an import that mostly
// works (green, with a separate warning for the skipped ones in plain words, ending on "Done", the
// site filter learning the new site without a reload), the runs list (one format), and the
// export review (local titles, user turns, placeholders marked, what never leaves).
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { launchExtension, pair, RESULTS, until, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let proxy: TestProxy;
let page: Page;
const errors: string[] = [];

const FLAGGED = 'Great question! Everyone agrees this is the only way, so act now before it is too late.';
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 10, 2, 9);

/** Captures and scores replies through the background's own queries; `days[i]` is reply i's day offset. */
async function seed(from: number, days: number[]): Promise<void> {
  await ext.sw.evaluate(
    async ({ from, days, flagged, base, day }) => {
      type Q = Record<string, (...args: unknown[]) => Promise<unknown>>;
      const { db, queries } = (globalThis as unknown as { unspun: { db: unknown; queries: Q } }).unspun;
      for (let j = 0; j < days.length; j++) {
        const i = from + j;
        const site = ['gemini', 'claude'][i % 2]!;
        const at = base + days[j]! * day + i * 60_000;
        await queries.recordCapture!(
          db,
          {
            site,
            conversationId: `conv-${i}`,
            messageId: `m-${i}`,
            text: flagged,
            userTurn: `Plan my move to Lisbon (${i}); write to me at sam.doe${i}@example.com`,
            previous: [],
            url: `https://${site}.example/c/conv-${i}`,
            model: 'Model A',
          },
          at,
        );
        const urgency = flagged.indexOf('act now');
        const flags = [
          {
            move: 'flattery',
            start: 0,
            end: 15,
            quote: flagged.slice(0, 15),
            severity: 2,
            support: 'unsupported',
            rationale: 'Praise of the question.',
            source: 'detector',
          },
          { move: 'false-urgency', start: urgency, end: urgency + 7, quote: 'act now', severity: 3, support: 'weak', rationale: 'Hurry.', source: 'detector' },
        ];
        await queries.markScored!(
          db,
          `${site}:conv-${i}:m-${i}`,
          { score: 40 + i, flags, judge: { kind: 'offline', promptVersion: 'detector-test', taxonomyVersion: 'tax-test' }, cached: false, latencyMs: 1 },
          at + 1000,
        );
      }
    },
    { from, days, flagged: FLAGGED, base: BASE, day: DAY },
  );
}

/** A reader's label (agree) on the false-urgency flag of reply `i`. */
async function label(i: number, verdict: 'agree' | 'disagree'): Promise<void> {
  await ext.sw.evaluate(
    async ({ i, verdict, flagged }) => {
      const { db } = (globalThis as unknown as { unspun: { db: { labels: { put(r: unknown): Promise<unknown> } } } }).unspun;
      const site = ['gemini', 'claude'][i % 2]!;
      const start = flagged.indexOf('act now');
      await db.labels.put({
        key: `${site}:conv-${i}:m-${i}:false-urgency:${start}:${start + 7}`,
        messageKey: `${site}:conv-${i}:m-${i}`,
        conversationKey: `${site}:conv-${i}`,
        site,
        conversationId: `conv-${i}`,
        messageId: `m-${i}`,
        flag: { move: 'false-urgency', start, end: start + 7, quote: 'act now', source: 'detector' },
        verdict,
        createdAt: 1,
        updatedAt: 1,
      });
    },
    { i, verdict, flagged: FLAGGED },
  );
}

const shot = (name: string) => page.screenshot({ path: join(RESULTS, `dashboard-screens-${name}.png`), fullPage: false });
const dataset = (key: string) => page.evaluate((k) => document.getElementById('dashboard')!.dataset[k], key);

async function openDashboard(): Promise<void> {
  await page.goto(`chrome-extension://${ext.extensionId}/dashboard.html`);
  await page.waitForFunction(() => document.getElementById('dashboard')?.dataset.total !== undefined);
}

async function openCharts(): Promise<void> {
  await page.click('nav [data-tab="charts"]');
  await page.waitForFunction(
    () => document.querySelector<HTMLElement>('section[data-tab="charts"]')?.dataset.charts !== undefined && document.querySelectorAll('.chart').length === 4,
  );
}

const chartState = () =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.chart')].map((box) => {
      const canvas = box.querySelector('canvas');
      return {
        kind: box.dataset.chart!,
        type: box.dataset.type ?? null,
        empty: box.querySelector('.chart-empty')?.textContent ?? null,
        label: canvas?.getAttribute('aria-label') ?? null,
        ticks: canvas?.dataset.yTicks ?? null,
      };
    }),
  );

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  ext = await launchExtension();
  expect(await pair(ext.context, proxy.url, proxy.token)).toBe(true);
  page = await ext.context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1400, height: 900 });
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await ext?.close();
  await proxy?.close();
});

describe('dashboard screens', () => {
  it('an empty archive points to the demo page and to import, not "No conversations match."', async () => {
    await openDashboard();
    await page.waitForSelector('#empty-archive');
    expect(await page.locator('#count').textContent()).toBe('No conversations yet.');
    expect(await page.locator('#empty-demo').getAttribute('href')).toBe(`${proxy.url}/demo`);
    expect(await page.locator('#list').isVisible()).toBe(false);
    expect(await page.locator('#totals').textContent()).toBe('0 conversations · 0 replies in the archive');
    await shot('empty-archive');
    // A filter that matches nothing keeps the old words, and no notice.
    await page.selectOption('select[name="support"]', 'supported');
    await until('filtered', async () => (await page.locator('#count').textContent()) === 'No conversations match.');
    expect(await page.locator('#empty-archive').isVisible()).toBe(false);
    // The notice's import button opens the import.
    await page.click('button[type="reset"]');
    await page.waitForSelector('#empty-archive');
    await page.click('#empty-import');
    expect(await page.locator('section[data-tab="data"]').isVisible()).toBe(true);
    await page.waitForSelector('#import-go');
  });

  it('charts with no data say so in words instead of drawing empty grids', async () => {
    await openDashboard();
    await openCharts();
    const state = await chartState();
    expect(state.map((c) => c.kind)).toEqual(['over-time', 'rate', 'scores', 'agreement']);
    for (const c of state) {
      expect(c.empty).toMatch(/^No /);
      expect(c.label).toBeNull();
    }
    expect(await page.locator('.chart canvas').count()).toBe(0);
    await shot('charts-empty');
  });

  it('one conversation: "1 conversation", never "1 conversations"', async () => {
    await seed(0, [0]);
    await openDashboard();
    expect(await page.locator('#count').textContent()).toBe('1 conversation');
    expect(await page.locator('#totals').textContent()).toBe('1 conversation · 1 reply in the archive');
    expect(await page.locator('#empty-archive').isVisible()).toBe(false);
  });

  it('one day of data draws bars on whole-number axes, moves named as people say them', async () => {
    await seed(1, [0, 0]);
    await label(0, 'agree');
    await label(1, 'disagree');
    await openDashboard();
    await openCharts();
    const state = await chartState();
    const byKind = Object.fromEntries(state.map((c) => [c.kind, c]));
    expect(byKind['over-time']).toMatchObject({ type: 'bar', empty: null });
    expect(byKind['over-time']!.label).toContain('2026-11-02');
    for (const kind of ['over-time', 'scores']) {
      const ticks = byKind[kind]!.ticks!.split(',').map(Number);
      expect(ticks.length).toBeGreaterThan(1);
      expect(ticks.every(Number.isInteger)).toBe(true);
    }
    expect(byKind.agreement!.label).toContain('False urgency');
    expect(state.map((c) => c.label ?? '').join(' ')).not.toMatch(/false-urgency|flattery/);
    await shot('charts-one-day');
  });

  it('several days draw a line', async () => {
    await seed(3, [1, 2, 3, 5, 6, 8]);
    await openDashboard();
    await openCharts();
    const over = (await chartState()).find((c) => c.kind === 'over-time')!;
    expect(over.type).toBe('line');
    expect(over.ticks!.split(',').map(Number).every(Number.isInteger)).toBe(true);
    await shot('charts');
  });

  it('an import that mostly works: green for what worked, a warning for what was skipped in plain words, then Done; the site filter learns the new site', async () => {
    await openDashboard();
    // Before: no ChatGPT anywhere (the seeded replies are from Gemini and Claude).
    expect(await page.locator('select[name="site"] option[value="chatgpt"]').count()).toBe(0);
    expect(await page.locator('select[name="model"] option').allTextContents()).toEqual(['any', 'Model A']);
    await page.click('nav [data-tab="data"]');
    await until('the delete panel lists the sites', async () => (await page.locator('#delete-site option').count()) === 2);
    await page.selectOption('select[name="import-format"]', 'chatgpt');
    // The proxy runs offline: the import's judge picker offers its judge, and the judge model is off, saying why.
    await page.waitForFunction(() => (document.querySelector('select[name="import-judge"]') as HTMLSelectElement | null)?.value === 'offline');
    expect(await page.locator('select[name="import-judge"] option[value="anthropic"]').isDisabled()).toBe(true);
    expect(await page.locator('select[name="import-judge"] option[value="auto"]').count()).toBe(0);
    expect(await page.locator('#import-judge-note').textContent()).toMatch(/^The judge model \(anthropic\) is off\. .*ANTHROPIC_API_KEY/);
    await page.setInputFiles('input[name="import-file"]', resolve('test/fixtures/exports/chatgpt-conversations.json'));
    await page.click('#import-go');
    await page.waitForSelector('#import-panel[data-import-done]', { timeout: 60_000 });
    const status = page.locator('#import-status');
    expect(await status.textContent()).toMatch(/^Done: imported 3 conversations \(\d+ new replies\); \d+ replies scored\.$/);
    expect(await status.getAttribute('class')).toBe('status ok');
    expect(await status.textContent()).not.toContain('Scoring');
    const warning = page.locator('#import-warning');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.locator('p').textContent()).toBe('Skipped 2 conversations that could not be read (why, below); the rest were imported.');
    const reasons = await warning.locator('li').allTextContents();
    expect(reasons).toHaveLength(2);
    expect(reasons[1]).toMatch(/^Conversation 4 in the file \(id "[^"]+"\): It has no messages \(its “mapping” is empty\)\.$/);
    expect(reasons.join(' ')).not.toMatch(/Invalid input|received null/);
    expect(await page.locator('#import-runs .run[data-status="done"]').count()).toBeGreaterThan(0);
    await shot('import');
    // The filters (and the delete panel) list the imported site and models without a reload.
    expect(await page.locator('#delete-site option[value="chatgpt"]').count()).toBe(1);
    await page.click('nav [data-tab="conversations"]');
    expect(await page.locator('select[name="site"] option[value="chatgpt"]').count()).toBe(1);
    const models = await page.locator('select[name="model"] option').allTextContents();
    expect(models.filter((m) => m !== 'any' && m !== 'Model A').length).toBeGreaterThan(0);
  });

  it('the runs list shows every run in one format: when, what, progress with its count, status', async () => {
    await page.click('nav [data-tab="conversations"]');
    await page.locator('.row').first().locator('input[type="checkbox"]').check();
    await page.click('nav [data-tab="runs"]');
    await page.waitForFunction(() => (document.querySelector('select[name="judge"]') as HTMLSelectElement | null)?.value === 'offline');
    await page.click('#rescore-selected');
    await until('the re-score ended', async () => (await page.locator('#runs .run[data-status="done"]').count()) >= 2, 30_000);
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('#runs .run')].map((r) => ({
        parts: [...r.children].map((c) => c.className || c.tagName.toLowerCase()),
        what: r.querySelector('.run-what')!.textContent,
        count: r.querySelector('.run-count')!.textContent,
        status: r.querySelector('.status')!.textContent,
        cancelShown: !(r.querySelector('button') as HTMLButtonElement).hidden,
      })),
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      expect(row.parts).toEqual(['run-when', 'run-what', 'run-progress', 'status ok', 'button']);
      expect(row.count).toMatch(/^\d+ of \d+$/);
      expect(row.status).toBe('Done');
      expect(row.cancelShown).toBe(false);
    }
    expect(rows[0]!.what).toBe('Re-scoring 1 reply with the offline detector');
    expect(rows.some((r) => /^Scoring \d+ imported replies with the offline detector$/.test(r.what!))).toBe(true);
    await shot('runs');
  });

  it('the export review shows local titles, the user turns with placeholders marked, and what never leaves; the Markdown report names moves', async () => {
    await page.click('nav [data-tab="conversations"]');
    await page.selectOption('select[name="site"]', 'claude');
    await until('claude only', async () => Number(await dataset('total')) === 4);
    await page.click('nav [data-tab="data"]');
    await page.click('#export-review');
    await page.waitForSelector('.review-item');
    const first = page.locator('.review-item').first();
    // The local title (as this computer knows it), shown here only.
    expect(await first.locator('.review-title strong').textContent()).toMatch(/^Plan my move to Lisbon \(\d+\)/);
    expect(await first.locator('.review-title').textContent()).toContain('title stays on this computer');
    expect(await first.locator('.review-turn.from-user').count()).toBe(1);
    expect(await first.locator('.review-turn.from-user mark.placeholder').textContent()).toBe('[EMAIL]');
    expect(await first.locator('.review-turn.from-user').textContent()).toMatch(/^YouPlan my move to Lisbon \(\d+\); write to me at \[EMAIL\]$/);
    expect(await first.locator('p.muted').textContent()).toMatch(/^claude · id in the file: c_[0-9a-f]{32} · 2 messages · 1 email address replaced$/);
    expect(await page.locator('#never-leaves').textContent()).toMatch(
      /^Never leaves this computer:your proxy token and settings.*\[EMAIL\] and \[NAME\].*titles/,
    );
    expect(await page.locator('#export-review-list > p.muted').textContent()).toBe('4 conversations, as they will leave. Untick one to leave it out.');
    await shot('export-review');
    // Markdown, titles kept, nothing redacted: moves by their names.
    await page.selectOption('select[name="format"]', 'markdown');
    await page.locator('input[name="redact"]').uncheck();
    await page.locator('input[name="pseudonymous"]').uncheck();
    await page.locator('input[name="drop-titles"]').uncheck();
    await page
      .locator('input[name="to-disk"]')
      .uncheck()
      .catch(() => undefined);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#export-go')]);
    const path = join(RESULTS, 'dashboard-report.md');
    await download.saveAs(path);
    const md = readFileSync(path, 'utf8');
    expect(md).toContain('- **False urgency** (weakly backed up, severity 3 of 3): “act now”');
    expect(md).toContain('- **Flattery** (not backed up');
    expect(md).not.toMatch(/\*\*false-urgency\*\*|\*\*flattery\*\*/);
    expect(await page.locator('#export-status').textContent()).toBe('Exported 4 conversations.');
  });
});
