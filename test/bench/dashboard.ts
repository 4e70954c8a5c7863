// Dashboard at archive scale, in real Chromium: 100k replies in 10k conversations written to the
// extension's real IndexedDB, then the dashboard page's first list page and filtered queries
// (timed by the page itself: query + rendering of the first page, then the full count) against a
// plain IndexedDB read of the same rows (raw cursors, no Dexie, no DOM) measured in the same page,
// in the same run. Medians over RUNS page loads. Scores are not seeded: the list and its filters
// read conversations' summaries only.
import type { Page, Worker } from 'playwright-core';
import { rmSync } from 'node:fs';
import { launchExtension } from '../e2e/harness.ts';
import { EXPORT_PAGE, withExportPage } from './with-export-page.ts';

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 10_000);
const REPLIES_PER_CONVERSATION = 10;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Seeds the archive from the service worker (a string: tsx's helpers do not exist there). */
export const SEED = (conversations: number, per: number) => `(async () => {
  const { db } = globalThis.unspun;
  const sites = ['chatgpt', 'claude', 'gemini', 'perplexity', 'copilot'];
  const models = ['Model A', 'Model B', 'Model C'];
  const moves = ['flattery', 'bandwagon', 'false-urgency', 'unsupported-claim', 'vagueness'];
  const text = 'The report lists three causes and cites its sources. Great question! Everyone agrees this is the only way. '.repeat(3);
  const base = Date.UTC(2026, 0, 1);
  const t0 = performance.now();
  const CHUNK = 1000;
  for (let c0 = 0; c0 < ${conversations}; c0 += CHUNK) {
    const convs = [];
    const msgs = [];
    for (let c = c0; c < Math.min(${conversations}, c0 + CHUNK); c++) {
      const site = sites[c % sites.length];
      const key = site + ':conv-' + c;
      const flagged = c % 5 < 3 ? 1 : 0;
      const convMoves = flagged ? [moves[c % moves.length], moves[(c + 2) % moves.length]].sort() : [];
      if (c % 100 === 7) convMoves.push('straw-man');
      const last = base + c * 60000 + ${per} * 1000;
      convs.push({ key, site, conversationId: 'conv-' + c, firstCapturedAt: base + c * 60000, lastCapturedAt: last, title: 'Question ' + c,
        messageCount: ${per}, charCount: ${per} * text.length, scoredCount: ${per}, flagCount: flagged ? 2 * ${per} : 0, maxScore: flagged ? 30 + (c % 70) : 3,
        flagged, moves: convMoves, supports: flagged ? ['unsupported'] : [], models: [models[c % models.length]], labelCount: c % 50 === 0 ? 1 : 0, labeled: c % 50 === 0 ? 1 : 0,
        source: 'extension', captureMethod: 'dom', completeness: 'partial' });
      for (let m = 0; m < ${per}; m++) {
        msgs.push({ key: key + ':m' + m, conversationKey: key, site, conversationId: 'conv-' + c, messageId: 'm' + m, role: 'assistant', text: text + c + '.' + m,
          userTurn: 'Question ' + c, previous: [], status: 'scored', attempts: 1, nextAttemptAt: 0, capturedAt: base + c * 60000 + m * 1000, updatedAt: last,
          model: models[c % models.length], captureMethod: 'dom', completeness: 'complete', score: flagged ? 30 + (c % 70) : 3, flagCount: flagged ? 2 : 0, moves: convMoves });
      }
    }
    await db.conversations.bulkAdd(convs);
    await db.messages.bulkAdd(msgs);
  }
  return { ms: performance.now() - t0, conversations: await db.conversations.count(), messages: await db.messages.count() };
})()`;

/** The same reads with raw IndexedDB cursors: the first 50 rows of a filter, newest first, and the full count. */
const PLAIN = (filter: 'none' | 'site-flagged' | 'move') => `(async () => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('unspun'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const walk = (limit) => new Promise((ok, no) => {
    const store = db.transaction('conversations').objectStore('conversations');
    const source = ${filter === 'site-flagged' ? `store.index('[site+lastCapturedAt]')` : `store.index('lastCapturedAt')`};
    const range = ${filter === 'site-flagged' ? `IDBKeyRange.bound(['claude', 0], ['claude', Number.MAX_SAFE_INTEGER])` : 'null'};
    const test = ${filter === 'site-flagged' ? '(c) => c.flagged === 1' : filter === 'move' ? "(c) => (c.moves || []).includes('straw-man')" : '() => true'};
    const rows = [];
    const req = source.openCursor(range, 'prev');
    req.onerror = () => no(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || rows.length >= limit) return ok(rows.length);
      if (test(cursor.value)) rows.push(cursor.value);
      cursor.continue();
    };
  });
  const t0 = performance.now();
  await walk(51);
  const pageMs = performance.now() - t0;
  const t1 = performance.now();
  const total = ${filter === 'none' ? `await new Promise((ok) => { const r = db.transaction('conversations').objectStore('conversations').count(); r.onsuccess = () => ok(r.result); })` : 'await walk(Infinity)'};
  const countMs = performance.now() - t1;
  db.close();
  return { pageMs, countMs, total };
})()`;

interface Sample {
  pageMs: number;
  countMs: number;
  total: number;
}

async function waitForCount(page: Page, what: string): Promise<Sample> {
  // Polled with string evaluations (CDP; waitForFunction would eval inside the page, which the extension's CSP forbids).
  const deadline = Date.now() + 120_000;
  while (!(await page.evaluate('document.getElementById("dashboard")?.dataset.countMs !== undefined'))) {
    if (Date.now() > deadline) throw new Error(`the dashboard did not finish loading ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return page.evaluate(
    '(() => { const d = document.getElementById("dashboard").dataset; return { pageMs: Number(d.pageMs), countMs: Number(d.countMs), total: Number(d.total) }; })()',
  );
}

/** A fresh page load (cold: the page's first query), then the same filter applied again (warm). */
async function dashboardSample(page: Page, url: string): Promise<{ cold: Sample; warm: Sample }> {
  await page.goto('about:blank');
  await page.goto(url);
  const cold = await waitForCount(page, url);
  await page.evaluate(
    '(() => { const d = document.getElementById("dashboard").dataset; delete d.countMs; document.getElementById("filters").requestSubmit(); })()',
  );
  const warm = await waitForCount(page, `${url} (again)`);
  return { cold, warm };
}

const EXPORT_CONVERSATIONS = Number(process.env.BENCH_EXPORT ?? 10_000);

/** Every row the export reads (the conversations and all their replies), with raw cursors: the reference. */
export const PLAIN_EXPORT_READ = (limit: number) => `(async () => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open('unspun'); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  await new Promise((ok, no) => {
    const tx = db.transaction(['conversations', 'messages', 'scores', 'labels']);
    const byMessage = tx.objectStore('messages').index('conversationKey');
    let started = 0;
    let finished = 0;
    let walked = false;
    const req = tx.objectStore('conversations').index('lastCapturedAt').openCursor(null, 'prev');
    req.onerror = () => no(req.error);
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || rows >= ${limit}) { walked = true; if (finished === started) ok(); return; }
      rows++;
      started++;
      const m = byMessage.getAll(cursor.value.key);
      m.onsuccess = () => { for (const x of m.result) bytes += x.text.length; finished++; if (walked && finished === started) ok(); };
      cursor.continue();
    };
  });
  db.close();
  return { ms: performance.now() - t0, rows, bytes };
})()`;

/** Heap of the page, sampled from outside (CDP) every 25 ms while `run` is in flight. */
async function peakHeap<T>(page: Page, run: () => Promise<T>): Promise<{ result: T; baseMb: number; peakMb: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const used = async () => ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize / 1048576;
  const baseMb = await used();
  let peakMb = baseMb;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peakMb = Math.max(peakMb, await used());
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    const result = await run();
    return { result, baseMb, peakMb };
  } finally {
    running = false;
    await sampler;
    await cdp.detach();
  }
}

/**
 * The dashboard's export (research zip, the pipeline the Export button runs, into a byte counter,
 * on the bench-only page of with-export-page.ts) against raw cursors reading the same rows,
 * alternating, `runs` times each after a warm-up of each; medians, heap peaks sampled from outside.
 */
async function benchExport(page: Page, extensionId: string, runs: number): Promise<void> {
  await page.goto(`chrome-extension://${extensionId}/${EXPORT_PAGE}`);
  const deadline = Date.now() + 120_000;
  while (!(await page.evaluate('Boolean(globalThis.unspunBench)'))) {
    if (Date.now() > deadline) throw new Error('the export bench page did not load');
    await new Promise((r) => setTimeout(r, 50));
  }
  const exportOnce = () =>
    peakHeap(
      page,
      () => page.evaluate(`globalThis.unspunBench.measureExport(${EXPORT_CONVERSATIONS})`) as Promise<{ ms: number; bytes: number; records: number }>,
    );
  const readOnce = () => peakHeap(page, () => page.evaluate(PLAIN_EXPORT_READ(EXPORT_CONVERSATIONS)) as Promise<{ ms: number; rows: number; bytes: number }>);
  await exportOnce();
  await readOnce();
  const ours: Awaited<ReturnType<typeof exportOnce>>[] = [];
  const ref: Awaited<ReturnType<typeof readOnce>>[] = [];
  for (let r = 0; r < runs; r++) {
    ours.push(await exportOnce());
    ref.push(await readOnce());
  }
  const o = median(ours.map((x) => x.result.ms));
  const p = median(ref.map((x) => x.result.ms));
  const growth = (xs: { baseMb: number; peakMb: number }[]) => median(xs.map((x) => x.peakMb - x.baseMb));
  console.log(
    `export of ${ours[0]!.result.records.toLocaleString()} conversations (research zip, not redacted, ${(ours[0]!.result.bytes / 1048576).toFixed(1)} MB), median of ${runs} runs each, alternating:`,
  );
  console.log(`  dashboard export  ${(o / 1000).toFixed(2)} s, heap +${growth(ours).toFixed(0)} MB at peak`);
  console.log(
    `  plain IDB read    ${(p / 1000).toFixed(2)} s, heap +${growth(ref).toFixed(0)} MB at peak, ${ref[0]!.result.rows.toLocaleString()} conversations + their replies`,
  );
  console.log(`  ratio ${(o / p).toFixed(2)}x (per run: ${ours.map((x, i) => (x.result.ms / ref[i]!.result.ms).toFixed(2)).join(', ')})`);
}

