// `npm run convert` at scale: synthetic ChatGPT exports converted with the offline judge
// (redacted, names off: finding names is compromise's tagger and has its own figure in the usage),
// against the reference of reading and JSON.parse-ing the same file, each step in its own process
// (convert-child.ts), medians over runs. Three files:
//   one conversation of 100k messages   the case that was quadratic (killed at 240 s)
//   one conversation of 10k messages    with the above: time per message should not grow with length
//   1,000 conversations of 100 messages the same 100k messages split up: streaming keeps memory flat
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeChatgptExport } from './chatgpt-export-file.ts';

const RUNS = Number(process.env.BENCH_CONVERT_RUNS ?? 3);
const ROOT = resolve(import.meta.dirname, '../..');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Step {
  ms: number;
  maxRssMb: number;
}

function child(args: string[]): Step {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/convert-child.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`convert bench step ${args[0]} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Step;
}

export async function benchConvert(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unspun-convert-bench-'));
  try {
    const files = [
      { name: '1 conversation × 100k messages', conversations: 1, messages: 100_000 },
      { name: '1 conversation × 10k messages', conversations: 1, messages: 10_000 },
      { name: '1,000 conversations × 100 messages', conversations: 1000, messages: 100 },
    ];
    console.log(
      `\nConvert (npm run convert, offline judge, redacted, --no-names; median of ${RUNS} runs, each step its own process; reference = read + JSON.parse of the same file)`,
    );
    console.log('file                                   MB   convert s  µs/message  reference s   ratio   peak RSS MB: convert  reference');
    const perMessage: Record<string, number> = {};
    for (const f of files) {
      const path = join(dir, `${f.conversations}x${f.messages}.json`);
      const { bytes, messages } = await writeChatgptExport(path, f);
      const ours: Step[] = [];
      const ref: Step[] = [];
      for (let r = 0; r < RUNS; r++) {
        const out = join(dir, `out-${f.conversations}x${f.messages}-${r}`);
        mkdirSync(out);
        ours.push(child(['convert', path, out]));
        ref.push(child(['parse', path]));
        rmSync(out, { recursive: true, force: true });
      }
      const o = median(ours.map((s) => s.ms));
      const p = median(ref.map((s) => s.ms));
      perMessage[f.name] = (o * 1000) / messages;
      console.log(
        `${f.name.padEnd(35)}${(bytes / 1048576).toFixed(1).padStart(5)} ${(o / 1000).toFixed(2).padStart(11)} ${perMessage[f.name]!.toFixed(1).padStart(11)} ${(p / 1000).toFixed(2).padStart(12)} ${(o / p).toFixed(1).padStart(6)}x ${median(
          ours.map((s) => s.maxRssMb),
        )
          .toFixed(0)
          .padStart(21)} ${median(ref.map((s) => s.maxRssMb))
          .toFixed(0)
          .padStart(10)}`,
      );
      rmSync(path);
    }
    const long = perMessage[files[0]!.name]!;
    const short = perMessage[files[1]!.name]!;
    console.log(`time per message, 100k-message conversation / 10k-message conversation: ${(long / short).toFixed(2)}x (1.0 = linear; quadratic would be 10x)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('convert.ts')) await benchConvert();
