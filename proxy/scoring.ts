// One reply scored the way every route wants it: pick the judge (the daily budget may turn `auto`
// into offline, or refuse `anthropic`), answer from the result cache when it can, otherwise run the
// judge under the upstream concurrency limit and one overall deadline, keep only anchored flags,
// count it all for /v1/stats, record the spend, and cache the result. Failures leave as ApiErrors.
import { withAskBacks } from '#shared/ask-back';
import { type JudgeChoice, ScoreResult, type ScoreRequest } from '#shared/schemas';
import { taxonomyVersion } from '#shared/taxonomy';
import type { Logger } from './types.ts';
import type { DailySpend } from './budget/daily-spend.ts';
import { cacheKey, type JudgeIdentity, type ResultCache, type StoredResult } from './cache/result-cache.ts';
import { UpstreamError } from './judges/upstream-error.ts';
import { type Judge, type JudgeVerdict, type Judges, JudgeUnavailableError, keepAnchoredClaims, keepAnchoredFlags } from './judges/judge-interface.ts';
import { capabilitiesOf, JUDGES, type JudgeRegistry, promptVersionOf, selectJudge, upstreamNameOf } from './judges/registry.ts';
import type { Limiter } from './limit.ts';
import { ApiError, zodIssues } from './middleware/errors.ts';
import type { StatsRecorder } from './stats.ts';

export interface ScorerDeps {
  judges: Judges;
  defaultChoice: JudgeChoice;
  stats: StatsRecorder;
  limiter: Limiter;
  /** null: no result cache. */
  cache: ResultCache | null;
  /** null: spend is not tracked (no budget). */
  spend: DailySpend | null;
  /** One overall deadline per score, queueing included; undefined: only the judge's own. */
  deadlineMs?: number | undefined;
  now: () => number;
  logger: Logger;
  /** UNSPUN_LOG_TEXT=1: log lines may quote reply text. */
  logText: boolean;
  /** What each kind of judge supports; default the proxy's registry. */
  registry?: JudgeRegistry;
}

export interface ScoreOutcome {
  result: ScoreResult;
  /** Flags dropped because their quote was not the reply's text. */
  dropped: number;
}

export interface ResolvedJudge {
  judge: Judge;
  notice?: string;
}

export interface Scorer {
  /** The judge a choice resolves to now (budget included); throws ApiError 429/503. */
  resolve(choice: JudgeChoice | undefined): ResolvedJudge;
  score(request: ScoreRequest, options?: { signal?: AbortSignal; resolved?: ResolvedJudge; kind?: 'score' | 'batchItem' }): Promise<ScoreOutcome>;
  /** The cached result for this request and judge, marked cached, or undefined. */
  cached(request: ScoreRequest, judge: Judge, latencyMs?: number): ScoreResult | undefined;
  /** Stores a finished result (batch results arrive outside score()). */
  store(request: ScoreRequest, judge: Judge, result: ScoreResult): void;
  identity(judge: Judge): JudgeIdentity;
  /**
   * A verdict that arrived outside score() (a Message Batches result): anchored, validated, counted,
   * its cost added to the day's spend, and cached. Throws ApiError invalid_judge_output.
   */
  accept(request: ScoreRequest, judge: Judge, verdict: JudgeVerdict, options: { latencyMs: number; notice?: string | undefined }): ScoreOutcome;
  /** Any error from a judge or the upstream as the ApiError a caller sees (counted, logged). */
  failure(error: unknown, judge: Judge, request: ScoreRequest): ApiError;
}

