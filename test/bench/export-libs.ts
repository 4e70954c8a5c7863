// The export's SHA-256 and store-only zip writer (shared/export/sha256.ts, zip.ts) against the
// libraries under them (@noble/hashes, fflate) called directly, on the same data in the same run,
// with node:crypto as a floor (shared/ cannot use it: it must run in the extension too):
//   sha256 stream   an export's JSONL hashed as it is written (64 KB chunks), as the manifest does
//   sha256 small    the content hash and the two HMAC pseudonymous ids of many short records
//   zip             the same JSONL written into a store-only .zip, chunk by chunk (CRC-32 included)
//   bundle          what each adds to a minified browser bundle (esbuild, gzip), as in the extension
// Until commit 9ad99e9 the "ours" rows were our own SHA-256 and zip code; this bench decided their
// replacement (CPU medians of 7, taking turns): @noble/hashes 0.95x our time on the 32 MB stream
// and 0.73x on short records, fflate 1.03x on the zip, for +4.2 KB and +2.7 KB minified. Now the
// rows show what our thin adapters cost over the libraries.
// `npx tsx test/bench/export-libs.ts` runs it alone; `npm run bench` runs it with the others.
import { createHash, createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { build } from 'esbuild';
import { Zip, ZipPassThrough } from 'fflate';
import { hmacSha256Hex, Sha256, sha256Hex } from '#shared/export/sha256';
import { createZipWriter } from '#shared/export/zip';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** About `mb` MB of export-like JSONL lines, as 64 KB chunks of UTF-8 (with some non-ASCII text). */
function exportChunks(mb: number): Uint8Array[] {
  const encoder = new TextEncoder();
  const line = (i: number) =>
    `${JSON.stringify({ schema_version: '1.0.0', conversation: { id: `c_${i.toString(16).padStart(32, '0')}`, site: 'chatgpt' }, messages: [{ role: 'assistant', text: `Reply ${i}: honestly, everyone agrees — act now, café prices rise ${i % 97}% tomorrow. `.repeat(8) }] })}\n`;
  const chunks: Uint8Array[] = [];
  let pending = '';
  let total = 0;
  for (let i = 0; total < mb * 1024 * 1024; i++) {
    pending += line(i);
    if (pending.length >= 64 * 1024) {
      const bytes = encoder.encode(pending);
      chunks.push(bytes);
      total += bytes.length;
      pending = '';
    }
  }
  return chunks;
}

/**
 * Median CPU ms of `runs` calls of each of `fns`, after one warm-up call each, taking turns (A, B,
 * C, A, B, C, ...). CPU time, not wall time: with ~8 people on 2 cores, wall time here is mostly
 * time spent waiting for a core, and bursts of it made the same pair swap places from run to run.
 * The last result of each is kept to compare outputs.
 */
function timeEach<const F extends readonly (() => unknown)[]>(runs: number, fns: F): { [K in keyof F]: { ms: number; result: ReturnType<F[K]> } } {
  const results = fns.map((fn) => fn());
  const times: number[][] = fns.map(() => []);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => {
      const t0 = process.cpuUsage();
      results[i] = fn();
      const spent = process.cpuUsage(t0);
      times[i]!.push((spent.user + spent.system) / 1000);
    });
  }
  return fns.map((_, i) => ({ ms: median(times[i]!), result: results[i] })) as { [K in keyof F]: { ms: number; result: ReturnType<F[K]> } };
}

function row(name: string, ms: number, reference: number, unit: string): void {
  console.log(`${name.padEnd(34)}${ms.toFixed(1).padStart(9)} ms CPU ${unit.padEnd(14)}${(ms / reference).toFixed(2).padStart(6)}x ours`);
}

function benchSha256(runs: number, chunks: Uint8Array[]): void {
  const mb = chunks.reduce((s, c) => s + c.length, 0) / (1024 * 1024);
  const [ours, noble, node] = timeEach(runs, [
    () => {
      const h = new Sha256();
      for (const c of chunks) h.update(c);
      return h.digestHex();
    },
    () => {
      const h = sha256.create();
      for (const c of chunks) h.update(c);
      return bytesToHex(h.digest());
    },
    () => {
      const h = createHash('sha256');
      for (const c of chunks) h.update(c);
      return h.digest('hex');
    },
  ]);
  if (ours.result !== noble.result || ours.result !== node.result) throw new Error('sha256 bench: the digests differ');
  console.log(`\nSHA-256 of a ${mb.toFixed(0)} MB export in 64 KB chunks (median of ${runs} runs; same digest from all three)`);
  row('shared/export/sha256.ts (ours)', ours.ms, ours.ms, `${(mb / (ours.ms / 1000)).toFixed(0)} MB/s`);
  row('@noble/hashes sha256', noble.ms, ours.ms, `${(mb / (noble.ms / 1000)).toFixed(0)} MB/s`);
  row('node:crypto (floor; not in shared/)', node.ms, ours.ms, `${(mb / (node.ms / 1000)).toFixed(0)} MB/s`);

  // Per record: a content hash of its messages and HMAC ids for a conversation and a message.
  const encoder = new TextEncoder();
  const salt = 'f'.repeat(64);
  const saltBytes = encoder.encode(salt);
  const records = Array.from({ length: 20_000 }, (_, i) => ({
    text: `user\u0000Is it true?\u0000assistant\u0000Everyone knows it is, act now (${i}).`,
    id: `6740e0a1-8b2c-8003-9d1e-${i}`,
  }));
  const conversationId = (id: string) => `conversation\u0000chatgpt\u0000${id}`;
  const messageId = (id: string) => `message\u0000chatgpt\u0000${id}\u0000m1`;
  const [oursSmall, nobleSmall, nodeSmall] = timeEach(runs, [
    () => records.map((r) => sha256Hex(r.text) + hmacSha256Hex(salt, conversationId(r.id)) + hmacSha256Hex(salt, messageId(r.id))).join(''),
    () =>
      records
        .map(
          (r) =>
            bytesToHex(sha256(encoder.encode(r.text))) +
            bytesToHex(hmac(sha256, saltBytes, encoder.encode(conversationId(r.id)))) +
            bytesToHex(hmac(sha256, saltBytes, encoder.encode(messageId(r.id)))),
        )
        .join(''),
    () =>
      records
        .map(
          (r) =>
            createHash('sha256').update(r.text).digest('hex') +
            createHmac('sha256', salt).update(conversationId(r.id)).digest('hex') +
            createHmac('sha256', salt).update(messageId(r.id)).digest('hex'),
        )
        .join(''),
  ]);
  if (oursSmall.result !== nobleSmall.result || oursSmall.result !== nodeSmall.result) throw new Error('sha256 bench: the record hashes differ');
  console.log(`SHA-256 + 2 HMAC ids for each of ${records.length} records (median of ${runs} runs; same hex from all three)`);
  row('ours', oursSmall.ms, oursSmall.ms, '');
  row('@noble/hashes sha256 + hmac', nobleSmall.ms, oursSmall.ms, '');
  row('node:crypto (floor)', nodeSmall.ms, oursSmall.ms, '');
}

