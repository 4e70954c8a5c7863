// A batch job as it is stored (a small JSON file per job in the config dir, its items and results in
// JSONL files beside it) and as the API shows it (publicSummary → shared/api/batch.ts BatchSummary).
// Item results keep the input order.
import { z } from 'zod';
import { JudgeKind } from '#shared/schemas';
import { BatchId, BatchItem, BatchItemId, BatchItemResult, BatchStatus, type BatchSummary, ItemError, TERMINAL_STATUSES } from '#shared/api/batch';

// The wire schemas live in shared/api/batch.ts (the extension parses the same ones); re-exported
// here for the store and the runner.
export {
  BatchEnvelope,
  BatchItem,
  BatchItemId,
  BatchItemResult,
  BatchRequest,
  BatchStatus,
  BATCH_STATUSES,
  ItemError,
  MAX_BATCH_BODY_BYTES,
  MAX_BATCH_ITEMS,
} from '#shared/api/batch';

/** One try at creating the Message Batch, written down before the call (so a restart knows it may have landed). */
export const CreateAttempt = z.object({ startedAt: z.string(), endedAt: z.string().optional() });

/**
 * A job as kept in <id>.json: everything but its items and results, which live in their own JSONL
 * files beside it (read on demand), so a finished job costs no memory and a restart loads no results.
 */
export const BatchJob = z.object({
  version: z.literal(2),
  id: BatchId,
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
  id: BatchId,
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

export const TERMINAL: ReadonlySet<BatchStatus> = new Set(TERMINAL_STATUSES);

/** What GET /v1/batches lists, and GET /v1/batches/:id before its `results` (streamed from disk). */
export function publicSummary(job: BatchJob): BatchSummary {
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
    ...(job.upstream
      ? { upstream: { batchId: job.upstream.batchId, items: job.upstream.indices.length, ...(job.upstream.status ? { status: job.upstream.status } : {}) } }
      : {}),
  };
}

/** The result shown for an item the job ended without scoring. */
export function notScored(item: { id?: BatchItemId } | undefined): BatchItemResult {
  return { ...(item?.id !== undefined ? { id: item.id } : {}), error: { code: 'not_scored', message: 'The job ended before this item was scored.' } };
}