export function createScorer(deps: ScorerDeps): Scorer {
  const { judges, stats, limiter, cache, spend, logger, now } = deps;
  const registry = deps.registry ?? JUDGES;
  const can = (judge: Judge) => capabilitiesOf(judge, registry);
  const inFlight = new Map<string, Promise<ScoreOutcome>>();

  function resolve(choice: JudgeChoice | undefined): ResolvedJudge {
    const wanted = choice ?? deps.defaultChoice;
    let judge: Judge;
    try {
      judge = selectJudge(judges, wanted, registry);
    } catch (error) {
      if (error instanceof JudgeUnavailableError) throw new ApiError(503, 'judge_unavailable', error.message);
      throw error;
    }
    if (!can(judge).budget || !spend) return { judge };
    const state = spend.state();
    if (!state.exhausted) return { judge };
    const resetsAt = state.resetsAt.slice(11, 16);
    const spent = `${usd(state.spentUsd)} of the ${usd(state.budgetUsd ?? 0)} daily budget`;
    if (wanted === 'auto') {
      stats.budget('fallback');
      return {
        judge: judges.offline,
        notice: `The ${judge.kind} judge's daily budget is spent (${spent}); the offline detector answered instead. The budget resets at ${resetsAt} UTC (UNSPUN_DAILY_BUDGET_USD).`,
      };
    }
    stats.budget('refused');
    throw new ApiError(
      429,
      'budget_exhausted',
      `The ${judge.kind} judge's daily budget is spent (${spent}): set UNSPUN_DAILY_BUDGET_USD higher or wait until ${resetsAt} UTC, or ask for judge "offline" or "auto".`,
      { headers: { 'Retry-After': String(state.resetsInSeconds) } },
    );
  }

  function preferredJudge(choice: JudgeChoice | undefined): Judge | undefined {
    try {
      return selectJudge(judges, choice ?? deps.defaultChoice, registry);
    } catch {
      return undefined;
    }
  }

  function identity(judge: Judge): JudgeIdentity {
    const { model } = judge;
    return {
      kind: judge.kind,
      ...(typeof model === 'string' ? { model } : {}),
      promptVersion: promptVersionOf(judge, registry),
      taxonomyVersion,
    };
  }

  const keyFor = (request: ScoreRequest, judge: Judge) => cacheKey(request, identity(judge));
  // Only judges whose results are worth a disk write: the offline detector is faster than the cache.
  const usesCache = (judge: Judge) => cache !== null && can(judge).cache;

  function cached(request: ScoreRequest, judge: Judge, latencyMs = 0): ScoreResult | undefined {
    if (!usesCache(judge)) return undefined;
    const hit = cache!.get(keyFor(request, judge));
    if (!hit) return undefined;
    stats.cacheHit();
    return { ...hit, cached: true, latencyMs };
  }

  function store(request: ScoreRequest, judge: Judge, result: ScoreResult): void {
    if (!usesCache(judge)) return;
    const { cached: _c, latencyMs: _l, notice: _n, ...stored } = result;
    cache!.set(keyFor(request, judge), stored satisfies StoredResult);
  }

  async function score(
    request: ScoreRequest,
    options: { signal?: AbortSignal; resolved?: ResolvedJudge; kind?: 'score' | 'batchItem' } = {},
  ): Promise<ScoreOutcome> {
    stats.request(options.kind ?? 'score');
    const started = now();
    // A result already paid for is served even when the budget is spent.
    const preferred = options.resolved ? undefined : preferredJudge(request.judge);
    const early = preferred ? cached(request, preferred) : undefined;
    if (early) return { result: { ...early, latencyMs: elapsed(started) }, dropped: 0 };
    const { judge, notice } = options.resolved ?? resolve(request.judge);
    const hit = preferred === judge ? undefined : cached(request, judge);
    if (hit) return { result: { ...hit, latencyMs: elapsed(started) }, dropped: 0 };

    if (!usesCache(judge)) return run(request, judge, notice, started, options.signal);
    // The same reply asked twice at once (a retry while the first is still out) costs one call.
    const key = keyFor(request, judge);
    const pending = inFlight.get(key);
    if (pending) {
      try {
        const shared = await pending;
        stats.cacheHit();
        return { result: { ...shared.result, cached: true, latencyMs: elapsed(started) }, dropped: 0 };
      } catch (error) {
        // Only the first caller's own cancellation is not ours to share: then run our own.
        if (!(error instanceof ApiError && error.code === 'aborted')) throw error;
      }
    }
    const mine = run(request, judge, notice, started, options.signal);
    inFlight.set(key, mine);
    try {
      return await mine;
    } finally {
      if (inFlight.get(key) === mine) inFlight.delete(key);
    }
  }

  async function run(request: ScoreRequest, judge: Judge, notice: string | undefined, started: number, caller?: AbortSignal): Promise<ScoreOutcome> {
    const upstream = can(judge).upstream;
    const deadline = deps.deadlineMs !== undefined && upstream ? AbortSignal.timeout(deps.deadlineMs) : undefined;
    const signal = caller && deadline ? AbortSignal.any([caller, deadline]) : (deadline ?? caller);
    let verdict: JudgeVerdict;
    try {
      const call = () => {
        stats.judgeCall(judge.kind);
        return judge.score(request, signal);
      };
      // Only calls that reach the upstream wait for a slot; the offline detector never queues.
      verdict = upstream ? await limiter.run(call, signal) : await call();
    } catch (error) {
      throw failure(error, judge, request, deadline, caller);
    }
    return accept(request, judge, verdict, { latencyMs: elapsed(started), notice });
  }

  function accept(request: ScoreRequest, judge: Judge, verdict: JudgeVerdict, options: { latencyMs: number; notice?: string | undefined }): ScoreOutcome {
    const anchored = keepAnchoredFlags(request.reply.text, verdict.flags);
    const dropped = anchored.dropped;
    // Every weak or unsupported flag gets a question for "Ask for it": the judge's own when it wrote a
    // valid one, else the move's template filled from the quote (shared/ask-back.ts), as offline.
    const flags = withAskBacks(anchored.flags);
    const extra = verdict as JudgeVerdict & { droppedQuotes?: unknown; droppedClaims?: unknown; repaired?: unknown };
    const judgeDropped = typeof extra.droppedQuotes === 'number' ? extra.droppedQuotes : 0;
    if (dropped > 0) {
      // A quote that is not the reply's text at its offsets would highlight the wrong words.
      logger.warn(`dropped ${dropped} flag(s) from the ${judge.kind} judge whose quote did not match the reply text`);
    }
    const notice = verdict.notice ?? options.notice;
    // The claim ledger gets the same check as flags: a claim that does not anchor is dropped and counted.
    const ledger = verdict.claims ? keepAnchoredClaims(request.reply.text, verdict.claims) : undefined;
    const judgeDroppedClaims = typeof extra.droppedClaims === 'number' ? extra.droppedClaims : 0;
    const droppedClaims = judgeDroppedClaims + (ledger?.dropped ?? 0);
    const parsed = ScoreResult.safeParse({
      score: verdict.score,
      flags,
      judge: verdict.judge,
      ...(verdict.usage ? { usage: verdict.usage } : {}),
      cached: false,
      latencyMs: options.latencyMs,
      ...(notice ? { notice } : {}),
      ...(judgeDropped + dropped > 0 ? { droppedQuotes: judgeDropped + dropped } : {}),
      ...(ledger ? { claims: ledger.claims } : {}),
      ...(droppedClaims > 0 ? { droppedClaims } : {}),
    });
    if (!parsed.success) {
      stats.failure('invalid_judge_output');
      logger.error(
        `the ${judge.kind} judge returned an invalid result: ${zodIssues(parsed.error)
          .map((i) => `${i.path}: ${i.message}`)
          .join('; ')}`,
      );
      throw new ApiError(
        502,
        'invalid_judge_output',
        `The ${judge.kind} judge returned a result that does not fit the ScoreResult contract; the details are in the proxy log.`,
      );
    }
    stats.verdict({ usage: verdict.usage, droppedQuotes: judgeDropped + dropped, droppedClaims, repaired: extra.repaired === true });
    if (verdict.usage?.costUsd) spend?.add(verdict.usage.costUsd);
    store(request, judge, parsed.data);
    if (deps.logText)
      logger.info(
        `scored with ${judge.kind}: ${parsed.data.flags.length} flag(s), score ${parsed.data.score}, reply ${JSON.stringify(request.reply.text.slice(0, 200))}`,
      );
    return { result: parsed.data, dropped: judgeDropped + dropped };
  }

  function failure(error: unknown, judge: Judge, request: ScoreRequest, deadline: AbortSignal | undefined, caller: AbortSignal | undefined): ApiError {
    if (error instanceof ApiError) return error;
    const ourDeadline = deadline?.aborted === true && caller?.aborted !== true;
    if (ourDeadline && (!(error instanceof UpstreamError) || error.code === 'aborted')) {
      // The deadline passed while the request waited for a slot, or the judge saw it as a cancel.
      stats.failure('upstream_timeout');
      const queued = !(error instanceof UpstreamError);
      const message = `The ${upstreamNameOf(judge, registry)} did not answer within the ${deps.deadlineMs} ms deadline (${queued ? `still waiting for one of the ${limiter.max} upstream slots` : 'queueing and retries included'}). Try again later.`;
      logger.warn(`the ${judge.kind} judge failed: upstream_timeout (504)${queued ? ' while queued' : ''}`);
      return new ApiError(504, 'upstream_timeout', message);
    }
    if (error instanceof UpstreamError) {
      stats.failure(error.code);
      // Already worded for the caller, key redacted; the status says whether retrying later helps.
      logger.warn(`the ${judge.kind} judge failed: ${error.code} (${error.status}): ${forLog(error.message, request, deps.logText)}`);
      const headers: Record<string, string> = error.retryAfterSeconds !== undefined ? { 'Retry-After': String(Math.ceil(error.retryAfterSeconds)) } : {};
      return new ApiError(error.status, error.code, error.message, { headers });
    }
    if (caller?.aborted) {
      stats.failure('aborted');
      return new ApiError(504, 'aborted', 'The request was cancelled before the judge answered.');
    }
    stats.failure('judge_failed');
    logger.error(`the ${judge.kind} judge failed: ${forLog(error instanceof Error ? error.message : String(error), request, deps.logText)}`);
    return new ApiError(502, 'judge_failed', `The ${judge.kind} judge failed; the details are in the proxy log. Try again, or ask for judge "offline".`);
  }

  function elapsed(started: number): number {
    return Math.max(0, Math.round(now() - started));
  }

  return { resolve, score, cached, store, identity, accept, failure: (error, judge, request) => failure(error, judge, request, undefined, undefined) };
}

