// Batch scoring: POST /v1/score/batch (a job of up to MAX_BATCH_ITEMS replies, one judge),
// GET /v1/batches (the jobs), GET /v1/batches/:id (a job; once ended, every item's result in input
// order), POST /v1/batches/:id/cancel, DELETE /v1/batches/:id. The dashboard's runs use these.
import { z } from 'zod';
import { JudgeChoice, JudgeKind, ScoreRequest, ScoreResult } from '../schemas.ts';

/** Most items in one job: far above a study's re-scoring run. */
export const MAX_BATCH_ITEMS = 10_000;
/** Largest POST /v1/score/batch body. */
export const MAX_BATCH_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The caller's id for an item, echoed on its result. Long enough for an archive key
 * (`site:conversationId:messageId`, up to 64 + 512 + 512 + 2 characters).
 */
export const MAX_BATCH_ITEM_ID_CHARS = 2048;
export const BatchItemId = z.union([z.string().max(MAX_BATCH_ITEM_ID_CHARS), z.number()]);
export type BatchItemId = z.infer<typeof BatchItemId>;

/** One item: a ScoreRequest (its own `judge` is ignored: the job has one judge) with an optional id. */
export const BatchItem = ScoreRequest.omit({ judge: true }).extend({ id: BatchItemId.optional() });
export type BatchItem = z.infer<typeof BatchItem>;

const itemCount = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'items must not be empty').max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per job`);

/** The POST /v1/score/batch body. */
export const BatchRequest = z.object({ items: itemCount(BatchItem), judge: JudgeChoice.optional() });
export type BatchRequest = z.infer<typeof BatchRequest>;

/** BatchRequest without looking inside the items: the proxy checks it first, then the items a slice at a time. */
export const BatchEnvelope = z.object({ items: itemCount(z.unknown()), judge: JudgeChoice.optional() });

/** A job id as the proxy makes it; anything else names no job (404). */
export const BatchId = z.string().regex(/^batch_[A-Za-z0-9_-]+$/);
export const BatchIdParam = z.object({ id: BatchId });

export const BATCH_STATUSES = ['queued', 'running', 'done', 'failed', 'canceled'] as const;
export const BatchStatus = z.enum(BATCH_STATUSES);
export type BatchStatus = z.infer<typeof BatchStatus>;
/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: readonly BatchStatus[] = ['done', 'failed', 'canceled'];

export const ItemError = z.object({ code: z.string(), message: z.string() });
export type ItemError = z.infer<typeof ItemError>;

/** A scored item (ScoreResult) or why it could not be scored, with the item's id when it had one. */
export const BatchItemResult = z.union([ScoreResult.extend({ id: BatchItemId.optional() }), z.object({ id: BatchItemId.optional(), error: ItemError })]);
export type BatchItemResult = z.infer<typeof BatchItemResult>;

/** 202 answer to POST /v1/score/batch (Location: /v1/batches/:id). */
export const BatchCreated = z.object({
  id: BatchId,
  status: BatchStatus,
  judge: JudgeKind,
  total: z.number().int().nonnegative(),
  /** Set when the judge asked for could not be used and another took the job. */
  notice: z.string().optional(),
});
export type BatchCreated = z.infer<typeof BatchCreated>;

/** A job as GET /v1/batches lists it. */
export const BatchSummary = z.object({
  id: BatchId,
  status: BatchStatus,
  judge: JudgeKind,
  model: z.string().optional(),
  total: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  notice: z.string().optional(),
  error: ItemError.optional(),
  /** The upstream Message Batch its pending items went to (anthropic judge). */
  upstream: z.object({ batchId: z.string(), items: z.number().int().nonnegative(), status: z.string().optional() }).optional(),
});
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchList = z.object({ batches: z.array(BatchSummary) });
export type BatchList = z.infer<typeof BatchList>;

/** GET /v1/batches/:id and POST /v1/batches/:id/cancel: the summary, plus `results` once the job has ended. */
export const BatchView = BatchSummary.extend({ results: z.array(BatchItemResult).optional() });
export type BatchView = z.infer<typeof BatchView>;

/** DELETE /v1/batches/:id. `canceled` when the job was still running. */
export const BatchDeleted = z.object({ id: BatchId, deleted: z.literal(true), canceled: z.literal(true).optional() });
export type BatchDeleted = z.infer<typeof BatchDeleted>;
