// Quote anchoring and the detector on hard input, as ratios against a reference measured in the
// same run: String.prototype.indexOf of the same quote (the floor any anchoring pays), and the
// detector on 4 KB replies (so the 200 KB run-on reply shows whether cost stays linear).
import { performance } from 'node:perf_hooks';
import { anchorQuote } from '#shared/anchor';
import { detect } from '#shared/detect/index';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function timeIt(fn: () => unknown, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** A 20k-char reply of common words: the hard case for candidate filtering. */
function commonWordsReply(): { text: string; marker: string } {
  const words = 'the a of and to you that it for on with as this be are your have can will not but at'.split(' ');
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const filler: string[] = [];
  while (filler.join(' ').length < 20_000) filler.push(words[Math.floor(next() * words.length)]!);
  const marker = 'Our premium plan is guaranteed to double your savings within a single month.';
  return { text: `${filler.slice(0, 1800).join(' ')} ${marker} ${filler.slice(1800).join(' ')}`, marker };
}

export async function benchAnchoring(): Promise<void> {
  const { text, marker } = commonWordsReply();
  const passage = text.slice(4_000, 6_000);
  const cases: Array<[string, string, string]> = [
    ['exact quote, 20k reply', text, marker],
    ['one word changed (fuzzy), 20k reply', text, marker.replace('double', 'triple')],
    ['absent quote, 20k reply', text, 'zebra quantum flux capacitor nonsense here'],
    ['2,000-char quote, one edit (fuzzy)', text, `${passage.slice(0, 1_000)}QQQQQQQQQQ${passage.slice(1_010)}`],
    ['one letter repeated, 2,000-char quote', 'a'.repeat(20_000), `${'a'.repeat(1_000)}b${'a'.repeat(999)}`],
    ['markdown table rules', '| --- | --- | --- |\n'.repeat(1_000), '| --- | --- | -x- | --- | --- |'],
  ];
  console.log(`\nQuote anchoring (median of ${RUNS} runs; reference: indexOf of the same quote in the same text)`);
  console.log('case                                      anchorQuote ms  indexOf ms     ratio');
  for (const [name, reply, quote] of cases) {
    // A fresh string each call, so no per-text cache hides the cost.
    let n = 0;
    const ours: number[] = [];
    const ref: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      ours.push(timeIt(() => anchorQuote(`${reply}${n++ % 10}`, quote), 5));
      ref.push(timeIt(() => `${reply}${n++ % 10}`.indexOf(quote), 50));
    }
    const o = median(ours);
    const b = median(ref);
    console.log(`${name.padEnd(42)}${o.toFixed(3).padStart(14)}  ${b.toFixed(4).padStart(10)}  ${(o / b).toFixed(0).padStart(8)}x`);
  }

  const unit = 'everyone is switching and experts agree this is the best ever so act now ';
  const runOn = unit.repeat(Math.ceil(200_000 / unit.length)).slice(0, 200_000);
  const small = runOn.slice(0, 4_096);
  const big: number[] = [];
  const ref: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    big.push(timeIt(() => detect(runOn), 1));
    ref.push(timeIt(() => detect(small), 10));
  }
  const perKbBig = median(big) / (runOn.length / 1024);
  const perKbSmall = median(ref) / (small.length / 1024);
  console.log(
    `\nDetector on a 200 KB reply with no sentence ends: ${median(big).toFixed(1)} ms; ` +
      `per KB ${perKbBig.toFixed(3)} ms vs ${perKbSmall.toFixed(3)} ms on a 4 KB slice of it (${(perKbBig / perKbSmall).toFixed(2)}x: 1x is linear)`,
  );
}
