// "Your labels teach your detector", in real Chromium with the real extension and the real proxy
// (offline judge): disagreeing with one detector rule's flags five times (labels sent through the
// extension's background into the real IndexedDB archive) hides that rule's flag on the demo page,
// live; the dashboard's "Your labels" tab shows the rule's precision and the change; "Keep
// showing" brings the flag back, and the undo holds after a reload.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../shared/schemas.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { closedRoot, highlightCount, launchExtension, pair, RESULTS, storageGet, storedScore, until, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let proxy: TestProxy;
let demo: Page;
let dashboard: Page;
const errors: string[] = [];
const A1 = 'cal-1-a1';

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  ext = await launchExtension();
  expect(await pair(ext.context, proxy.url, proxy.token)).toBe(true);
  demo = await ext.context.newPage();
  dashboard = await ext.context.newPage();
  for (const p of [demo, dashboard]) {
    p.setDefaultTimeout(10_000);
    p.on('pageerror', (error) => errors.push(error.message));
  }
  await dashboard.setViewportSize({ width: 1400, height: 900 });
});

afterAll(async () => {
  expect(errors).toEqual([]);
  await ext?.close();
  await proxy?.close();
});

const badge = () => demo.locator(`unspun-badge[data-message-id="${A1}"][data-state="scored"]`);

describe('the reader’s labels calibrate the detector', () => {
  let target: Flag;
  let flagged: number;

  it('the demo reply is scored and every detector flag is drawn', async () => {
    await demo.goto(`${proxy.url}/demo?c=cal-1&ms=5`);
    await badge().waitFor({ timeout: 20_000 });
    const score = await until('the demo score stored', () => storedScore(ext.sw, `demo:cal-1:${A1}`));
    const urgent = score.flags.filter((f) => f.move === 'false-urgency' && f.ruleId);
    expect(urgent.length).toBeGreaterThan(0);
    target = urgent[0]!;
    flagged = score.flags.length;
    await expect.poll(() => badge().getAttribute('data-hidden')).toBe('0');
    expect(await badge().getAttribute('data-shown')).toBe(String(flagged));
    await expect.poll(() => highlightCount(demo)).toBe(flagged);
  });

  it('five disagreements with that rule hide its flag on the page, and the note counts it', async () => {
    await dashboard.goto(`chrome-extension://${ext.extensionId}/dashboard.html`);
    await dashboard.waitForFunction(() => document.getElementById('dashboard')?.dataset.ready === 'true');
    // Labels go where a chat page's card sends them: the background, which stores them in IndexedDB.
    const answers = await dashboard.evaluate(async (flag) => {
      const out: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const message = {
          type: 'label-flag',
          site: 'demo',
          conversationId: `earlier-${i}`,
          messageId: `m-${i}`,
          flag: { move: flag.move, start: 0, end: flag.quote.length, quote: flag.quote, source: 'detector', ruleId: flag.ruleId },
          verdict: 'disagree',
        };
        out.push(await (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage(message));
      }
      return out;
    }, target);
    expect(answers).toEqual(Array.from({ length: 5 }, () => expect.objectContaining({ ok: true })));
    const table = await until('the calibration stored', async () =>
      (await storageGet(ext.sw, ['calibration'])).calibration?.rules?.[0]?.action === 'hide'
        ? (await storageGet(ext.sw, ['calibration'])).calibration
        : undefined,
    );
    expect(table.rules).toEqual([expect.objectContaining({ ruleId: target.ruleId, agree: 0, disagree: 5, precision: 0.2, action: 'hide' })]);

    const hiddenCount = (await storedScore(ext.sw, `demo:cal-1:${A1}`))!.flags.filter((f) => f.ruleId === target.ruleId).length;
    await expect.poll(() => badge().getAttribute('data-hidden')).toBe(String(hiddenCount));
    await expect.poll(() => highlightCount(demo)).toBe(flagged - hiddenCount);
    await badge().locator('button').click();
    const card = closedRoot(demo, 'unspun-card');
    await expect
      .poll(() => card.locator('.hidden-note').textContent())
      .toMatch(/including \d+ hidden because your labels say (its rule is|their rules are) usually wrong\.$/);
    expect(await card.locator('li').count()).toBe(flagged - hiddenCount);
    await demo.screenshot({ path: join(RESULTS, 'labels-demo-hidden.png') });
    await demo.keyboard.press('Escape');
    // Still stored: the archive keeps the flag, only the page leaves it out.
    expect((await storedScore(ext.sw, `demo:cal-1:${A1}`))!.flags).toHaveLength(flagged);
  });

  it('the dashboard shows the rule’s precision from the labels and what changed, by move name', async () => {
    await dashboard.click('nav [data-tab="labels"]');
    const section = dashboard.locator('section[data-tab="labels"]');
    await section.locator('#labels-rules').waitFor();
    const row = section.locator(`#labels-rules tr[data-rule="${target.ruleId}"]`);
    expect(await row.locator('td').allTextContents()).toEqual([expect.stringMatching(/^False urgency/), '0', '5', '20%', 'Hidden']);
    const change = section.locator(`.changes li[data-rule="${target.ruleId}"]`);
    expect(await change.locator('.what').textContent()).toMatch(/^False urgency: /);
    expect(await change.textContent()).not.toContain(target.ruleId!);
    expect(await change.textContent()).toContain('you agreed 0 of 5 times');
    await dashboard.screenshot({ path: join(RESULTS, 'labels-view-hidden.png'), fullPage: true });
  });

  it('"Keep showing" brings the flag back on the page, and the undo holds after a reload', async () => {
    const section = dashboard.locator('section[data-tab="labels"]');
    await section.locator(`.changes button[data-rule="${target.ruleId}"][data-undo="keep"]`).click();
    await expect.poll(() => badge().getAttribute('data-hidden')).toBe('0');
    await expect.poll(() => highlightCount(demo)).toBe(flagged);
    await section.locator(`.changes button[data-rule="${target.ruleId}"][data-undo="release"]`).waitFor();
    expect(await section.locator(`#labels-rules tr[data-rule="${target.ruleId}"] .tag`).textContent()).toBe('Kept showing (your choice)');
    expect(await section.locator(`.changes li[data-rule="${target.ruleId}"] .tag`).textContent()).toMatch(
      /^Shown as the detector made it, at your request since .+ \(your labels would hide it\)$/,
    );

    await dashboard.reload();
    await dashboard.waitForFunction(() => document.getElementById('dashboard')?.dataset.ready === 'true');
    await dashboard.click('nav [data-tab="labels"]');
    await section.locator(`.changes button[data-rule="${target.ruleId}"][data-undo="release"]`).waitFor();
    await dashboard.screenshot({ path: join(RESULTS, 'labels-view-kept.png'), fullPage: true });
    await demo.reload();
    await badge().waitFor({ timeout: 20_000 });
    await expect.poll(() => highlightCount(demo)).toBe(flagged);

    // "Let my labels decide" hides it again.
    await section.locator(`.changes button[data-rule="${target.ruleId}"][data-undo="release"]`).click();
    await expect.poll(() => badge().getAttribute('data-hidden')).not.toBe('0');
  });
});
