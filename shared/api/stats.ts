// GET /v1/stats: what the proxy has done since it started, today's spend against the daily budget,
// the upstream concurrency and the result cache. Counters only: never a reply, a key or a token.
import { z } from 'zod';
import { JudgeChoice, JudgeKind } from '../schemas.ts';

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();

export const StatsResponse = z.object({
  /** When the proxy started, ISO. */
  since: z.string(),
  judge: z.union([JudgeKind, JudgeChoice]),
  judges: z.array(JudgeKind),
  model: z.string().optional(),
  requests: z.object({ score: count, batchItems: count }),
  cacheHits: count,
  judgeCalls: z.record(JudgeKind, count),
  /** Failed judge runs by error code (upstream_timeout, parse_failed, ...). */
  failures: z.record(z.string(), count),
  parseFailures: count,
  repairs: count,
  droppedQuotes: count,
  /** Claims and askBack questions from the judge that failed anchoring or the schema (dropped, never shown). */
  droppedClaims: count,
  tokens: z.object({ input: count, output: count, cacheRead: count, cacheCreation: count }),
  costUsdSinceStart: usd,
  spend: z.object({
    /** UTC day, YYYY-MM-DD. */
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    todayUsd: usd,
    /** null when no daily budget is set. */
    budgetUsd: usd.nullable(),
    remainingUsd: usd.nullable(),
    exhausted: z.boolean(),
    resetsAt: z.string(),
    fallbacks: count,
    refusals: count,
  }),
  concurrency: z.object({ max: count, active: count, queued: count }),
  cache: z.object({ entries: count }),
});
export type StatsResponse = z.infer<typeof StatsResponse>;
