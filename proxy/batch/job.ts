// A batch job as the API shows it and as it is stored (one JSON file per job in the config dir), and
// the request body of POST /v1/score/batch. Item results keep the input order.
import { z } from 'zod';
import { JudgeChoice, JudgeKind, ScoreRequest, ScoreResult } from '#shared/schemas';

/** Most items in one job: far above a study's re-scoring run, small enough to keep one job in memory. */
export const MAX_BATCH_ITEMS = 10_000;
/** Largest POST /v1/score/batch body. */
export const MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

export const BatchItemId = z.union([z.string().max(512), z.number()]);

/** One item: a ScoreRequest (its own `judge` is ignored: the job has one judge) with an optional id. */
export const BatchItem = ScoreRequest.omit({ judge: true }).extend({ id: BatchItemId.optional() });
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchRequest = z.object({
  items: z.array(BatchItem).min(1, 'items must not be empty').max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per job`),
  judge: JudgeChoice.optional(),
});
export type BatchRequest = z.infer<typeof BatchRequest>;

export const BATCH_STATUSES = ['queued', 'running', 'done', 'failed', 'canceled'] as const;
export const BatchStatus = z.enum(BATCH_STATUSES);
export type BatchStatus = z.infer<typeof BatchStatus>;

export const ItemError = z.object({ code: z.string(), message: z.string() });
export type ItemError = z.infer<typeof ItemError>;

/** A scored item (ScoreResult) or why it could not be scored, with the item's id when it had one. */
export const BatchItemResult = z.union([
  ScoreResult.extend({ id: BatchItemId.optional() }),
  z.object({ id: BatchItemId.optional(), error: ItemError }),
]);
export type BatchItemResult = z.infer<typeof BatchItemResult>;

export const BatchJob = z.object({
  version: z.literal(1),
  id: z.string().regex(/^batch_[A-Za-z0-9_-]+$/),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: BatchStatus,
  judge: JudgeKind,
  model: z.string().optional(),
  notice: z.string().optional(),
  items: z.array(BatchItem),
  /** Same length as items; null until the item is finished. */
  results: z.array(BatchItemResult.nullable()),
  /** The Message Batch the pending items went to (anthropic judge). */
  upstream: z.object({ batchId: z.string(), indices: z.array(z.number().int().nonnegative()), status: z.string().optional() }).optional(),
  error: ItemError.optional(),
});
export type BatchJob = z.infer<typeof BatchJob>;

export const TERMINAL: ReadonlySet<BatchStatus> = new Set(['done', 'failed', 'canceled']);

/** What GET /v1/batches/:id returns: progress always, results once the job has finished. */
export function publicView(job: BatchJob): Record<string, unknown> {
  const finished = job.results.filter((r) => r !== null);
  const failed = finished.filter((r) => 'error' in r).length;
  return {
    id: job.id,
    status: job.status,
    judge: job.judge,
    ...(job.model ? { model: job.model } : {}),
    total: job.items.length,
    done: finished.length - failed,
    failed,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.notice ? { notice: job.notice } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(job.upstream ? { upstream: { batchId: job.upstream.batchId, items: job.upstream.indices.length, ...(job.upstream.status ? { status: job.upstream.status } : {}) } } : {}),
    ...(TERMINAL.has(job.status)
      ? { results: job.results.map((r, i) => r ?? { ...(job.items[i]?.id !== undefined ? { id: job.items[i]!.id } : {}), error: { code: 'not_scored', message: 'The job ended before this item was scored.' } }) }
      : {}),
  };
}
