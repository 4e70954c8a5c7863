// Runs batch jobs. Offline: items scored here one after another, yielding to the event loop by
// work done (time and bytes), never by item count, so a single score waits at most one slice.
// Anthropic: cache hits answered at once, the rest sent as one Message Batch (half price) built
// with the judge's own params, polled until it ends, each answer turned into a verdict by the
// judge and then anchored, counted, priced and cached like a single score.
//
// Nothing is paid for twice: before each try at creating the Message Batch the job records the
// intent (a tag that prefixes every custom_id, and the try's start time). A try that times out, or
// a proxy killed during one, may still have created the batch upstream: before any new try, and at
// restart, the upstream's list is searched for a batch of that size created during a recorded try;
// one found is adopted (the oldest; later strays are canceled), otherwise the create is tried
// again (bounded, with backoff). A job that ended (canceled, or failed) while a try's outcome was
// unknown, in a proxy that then stopped, is looked up at the next start too: what landed is
// canceled, so it is neither run nor paid for. Results stay on disk (store.ts); finished jobs are
// kept for a while (UNSPUN_BATCH_KEEP_DAYS, UNSPUN_BATCH_KEEP_JOBS) and can be deleted.
import { randomBytes } from 'node:crypto';
import type { JudgeChoice, ScoreRequest } from '#shared/schemas';
import type { Logger } from '../types.ts';
import { UpstreamError } from '../judges/upstream-error.ts';
import {
  type BatchingJudge,
  isBatchingJudge,
  type Judge,
  type Judges,
  type UpstreamBatch,
  type UpstreamBatchClient,
  type UpstreamItemResult,
} from '../judges/judge-interface.ts';
import { capabilitiesOf, JUDGES, type JudgeRegistry } from '../judges/registry.ts';
import { ApiError } from '../middleware/errors.ts';
import type { ResolvedJudge, Scorer } from '../scoring.ts';
import type { StatsRecorder } from '../stats.ts';
import { type BatchItem, type BatchItemResult, type BatchJob, type ItemError, TERMINAL } from './job.ts';
import type { BatchStore } from './store.ts';

/** Local scoring runs at most this long, or this much text, between two yields to the event loop. */
export const SLICE_MS = 10;
export const SLICE_BYTES = 64 * 1024;
/** Least time between two writes of a job file while its items are scored here. */
const SAVE_EVERY_MS = 1000;
/** Tries at creating one Message Batch (each after looking for what the previous one left). */
export const CREATE_TRIES = 4;
/** Slack around a try's time window when matching upstream batches: the clocks may differ. */
const CLOCK_SLACK_MS = 5 * 60_000;

