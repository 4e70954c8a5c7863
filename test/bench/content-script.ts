// Content-script cost while a long reply streams, in real Chromium: the demo page (served by a
// real proxy, `?long=` paragraphs streamed word by word at `?ms=` per word) with the extension
// loaded and paired, against the same page in a browser without the extension. Main-thread time
// comes from CDP Performance.getMetrics (ScriptDuration, TaskDuration: every world of the page's
// renderer, so our isolated content script included) over the streaming window only; a page-world
// MutationObserver counts the mutation batches the stream made (present in both runs, so it
// cancels out). Runs alternate on/off; medians.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumArgs } from '../e2e/harness.ts';

const EXTENSION_DIR = resolve('.output/chrome-mv3');
const LONG_PARAGRAPHS = Number(process.env.BENCH_LONG ?? 20);
const MS_PER_WORD = Number(process.env.BENCH_MS ?? 5);

export interface StreamSample {
  scriptMs: number;
  taskMs: number;
  batches: number;
  words: number;
  streamMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Counts MutationObserver callbacks on the thread while the first reply streams (page world). A
 * string, not a function: tsx's name-keeping helpers do not exist in the page.
 */
const COUNT_BATCHES = `(() => {
  const bench = (window.__bench = { batches: 0, on: false });
  const start = () => {
    const thread = document.querySelector('[data-thread]');
    if (!thread) return void requestAnimationFrame(start);
    new MutationObserver(() => { if (bench.on) bench.batches++; }).observe(thread, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  document.addEventListener('DOMContentLoaded', start);
})();`;

async function launch(withExtension: boolean): Promise<{ context: BrowserContext; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'unspun-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    headless: true,
    executablePath: CHROMIUM,
    viewport: { width: 1100, height: 900 },
    args: withExtension ? chromiumArgs(EXTENSION_DIR) : [...CHROMIUM_FLAGS],
  });
  return { context, dir };
}

async function sampleStream(context: BrowserContext, proxy: TestProxy, conversation: string): Promise<StreamSample> {
  const page = await context.newPage();
  await page.addInitScript({ content: COUNT_BATCHES });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const metrics = async () => {
    const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
    const get = (name: string) => list.find((m) => m.name === name)?.value ?? 0;
    return { script: get('ScriptDuration') * 1000, task: get('TaskDuration') * 1000 };
  };
  await page.goto(`${proxy.url}/demo?c=${conversation}&ms=${MS_PER_WORD}&long=${LONG_PARAGRAPHS}`);
  const first = `[data-message-id="${conversation}-a1"]`;
  await page.waitForSelector(`${first}[data-streaming="true"]`, { timeout: 20_000 });
  await page.evaluate('window.__bench.on = true');
  const before = await metrics();
  const t0 = Date.now();
  await page.waitForSelector(`${first}[data-streaming="false"]`, { timeout: 120_000 });
  const after = await metrics();
  const streamMs = Date.now() - t0;
  const { batches, words } = (await page.evaluate(
    `({ batches: window.__bench.batches, words: (document.querySelector(${JSON.stringify(`${first} [data-message-body]`)})?.textContent ?? '').split(/\\s+/).filter(Boolean).length })`,
  )) as { batches: number; words: number };
  await cdp.detach();
  await page.close();
  return { scriptMs: after.script - before.script, taskMs: after.task - before.task, batches, words, streamMs };
}

/** Runs the comparison and prints it; returns the medians (for callers that want the figures). */
export async function benchContentScript(runs: number): Promise<{ on: StreamSample; off: StreamSample } | null> {
  console.log(`\nContent script while a long reply streams (real Chromium, median of ${runs} runs, demo page ?long=${LONG_PARAGRAPHS}&ms=${MS_PER_WORD})`);
  if (!existsSync(CHROMIUM)) {
    console.log(`(skipped: no Chromium at ${CHROMIUM})`);
    return null;
  }
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    const built = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
    if (built.status !== 0) {
      console.log('(skipped: the extension build failed)');
      return null;
    }
  }
  const proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  const withExt = await launch(true);
  const without = await launch(false);
  try {
    const sw = withExt.context.serviceWorkers()[0] ?? (await withExt.context.waitForEvent('serviceworker'));
    await sw.evaluate((v) => (globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }).chrome.storage.local.set(v), {
      proxyUrl: proxy.url,
      token: proxy.token,
    });
    // One warm-up each (JIT, page cache), then alternate so drift on a shared machine hits both.
    await sampleStream(withExt.context, proxy, 'bench-warm-on');
    await sampleStream(without.context, proxy, 'bench-warm-off');
    const on: StreamSample[] = [];
    const off: StreamSample[] = [];
    for (let r = 0; r < runs; r++) {
      on.push(await sampleStream(withExt.context, proxy, `bench-on-${Date.now().toString(36)}-${r}`));
      off.push(await sampleStream(without.context, proxy, `bench-off-${Date.now().toString(36)}-${r}`));
    }
    const m = (xs: StreamSample[], k: keyof StreamSample) => median(xs.map((x) => x[k]));
    const med = (xs: StreamSample[]): StreamSample => ({
      scriptMs: m(xs, 'scriptMs'),
      taskMs: m(xs, 'taskMs'),
      batches: m(xs, 'batches'),
      words: m(xs, 'words'),
      streamMs: m(xs, 'streamMs'),
    });
    const mOn = med(on);
    const mOff = med(off);
    // Per-run differences (paired by run) give the content script's own share per batch.
    const perBatchScript = median(on.map((s, i) => (s.scriptMs - off[i]!.scriptMs) / Math.max(1, s.batches)));
    const perBatchTask = median(on.map((s, i) => (s.taskMs - off[i]!.taskMs) / Math.max(1, s.batches)));
    const f = (n: number, d = 2) => n.toFixed(d);
    console.log(`reply: ${mOn.words} words, ${mOn.batches} mutation batches, streamed in ${(mOn.streamMs / 1000).toFixed(1)} s`);
    console.log('                     extension on   extension off (reference)   ratio');
    console.log(`script ms (stream)   ${f(mOn.scriptMs, 1).padStart(12)}   ${f(mOff.scriptMs, 1).padStart(25)}   ${f(mOn.scriptMs / mOff.scriptMs)}x`);
    console.log(`task ms (stream)     ${f(mOn.taskMs, 1).padStart(12)}   ${f(mOff.taskMs, 1).padStart(25)}   ${f(mOn.taskMs / mOff.taskMs)}x`);
    console.log(`script ms / batch    ${f(mOn.scriptMs / mOn.batches, 4).padStart(12)}   ${f(mOff.scriptMs / mOff.batches, 4).padStart(25)}`);
    console.log(
      `content script's own main-thread time per mutation batch (on − off, paired runs): script ${f(perBatchScript, 4)} ms, task ${f(perBatchTask, 4)} ms`,
    );
    return { on: mOn, off: mOff };
  } finally {
    await withExt.context.close();
    await without.context.close();
    await proxy.close();
    for (const dir of [withExt.dir, without.dir]) rmSync(dir, { recursive: true, force: true });
  }
}