/** Scrolls the list to its end `pages` times: each time the next keyset page loads; the DOM keeps only the rows in view. */
const SCROLL = (pages: number) => `(async () => {
  const list = document.getElementById('list');
  const times = [];
  const rowsInDom = [];
  for (let i = 0; i < ${pages}; i++) {
    const before = Number(list.firstChild.style.height.replace('px', ''));
    const t0 = performance.now();
    list.scrollTop = list.scrollHeight;
    while (Number(list.firstChild.style.height.replace('px', '')) === before) await new Promise((r) => setTimeout(r, 1));
    times.push(performance.now() - t0);
    rowsInDom.push(list.querySelectorAll('.row').length);
  }
  return { times, rowsInDom, loaded: Number(list.firstChild.style.height.replace('px', '')) / 64 };
})()`;

async function seed(sw: Worker): Promise<void> {
  const seeded = (await sw.evaluate(SEED(CONVERSATIONS, REPLIES_PER_CONVERSATION))) as { ms: number; conversations: number; messages: number };
  console.log(
    `seeded ${seeded.messages.toLocaleString()} replies in ${seeded.conversations.toLocaleString()} conversations in ${(seeded.ms / 1000).toFixed(1)} s`,
  );
}

export async function benchDashboard(runs = 5): Promise<void> {
  const extensionDir = await withExportPage();
  const ext = await launchExtension({ extensionDir });
  try {
    console.log(
      `\nDashboard at archive scale (real Chromium, median of ${runs} page loads; plain IndexedDB = raw cursors on the same index, same page, same run)`,
    );
    await seed(ext.sw);
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    const base = `chrome-extension://${ext.extensionId}/dashboard.html`;
    const cases: Array<[string, string, 'none' | 'site-flagged' | 'move']> = [
      ['first page, no filter', '', 'none'],
      ['site + flagged only', '#site=claude&flagged=1', 'site-flagged'],
      ['rare move (1%), a scan', '#move=straw-man', 'move'],
    ];
    await benchExport(page, ext.extensionId, runs);
    if (process.env.BENCH_DASHBOARD_EXPORT_ONLY) return;
    await dashboardSample(page, base);
    const scroll = (await page.evaluate(SCROLL(40))) as { times: number[]; rowsInDom: number[]; loaded: number };
    console.log(
      `scrolling the list to its end 40 times: next page shown in median ${median(scroll.times).toFixed(1)} ms (max ${Math.max(...scroll.times).toFixed(1)}); ${scroll.loaded} rows loaded, at most ${Math.max(...scroll.rowsInDom)} in the DOM`,
    );
    console.log(
      'first page = query + drawing the first rows; count = the full count after it. cold = first query of a fresh page load, warm = the same filter applied again.',
    );
    console.log('case                         first page ms: cold   warm  plain IDB  warm/plain    count ms: dashboard  plain IDB  ratio    rows');
    for (const [name, hash, plain] of cases) {
      await dashboardSample(page, base + hash); // warm-up
      const ours: { cold: Sample; warm: Sample }[] = [];
      const ref: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        ours.push(await dashboardSample(page, base + hash));
        ref.push((await page.evaluate(PLAIN(plain))) as Sample);
      }
      const cold = median(ours.map((s) => s.cold.pageMs));
      const warm = median(ours.map((s) => s.warm.pageMs));
      const pr = median(ref.map((s) => s.pageMs));
      const c = median(ours.map((s) => s.warm.countMs - s.warm.pageMs));
      const cr = median(ref.map((s) => s.countMs));
      if (ours[0]!.warm.total !== ref[0]!.total) throw new Error(`${name}: the dashboard counted ${ours[0]!.warm.total}, plain IndexedDB ${ref[0]!.total}`);
      console.log(
        `${name.padEnd(29)}${cold.toFixed(1).padStart(18)} ${warm.toFixed(1).padStart(6)} ${pr.toFixed(1).padStart(10)} ${(warm / pr).toFixed(1).padStart(10)}x ${c.toFixed(1).padStart(20)} ${cr.toFixed(1).padStart(10)} ${(c / cr).toFixed(1).padStart(6)}x ${String(ours[0]!.warm.total).padStart(7)}`,
      );
    }
  } finally {
    await ext.close();
    rmSync(extensionDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('dashboard.ts')) await benchDashboard(Number(process.env.BENCH_RUNS ?? 5));