export interface RetentionPolicy {
  /** Finished jobs older than this (since they ended) are deleted. */
  keepDays: number;
  /** At most this many finished jobs are kept (the newest). */
  keepJobs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({ keepDays: 30, keepJobs: 100 });

export interface BatchRunnerDeps {
  store: BatchStore;
  scorer: Scorer;
  judges: Judges;
  /** null: no upstream batch API (no key): items of a batching judge are scored one by one. */
  client: UpstreamBatchClient | null;
  /** What each kind of judge supports; default the proxy's registry. */
  registry?: JudgeRegistry;
  pollMs: number;
  stats: StatsRecorder;
  logger: Logger;
  clock?: () => number;
  retention?: RetentionPolicy;
  /** First wait before a create is tried again (doubles each time); default min(1 s, pollMs). */
  retryBaseMs?: number;
}

export interface BatchRunner {
  /** Stores a new job (its items written a slice at a time) and starts it on the next turn. */
  create(items: BatchItem[], choice: JudgeChoice | undefined): Promise<BatchJob>;
  get(id: string): BatchJob | undefined;
  list(): BatchJob[];
  cancel(id: string): Promise<BatchJob | undefined>;
  /** Cancels the job if it is still running (upstream too), then removes it and its files. */
  delete(id: string): Promise<boolean>;
  /** Every item with its result (null when it has none), in input order, read from disk. */
  results(id: string): AsyncIterable<[number, BatchItem, BatchItemResult | null]>;
  /** Picks up the jobs a previous process left queued or running, and applies the retention policy. */
  resume(): void;
  /** Stops polling and local work (jobs stay resumable on disk). */
  close(): void;
  /** Resolves when no job is being worked on (tests). */
  idle(): Promise<void>;
}

export function createBatchRunner(deps: BatchRunnerDeps): BatchRunner {
  const { store, scorer, judges, client, stats, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const registry = deps.registry ?? JUDGES;
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const retryBaseMs = deps.retryBaseMs ?? Math.min(1000, deps.pollMs);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const working = new Set<Promise<void>>();
  /** Creates go one at a time, so the time windows of two jobs' tries never overlap. */
  let creating: Promise<unknown> = Promise.resolve();
  let closed = false;

  const stamp = () => new Date(clock()).toISOString();
  function save(job: BatchJob): void {
    job.updatedAt = stamp();
    store.save(job);
  }
  const withId = (item: BatchItem, body: object): BatchItemResult => ({ ...(item.id !== undefined ? { id: item.id } : {}), ...body }) as BatchItemResult;
  const requestOf = (item: BatchItem): ScoreRequest => {
    const { id: _id, ...request } = item;
    return request;
  };
  const errorOf = (error: unknown, judge: Judge, item: BatchItem | undefined): ItemError => {
    const api = error instanceof ApiError ? error : scorer.failure(error, judge, item ? requestOf(item) : { reply: { text: '' } });
    return { code: api.code, message: api.message };
  };
  /** Roughly what scoring an item costs: the text the judge reads. */
  const workOf = (item: BatchItem): number =>
    item.reply.text.length + (item.context?.user?.length ?? 0) + (item.context?.previous ?? []).reduce((n, t) => n + t.text.length, 0);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  function track(work: Promise<void>): void {
    working.add(work);
    void work.finally(() => working.delete(work));
  }

  function record(job: BatchJob, index: number, result: BatchItemResult): void {
    store.appendResult(job.id, index, result);
    if ('error' in result) job.failed++;
    else job.done++;
  }

  function end(job: BatchJob, status: 'done' | 'failed' | 'canceled', error?: ItemError): void {
    job.status = status;
    if (error) job.error = error;
    try {
      store.finish(job.id);
    } catch (e) {
      logger.warn(`batch ${job.id}: cannot put its results in order (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    save(job);
    if (status === 'failed') logger.warn(`batch ${job.id} failed: ${error?.code ?? 'error'}`);
    sweep();
  }

  /** Deletes finished jobs past the retention policy (oldest first). */
  function sweep(): void {
    const cutoff = clock() - retention.keepDays * 86_400_000;
    const finished = store
      .all()
      .filter((job) => TERMINAL.has(job.status))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    finished.forEach((job, rank) => {
      if (rank < retention.keepJobs && Date.parse(job.updatedAt) >= cutoff) return;
      store.delete(job.id);
      logger.info(`batch ${job.id}: deleted by the retention policy (finished ${job.updatedAt})`);
    });
  }

  function start(job: BatchJob): void {
    if (closed || TERMINAL.has(job.status)) return;
    track(
      run(job).catch((error: unknown) => {
        logger.error(`batch ${job.id} stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`);
        if (store.get(job.id) && !TERMINAL.has(job.status)) {
          end(job, 'failed', { code: 'internal', message: 'The batch stopped on an unexpected error; the details are in the proxy log.' });
        }
      }),
    );
  }

  async function run(job: BatchJob): Promise<void> {
    const judge = judges[job.judge];
    if (!judge) {
      const setup = registry[job.judge].setup ?? 'configure it and restart';
      return end(job, 'failed', {
        code: 'judge_unavailable',
        message: `This job was made for the ${job.judge} judge, which this proxy does not have now: ${setup} to resume it.`,
      });
    }
    // The results file is the truth (a crash may have come between an append and a save).
    const scored = await store.scored(job.id);
    job.failed = scored.failed;
    job.done = scored.indices.size - scored.failed;
    job.status = 'running';
    save(job);
    const resolved: ResolvedJudge = { judge, ...(job.notice ? { notice: job.notice } : {}) };
    if (client && capabilitiesOf(judge, registry).batches && isBatchingJudge(judge)) return runThroughBatches(job, judge, scored.indices);
    await runHere(job, resolved, scored.indices);
  }

  /** Scores the pending items here (a judge without upstream batches, or one with no batch client). */
  async function runHere(job: BatchJob, resolved: ResolvedJudge, scored: ReadonlySet<number>): Promise<void> {
    let sliceStart = performance.now();
    let sliceBytes = 0;
    let savedAt = performance.now();
    for await (const [i, item] of store.items(job.id)) {
      if (job.status !== 'running') return;
      if (closed) return save(job); // the results so far are on disk for the next start
      if (scored.has(i)) continue;
      let result: BatchItemResult;
      try {
        result = withId(item, (await scorer.score(requestOf(item), { resolved, kind: 'batchItem' })).result);
      } catch (error) {
        result = withId(item, { error: errorOf(error, resolved.judge, item) });
      }
      if (job.status !== 'running') return; // canceled or deleted while this item was scored
      record(job, i, result);
      sliceBytes += workOf(item);
      if (sliceBytes >= SLICE_BYTES || performance.now() - sliceStart >= SLICE_MS) {
        if (performance.now() - savedAt >= SAVE_EVERY_MS) {
          save(job);
          savedAt = performance.now();
        }
        await nextTurn();
        sliceStart = performance.now();
        sliceBytes = 0;
      }
    }
    if (closed) return save(job);
    if (job.status === 'running') end(job, 'done');
  }

  async function runThroughBatches(job: BatchJob, judge: BatchingJudge, scored: ReadonlySet<number>): Promise<void> {
    if (!job.upstream) {
      if (!job.intent) {
        const pending: number[] = [];
        for await (const [i, item] of store.items(job.id)) {
          if (scored.has(i)) continue;
          const hit = scorer.cached(requestOf(item), judge);
          if (hit) {
            stats.request('batchItem');
            record(job, i, withId(item, hit));
          } else pending.push(i);
        }
        if (pending.length === 0) return end(job, 'done');
        job.intent = { tag: randomBytes(6).toString('hex'), indices: pending, attempts: [] };
        save(job);
      }
      const outcome = await serialized(() => createUpstream(job, judge));
      if (outcome === 'here') return runHere(job, { judge, ...(job.notice ? { notice: job.notice } : {}) }, (await store.scored(job.id)).indices);
      if (outcome !== 'sent') return;
    }
    schedule(job, judge);
  }

  function serialized<T>(task: () => Promise<T>): Promise<T> {
    const next = creating.then(task, task);
    creating = next.catch(() => {});
    return next;
  }

  /**
   * Gets the job's pending items into exactly one Message Batch: adopts one an earlier try left
   * upstream, or creates it, trying again (bounded, with backoff) when a try fails in passing.
   * 'sent': job.upstream is set; 'here': no Batches API, score here; 'stopped': failed, canceled or closing.
   */
  async function createUpstream(job: BatchJob, judge: BatchingJudge): Promise<'sent' | 'here' | 'stopped'> {
    const intent = job.intent!;
    if (intent.attempts.length > 0 && (await adopt(job)) === 'adopted') return 'sent';
    let requests: Array<{ custom_id: string; params: unknown }> | undefined;
    for (;;) {
      if (closed || job.status !== 'running') return 'stopped';
      if (intent.attempts.length >= CREATE_TRIES) {
        end(job, 'failed', {
          code: 'upstream_create_failed',
          message: `The Message Batches API did not take the job after ${CREATE_TRIES} tries; nothing was sent twice. Submit it again later.`,
        });
        return 'stopped';
      }
      requests ??= await buildRequests(job, judge, intent.tag, intent.indices);
      const attempt: { startedAt: string; endedAt?: string } = { startedAt: stamp() };
      intent.attempts.push(attempt);
      save(job); // written before the call: a proxy killed during it finds the intent at restart
      try {
        const batch = await client!.create(requests);
        await settle(job, batch, false);
        logger.info(`batch ${job.id}: ${intent.indices.length} item(s) sent as Message Batch ${batch.id}`);
        return 'sent';
      } catch (error) {
        attempt.endedAt = stamp();
        save(job);
        if (error instanceof UpstreamError && error.code === 'upstream_not_found') {
          // An Anthropic-compatible server without the Batches API (a local model): score one by one.
          job.notice = `${job.notice ? `${job.notice} ` : ''}The endpoint has no Message Batches API, so the items were scored one by one (no batch discount).`;
          delete job.intent;
          logger.warn(`batch ${job.id}: no Message Batches API at the upstream; scoring the items one by one`);
          save(job);
          return 'here';
        }
        const api = errorOf(error, judge, undefined);
        if (!isPassing(error)) {
          end(job, 'failed', { code: api.code, message: `The Message Batches API did not take the job: ${api.message}` });
          return 'stopped';
        }
        logger.warn(`batch ${job.id}: creating the Message Batch failed (${api.code}, try ${intent.attempts.length} of ${CREATE_TRIES})`);
        // The try may have landed although its answer was lost: look before sending another.
        if ((await adopt(job)) === 'adopted') return 'sent';
        if (intent.attempts.length < CREATE_TRIES) await sleep(retryBaseMs * 2 ** (intent.attempts.length - 1));
      }
    }
  }

  /** Records the Message Batch the job's items went to; cancels it at once if the job ended (canceled, failed) or was deleted meanwhile. */
  async function settle(job: BatchJob, batch: UpstreamBatch, adopted: boolean): Promise<void> {
    const intent = job.intent!;
    // Saved even when closing or canceled meanwhile: a restart must poll this batch, not send another.
    job.upstream = { batchId: batch.id, tag: intent.tag, indices: intent.indices, status: batch.processingStatus, ...(adopted ? { adopted: true } : {}) };
    delete job.intent;
    save(job);
    if (TERMINAL.has(job.status) || !store.get(job.id)) {
      await client!.cancel(batch.id).catch(() => logger.warn(`batch ${job.id}: canceling Message Batch ${batch.id} failed`));
    }
  }

  /**
   * Looks upstream for the batch a recorded try created: the same number of requests, created
   * during one of the tries (give or take the clock slack), not already another job's. The oldest
   * is adopted; later ones (a try whose answer was lost, then another) are canceled.
   */
  async function adopt(job: BatchJob): Promise<'adopted' | 'none' | 'unknown'> {
    const intent = job.intent!;
    const first = intent.attempts[0];
    if (!first) return 'none';
    let listed: UpstreamBatch[];
    try {
      listed = await client!.list(new Date(Date.parse(first.startedAt) - CLOCK_SLACK_MS).toISOString());
    } catch (error) {
      logger.warn(
        `batch ${job.id}: cannot list the upstream Message Batches (${error instanceof UpstreamError ? error.code : 'error'}); a new one may be created`,
      );
      return 'unknown';
    }
    const taken = new Set(store.all().flatMap((j) => (j.upstream && j.id !== job.id ? [j.upstream.batchId] : [])));
    const now = clock();
    const during = (b: UpstreamBatch) => {
      const at = Date.parse(b.createdAt ?? '');
      return intent.attempts.some((a) => at >= Date.parse(a.startedAt) - CLOCK_SLACK_MS && at <= (a.endedAt ? Date.parse(a.endedAt) : now) + CLOCK_SLACK_MS);
    };
    // The list is newest first; reversed, equal times keep the older batch first.
    const matches = [...listed]
      .reverse()
      .filter((b) => !taken.has(b.id) && b.requests === intent.indices.length && during(b))
      .sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? ''));
    const [keep, ...strays] = matches;
    if (!keep) return 'none';
    for (const stray of strays) {
      if (stray.processingStatus !== 'in_progress') continue;
      logger.warn(`batch ${job.id}: canceling Message Batch ${stray.id}, a second copy of ${keep.id} left by a lost answer`);
      await client!.cancel(stray.id).catch(() => logger.warn(`batch ${job.id}: canceling Message Batch ${stray.id} failed`));
    }
    logger.info(`batch ${job.id}: adopted Message Batch ${keep.id}, created by an earlier try`);
    await settle(job, keep, true);
    return 'adopted';
  }

  /**
   * A job that ended (canceled, or failed after its last try) while a try's outcome was unknown,
   * and the proxy stopped before learning it: the batch that try created may be running upstream,
   * paid for and never read. Found at the next start, it is canceled; when nothing landed, the
   * intent is dropped so later starts do not look again.
   */
  async function reconcileEnded(job: BatchJob): Promise<void> {
    const outcome = await adopt(job);
    if (outcome === 'none' && job.intent && store.get(job.id)) {
      delete job.intent;
      save(job);
    }
  }

  async function buildRequests(job: BatchJob, judge: BatchingJudge, tag: string, indices: readonly number[]) {
    const wanted = new Set(indices);
    const requests: Array<{ custom_id: string; params: unknown }> = [];
    for await (const [i, item] of store.items(job.id)) {
      if (wanted.has(i)) requests.push({ custom_id: `${tag}-${i}`, params: judge.buildParams(requestOf(item)) });
    }
    return requests;
  }

  function isPassing(error: unknown): boolean {
    return (
      error instanceof UpstreamError &&
      (error.status === 503 ||
        error.status === 504 ||
        ['upstream_unreachable', 'upstream_error', 'upstream_timeout', 'upstream_rate_limited', 'upstream_overloaded'].includes(error.code))
    );
  }

  function schedule(job: BatchJob, judge: BatchingJudge): void {
    if (closed || job.status !== 'running') return;
    timers.set(
      job.id,
      setTimeout(() => {
        timers.delete(job.id);
        track(poll(job, judge));
      }, deps.pollMs),
    );
  }

  async function poll(job: BatchJob, judge: BatchingJudge): Promise<void> {
    if (closed || job.status !== 'running' || !job.upstream) return;
    const { batchId, indices, tag } = job.upstream;
    try {
      const batch = await client!.retrieve(batchId);
      job.upstream.status = batch.processingStatus;
      if (batch.processingStatus !== 'ended') {
        save(job);
        return schedule(job, judge);
      }
      const lines = await client!.results(batchId);
      if (closed || job.status !== 'running') return;
      const ours = lines.filter((line) => line.customId.startsWith(`${tag}-`));
      if (job.upstream.adopted && ours.length === 0) {
        // The batch adopted after a restart was not this job's after all: send the items again.
        logger.warn(`batch ${job.id}: Message Batch ${batchId} holds none of this job's items; sending them again`);
        job.intent = { tag: randomBytes(6).toString('hex'), indices, attempts: [] };
        delete job.upstream;
        save(job);
        return runThroughBatches(job, judge, (await store.scored(job.id)).indices);
      }
      const byId = new Map(ours.map((line) => [line.customId, line]));
      const pending = new Set(indices);
      const scored = await store.scored(job.id);
      for await (const [i, item] of store.items(job.id)) {
        if (!pending.has(i) || scored.indices.has(i)) continue;
        record(job, i, withId(item, finishItem(job, judge, item, byId.get(`${tag}-${i}`))));
      }
      if (job.status === 'running') end(job, 'done');
    } catch (error) {
      if (error instanceof UpstreamError && isPassing(error)) {
        // Passing trouble: the batch is still there; ask again at the next poll.
        logger.warn(`batch ${job.id}: polling Message Batch ${batchId} failed (${error.code}); trying again`);
        return schedule(job, judge);
      }
      const api = errorOf(error, judge, undefined);
      end(job, 'failed', { code: api.code, message: `Polling Message Batch ${batchId} failed: ${api.message}` });
    }
  }

  function finishItem(job: BatchJob, judge: BatchingJudge, item: BatchItem, line: UpstreamItemResult | undefined): object {
    stats.request('batchItem');
    stats.judgeCall(judge.kind);
    if (!line) {
      stats.failure('upstream_missing');
      return { error: { code: 'upstream_missing', message: 'The Message Batch ended without a result for this item.' } };
    }
    if (line.type !== 'succeeded') {
      const code = `upstream_${line.type}`;
      stats.failure(code);
      const why =
        line.type === 'errored'
          ? `failed: ${line.message ?? 'no message'}`
          : line.type === 'expired'
            ? 'expired before it was processed (24 h)'
            : 'was canceled';
      return { error: { code, message: `This item of the Message Batch ${why}.` } };
    }
    const request = requestOf(item);
    try {
      const verdict = judge.verdictFromMessage(request, line.message, { batch: true });
      return scorer.accept(request, judge, verdict, { latencyMs: 0, ...(job.notice ? { notice: job.notice } : {}) }).result;
    } catch (error) {
      return { error: errorOf(error, judge, item) };
    }
  }

  async function cancel(id: string): Promise<BatchJob | undefined> {
    const job = store.get(id);
    if (!job || TERMINAL.has(job.status)) return job;
    const timer = timers.get(id);
    if (timer) clearTimeout(timer);
    timers.delete(id);
    end(job, 'canceled');
    if (job.upstream && client) {
      await client.cancel(job.upstream.batchId).catch((error: unknown) => {
        logger.warn(`batch ${id}: canceling Message Batch ${job.upstream!.batchId} failed (${error instanceof UpstreamError ? error.code : 'error'})`);
      });
    }
    return job;
  }

  return {
    async create(items, choice) {
      const { judge, notice } = scorer.resolve(choice);
      const { model } = judge;
      const now = stamp();
      const job: BatchJob = {
        version: 2,
        id: `batch_${randomBytes(12).toString('base64url')}`,
        createdAt: now,
        updatedAt: now,
        status: 'queued',
        judge: judge.kind,
        ...(typeof model === 'string' ? { model } : {}),
        ...(notice ? { notice } : {}),
        total: items.length,
        done: 0,
        failed: 0,
      };
      try {
        await store.create(job, items);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new ApiError(
          507,
          'storage_error',
          `The proxy cannot store this batch job (${code}): free some disk space or fix the config dir's permissions, then submit it again.`,
        );
      }
      // Answer 202 first; the work starts on the next turn of the event loop.
      track(
        new Promise<void>((resolve) =>
          setImmediate(() => {
            start(job);
            resolve();
          }),
        ),
      );
      return job;
    },
    get: (id) => store.get(id),
    list: () => store.all(),
    cancel,
    async delete(id) {
      const job = store.get(id);
      if (!job) return false;
      if (!TERMINAL.has(job.status)) await cancel(id);
      store.delete(id);
      logger.info(`batch ${id}: deleted`);
      return true;
    },
    results: (id) => store.results(id),
    resume() {
      sweep();
      for (const job of store.all()) {
        if (TERMINAL.has(job.status)) {
          if (job.intent && client) {
            logger.info(`batch ${job.id}: ended while a Message Batch was being created; looking for it upstream to cancel it`);
            track(
              serialized(() => reconcileEnded(job)).catch((error: unknown) => {
                logger.warn(`batch ${job.id}: looking for its Message Batch failed (${error instanceof Error ? error.message : String(error)})`);
              }),
            );
          }
          continue;
        }
        const doing = job.upstream
          ? `polling Message Batch ${job.upstream.batchId}`
          : job.intent
            ? 'looking for the Message Batch an earlier try may have created'
            : 'scoring the remaining items';
        logger.info(`batch ${job.id}: resuming (${doing})`);
        start(job);
      }
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
    async idle() {
      while (working.size > 0 || timers.size > 0) await new Promise((r) => setTimeout(r, 5));
    },
  };
}
