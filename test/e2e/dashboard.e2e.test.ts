// The dashboard in real Chromium on the real archive (IndexedDB in the extension's origin):
// it lists the stored conversations, a filter narrows them, a conversation shows its replies with
// highlights and cards (a label saved from there), charts draw, a re-score through the real
// proxy's batch endpoint ends with both judges side by side, and a delete takes a confirm step.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExportRecord, exportJsonSchema } from '../../shared/export/record.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { closedRoot, launchExtension, pair, RESULTS, storageGet, until, type LaunchedExtension } from './harness.ts';
import { type JsonSchema, validate as validateJsonSchema } from '../helpers/json-schema.ts';

let ext: LaunchedExtension;
let proxy: TestProxy;
let page: Page;
const errors: string[] = [];

const SITES = ['chatgpt', 'claude', 'gemini'] as const;
const FLAGGED = 'Great question! Everyone agrees this is the only way, so act now before it is too late.';
const PLAIN = 'The report lists three causes and cites its sources: see table 2 of the 2021 survey.';

/** Seeds the archive through the service worker (the background's own queries). */
async function seed(count: number): Promise<void> {
  await ext.sw.evaluate(
    async ({ count, sites, flagged, plain }) => {
      type Q = Record<string, (...args: unknown[]) => Promise<unknown>>;
      const { db, queries } = (globalThis as unknown as { unspun: { db: unknown; queries: Q } }).unspun;
      const day = 86_400_000;
      const base = Date.UTC(2026, 10, 1);
      for (let i = 0; i < count; i++) {
        const site = sites[i % sites.length]!;
        const text = i % 2 === 0 ? flagged : plain;
        const at = base + (i * day) / 4;
        await queries.recordCapture!(
          db,
          {
            site,
            conversationId: `conv-${i}`,
            messageId: `m-${i}`,
            text,
            userTurn: `Question number ${i} about ${i % 2 ? 'sources' : 'urgency'}`,
            previous: [],
            url: `https://${site}.example/c/conv-${i}?q=secret`,
            model: i % 3 === 0 ? 'Model A' : 'Model B',
            // The plain replies carry citation markers after their sentence: one to a page, one that points nowhere.
            ...(i % 2
              ? {
                  citations: [
                    { at: plain.length, label: 'survey +1', url: 'https://stats.example.org/survey-2021?user=me#t2' },
                    { at: plain.length, label: '[9]', n: 9, sources: 2 },
                  ],
                }
              : {}),
          },
          at,
        );
        const flags =
          i % 2 === 0
            ? [
                {
                  move: 'flattery',
                  start: 0,
                  end: 15,
                  quote: flagged.slice(0, 15),
                  severity: 2,
                  support: 'unsupported',
                  rationale: 'Praise of the question.',
                  source: 'detector',
                  ruleId: 'flattery.great-question',
                },
                {
                  move: 'bandwagon',
                  start: 16,
                  end: 31,
                  quote: flagged.slice(16, 31),
                  severity: 2,
                  support: 'unsupported',
                  rationale: 'Everyone agrees, says who?',
                  source: 'detector',
                },
                {
                  move: 'false-urgency',
                  start: flagged.indexOf('act now'),
                  end: flagged.indexOf('act now') + 7,
                  quote: 'act now',
                  severity: 3,
                  support: 'weak',
                  rationale: 'Hurry.',
                  source: 'detector',
                },
              ]
            : [];
        await queries.markScored!(
          db,
          `${site}:conv-${i}:m-${i}`,
          {
            score: flags.length ? 40 + (i % 50) : 5,
            flags,
            ...(i % 2 ? { claims: [{ start: 0, end: plain.length, quote: plain, support: 'source' }] } : {}),
            judge: { kind: 'offline', promptVersion: 'detector-test', taxonomyVersion: 'tax-test' },
            cached: false,
            latencyMs: 1,
          },
          at + 1000,
        );
      }
    },
    { count, sites: [...SITES], flagged: FLAGGED, plain: PLAIN },
  );
}

/** The files of a zip, from its central directory (the export writes stored, uncompressed files). */
function unzip(buffer: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    expect(buffer.readUInt32LE(at)).toBe(0x02014b50);
    expect(buffer.readUInt16LE(at + 10)).toBe(0); // stored
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    const local = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    files.set(name, buffer.subarray(dataStart, dataStart + size));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

const shot = (name: string) => page.screenshot({ path: join(RESULTS, `dashboard-${name}.png`), fullPage: false });
const dataset = (key: string) => page.evaluate((k) => document.getElementById('dashboard')!.dataset[k], key);

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  ext = await launchExtension();
  expect(await pair(ext.context, proxy.url, proxy.token)).toBe(true);
  await seed(60);
  page = await ext.context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`chrome-extension://${ext.extensionId}/dashboard.html`);
  await page.waitForFunction(() => document.getElementById('dashboard')?.dataset.total !== undefined);
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await ext?.close();
  await proxy?.close();
});