/** Dollars as people read them: cents when there are any, else enough digits to see the amount. */
export function usd(amount: number): string {
  if (amount === 0 || amount >= 0.01) return `$${amount.toFixed(2)}`;
  return `$${Number(amount.toPrecision(2))}`;
}

const WINDOW = 12;

/**
 * A message as it may appear in the log: unless UNSPUN_LOG_TEXT=1, every run of 12 or more
 * characters that also occurs in the reply or its context (an upstream error echoing the request,
 * say) is replaced by "[text]".
 */
export function forLog(message: string, request: Pick<ScoreRequest, 'reply' | 'context'>, logText: boolean): string {
  if (logText || message.length < WINDOW) return message;
  const sources = [request.reply.text, request.context?.user ?? '', ...(request.context?.previous ?? []).map((t) => t.text)];
  const windows = new Set<string>();
  for (const text of sources) for (let i = 0; i + WINDOW <= text.length; i++) windows.add(text.slice(i, i + WINDOW));
  const hidden = new Array<boolean>(message.length).fill(false);
  for (let i = 0; i + WINDOW <= message.length; i++) {
    if (windows.has(message.slice(i, i + WINDOW))) hidden.fill(true, i, i + WINDOW);
  }
  let out = '';
  for (let i = 0; i < message.length; i++) {
    if (!hidden[i]) out += message[i];
    else if (i === 0 || !hidden[i - 1]) out += '[text]';
  }
  return out;
}