function zipOurs(chunks: Uint8Array[], date: Date): Uint8Array[] {
  const zip = createZipWriter();
  const out: Uint8Array[] = [zip.startFile('conversations.jsonl', date)];
  for (const c of chunks) out.push(zip.write(c));
  out.push(zip.endFile(), zip.finish());
  return out;
}

function zipFflate(chunks: Uint8Array[], date: Date): Uint8Array[] {
  const out: Uint8Array[] = [];
  const zip = new Zip((error, data) => {
    if (error) throw error;
    out.push(data);
  });
  const file = new ZipPassThrough('conversations.jsonl');
  file.mtime = date;
  zip.add(file);
  for (let i = 0; i < chunks.length; i++) file.push(chunks[i]!, i === chunks.length - 1);
  zip.end();
  return out;
}

function benchZip(runs: number, chunks: Uint8Array[]): void {
  const mb = chunks.reduce((s, c) => s + c.length, 0) / (1024 * 1024);
  const date = new Date('2026-12-06T12:00:00Z');
  const [ours, fflate] = timeEach(runs, [() => zipOurs(chunks, date), () => zipFflate(chunks, date)]);
  const size = (parts: Uint8Array[]) => parts.reduce((s, p) => s + p.length, 0);
  console.log(`\nStore-only zip of the same ${mb.toFixed(0)} MB, chunk by chunk (median of ${runs} runs)`);
  row('shared/export/zip.ts (ours)', ours.ms, ours.ms, `${size(ours.result) - size(chunks)} B overhead`);
  row('fflate Zip + ZipPassThrough', fflate.ms, ours.ms, `${size(fflate.result) - size(chunks)} B overhead`);
}

/** Minified (and gzipped) size of a browser bundle of `source`, resolved from the project root. */
async function bundleSize(source: string): Promise<{ min: number; gz: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.length, gz: gzipSync(code).length };
}

async function benchBundle(): Promise<void> {
  // Each entry uses what the export needs: incremental SHA-256 with hex, HMAC; a streamed store-only zip.
  const entries: Array<[string, string]> = [
    [
      'shared/export/sha256.ts (hash + hmac)',
      `import { Sha256, hmacSha256Hex } from './shared/export/sha256.ts'; console.log(new Sha256().update('x').digestHex(), hmacSha256Hex('k', 'm'));`,
    ],
    [
      '@noble/hashes (sha256 + hmac + hex)',
      `import { sha256 } from '@noble/hashes/sha2.js'; import { hmac } from '@noble/hashes/hmac.js'; import { bytesToHex } from '@noble/hashes/utils.js'; const e = new TextEncoder(); console.log(bytesToHex(sha256.create().update(e.encode('x')).digest()), bytesToHex(hmac(sha256, e.encode('k'), e.encode('m'))));`,
    ],
    [
      'shared/export/zip.ts',
      `import { createZipWriter } from './shared/export/zip.ts'; const z = createZipWriter(); console.log(z.startFile('a'), z.write('x'), z.endFile(), z.finish());`,
    ],
    [
      'fflate (Zip + ZipPassThrough)',
      `import { Zip, ZipPassThrough } from 'fflate'; const z = new Zip((e, d) => console.log(d)); const f = new ZipPassThrough('a'); z.add(f); f.push(new Uint8Array(1), true); z.end();`,
    ],
  ];
  console.log('\nBrowser bundle size (esbuild --minify, tree-shaken; what the dashboard chunk would carry)');
  for (const [name, source] of entries) {
    const { min, gz } = await bundleSize(source);
    console.log(`${name.padEnd(38)}${String(min).padStart(7)} B  ${String(gz).padStart(6)} B gzip`);
  }
}

/** `parts` picks some of the three (EXPORT_BENCH=zip,bundle when run alone). */
export async function benchExportLibs(runs: number, parts: readonly string[] = ['sha256', 'zip', 'bundle']): Promise<void> {
  const chunks = exportChunks(32);
  if (parts.includes('sha256')) benchSha256(runs, chunks);
  if (parts.includes('zip')) benchZip(runs, chunks);
  if (parts.includes('bundle')) await benchBundle();
}

if (process.argv[1]?.endsWith('export-libs.ts')) await benchExportLibs(Number(process.env.BENCH_RUNS ?? 7), process.env.EXPORT_BENCH?.split(','));
