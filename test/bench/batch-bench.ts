// Big offline batch jobs against the rest of the proxy (issue 10, item 4), as ratios against a
// reference measured in the same run, medians over several runs:
//   responsiveness  POST /v1/score latency while a 28 MB batch (10k items) is posted and scored,
//                   against the same request on the idle proxy (real port, offline judge)
//   memory          heap kept by five finished 5.6 MB jobs, and by a restart that finds them,
//                   against the heap of the idle app; in a child process with --expose-gc, so
//                   nothing else in this run is measured with it
// Run: npx tsx test/bench/batch-bench.ts   (BENCH_RUNS sets the runs)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createApp, silentLogger } from '../../proxy/app.ts';
import { createBatchStore } from '../../proxy/batch/store.ts';
import { loadConfig } from '../../proxy/config.ts';
import type { Judge } from '../../proxy/judges/judge-interface.ts';
import { startServer } from '../../proxy/server.ts';

const SENTENCES = [
  'Everyone agrees this is the only way, so act now before it is too late.',
  'The report lists three causes and cites its sources for each of them.',
  'You are so smart to ask this; most people would never think of it.',
  'Studies show that this works, and experts say there is no real debate.',
  'Here is a recipe for soup with carrots, onions and a little thyme.',
];
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** `count` items of about `bytes` each. */
function items(count: number, bytes: number): Array<{ id: number; reply: { text: string } }> {
  return Array.from({ length: count }, (_, i) => {
    let text = '';
    for (let j = i; text.length < bytes; j++) text += `${SENTENCES[j % SENTENCES.length]} `;
    return { id: i, reply: { text: `${text}Item ${i}.` } };
  });
}

async function responsiveness(runs: number): Promise<void> {
  const bodyDir = mkdtempSync(join(tmpdir(), 'unspun-batch-body-'));
  const bodyFile = join(bodyDir, 'body.json');
  writeFileSync(bodyFile, JSON.stringify({ items: items(10_000, 2800), judge: 'offline' }));
  const single = JSON.stringify({ reply: { text: SENTENCES.join(' ') } });
  const idle: number[] = [];
  const busyMedian: number[] = [];
  const busyMax: number[] = [];
  const intakeCounts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const configDir = mkdtempSync(join(tmpdir(), 'unspun-batch-bench-'));
    const config = loadConfig({ UNSPUN_CONFIG_DIR: configDir, UNSPUN_PORT: '0', UNSPUN_JUDGE: 'offline' }, []);
    const server = await startServer({ config, logger: silentLogger });
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const score = async () => {
      const t0 = performance.now();
      await (await fetch(`${server.url}/v1/score`, { method: 'POST', headers, body: single })).arrayBuffer();
      return performance.now() - t0;
    };
    try {
      for (let i = 0; i < 10; i++) await score(); // warm up
      const reference: number[] = [];
      for (let i = 0; i < 30; i++) reference.push(await score());
      // The batch goes in from another process (as a researcher's script would: its own cost of
      // sending 28 MB is not ours); single scores are sent one after another from the same moment on.
      const posted = postFromChild(`${server.url}/v1/score/batch`, server.token, bodyFile);
      let accepted = false;
      void posted.then(
        () => (accepted = true),
        () => (accepted = true),
      );
      // Until the proxy has taken the whole body (read, checked, stored), then while it scores.
      const during: number[] = [];
      while (!accepted) during.push(await score());
      const intake = during.length;
      for (let i = 0; i < 30; i++) during.push(await score());
      const id = await posted;
      intakeCounts.push(intake);
      await (await fetch(`${server.url}/v1/batches/${id}`, { method: 'DELETE', headers })).arrayBuffer();
      idle.push(median(reference));
      busyMedian.push(median(during));
      busyMax.push(Math.max(...during));
    } finally {
      await server.close();
      rmSync(configDir, { recursive: true, force: true });
    }
  }
  rmSync(bodyDir, { recursive: true, force: true });
  const ref = median(idle);
  console.log(
    `\nBatch jobs: POST /v1/score while a 28 MB batch (10k items, offline) is posted, then scored (median of ${runs} runs; ${median(intakeCounts)} requests during the POST + 30 after)`,
  );
  console.log(`idle proxy (reference)        ${fmt(ref, 2).padStart(8)} ms`);
  console.log(`during the batch, median      ${fmt(median(busyMedian), 2).padStart(8)} ms   ${fmt(median(busyMedian) / ref)}x the reference`);
  console.log(
    `during the batch, worst       ${fmt(median(busyMax), 2).padStart(8)} ms   ${fmt(median(busyMax) / ref)}x the reference (reading, checking and storing the 28 MB body included)`,
  );
}

