// The proxy's own cost per request with the anthropic judge behind it, as ratios against a bare
// Hono handler on a real port measured in the same run (these machines are shared and noisy):
//   overhead   POST /v1/score with a zero-latency upstream (the real SDK, an injected fetch that
//              answers at once), every reply new: p50 and p99 against the bare handler's
//   cached     cache hits per second (8 clients at once) against the bare handler's requests/s
// Run: npx tsx test/bench/proxy-cost-bench.ts   (BENCH_N sets the requests per measurement)
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../../proxy/config.ts';
import { createAnthropicJudge } from '../../proxy/judges/anthropic/judge.ts';
import { createOfflineJudge } from '../../proxy/judges/offline.ts';
import { startServer } from '../../proxy/server.ts';
import { defaultVerdict, messageBody } from '../fake-anthropic/server.ts';

const N = Number(process.env.BENCH_N ?? 400);
const CLIENTS = 8;
const REPLY = 'Experts agree this is the best plan for you. You should sign up today, before the offer ends. '.repeat(20);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (n: number, digits = 3) => n.toFixed(digits);

/** An upstream that costs nothing: the SDK's fetch answered in-process with a real-shaped verdict. */
const zeroLatencyFetch: typeof fetch = async (_url, init) => {
  const body = JSON.parse(String(init?.body ?? '{}')) as unknown;
  const message = messageBody({
    content: [{ type: 'text', text: JSON.stringify(defaultVerdict(body)), citations: null }],
    usage: { input_tokens: 900, output_tokens: 80, cache_read_input_tokens: 4000 },
  });
  return new Response(JSON.stringify(message), { status: 200, headers: { 'content-type': 'application/json', 'request-id': 'req_bench' } });
};

async function startBare(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  // The same work a client sees from us minus ours: read the JSON body, answer a result-sized JSON.
  const answer = { score: 40, flags: [], judge: { kind: 'anthropic', model: 'm', promptVersion: 'p', taxonomyVersion: 't' }, cached: true, latencyMs: 0 };
  app.post('/x', async (c) => {
    await c.req.json();
    return c.json(answer);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server)) as Server;
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function latencies(request: (i: number) => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const res = await request(i);
    if (!res.ok) throw new Error(`request failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    times.push(performance.now() - t0);
  }
  return times;
}

async function throughput(request: () => Promise<Response>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next++ < N * 2) await (await request()).arrayBuffer();
    }),
  );
  return (N * 2) / ((performance.now() - t0) / 1000);
}

export async function benchProxyCost(): Promise<void> {
  const configDir = mkdtempSync(join(tmpdir(), 'unspun-cost-bench-'));
  const config = loadConfig({ UNSPUN_CONFIG_DIR: configDir, UNSPUN_PORT: '0', UNSPUN_MAX_CONCURRENCY: '64' }, []);
  const judges = { offline: createOfflineJudge(), anthropic: createAnthropicJudge({ apiKey: 'sk-ant-bench-000000', fetch: zeroLatencyFetch }) };
  const proxy = await startServer({ config, judges, logger: { info() {}, warn() {}, error() {} } });
  const bare = await startBare();
  const headers = { authorization: `Bearer ${proxy.token}`, 'content-type': 'application/json' };
  const body = (text: string) => JSON.stringify({ reply: { text }, context: { user: 'What should I do?' } });
  const bareRequest = () => fetch(bare.url, { method: 'POST', headers, body: body(REPLY) });
  const freshRequest = (i: number) => fetch(`${proxy.url}/v1/score`, { method: 'POST', headers, body: body(`${REPLY} Reply ${i}.`) });
  const cachedRequest = () => fetch(`${proxy.url}/v1/score`, { method: 'POST', headers, body: body(REPLY) });
  try {
    // Warm up both (JIT, keep-alive sockets, the cache entry the cached run reads).
    await latencies(bareRequest);
    await latencies((i) => freshRequest(-1 - i));
    await (await cachedRequest()).arrayBuffer();

    const bareTimes = await latencies(bareRequest);
    const proxyTimes = await latencies(freshRequest);
    const bareRate = await throughput(bareRequest);
    const cachedRate = await throughput(cachedRequest);
    const [b50, b99, p50, p99] = [quantile(bareTimes, 0.5), quantile(bareTimes, 0.99), quantile(proxyTimes, 0.5), quantile(proxyTimes, 0.99)];
    console.log(`\nProxy cost with the anthropic judge (${N} requests each, 2 KB reply, real SDK, zero-latency upstream)`);
    console.log('                               p50 ms    p99 ms');
    console.log(`bare Hono handler (reference) ${fmt(b50).padStart(7)}  ${fmt(b99).padStart(8)}`);
    console.log(`POST /v1/score, new reply     ${fmt(p50).padStart(7)}  ${fmt(p99).padStart(8)}   ${fmt(p50 / b50, 1)}x / ${fmt(p99 / b99, 1)}x the reference`);
    console.log(`overhead per request          ${fmt(p50 - b50).padStart(7)}  ${fmt(p99 - b99).padStart(8)}`);
    console.log(`\nCached results, ${CLIENTS} clients at once`);
    console.log(`bare Hono handler (reference) ${fmt(bareRate, 0).padStart(7)} req/s`);
    console.log(`POST /v1/score, cache hit     ${fmt(cachedRate, 0).padStart(7)} req/s   ${fmt(cachedRate / bareRate, 2)}x the reference`);
  } finally {
    await bare.close();
    await proxy.close();
    rmSync(configDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchProxyCost();
