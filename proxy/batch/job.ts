// A batch job as the API shows it and as it is stored (a small JSON file per job in the config dir,
// its items and results in JSONL files beside it), and the request body of POST /v1/score/batch.
// Item results keep the input order.
import { z } from 'zod';
import { JudgeChoice, JudgeKind, ScoreRequest, ScoreResult } from '#shared/schemas';

/** Most items in one job: far above a study's re-scoring run. */
export const MAX_BATCH_ITEMS = 10_000;
/** Largest POST /v1/score/batch body. */
export const MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

export const BatchItemId = z.union([z.string().max(512), z.number()]);
export type BatchItemId = z.infer<typeof BatchItemId>;

/** One item: a ScoreRequest (its own `judge` is ignored: the job has one judge) with an optional id. */
export const BatchItem = ScoreRequest.omit({ judge: true }).extend({ id: BatchItemId.optional() });
export type BatchItem = z.infer<typeof BatchItem>;

export const BatchRequest = z.object({
  items: z.array(BatchItem).min(1, 'items must not be empty').max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per job`),
  judge: JudgeChoice.optional(),
});
export type BatchRequest = z.infer<typeof BatchRequest>;

/** BatchRequest without looking inside the items: checked first, then the items a slice at a time. */
export const BatchEnvelope = z.object({
  items: z.array(z.unknown()).min(1, 'items must not be empty').max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per job`),
  judge: JudgeChoice.optional(),
});

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

/** One try at creating the Message Batch, written down before the call (so a restart knows it may have landed). */
export const CreateAttempt = z.object({ startedAt: z.string(), endedAt: z.string().optional() });

/**
 * A job as kept in <id>.json: everything but its items and results, which live in their own JSONL
 * files beside it (read on demand), so a finished job costs no memory and a restart loads no results.
 */
export const BatchJob = z.object({
  version: z.literal(2),
  id: z.string().regex(/^batch_[A-Za-z0-9_-]+$/),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: BatchStatus,
  judge: JudgeKind,
  model: z.string().optional(),
  notice: z.string().optional(),
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /**
   * The Message Batch about to be created (anthropic judge): its custom_ids are `<tag>-<index>`, and
   * each try is recorded before it is sent, so a proxy killed mid-create can find and adopt the batch
   * that landed instead of paying for a second one.
   */
  intent: z.object({ tag: z.string().regex(/^[A-Za-z0-9]+$/), indices: z.array(z.number().int().nonnegative()), attempts: z.array(CreateAttempt) }).optional(),
  /** The Message Batch the pending items went to (anthropic judge). */
  upstream: z
    .object({
      batchId: z.string(),
      /** custom_id prefix; jobs from before tags used "item". */
      tag: z.string().default('item'),
      indices: z.array(z.number().int().nonnegative()),
      status: z.string().optional(),
      /** Found through the list after a restart or a lost answer, not from create's own answer. */
      adopted: z.boolean().optional(),
    })
    .optional(),
  error: ItemError.optional(),
});
export type BatchJob = z.infer<typeof BatchJob>;

/** The version-1 job file (items and results inline), still read once at start and converted. */
export const LegacyBatchJob = z.object({
  version: z.literal(1),
  id: z.string().regex(/^batch_[A-Za-z0-9_-]+$/),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: BatchStatus,
  judge: JudgeKind,
  model: z.string().optional(),
  notice: z.string().optional(),
  items: z.array(BatchItem),
  results: z.array(BatchItemResult.nullable()),
  upstream: z.object({ batchId: z.string(), indices: z.array(z.number().int().nonnegative()), status: z.string().optional() }).optional(),
  error: ItemError.optional(),
});
export type LegacyBatchJob = z.infer<typeof LegacyBatchJob>;

export const TERMINAL: ReadonlySet<BatchStatus> = new Set(['done', 'failed', 'canceled']);

/** What GET /v1/batches lists, and GET /v1/batches/:id before its `results` (streamed from disk). */
export function publicSummary(job: BatchJob): Record<string, unknown> {
  return {
    id: job.id,
    status: job.status,
    judge: job.judge,
    ...(job.model ? { model: job.model } : {}),
    total: job.total,
    done: job.done,
    failed: job.failed,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    ...(job.notice ? { notice: job.notice } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(job.upstream ? { upstream: { batchId: job.upstream.batchId, items: job.upstream.indices.length, ...(job.upstream.status ? { status: job.upstream.status } : {}) } } : {}),
  };
}

/** The result shown for an item the job ended without scoring. */
export function notScored(item: { id?: BatchItemId } | undefined): BatchItemResult {
  return { ...(item?.id !== undefined ? { id: item.id } : {}), error: { code: 'not_scored', message: 'The job ended before this item was scored.' } };
}
