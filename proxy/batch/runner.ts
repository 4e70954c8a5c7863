// Runs batch jobs. Offline: items scored here in small chunks, yielding to the event loop between
// chunks so single scores stay responsive. Anthropic: cache hits answered at once, the rest sent as
// one Message Batch (half price) built with the judge's own params, polled until it ends, each
// answer turned into a verdict by the judge and then anchored, counted, priced and cached like a
// single score. Every state change is written to the job file, so a restarted proxy resumes: it
// polls the same Message Batch again, or scores the offline items not yet done.
import { randomBytes } from 'node:crypto';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { JudgeChoice, ScoreRequest } from '#shared/schemas';
import type { Logger } from '../app.ts';
import { UpstreamError } from '../judges/anthropic/errors.ts';
import type { Judge, JudgeVerdict, Judges } from '../judges/judge.ts';
import { ApiError } from '../middleware/errors.ts';
import type { ResolvedJudge, Scorer } from '../scoring.ts';
import type { StatsRecorder } from '../stats.ts';
import { type BatchItem, type BatchItemResult, type BatchJob, type ItemError, TERMINAL } from './job.ts';
import type { MessageBatchClient } from './message-batches.ts';
import type { BatchStore } from './store.ts';

/** Offline items scored between two yields to the event loop. */
const CHUNK = 25;
/** Least time between two writes of a job file while its items are scored here. */
const SAVE_EVERY_MS = 1000;

/** What the runner needs from the anthropic judge to go through the Message Batches API. */
interface BatchCapableJudge extends Judge {
  model?: string;
  buildParams(request: ScoreRequest): MessageCreateParamsNonStreaming;
  verdictFromMessage(request: ScoreRequest, message: Message, options?: { batch?: boolean }): JudgeVerdict;
}

function canBatch(judge: Judge): judge is BatchCapableJudge {
  const j = judge as Partial<BatchCapableJudge>;
  return typeof j.buildParams === 'function' && typeof j.verdictFromMessage === 'function';
}

export interface BatchRunnerDeps {
  store: BatchStore;
  scorer: Scorer;
  judges: Judges;
  /** null: no Message Batches API (no key): anthropic items are scored one by one. */
  client: MessageBatchClient | null;
  pollMs: number;
  stats: StatsRecorder;
  logger: Logger;
  clock?: () => number;
}

export interface BatchRunner {
  create(items: BatchItem[], choice: JudgeChoice | undefined): BatchJob;
  get(id: string): BatchJob | undefined;
  list(): BatchJob[];
  cancel(id: string): Promise<BatchJob | undefined>;
  /** Picks up the jobs a previous process left queued or running. */
  resume(): void;
  /** Stops polling and local work (jobs stay resumable on disk). */
  close(): void;
  /** Resolves when no job is being worked on (tests). */
  idle(): Promise<void>;
}

