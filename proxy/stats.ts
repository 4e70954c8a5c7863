// Counters since the proxy started, for GET /v1/stats. In memory only: today's spend, which must
// survive a restart, lives in the budget file and is added when the stats are read.
import { JUDGE_KINDS, type JudgeKind, type Usage } from '#shared/schemas';

export interface Stats {
  /** POST /v1/score requests that reached the scorer, and batch items scored. */
  requests: { score: number; batchItems: number };
  cacheHits: number;
  /** Judge runs per kind (a batch item through the Message Batches API counts as one). */
  judgeCalls: Record<JudgeKind, number>;
  /** Failed judge runs by error code (upstream_timeout, parse_failed, ...). */
  failures: Record<string, number>;
  parseFailures: number;
  /** Verdicts that needed the one repair request. */
  repairs: number;
  /** Flags whose quote could not be found in the reply: dropped, never shown. */
  droppedQuotes: number;
  /** Claims and askBack questions from the judge that failed anchoring or the schema: dropped, never shown. */
  droppedClaims: number;
  /** `auto` answered by the offline judge because the daily budget was spent. */
  budgetFallbacks: number;
  /** Explicit `anthropic` refused with 429 because the daily budget was spent. */
  budgetRefusals: number;
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
  /** Spend counted since start (today's total, across restarts, is in the budget file). */
  costUsd: number;
}

export interface StatsRecorder {
  readonly startedAt: string;
  snapshot(): Stats;
  request(kind: 'score' | 'batchItem'): void;
  cacheHit(): void;
  judgeCall(kind: JudgeKind): void;
  failure(code: string): void;
  verdict(info: { usage?: Usage | undefined; droppedQuotes?: number; droppedClaims?: number; repaired?: boolean }): void;
  budget(outcome: 'fallback' | 'refused'): void;
}

export function createStats(clock: () => number = Date.now): StatsRecorder {
  const s: Stats = {
    requests: { score: 0, batchItems: 0 },
    cacheHits: 0,
    // One counter per kind the wire knows, so a new judge kind needs no edit here.
    judgeCalls: Object.fromEntries(JUDGE_KINDS.map((kind) => [kind, 0])) as Record<JudgeKind, number>,
    failures: {},
    parseFailures: 0,
    repairs: 0,
    droppedQuotes: 0,
    droppedClaims: 0,
    budgetFallbacks: 0,
    budgetRefusals: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    costUsd: 0,
  };
  return {
    startedAt: new Date(clock()).toISOString(),
    snapshot: () => structuredClone(s),
    request(kind) {
      if (kind === 'score') s.requests.score++;
      else s.requests.batchItems++;
    },
    cacheHit() {
      s.cacheHits++;
    },
    judgeCall(kind) {
      s.judgeCalls[kind]++;
    },
    failure(code) {
      s.failures[code] = (s.failures[code] ?? 0) + 1;
      if (code === 'parse_failed') s.parseFailures++;
    },
    verdict({ usage, droppedQuotes = 0, droppedClaims = 0, repaired = false }) {
      s.droppedQuotes += droppedQuotes;
      s.droppedClaims += droppedClaims;
      if (repaired) s.repairs++;
      if (!usage) return;
      s.tokens.input += usage.inputTokens;
      s.tokens.output += usage.outputTokens;
      s.tokens.cacheRead += usage.cacheReadInputTokens ?? 0;
      s.tokens.cacheCreation += usage.cacheCreationInputTokens ?? 0;
      s.costUsd = Math.round((s.costUsd + (usage.costUsd ?? 0)) * 1e8) / 1e8;
    },
    budget(outcome) {
      if (outcome === 'fallback') s.budgetFallbacks++;
      else s.budgetRefusals++;
    },
  };
}
