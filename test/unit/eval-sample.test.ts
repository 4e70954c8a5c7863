// Regression guard on a fixed sample of every dev set in ../shared/eval, against the gates in
// test/eval/gates.ts (the whole comparison is `npm run eval`). Labelled sets are scored by the
// eval's own scorer against the keyword baseline; unlabelled sets (ordinary answers) by its
// flag-rate meter, since without labels there is no F1, only how often plain answers get flagged.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detect } from '#shared/detect/index';
import { EVAL_DIR } from '../eval/paths.ts';
import { gateFor } from '../eval/gates.ts';
import { chatContext, predictBaseline, predictDetector, toJsonl, type GoldUnit } from '../eval/predict.ts';
import shippedFile from '../../shared/detect/learned/model.json';

/**
 * Sets the shipped learned model was trained on. On them this sample measures training data: it
 * guards against regressions only, and its title says so. The held-out figures (cross-file for
 * spiral, k-fold for the others) come from `npm run eval`, which the README table is made from.
 */
const TRAINED_ON = new Set(((shippedFile as { trainedOn?: { name: string }[] }).trainedOn ?? []).map((t) => t.name));

const DATA_DIR = join(EVAL_DIR, 'data');
const SAMPLE = 400;
const hasData = existsSync(DATA_DIR) && existsSync(join(EVAL_DIR, 'score.mjs'));

interface Scored {
  binary: { f1: number };
  per_move_avg: { micro: { f1: number } } | null;
  spans: { technique_agnostic: { f1: number } } | null;
}

function sampleOf(file: string): { lines: string[]; units: GoldUnit[] } {
  const all = readFileSync(join(DATA_DIR, file), 'utf8').split('\n').filter(Boolean);
  const stride = Math.max(1, Math.floor(all.length / SAMPLE));
  const lines = all.filter((_, i) => i % stride === 0).slice(0, SAMPLE);
  return { lines, units: lines.map((l) => JSON.parse(l) as GoldUnit) };
}

describe.skipIf(!hasData)('eval sample (../shared/eval present)', () => {
  const files = hasData
    ? readdirSync(DATA_DIR)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
    : [];
  const tmp = mkdtempSync(join(tmpdir(), 'unspun-eval-sample-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const node = (script: string, args: string[]) => execFileSync(process.execPath, [join(EVAL_DIR, script), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

  for (const file of files) {
    const name = basename(file, '.jsonl');
    const gate = gateFor(name);
    if (gate.kind === 'unlabelled') {
      it(`flags few ordinary answers on a ${SAMPLE}-unit sample of ${file}`, () => {
        const { lines, units } = sampleOf(file);
        const gold = join(tmp, file);
        const pred = join(tmp, `${name}.pred.jsonl`);
        writeFileSync(gold, lines.join('\n') + '\n');
        const preds = units.map((u) => {
          const context = chatContext(u);
          const r = detect(u.text, context ? { context } : {});
          return { id: u.id, score: r.score, flags: r.flags };
        });
        writeFileSync(pred, toJsonl(preds));
        const rate = JSON.parse(node('flag-rate.mjs', ['--gold', gold, '--pred', pred, '--json'])) as {
          replies_with_any_flag: number;
          replies_with_severity2_flag: number;
        };
        const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
        expect(rate.replies_with_any_flag, `any flag ${pct(rate.replies_with_any_flag)} (gate ${pct(gate.maxAnyFlag)})`).toBeLessThanOrEqual(gate.maxAnyFlag);
        expect(rate.replies_with_severity2_flag, `severity ≥ 2 ${pct(rate.replies_with_severity2_flag)} (gate ${pct(gate.maxSevere)})`).toBeLessThanOrEqual(
          gate.maxSevere,
        );
      });
      continue;
    }
    const trainedNote = TRAINED_ON.has(name) ? ' (training data of the shipped model: a regression guard; held-out figures: npm run eval)' : '';
    it(`beats the baseline on a ${SAMPLE}-unit sample of ${file}${trainedNote}`, async () => {
      const baseline = (await import(pathToFileURL(join(EVAL_DIR, 'baseline.mjs')).href)) as {
        detect: (t: string) => { move: string; start: number; end: number }[];
      };
      const { lines, units } = sampleOf(file);
      // The scorer finds covered moves by the gold file's name, so the sample keeps it.
      const gold = join(tmp, file);
      writeFileSync(gold, lines.join('\n') + '\n');
      const scored = (preds: unknown[], tag: string): Scored => {
        const pred = join(tmp, `${name}.${tag}.jsonl`);
        writeFileSync(pred, toJsonl(preds));
        return JSON.parse(node('score.mjs', ['--gold', gold, '--pred', pred, '--json'])) as Scored;
      };
      const ours = scored(predictDetector(units), 'detector');
      const base = scored(predictBaseline(units, baseline.detect), 'baseline');
      const oursMicro = ours.per_move_avg?.micro.f1 ?? 0;
      const baseMicro = base.per_move_avg?.micro.f1 ?? 0;
      const floor = (gate.sampleMinMicroRatio ?? gate.minMicroRatio) * baseMicro;
      expect(
        oursMicro,
        `micro-F1 ${oursMicro.toFixed(3)} vs baseline ${baseMicro.toFixed(3)} × ${gate.sampleMinMicroRatio ?? gate.minMicroRatio}`,
      ).toBeGreaterThan(floor);
      if (gate.minBinaryF1 !== undefined) {
        expect(ours.binary.f1, `binary F1 ${ours.binary.f1.toFixed(3)} (gate ${gate.minBinaryF1})`).toBeGreaterThanOrEqual(gate.minBinaryF1);
      }
      if (gate.minSpanF1 !== undefined) {
        const span = ours.spans?.technique_agnostic.f1 ?? 0;
        expect(span, `span F1 ${span.toFixed(3)} (gate ${gate.minSpanF1})`).toBeGreaterThanOrEqual(gate.minSpanF1);
      }
    });
  }
});

if (!hasData) {
  describe('eval sample', () => {
    it.skip(`skipped: no eval data at ${DATA_DIR}`, () => {});
  });
}