describe('dashboard', () => {
  it('lists the captured conversations, newest first, drawing only the rows in view', async () => {
    expect(await dataset('total')).toBe('60');
    const titles = await page.locator('.row .title').allTextContents();
    expect(titles[0]).toBe('Question number 59 about sources');
    // Windowing: far fewer rows in the DOM than conversations listed.
    expect(titles.length).toBeGreaterThan(5);
    expect(titles.length).toBeLessThan(40);
    await shot('list');
  });

  it('a filter narrows the list (site, then flagged only, then a move, then text), and clearing restores it', async () => {
    await page.selectOption('select[name="site"]', 'claude');
    await until('site filter', async () => (await dataset('total')) === '20');
    const metas = await page.locator('.row .meta').allTextContents();
    expect(metas.every((m) => m.startsWith('claude'))).toBe(true);
    await page.check('input[name="flagged"]');
    await until('flagged filter', async () => (await dataset('total')) === '10');
    await page.selectOption('select[name="move"]', 'false-urgency');
    await until('move filter', async () => (await dataset('total')) === '10');
    await page.selectOption('select[name="move"]', 'straw-man');
    await until('a move nobody made', async () => (await dataset('total')) === '0');
    expect(await page.locator('#count').textContent()).toContain('No conversations match');
    await page.click('button[type="reset"]');
    await until('cleared', async () => (await dataset('total')) === '60');
    await page.fill('input[name="q"]', 'number 42 about');
    await page.press('input[name="q"]', 'Enter');
    await until('text search', async () => (await dataset('total')) === '1');
    await shot('filtered');
    await page.click('button[type="reset"]');
    await until('cleared again', async () => (await dataset('total')) === '60');
  });

  it('a conversation shows its reply with highlights and the flag card; a label saved there is stored', async () => {
    await page.locator('.row', { hasText: 'Question number 58 about urgency' }).click();
    await page.waitForSelector('.view .reply-text');
    expect(await page.locator('.view .reply-text').textContent()).toBe(FLAGGED);
    const ranges = await page.evaluate(() => {
      let n = 0;
      for (const [name, hl] of CSS.highlights) if (name.startsWith('unspun-')) n += hl.size;
      return n;
    });
    expect(ranges).toBe(3);
    expect(await page.locator('.view .provenance').textContent()).toContain('quotes verified');
    await page.locator('.view .chip[data-move="bandwagon"]').click();
    const card = page.locator('unspun-card');
    await until('card open', async () => (await card.getAttribute('data-kind')) === 'flag');
    await closedRoot(page, 'unspun-card').locator('button.disagree').click();
    await until('label stored', () =>
      ext.sw.evaluate(async () => {
        const { db } = (globalThis as unknown as { unspun: { db: { labels: { toArray(): Promise<{ verdict: string; flag: { move: string } }[]> } } } }).unspun;
        const labels = await db.labels.toArray();
        return labels.length === 1 && labels[0]!.verdict === 'disagree' && labels[0]!.flag.move === 'bandwagon';
      }),
    );
    await shot('conversation');
    await page.keyboard.press('Escape');
  });

  it('charts draw from the archive (four chart.js canvases with pixels)', async () => {
    await page.click('nav [data-tab="charts"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('section[data-tab="charts"]')?.dataset.charts === '4');
    const painted = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((c) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      }),
    );
    expect(painted).toHaveLength(4);
    expect(painted.every((n) => n > 500)).toBe(true);
    await shot('charts');
  });

  it('re-scores ticked conversations through the proxy batch endpoint, then shows both judges side by side', async () => {
    await page.click('nav [data-tab="conversations"]');
    for (const title of ['Question number 58 about urgency', 'Question number 57 about sources']) {
      await page.locator('.row', { hasText: title }).locator('input[type="checkbox"]').check();
    }
    await page.click('nav [data-tab="runs"]');
    // The proxy runs offline: its judge is picked, the judge model is off and the page says why.
    await page.waitForFunction(() => (document.querySelector('select[name="judge"]') as HTMLSelectElement | null)?.value === 'offline');
    expect(await page.locator('select[name="judge"] option[value="anthropic"]').isDisabled()).toBe(true);
    expect(await page.locator('#judge-note').textContent()).toMatch(/ANTHROPIC_API_KEY/);
    await shot('rescore-judges');
    await page.selectOption('select[name="judge"]', 'offline');
    await page.click('#rescore-selected');
    await page.waitForSelector('.run[data-status="done"]', { timeout: 30_000 });
    expect(await page.locator('.run[data-status="done"] .run-count').textContent()).toBe('2 of 2');
    expect(await page.locator('.run[data-status="done"] .status').textContent()).toBe('Done');
    await shot('rescore');
    const stored = await ext.sw.evaluate(async () => {
      const { db } = (globalThis as unknown as { unspun: { db: { rescores: { toArray(): Promise<{ judgeKey: string; messageKey: string }[]> } } } }).unspun;
      return (await db.rescores.toArray()).map((r) => r.messageKey).sort();
    });
    expect(stored).toEqual(['chatgpt:conv-57:m-57', 'claude:conv-58:m-58']);
    await page.click('nav [data-tab="conversations"]');
    await page.locator('.row', { hasText: 'Question number 58 about urgency' }).click();
    await page.waitForSelector('.view .comparison');
    const agreement = Number(await page.locator('.view .comparison').getAttribute('data-agreement'));
    expect(agreement).toBeGreaterThanOrEqual(0);
    expect(agreement).toBeLessThanOrEqual(1);
    await shot('compare');
  });

  it('exports the current filter as a redacted research zip whose records validate, after a review step', async () => {
    await page.click('nav [data-tab="data"]');
    await page.click('#export-review');
    await page.waitForSelector('.review-item', { timeout: 30_000 });
    expect(await page.locator('#export-review-list').textContent()).toContain('The first 25 of 60');
    // Redaction is on by default: ids are pseudonymous and the page URL (it holds the site id) is left out.
    expect(await page.locator('.review-item p.muted').first().textContent()).toMatch(/id in the file: c_[0-9a-f]{32}/);
    const reviewedIds = (await page.locator('.review-item p.muted').allTextContents()).slice(0, 2).map((t) => /id in the file: (c_[0-9a-f]{32})/.exec(t)![1]!);
    await page.locator('.review-item input[type="checkbox"]').first().uncheck();
    await shot('export-review');
    await page
      .locator('input[name="to-disk"]')
      .uncheck()
      .catch(() => undefined);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('#export-go')]);
    const path = join(RESULTS, 'dashboard-export.zip');
    await download.saveAs(path);
    const files = unzip(readFileSync(path));
    expect([...files.keys()].sort()).toEqual(['conversations.csv', 'conversations.jsonl', 'manifest.json', 'schema.json']);
    // The shipped schema is the one generated from the zod record; every line validates against it.
    const shipped = JSON.parse(files.get('schema.json')!.toString('utf8')) as JsonSchema;
    expect(shipped).toEqual(exportJsonSchema());
    const lines = files.get('conversations.jsonl')!.toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(59);
    // The review showed what leaves: the conversation left out is not there, the next one is, under the same id.
    const ids = lines.map((l) => (JSON.parse(l) as { conversation: { id: string } }).conversation.id);
    expect(ids).not.toContain(reviewedIds[0]);
    expect(ids).toContain(reviewedIds[1]);
    let cited = 0;
    for (const line of lines) {
      expect(validateJsonSchema(shipped, JSON.parse(line))).toEqual([]);
      const record = ExportRecord.parse(JSON.parse(line));
      expect(record.redaction).toMatchObject({ redacted: true, ids: 'pseudonymous' });
      expect(record.conversation.url).toBeUndefined();
      // Citation markers leave with the reply (1.2.0): the URL without its query and fragment, and the
      // claim says which of its markers points nowhere.
      const reply = record.messages.find((m) => m.role === 'assistant')!;
      if (reply.text !== PLAIN) continue;
      expect(reply.citations).toEqual([
        { at: PLAIN.length, label: 'survey +1', url: 'https://stats.example.org/survey-2021', host: 'stats.example.org', url_redacted: true },
        { at: PLAIN.length, label: '[9]', url: null, n: 9, sources: 2, nowhere: 'beyond-sources' },
      ]);
      expect(reply.scores![0]!.claims![0]!.cites!.map((c) => [c.citation, c.host ?? c.nowhere])).toEqual([
        [0, 'stats.example.org'],
        [1, 'beyond-sources'],
      ]);
      cited++;
    }
    expect(cited).toBeGreaterThan(20);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { counts: { conversations: number }; files: { name: string }[] };
    expect(manifest.counts.conversations).toBe(59);
    expect(await page.locator('#export-status').textContent()).toContain('Exported 59 conversations, redacted');
  });

  it('imports a ChatGPT data export, and the imported replies are scored through the batch endpoint', async () => {
    await page.selectOption('select[name="import-format"]', 'chatgpt');
    await page.selectOption('select[name="import-judge"]', 'offline');
    await page.setInputFiles('input[name="import-file"]', resolve('test/fixtures/exports/chatgpt-conversations.json'));
    await page.click('#import-go');
    await page.waitForSelector('#import-panel[data-import-done]', { timeout: 60_000 });
    expect(await page.locator('#import-status').textContent()).toMatch(/^Done: imported 3 conversations/);
    await shot('import');
    const imported = await ext.sw.evaluate(async () => {
      const { db } = (globalThis as unknown as { unspun: { db: Record<string, { toArray(): Promise<Record<string, unknown>[]> }> } }).unspun;
      const messages = (await db.messages!.toArray()).filter((m) => m.captureMethod === 'import');
      const scores = await db.scores!.toArray();
      return { replies: messages.length, scored: messages.filter((m) => m.status === 'scored' && scores.some((s) => s.messageKey === m.key)).length };
    });
    expect(imported.replies).toBeGreaterThan(0);
    expect(imported.scored).toBe(imported.replies);
    await page.click('nav [data-tab="conversations"]');
    await page.selectOption('select[name="site"]', 'chatgpt');
    await until('imported conversations listed', async () => Number(await dataset('total')) > 20);
    await page.click('button[type="reset"]');
    await until('cleared', async () => Number(await dataset('total')) > 60);
  });

  it('deleting a conversation asks first, then removes it and everything of it', async () => {
    await page.fill('input[name="q"]', 'number 58 about');
    await page.press('input[name="q"]', 'Enter');
    await until('found', async () => (await dataset('total')) === '1');
    await page.locator('.row', { hasText: 'Question number 58 about urgency' }).click();
    await page.click('.view button.danger');
    expect(await page.locator('.view .confirm').textContent()).toContain('Delete this conversation');
    await page.click('.view .confirm button.danger');
    await until('deleted', () =>
      ext.sw.evaluate(async () => {
        const { db } = (globalThis as unknown as { unspun: { db: Record<string, { count(): Promise<number>; toArray(): Promise<unknown[]> }> } }).unspun;
        return (
          (await db.labels!.count()) === 0 &&
          (await db.rescores!.count()) === 1 &&
          ((await db.messages!.toArray()) as { key: string }[]).every((m) => !m.key.startsWith('claude:conv-58:'))
        );
      }),
    );
    expect(await page.locator('.row', { hasText: 'Question number 58 about urgency' }).count()).toBe(0);
  });

  it('deletes a site’s data, then everything, each after a confirm step; the auto-delete setting is stored', async () => {
    const counts = () =>
      ext.sw.evaluate(async () => {
        const { db } = (globalThis as unknown as { unspun: { db: Record<string, { toArray(): Promise<{ site?: string }[]>; count(): Promise<number> }> } })
          .unspun;
        const conversations = await db.conversations!.toArray();
        return {
          all: conversations.length,
          gemini: conversations.filter((c) => c.site === 'gemini').length,
          messages: await db.messages!.count(),
          scores: await db.scores!.count(),
        };
      });
    expect((await counts()).gemini).toBe(20);
    await page.click('nav [data-tab="data"]');
    await page.fill('#retention-days', '30');
    await page.dispatchEvent('#retention-days', 'change');
    await until('retention stored', async () => (await storageGet(ext.sw, ['retentionDays'])).retentionDays === 30);
    await page.selectOption('#delete-site', 'gemini');
    await page.getByRole('button', { name: 'Delete this site’s data' }).click();
    await page.locator('button[data-confirm]').click();
    await until('gemini deleted', async () => (await counts()).gemini === 0);
    // The first confirm step closes only after the dashboard has refreshed its lists; until then its
    // (disabled) "Yes, delete" is still on the page, so wait for it rather than race it.
    await page.locator('button[data-confirm]').waitFor({ state: 'detached' });
    const after = await counts();
    expect(after.all).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Delete everything' }).click();
    const wholeArchive = page.locator('.confirm').filter({ hasText: 'Delete the whole archive' });
    expect(await wholeArchive.count()).toBe(1);
    await wholeArchive.locator('button[data-confirm]').click();
    await until('archive empty', async () => JSON.stringify(await counts()) === JSON.stringify({ all: 0, gemini: 0, messages: 0, scores: 0 }));
    await page.click('nav [data-tab="conversations"]');
    await until('list empty', async () => (await dataset('total')) === '0');
  });
});