export function createBatchRunner(deps: BatchRunnerDeps): BatchRunner {
  const { store, scorer, judges, client, stats, logger } = deps;
  const clock = deps.clock ?? Date.now;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const working = new Set<Promise<void>>();
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
  const errorOf = (error: unknown, judge: Judge, item: BatchItem): ItemError => {
    const api = error instanceof ApiError ? error : scorer.failure(error, judge, requestOf(item));
    return { code: api.code, message: api.message };
  };

  function track(work: Promise<void>): void {
    working.add(work);
    void work.finally(() => working.delete(work));
  }

  function fail(job: BatchJob, error: ItemError): void {
    job.status = 'failed';
    job.error = error;
    save(job);
    logger.warn(`batch ${job.id} failed: ${error.code}`);
  }

  function start(job: BatchJob): void {
    if (closed || TERMINAL.has(job.status)) return;
    track(
      run(job).catch((error: unknown) => {
        logger.error(`batch ${job.id} stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`);
        fail(job, { code: 'internal', message: 'The batch stopped on an unexpected error; the details are in the proxy log.' });
      }),
    );
  }

  async function run(job: BatchJob): Promise<void> {
    const judge = job.judge === 'anthropic' ? judges.anthropic : judges.offline;
    if (!judge) {
      return fail(job, {
        code: 'judge_unavailable',
        message: 'This job was made for the anthropic judge, which this proxy does not have now: set ANTHROPIC_API_KEY (or the key file) and restart to resume it.',
      });
    }
    job.status = 'running';
    save(job);
    const resolved: ResolvedJudge = { judge, ...(job.notice ? { notice: job.notice } : {}) };
    if (job.judge === 'anthropic' && client && canBatch(judge)) return runThroughBatches(job, judge);
    await runHere(job, resolved);
  }

  /** Scores the pending items here, a chunk at a time (the offline judge, or anthropic without batches). */
  async function runHere(job: BatchJob, resolved: ResolvedJudge): Promise<void> {
    // The job file is rewritten whole: at most about once a second, so a 10k-item job is not
    // written hundreds of times (a restart redoes at most a second of work).
    let savedAt = performance.now();
    for (let start = 0; start < job.items.length; start += CHUNK) {
      for (let i = start; i < Math.min(start + CHUNK, job.items.length); i++) {
        if (job.status !== 'running') return;
        if (closed) return save(job); // keep what is done for the next start
        if (job.results[i] !== null) continue;
        const item = job.items[i]!;
        try {
          const { result } = await scorer.score(requestOf(item), { resolved, kind: 'batchItem' });
          job.results[i] = withId(item, result);
        } catch (error) {
          job.results[i] = withId(item, { error: errorOf(error, resolved.judge, item) });
        }
      }
      if (performance.now() - savedAt >= SAVE_EVERY_MS) {
        save(job);
        savedAt = performance.now();
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (job.status === 'running') {
      job.status = 'done';
      save(job);
    }
  }

  async function runThroughBatches(job: BatchJob, judge: BatchCapableJudge): Promise<void> {
    if (!job.upstream) {
      const pending: number[] = [];
      job.items.forEach((item, i) => {
        if (job.results[i] !== null) return;
        const hit = scorer.cached(requestOf(item), judge);
        if (hit) {
          stats.request('batchItem');
          job.results[i] = withId(item, hit);
        } else pending.push(i);
      });
      if (pending.length === 0) {
        job.status = 'done';
        return save(job);
      }
      let batch;
      try {
        batch = await client!.create(pending.map((i) => ({ custom_id: `item-${i}`, params: judge.buildParams(requestOf(job.items[i]!)) })));
      } catch (error) {
        if (error instanceof UpstreamError && error.code === 'upstream_not_found') {
          // An Anthropic-compatible server without the Batches API (a local model): score one by one.
          job.notice = `${job.notice ? `${job.notice} ` : ''}The endpoint has no Message Batches API, so the items were scored one by one (no batch discount).`;
          logger.warn(`batch ${job.id}: no Message Batches API at the upstream; scoring the items one by one`);
          save(job);
          return runHere(job, { judge, notice: job.notice });
        }
        const api = errorOf(error, judge, job.items[pending[0]!]!);
        return fail(job, { code: api.code, message: `The Message Batches API did not take the job: ${api.message}` });
      }
      // Saved even when closing or canceled meanwhile: a restart must poll this batch, not send another.
      job.upstream = { batchId: batch.id, indices: pending, status: batch.processingStatus };
      save(job);
      logger.info(`batch ${job.id}: ${pending.length} item(s) sent as Message Batch ${batch.id}`);
      if (job.status === 'canceled') {
        await client!.cancel(batch.id).catch(() => logger.warn(`batch ${job.id}: canceling Message Batch ${batch.id} failed`));
        return;
      }
    }
    schedule(job, judge);
  }

  function schedule(job: BatchJob, judge: BatchCapableJudge): void {
    if (closed || job.status !== 'running') return;
    timers.set(
      job.id,
      setTimeout(() => {
        timers.delete(job.id);
        track(poll(job, judge));
      }, deps.pollMs),
    );
  }

  async function poll(job: BatchJob, judge: BatchCapableJudge): Promise<void> {
    if (closed || job.status !== 'running' || !job.upstream) return;
    const { batchId, indices } = job.upstream;
    try {
      const batch = await client!.retrieve(batchId);
      job.upstream.status = batch.processingStatus;
      if (batch.processingStatus !== 'ended') {
        save(job);
        return schedule(job, judge);
      }
      const lines = await client!.results(batchId);
      if (closed) return;
      const byId = new Map(lines.map((line) => [line.customId, line]));
      for (const i of indices) {
        if (job.results[i] !== null) continue;
        const item = job.items[i]!;
        const line = byId.get(`item-${i}`);
        job.results[i] = withId(item, finishItem(job, judge, item, line));
      }
      if (job.status === 'running') job.status = 'done';
      save(job);
    } catch (error) {
      if (error instanceof UpstreamError && (error.status === 503 || error.status === 504 || error.code === 'upstream_unreachable' || error.code === 'upstream_error')) {
        // Passing trouble: the batch is still there; ask again at the next poll.
        logger.warn(`batch ${job.id}: polling Message Batch ${batchId} failed (${error.code}); trying again`);
        return schedule(job, judge);
      }
      const api = errorOf(error, judge, job.items[indices[0] ?? 0]!);
      fail(job, { code: api.code, message: `Polling Message Batch ${batchId} failed: ${api.message}` });
    }
  }

  function finishItem(job: BatchJob, judge: BatchCapableJudge, item: BatchItem, line: Awaited<ReturnType<MessageBatchClient['results']>>[number] | undefined): object {
    stats.request('batchItem');
    stats.judgeCall('anthropic');
    if (!line) {
      stats.failure('upstream_missing');
      return { error: { code: 'upstream_missing', message: 'The Message Batch ended without a result for this item.' } };
    }
    if (line.type !== 'succeeded') {
      const code = `upstream_${line.type}`;
      stats.failure(code);
      const why = line.type === 'errored' ? `failed: ${line.message ?? 'no message'}` : line.type === 'expired' ? 'expired before it was processed (24 h)' : 'was canceled';
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

  return {
    create(items, choice) {
      const { judge, notice } = scorer.resolve(choice);
      const model = (judge as { model?: unknown }).model;
      const now = stamp();
      const job: BatchJob = {
        version: 1,
        id: `batch_${randomBytes(12).toString('base64url')}`,
        createdAt: now,
        updatedAt: now,
        status: 'queued',
        judge: judge.kind,
        ...(typeof model === 'string' ? { model } : {}),
        ...(notice ? { notice } : {}),
        items,
        results: items.map(() => null),
      };
      store.save(job);
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
    async cancel(id) {
      const job = store.get(id);
      if (!job || TERMINAL.has(job.status)) return job;
      job.status = 'canceled';
      const timer = timers.get(id);
      if (timer) clearTimeout(timer);
      timers.delete(id);
      save(job);
      if (job.upstream && client) {
        await client.cancel(job.upstream.batchId).catch((error: unknown) => {
          logger.warn(`batch ${id}: canceling Message Batch ${job.upstream!.batchId} failed (${error instanceof UpstreamError ? error.code : 'error'})`);
        });
      }
      return job;
    },
    resume() {
      for (const job of store.all()) {
        if (TERMINAL.has(job.status)) continue;
        logger.info(`batch ${job.id}: resuming (${job.upstream ? `polling Message Batch ${job.upstream.batchId}` : 'scoring the remaining items'})`);
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
