// `npm run bench [-- part …]`: speed figures as ratios against a reference measured in the same run,
// medians over several runs (these machines are shared and noisy; absolute times alone mislead).
//
//   detector   ms per 4 KB reply, against the eval keyword baseline on the same texts
//   learned    the same reply with the learned tier, against rules only (learned-tier.ts)
//   proxy      POST /v1/score latency over a real port, against GET /health on the same server
//   anchoring  quote anchoring and the detector's worst case, against indexOf / a 4 KB reply
//   judge      proxy overhead and cache hits with the anthropic judge, against a bare Hono handler
//   batches    single scores while a 28 MB offline batch is posted and scored, against the idle
//              proxy; heap kept by finished jobs and by a restart that finds them (batch-bench.ts)
//   content    the content script's main-thread time per mutation batch while a long reply streams,
//              against the same page with the extension off (content-script.ts)
//   convert    `npm run convert` on a 100k-message ChatGPT export, against reading + JSON.parse of
//              the same file; time per message at 10k vs 100k messages (convert.ts)
//   dashboard  list queries and the research-zip export of 10k conversations in real Chromium,
//              against raw IndexedDB cursors over the same rows (dashboard.ts)
//   study      the study server: 1,000 participants × 50 donations on PGlite and on PostgreSQL in
//              the same run; donations/s, p50/p99, peak RSS, 0 lost and 0 duplicated (study-bench.ts)
//   export     the export's SHA-256 and zip writer against @noble/hashes and fflate called
//              directly and node:crypto, CPU time; their minified bundle size (export-libs.ts)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { detect } from '#shared/detect/index';
import { MOVES } from '#shared/taxonomy';
import { loadConfig } from '../../proxy/config.ts';
import { startServer } from '../../proxy/server.ts';
import { benchProxyCost } from './proxy-cost-bench.ts';
import { benchAnchoring } from './anchoring.ts';
import { benchLearnedTier } from './learned-tier.ts';
import { EVAL_DIR as evalDir } from '../eval/paths.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (n: number, digits = 3) => n.toFixed(digits);

/** Replies of about 4 KB, assembled from the taxonomy's examples and counter-examples. */
function syntheticReplies(count: number): string[] {
  const sentences = MOVES.flatMap((m) => [...m.examples, ...m.counterExamples]);
  if (sentences.length === 0) sentences.push('The report lists three causes and cites its sources.');
  const replies: string[] = [];
  for (let i = 0; i < count; i++) {
    let reply = '';
    for (let j = i; reply.length < 4096; j += 7) reply += sentences[j % sentences.length] + ' ';
    replies.push(reply.trim());
  }
  return replies;
}

/** Real texts from the eval data when it is beside the project (read only, never shipped). */
function evalTexts(limit: number): string[] {
  const file = join(evalDir, 'data', 'logic-train.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, limit)
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

function timePerItem(texts: string[], fn: (t: string) => unknown): number {
  const t0 = performance.now();
  for (const t of texts) fn(t);
  return (performance.now() - t0) / texts.length;
}

async function benchDetector(): Promise<void> {
  const baselinePath = join(evalDir, 'baseline.mjs');
  const baseline = existsSync(baselinePath) ? ((await import(pathToFileURL(baselinePath).href)) as { detect: (t: string) => unknown[] }).detect : undefined;
  const sets: Array<[string, string[]]> = [
    ['4 KB synthetic replies', syntheticReplies(200)],
    ['eval texts (logic-train)', evalTexts(1500)],
  ];
  // Warm up both (JIT, compromise's lexicon) before measuring.
  for (const [, texts] of sets) for (const t of texts.slice(0, 50)) detect(t), baseline?.(t);

  console.log(`\nDetector (median of ${RUNS} runs)`);
  console.log('set                          detector ms/item  baseline ms/item  ratio');
  for (const [name, texts] of sets) {
    if (texts.length === 0) {
      console.log(`${name.padEnd(29)}(no data: ../shared/eval not found)`);
      continue;
    }
    const ours: number[] = [];
    const ref: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      ours.push(timePerItem(texts, (t) => detect(t)));
      if (baseline) ref.push(timePerItem(texts, baseline));
    }
    const o = median(ours);
    const b = baseline ? median(ref) : NaN;
    console.log(`${name.padEnd(29)}${fmt(o).padStart(16)}  ${fmt(b).padStart(16)}  ${fmt(o / b, 1).padStart(5)}x`);
  }
}

async function benchProxy(): Promise<void> {
  const configDir = mkdtempSync(join(tmpdir(), 'unspun-bench-'));
  const config = loadConfig({ UNSPUN_CONFIG_DIR: configDir, UNSPUN_PORT: '0', UNSPUN_JUDGE: 'offline' }, []);
  const server = await startServer({ config, logger: { info() {}, warn() {}, error() {} } } as never);
  const reply = syntheticReplies(1)[0]!;
  const body = JSON.stringify({ reply: { text: reply }, context: { user: 'What should I do?' } });
  const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  const N = 100;
  const timeRequests = async (request: () => Promise<Response>): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      const res = await request();
      await res.arrayBuffer();
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const health = () => fetch(`${server.url}/health`);
  const score = () => fetch(`${server.url}/v1/score`, { method: 'POST', headers, body });
  await timeRequests(health);
  await timeRequests(score);
  const healthRuns: number[] = [];
  const scoreRuns: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    healthRuns.push(await timeRequests(health));
    scoreRuns.push(await timeRequests(score));
  }
  await server.close();
  rmSync(configDir, { recursive: true, force: true });
  const h = median(healthRuns);
  const s = median(scoreRuns);
  console.log(`\nProxy over a real port (median of ${RUNS} runs × ${N} requests, offline judge, 4 KB reply)`);
  console.log(`GET /health      ${fmt(h)} ms   (reference)`);
  console.log(`POST /v1/score   ${fmt(s)} ms   ${fmt(s / h, 1)}x the reference`);
}

// `npm run bench -- detector learned` runs only the parts named (the whole bench takes a while).
const PARTS: Record<string, () => unknown> = {
  detector: benchDetector,
  learned: () => benchLearnedTier(RUNS),
  anchoring: benchAnchoring,
  proxy: benchProxy,
  judge: benchProxyCost,
  batches: async () => (await import('./batch-bench.ts')).benchBatches(RUNS),
  content: async () => (await import('./content-script.ts')).benchContentScript(RUNS),
  convert: async () => (await import('./convert.ts')).benchConvert(),
  dashboard: async () => (await import('./dashboard.ts')).benchDashboard(RUNS),
  export: async () => (await import('./export-libs.ts')).benchExportLibs(RUNS),
  study: async () => (await import('./study-bench.ts')).benchStudy(),
};
const asked = process.argv.slice(2).filter((a) => a !== '--');
const unknown = asked.filter((a) => !(a in PARTS));
if (unknown.length) {
  console.error(`bench: no part named ${unknown.join(', ')} (parts: ${Object.keys(PARTS).join(', ')})`);
  process.exit(2);
}
for (const [name, run] of Object.entries(PARTS)) if (asked.length === 0 || asked.includes(name)) await run();