/** POSTs a file's content from a child process; resolves with the job id. */
function postFromChild(url: string, token: string, file: string): Promise<string> {
  const script = `const body = require('node:fs').readFileSync(process.argv[1], 'utf8');
fetch(process.argv[2], { method: 'POST', headers: { authorization: 'Bearer ' + process.argv[3], 'content-type': 'application/json' }, body })
  .then((r) => r.json()).then((j) => console.log(j.id), (e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, file, url, token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`posting the batch failed (${code})`))));
  });
}

/** Runs in the child (--expose-gc): heap after gc, idle app vs five finished jobs vs a restart. */
async function memoryChild(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const TOKEN = 'bench-token-0123456789abcdef';
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const instant: Judge = {
    kind: 'offline',
    score: async () => ({ flags: [], score: 0, judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' } }),
  };
  const dir = mkdtempSync(join(tmpdir(), 'unspun-batch-mem-'));
  const open = () => createApp({ config: { token: TOKEN, port: 8787 }, judges: { offline: instant }, batchStore: createBatchStore(dir), logger: silentLogger });
  try {
    let app = open();
    // Warm up every code path once (modules, schemas, JIT) so the reference holds them too.
    const warm = await app.request('http://127.0.0.1:8787/v1/score/batch', { method: 'POST', headers, body: JSON.stringify({ items: items(10, 2800) }) });
    const { id: warmId } = (await warm.json()) as { id: string };
    await app.batchesIdle();
    await (await app.request(`http://127.0.0.1:8787/v1/batches/${warmId}`, { headers })).arrayBuffer();
    await app.request(`http://127.0.0.1:8787/v1/batches/${warmId}`, { method: 'DELETE', headers });
    const base = heap();
    let body = JSON.stringify({ items: items(2000, 2800) });
    const bodyBytes = body.length;
    for (let j = 0; j < 5; j++) {
      const res = await app.request('http://127.0.0.1:8787/v1/score/batch', { method: 'POST', headers, body });
      await res.arrayBuffer();
      await app.batchesIdle();
    }
    body = ''; // not counted as kept by the jobs
    const afterJobs = heap();
    app.shutdown();
    app = open(); // a restart on the same dir
    await app.batchesIdle();
    const afterRestart = heap();
    app.shutdown();
    console.log(JSON.stringify({ base, afterJobs, afterRestart, bodyBytes }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function memory(runs: number): void {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const samples: Array<{ base: number; afterJobs: number; afterRestart: number; bodyBytes: number }> = [];
  for (let r = 0; r < runs; r++) {
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/bench/batch-bench.ts', '--memory-child'], {
      cwd: root,
      encoding: 'utf8',
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`memory bench failed: ${child.stderr}`);
    samples.push(JSON.parse(line));
  }
  const mb = (n: number) => n / 1024 / 1024;
  const base = median(samples.map((s) => s.base));
  const jobs = median(samples.map((s) => s.afterJobs - s.base));
  const restart = median(samples.map((s) => s.afterRestart - s.base));
  const bodies = 5 * samples[0]!.bodyBytes;
  console.log(`\nBatch jobs: heap kept after gc (median of ${runs} child processes; instant judge, so only storage is measured)`);
  console.log(`idle app (reference)                       ${fmt(mb(base)).padStart(6)} MB`);
  console.log(
    `five finished jobs, ${fmt(mb(bodies), 0)} MB of items    +${fmt(mb(jobs)).padStart(5)} MB   ${fmt(jobs / bodies, 3)}x the items' size, ${fmt((base + jobs) / base, 2)}x the reference`,
  );
  console.log(
    `restart that finds them                    +${fmt(mb(restart)).padStart(5)} MB   ${fmt(restart / bodies, 3)}x the items' size, ${fmt((base + restart) / base, 2)}x the reference`,
  );
}

export async function benchBatches(runs: number): Promise<void> {
  await responsiveness(runs);
  memory(runs);
}

if (process.argv.includes('--memory-child')) await memoryChild();
else if (import.meta.url === `file://${process.argv[1]}`) await benchBatches(Number(process.env.BENCH_RUNS ?? 3));
