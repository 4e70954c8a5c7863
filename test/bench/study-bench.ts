// The study server under a simulated study: 1,000 participants join and donate 50 conversations
// each (sent in batches of 10, as the extension's outbox does, 5% of batches sent twice as retries),
// against `npm run study`'s server in its own process on the embedded PGlite dir and on a real
// PostgreSQL, in the same run. Reports donations per second, request latency p50/p99, the server's
// peak RSS, and checks by counting rows that nothing was lost and nothing stored twice.
// BENCH_STUDY_PARTICIPANTS / BENCH_STUDY_DONATIONS scale it down for a quick look.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CreatedStudy, DonationResponse, JoinResponse, StudyStats } from '#shared/api/study';
import type { ExportRecord } from '#shared/export/record';
import { freePort, startPgCluster } from '../study/pg-cluster.ts';
import { donationRecord } from '../study/records.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const PARTICIPANTS = Number(process.env.BENCH_STUDY_PARTICIPANTS ?? 1000);
const DONATIONS = Number(process.env.BENCH_STUDY_DONATIONS ?? 50);
const BATCH = 10;
/** Requests in flight at once: bounded so 2 shared cores are not just queueing. */
const CONCURRENCY = 8;
const RETRY_EVERY = 20; // every 20th batch is sent a second time, as a retry after a lost answer

