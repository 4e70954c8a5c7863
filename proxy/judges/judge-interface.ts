// One interface for every judge, so the proxy, the CLI and the cache do not care which one answered.
import { Claim, Flag, type JudgeInfo, type JudgeKind, type ScoreRequest, type Usage } from '#shared/schemas';
import type { ProxyConfig } from '../config.ts';

/**
 * How a judge that asks a model gets its verdict back: structured output, forced tool use, or JSON
 * in plain text (for a local endpoint with neither). Here, not in a judge's folder, because config.ts
 * reads it from UNSPUN_JUDGE_MODE and only the registry may import a judge.
 */
export const JUDGE_MODES = ['structured', 'tool', 'text'] as const;
export type JudgeMode = (typeof JUDGE_MODES)[number];

export interface JudgeVerdict {
  flags: Flag[];
  /** The claim ledger (optional: judges that do not list claims leave it out). */
  claims?: Claim[];
  score: number;
  judge: JudgeInfo;
  usage?: Usage;
  notice?: string;
}

export interface Judge {
  readonly kind: JudgeInfo['kind'];
  /** The model it asks, when it asks one (shown in /v1/stats, part of the cache key). */
  readonly model?: string;
  /** Versions its prompt or rules (part of the cache key); default: its definition's. */
  readonly promptVersion?: string;
  /** Overrides its definition's capabilities for this instance (tests, variants). */
  readonly capabilities?: Partial<JudgeCapabilities>;
  /** Scores one reply. Throws on upstream failure (UpstreamError); the app maps errors to status codes. */
  score(request: ScoreRequest, signal?: AbortSignal): Promise<JudgeVerdict>;
}

/** What the proxy core may do with a judge's calls; the core asks these, never which judge it is. */
export interface JudgeCapabilities {
  /** Its results are worth a result-cache write (a call costs more than a disk lookup). */
  cache: boolean;
  /** Its calls cost money: counted against the daily budget; when spent, `auto` falls back to offline. */
  budget: boolean;
  /** Its calls go to an upstream: each waits for one of the concurrency slots, under the overall deadline. */
  upstream: boolean;
  /** Batch jobs may go through the upstream's batch API (with a client, and a judge that is a BatchingJudge). */
  batches: boolean;
}

/** The settings a judge may be built from (ProxyConfig satisfies it). */
export type JudgeSettings = Pick<ProxyConfig, 'anthropic' | 'detectorModel'> & { deadlineMs?: number; batchTimeoutMs?: number };

/** One judge as the registry knows it: adding a judge is its folder plus one registry line. */
export interface JudgeDefinition {
  readonly kind: JudgeKind;
  readonly capabilities: JudgeCapabilities;
  /** The prompt (or rule set) version its judges report when they do not say. */
  readonly promptVersion: string;
  /** What makes it available, for messages ("set ANTHROPIC_API_KEY (or the key file) and restart"). */
  readonly setup?: string;
  /** Why a process has none and what to do, for a reader (GET /health): "The proxy has no Anthropic API key: set …". */
  readonly notConfigured?: string;
  /** Its upstream as people name it in messages ("Anthropic API"); none for a local judge. */
  readonly upstreamName?: string;
  /** Its judge for these settings, or undefined when they do not allow one (e.g. no key). */
  create(settings: JudgeSettings): Judge | undefined;
  /** Its upstream's batch API for these settings (judges whose capabilities say `batches`), or undefined. */
  createBatchClient?(settings: JudgeSettings): UpstreamBatchClient | undefined;
}

/**
 * A judge that can send many replies as one upstream batch: it builds each request's upstream
 * params and turns each upstream answer back into a verdict. The batch runner treats both as opaque.
 */
export interface BatchingJudge extends Judge {
  buildParams(request: ScoreRequest): unknown;
  verdictFromMessage(request: ScoreRequest, message: unknown, options?: { batch?: boolean }): JudgeVerdict;
}

export function isBatchingJudge(judge: Judge): judge is BatchingJudge {
  const j = judge as Partial<BatchingJudge>;
  return typeof j.buildParams === 'function' && typeof j.verdictFromMessage === 'function';
}

/** One upstream batch as the batch runner tracks it. */
export interface UpstreamBatch {
  id: string;
  processingStatus: 'in_progress' | 'canceling' | 'ended';
  /** ISO time the upstream created it. */
  createdAt?: string;
  /** How many requests it holds (all states). */
  requests?: number;
}

/** One item's answer; `message` on success is opaque to the runner (the judge reads it). */
export type UpstreamItemResult =
  | { customId: string; type: 'succeeded'; message: unknown }
  | { customId: string; type: 'errored' | 'canceled' | 'expired'; message?: string };

/** An upstream batch API (the anthropic judge's Message Batches client implements it). */
export interface UpstreamBatchClient {
  /** One try, no retry of its own: a create that timed out may still have landed (see list). */
  create(requests: Array<{ custom_id: string; params: unknown }>): Promise<UpstreamBatch>;
  /** The batches created at or after `since` (ISO), newest first. */
  list(since: string): Promise<UpstreamBatch[]>;
  retrieve(id: string): Promise<UpstreamBatch>;
  results(id: string): Promise<UpstreamItemResult[]>;
  cancel(id: string): Promise<void>;
}

/** The judges a process has: offline always, anthropic only when a key is configured. */
export type Judges = { offline: Judge } & { [K in Exclude<JudgeKind, 'offline'>]?: Judge };

/** Asked for a judge this process does not have (e.g. `anthropic` with no key). */
export class JudgeUnavailableError extends Error {
  override name = 'JudgeUnavailableError';
}

/**
 * Keeps only flags that are valid and whose quote is exactly the reply's text at their offsets
 * (DESIGN.md: a flag whose quote cannot be found is never shown). Returns how many were dropped.
 */
export function keepAnchoredFlags(text: string, flags: readonly unknown[]): { flags: Flag[]; dropped: number } {
  const kept: Flag[] = [];
  for (const candidate of flags) {
    const parsed = Flag.safeParse(candidate);
    if (parsed.success && parsed.data.end <= text.length && text.slice(parsed.data.start, parsed.data.end) === parsed.data.quote) {
      kept.push(parsed.data);
    }
  }
  return { flags: kept, dropped: flags.length - kept.length };
}

/** Like keepAnchoredFlags, for the claim ledger: a claim whose quote is not the reply's text at its offsets is dropped. */
export function keepAnchoredClaims(text: string, claims: readonly unknown[]): { claims: Claim[]; dropped: number } {
  const kept: Claim[] = [];
  for (const candidate of claims) {
    const parsed = Claim.safeParse(candidate);
    if (parsed.success && parsed.data.end <= text.length && text.slice(parsed.data.start, parsed.data.end) === parsed.data.quote) {
      kept.push(parsed.data);
    }
  }
  return { claims: kept, dropped: claims.length - kept.length };
}
