// npm run eval -- --judge anthropic --sample N --max-usd X [--files a,b] [--cache DIR]
// The same measurement for the Anthropic judge (or any Anthropic-compatible endpoint named by
// ANTHROPIC_BASE_URL): a stratified sample of N units per set (replies with and without a move in
// their proportions, picked by a hash of the id, so reruns pick the same ones), the estimated cost
// printed before any call (and no call at all when it is above --max-usd), the real cost after,
// and every verdict cached on disk by content, so a rerun costs nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createAnthropicJudge, DEFAULT_MODEL } from '../../proxy/judges/anthropic/index.ts';
import { buildSystemPrompt, buildUserMessage, estimateTokens, promptVersion } from '../../proxy/judges/anthropic/prompt.ts';
import { resolveJudgeSettings } from '../../proxy/config.ts';
import { costUsd } from '../../proxy/judges/anthropic/pricing.ts';
import type { ScoreRequest } from '#shared/schemas';
import { gateFor } from './gates.ts';
import { chatContext, toJsonl, type GoldUnit } from './predict.ts';

/** Output tokens we budget per verdict when estimating (a verdict with a few flags). */
export const ESTIMATED_OUTPUT_TOKENS = 400;

export interface JudgeEvalOptions {
  dataDir: string;
  files?: string[];
  sample: number;
  maxUsd: number;
  cacheDir: string;
  env: Record<string, string | undefined>;
  /** Writes gold and prediction files for the scorers; returns their metrics. */
  score: (set: string, gold: string, pred: string, unlabelled: boolean) => Record<string, number>;
  tmp: string;
  log: (line: string) => void;
}

export interface JudgeEvalResult {
  estimatedUsd: number;
  realUsd: number;
  calls: number;
  cached: number;
  refused: boolean;
  rows: { set: string; units: number; metrics: Record<string, number> }[];
}

interface Sampled {
  set: string;
  unit: GoldUnit & { has_move?: boolean };
  request: ScoreRequest;
  key: string;
}

const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');

/** N units of a set, positives and negatives in their proportions, picked by id hash. */
export function stratifiedSample<T extends { id: string; has_move?: boolean }>(units: readonly T[], n: number): T[] {
  const byHash = (a: T, b: T) => (hashOf(a.id) < hashOf(b.id) ? -1 : 1);
  const pos = units.filter((u) => u.has_move === true).sort(byHash);
  const neg = units.filter((u) => u.has_move !== true).sort(byHash);
  const take = Math.min(n, units.length);
  let nPos = Math.round((take * pos.length) / Math.max(1, units.length));
  if (pos.length > 0 && neg.length > 0 && take >= 2) nPos = Math.min(Math.max(nPos, 1), take - 1);
  return [...pos.slice(0, nPos), ...neg.slice(0, take - nPos)];
}

export async function runJudgeEval(o: JudgeEvalOptions): Promise<JudgeEvalResult> {
  const settings = resolveJudgeSettings(o.env, 'anthropic');
  const model = settings.anthropic?.model ?? DEFAULT_MODEL;
  const files = readdirSync(o.dataDir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => basename(f, '.jsonl'))
    .filter((f) => !o.files || o.files.includes(f))
    .sort();
  const sampled: Sampled[] = [];
  const goldLines = new Map<string, string[]>();
  for (const set of files) {
    const lines = readFileSync(join(o.dataDir, `${set}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const units = lines.map((l) => JSON.parse(l) as GoldUnit & { has_move?: boolean });
    if (units.some((u) => typeof u.text !== 'string' || typeof u.id !== 'string'))
      throw new Error(`judge eval: ${set}.jsonl is not a gold file (every line needs an id and a text)`);
    const picked = new Set(stratifiedSample(units, o.sample).map((u) => u.id));
    goldLines.set(
      set,
      lines.filter((_, i) => picked.has(units[i]!.id)),
    );
    for (const unit of units.filter((u) => picked.has(u.id))) {
      const context = chatContext(unit);
      const request: ScoreRequest = { reply: { text: unit.text }, ...(context ? { context } : {}) };
      sampled.push({ set, unit, request, key: hashOf(JSON.stringify([model, promptVersion, request])) });
    }
  }
  mkdirSync(o.cacheDir, { recursive: true });
  const cachePath = (s: Sampled) => join(o.cacheDir, `${s.key}.json`);
  const todo = sampled.filter((s) => !existsSync(cachePath(s)));
  const system = estimateTokens(buildSystemPrompt());
  const estimatedUsd = todo.reduce(
    (sum, s) => sum + (costUsd(model, { inputTokens: system + estimateTokens(buildUserMessage(s.request)), outputTokens: ESTIMATED_OUTPUT_TOKENS }) ?? 0),
    0,
  );
  o.log(
    `judge eval: ${sampled.length} units from ${files.length} sets (${o.sample} per set, stratified), ${sampled.length - todo.length} cached; ` +
      `estimated cost of ${todo.length} calls to ${model}: $${estimatedUsd.toFixed(4)} (limit $${o.maxUsd.toFixed(2)})`,
  );
  const result: JudgeEvalResult = { estimatedUsd, realUsd: 0, calls: 0, cached: sampled.length - todo.length, refused: false, rows: [] };
  if (estimatedUsd > o.maxUsd) {
    o.log(`judge eval: the estimate is above --max-usd ${o.maxUsd}; nothing was sent. Use a smaller --sample or a higher --max-usd.`);
    result.refused = true;
    return result;
  }
  const { apiKey, baseURL } = settings.anthropic!;
  const judge = createAnthropicJudge({ apiKey, ...(baseURL ? { baseURL } : {}), model });
  for (const s of todo) {
    if (result.realUsd >= o.maxUsd) {
      o.log(`judge eval: stopped at the --max-usd limit ($${result.realUsd.toFixed(4)} spent); the rest stays unscored until a rerun`);
      break;
    }
    const verdict = await judge.score(s.request);
    result.calls++;
    result.realUsd += verdict.usage?.costUsd ?? 0;
    writeFileSync(cachePath(s), JSON.stringify({ id: s.unit.id, flags: verdict.flags, score: verdict.score, usage: verdict.usage ?? null }));
  }
  for (const set of files) {
    const gold = join(o.tmp, `${set}.jsonl`);
    const pred = join(o.tmp, `${set}.judge.jsonl`);
    writeFileSync(gold, goldLines.get(set)!.join('\n') + '\n');
    const preds = sampled
      .filter((s) => s.set === set && existsSync(cachePath(s)))
      .map((s) => {
        const c = JSON.parse(readFileSync(cachePath(s), 'utf8')) as { flags: unknown[]; score: number };
        return { id: s.unit.id, flags: c.flags, score: c.score / 100 };
      });
    writeFileSync(pred, toJsonl(preds));
    result.rows.push({ set, units: preds.length, metrics: o.score(set, gold, pred, gateFor(set).kind === 'unlabelled') });
  }
  o.log(`judge eval: real cost $${result.realUsd.toFixed(4)} for ${result.calls} calls (${result.cached} answered from the cache in ${o.cacheDir})`);
  return result;
}
