// One measured step of the convert bench, alone in its own process (so peak RSS is its own):
//   convert FILE OUTDIR   the convert CLI in process (offline judge, redacted, no names)
//   parse FILE            the reference: read the file and JSON.parse it
// Prints one JSON line {ms, maxRssMb} on stdout; the clock starts after the imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { runConvertCli } from '../../proxy/cli/convert.ts';

const [mode, file, outDir] = process.argv.slice(2);
let ms: number;
if (mode === 'parse') {
  const t0 = performance.now();
  const parsed = JSON.parse(readFileSync(file!, 'utf8')) as unknown[];
  ms = performance.now() - t0;
  if (!Array.isArray(parsed)) throw new Error('not an array');
} else {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c) => (err += c));
  const t0 = performance.now();
  const code = await runConvertCli({
    argv: ['--from', 'chatgpt', file!, '--out', join(outDir!, 'out.jsonl'), '--judge', 'offline', '--no-names', '--no-progress'],
    env: { ...process.env, UNSPUN_JUDGE: 'offline', ANTHROPIC_API_KEY: undefined },
    stdin: Readable.from([]),
    stdout: new PassThrough(),
    stderr,
  });
  ms = performance.now() - t0;
  if (code !== 0) throw new Error(`convert exited ${code}: ${err}`);
}
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