interface Result {
  kind: string;
  seconds: number;
  donationsPerSecond: number;
  p50: number;
  p99: number;
  joinP50: number;
  peakRssMb: number;
  rows: number;
  acknowledged: number;
  duplicatesReported: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Peak resident set of a process (VmHWM), MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; exited: Promise<unknown> }> {
  // The server process itself (what `npm run study` runs), so its RSS is the server's own.
  const child = spawn(process.execPath, ['--import', 'tsx', 'proxy/study/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolveUrl(match[1]!);
    });
    exited.then(() => reject(new Error(`study server exited: ${out}`)));
  });
  // Drain its request log so the pipe never fills.
  child.stdout!.resume();
  return { child, url, exited };
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function runOne(kind: 'pglite' | 'postgres'): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'unspun-study-bench-'));
  const cluster = kind === 'postgres' ? await startPgCluster() : null;
  // Every simulated participant joins from loopback: lift the per-address join limit for them.
  const env: Record<string, string> = { UNSPUN_CONFIG_DIR: dir, UNSPUN_STUDY_PORT: String(await freePort()), UNSPUN_STUDY_JOIN_BURST: String(PARTICIPANTS) };
  if (cluster) env.DATABASE_URL = cluster.url;
  const server = await startServer(env);
  try {
    const admin = readFileSync(join(dir, 'study-admin-token'), 'utf8').trim();
    const post = (path: string, body: unknown, auth?: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify(body),
      });
    const created = CreatedStudy.parse(
      await (
        await post('/v1/studies', { title: 'Bench', consent: 'I agree to donate redacted replies for this benchmark.', collect: 'all', sites: 'all' }, admin)
      ).json(),
    );
    const api = `/v1/studies/${created.studyId}`;

    const joinTimes: number[] = [];
    const people: JoinResponse[] = [];
    await pool(
      Array.from({ length: PARTICIPANTS }, (_, i) => i),
      CONCURRENCY,
      async () => {
        const t0 = performance.now();
        const res = await post(`${api}/participants`, { consent: true });
        joinTimes.push(performance.now() - t0);
        people.push(JoinResponse.parse(await res.json()));
      },
    );

    // Records are made per participant as the batches go (50k records at once would be ~100 MB here).
    const template = donationRecord({ n: 0 });
    const recordFor = (p: number, d: number): ExportRecord => {
      const r = structuredClone(template);
      r.conversation.id = `c_${p.toString(16).padStart(16, '0')}${d.toString(16).padStart(16, '0')}`;
      r.messages[0]!.text = r.messages[0]!.text.replace('Reply 0.', `Reply ${p}.${d}.`);
      const flag = r.messages[0]!.scores![0]!.flags[0]!;
      const shift = `Reply ${p}.${d}.`.length - 'Reply 0.'.length;
      flag.start += shift;
      flag.end += shift;
      return r;
    };
    const batches: { person: JoinResponse; p: number; from: number }[] = [];
    for (let p = 0; p < people.length; p++) for (let from = 0; from < DONATIONS; from += BATCH) batches.push({ person: people[p]!, p, from });
    const times: number[] = [];
    let acknowledged = 0;
    let duplicatesReported = 0;
    let sent = 0;
    const t0 = performance.now();
    await pool(batches, CONCURRENCY, async ({ person, p, from }) => {
      const records = Array.from({ length: Math.min(BATCH, DONATIONS - from) }, (_, k) => recordFor(p, from + k));
      const body = { records };
      const attempts = ++sent % RETRY_EVERY === 0 ? 2 : 1;
      for (let a = 0; a < attempts; a++) {
        const s = performance.now();
        const res = await post(`${api}/donations`, body, person.secret);
        if (res.status !== 200) throw new Error(`donation refused (${res.status}): ${await res.text()}`);
        const answer = DonationResponse.parse(await res.json());
        times.push(performance.now() - s);
        acknowledged += answer.accepted;
        duplicatesReported += answer.duplicates;
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const rss = peakRssMb(server.child.pid!);
    const stats = StudyStats.parse(
      await (await fetch(`${server.url}${api}/stats`, { headers: { authorization: `Bearer ${created.researcherToken}` } })).json(),
    );
    times.sort((a, b) => a - b);
    joinTimes.sort((a, b) => a - b);
    return {
      kind,
      seconds,
      donationsPerSecond: acknowledged / seconds,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      joinP50: percentile(joinTimes, 50),
      peakRssMb: rss,
      rows: stats.donations,
      acknowledged,
      duplicatesReported,
    };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchStudy(): Promise<void> {
  const expected = PARTICIPANTS * DONATIONS;
  console.log(
    `\nStudy server: ${PARTICIPANTS.toLocaleString('en')} participants × ${DONATIONS} donations (batches of ${BATCH}, ${CONCURRENCY} requests in flight, every ${RETRY_EVERY}th batch resent), server in its own process`,
  );
  console.log('database   donations/s   batch p50   batch p99   join p50   server peak RSS   rows      lost  duplicated');
  let failed = false;
  const results: Result[] = [];
  for (const kind of ['pglite', 'postgres'] as const) {
    const r = await runOne(kind);
    results.push(r);
    const lost = expected - r.rows;
    const duplicated = Math.max(0, r.rows - expected) + Math.max(0, r.acknowledged - expected);
    if (lost !== 0 || duplicated !== 0 || r.acknowledged !== expected) failed = true;
    console.log(
      `${kind.padEnd(10)} ${r.donationsPerSecond.toFixed(0).padStart(11)}   ${r.p50.toFixed(1).padStart(6)} ms   ${r.p99.toFixed(1).padStart(6)} ms   ${r.joinP50.toFixed(1).padStart(5)} ms   ${r.peakRssMb.toFixed(0).padStart(11)} MB   ${String(r.rows).padStart(6)}   ${String(lost).padStart(4)}  ${String(duplicated).padStart(10)}   (${r.seconds.toFixed(0)} s; ${r.duplicatesReported} resent records reported as duplicates)`,
    );
  }
  console.log("PostgreSQL's own processes are not in the RSS column; PGlite runs inside the server process.");
  // Absolute times on a shared 2-core machine say little alone: the two databases of this run, as ratios.
  const [lite, pg] = results as [Result, Result];
  console.log(
    `PostgreSQL against PGlite in this run: ${(pg.donationsPerSecond / lite.donationsPerSecond).toFixed(1)}x the donations/s, ${(pg.p50 / lite.p50).toFixed(2)}x the batch p50, ${(pg.p99 / lite.p99).toFixed(2)}x the batch p99, ${(pg.peakRssMb / lite.peakRssMb).toFixed(2)}x the server RSS`,
  );
  if (failed) {
    console.log('STUDY BENCH FAILED: rows lost or duplicated');
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchStudy();
