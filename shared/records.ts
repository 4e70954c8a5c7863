// Stored records of the local archive (extension Dexie DB). Zod is the source of truth, as for
// the wire contracts in schemas.ts; types come from z.infer.
import { z } from 'zod';
import { CitationMarker, MAX_CITATIONS, MAX_REPLY_CHARS, MoveId, ScoreResult, Support, Turn } from './schemas.ts';

export const MESSAGE_STATUSES = ['pending', 'scored', 'failed'] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Epoch milliseconds. */
const Timestamp = z.number().int().nonnegative();

/** dom: read from the page; network: the site's own API payload; import: a data export file. */
export const RecordCaptureMethod = z.enum(['dom', 'network', 'import']);
export type RecordCaptureMethod = z.infer<typeof RecordCaptureMethod>;
/** complete: the reply was captured once the site said it had finished; partial: some turns missing. */
export const RecordCompleteness = z.enum(['complete', 'partial', 'unknown']);
export type RecordCompleteness = z.infer<typeof RecordCompleteness>;
export const RecordSource = z.enum(['extension', 'chatgpt-export', 'claude-export', 'unspun-export']);
export type RecordSource = z.infer<typeof RecordSource>;

/**
 * What the dashboard filters and lists by, kept on each conversation (archive v3) so a filtered
 * page is an index query, not a scan of every message. Recomputed from the conversation's own
 * messages, scores and labels whenever one of them changes (extension/db/summary.ts).
 * Conversation-level: "move X and support Y" means some flag has move X and some flag has support Y.
 */
export const ConversationSummary = z.object({
  messageCount: z.number().int().nonnegative(),
  /** Characters of the assistant replies (for rates per 10k characters). */
  charCount: z.number().int().nonnegative(),
  scoredCount: z.number().int().nonnegative(),
  flagCount: z.number().int().nonnegative(),
  /** Highest reply score, -1 when nothing is scored yet. */
  maxScore: z.number().min(-1).max(100),
  /** 1 when any reply has a flag (IndexedDB cannot index booleans). */
  flagged: z.union([z.literal(0), z.literal(1)]),
  moves: z.array(MoveId),
  supports: z.array(Support),
  models: z.array(z.string()),
  labelCount: z.number().int().nonnegative(),
  labeled: z.union([z.literal(0), z.literal(1)]),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const ConversationRecord = z
  .object({
    /** `${site}:${conversationId}` */
    key: z.string().min(1),
    site: z.string().min(1).max(64),
    conversationId: z.string().min(1).max(512),
    /** Page URL without query string or fragment. */
    url: z.string().optional(),
    firstCapturedAt: Timestamp,
    lastCapturedAt: Timestamp,
    // ---- v3, all optional: records written by v1/v2 stay valid ----
    /** The first user turn, shortened: what the dashboard lists the conversation by. */
    title: z.string().max(200).optional(),
    /** Where the title came from: `site`, the site's own (a data export's title; exported as the
     *  conversation's title). Absent: the first user turn, shortened (a label for the list only). */
    titleSource: z.literal('site').optional(),
    source: RecordSource.optional(),
    captureMethod: RecordCaptureMethod.optional(),
    /** Site adapter or importer that read it, with its version (e.g. `chatgpt@0.1.0`). */
    adapterVersion: z.string().max(100).optional(),
    completeness: RecordCompleteness.optional(),
    /** v3: the summary fields, filled by the upgrade and kept current by every write. */
  })
  .extend(ConversationSummary.partial().shape);
export type ConversationRecord = z.infer<typeof ConversationRecord>;

export const MessageRecord = z.object({
  /** `${site}:${conversationId}:${messageId}`: the dedup key. */
  key: z.string().min(1),
  conversationKey: z.string().min(1),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
  messageId: z.string().min(1).max(512),
  role: z.literal('assistant'),
  text: z.string().min(1).max(MAX_REPLY_CHARS),
  userTurn: z.string().max(MAX_REPLY_CHARS).optional(),
  previous: z.array(Turn).max(200),
  status: MessageStatus,
  /** Scoring attempts made so far (failed or not). */
  attempts: z.number().int().nonnegative(),
  /** Earliest time the queue retries this message; 0 = as soon as possible. */
  nextAttemptAt: Timestamp,
  lastError: z.string().optional(),
  capturedAt: Timestamp,
  updatedAt: Timestamp,
  scoredAt: Timestamp.optional(),
  /** The user turn this reply answers: regenerated/edited replies are new messages with the same parent. */
  parentId: z.string().max(512).optional(),
  /** 'fallback' = the site shows no message id; messageId is a hash of role, page index and text prefix. */
  idSource: z.enum(['site', 'fallback']).optional(),
  /** Model name as the page shows it (DOM label), when it shows one. */
  model: z.string().max(200).optional(),
  /** Tab that captured it, so a late score can still be drawn there. */
  tabId: z.number().int().optional(),
  // ---- v3, all optional ----
  captureMethod: RecordCaptureMethod.optional(),
  completeness: RecordCompleteness.optional(),
  adapterVersion: z.string().max(100).optional(),
  /** When the site says the message was written (imports); capturedAt is when Unspun stored it. */
  createdAt: Timestamp.optional(),
  /** Copies of the primary score's summary, for charts that must not read every score. */
  score: z.number().min(0).max(100).optional(),
  flagCount: z.number().int().nonnegative().optional(),
  moves: z.array(MoveId).optional(),
  // ---- additive, optional (not indexed: no Dexie version change) ----
  /** The reply's citation markers as the page showed them (Perplexity, ChatGPT search). */
  citations: z.array(CitationMarker).max(MAX_CITATIONS).optional(),
});
export type MessageRecord = z.infer<typeof MessageRecord>;

export const ScoreRecord = ScoreResult.extend({
  messageKey: z.string().min(1),
  scoredAt: Timestamp,
  /** v3: every flag's quote was checked to equal the reply's text at its offsets when stored. */
  quotesVerified: z.boolean().optional(),
});
export type ScoreRecord = z.infer<typeof ScoreRecord>;

/** `kind` or `kind:model`: one judge, for comparing two judges' scores of the same reply. */
export function judgeKey(judge: { kind: string; model?: string | undefined }): string {
  return judge.model ? `${judge.kind}:${judge.model}` : judge.kind;
}

/**
 * A second (third, ...) judge's score of a stored reply, from a dashboard re-score run. The
 * primary score (ScoreRecord, what the page shows) is never replaced by a re-score.
 */
export const RescoreRecord = ScoreResult.extend({
  /** `${messageKey}|${judgeKey}`: one score per reply and judge; a later run replaces it. */
  id: z.string().min(1),
  messageKey: z.string().min(1),
  conversationKey: z.string().min(1),
  judgeKey: z.string().min(1),
  runId: z.string().min(1),
  scoredAt: Timestamp,
  quotesVerified: z.boolean(),
});
export type RescoreRecord = z.infer<typeof RescoreRecord>;

/** A dashboard job that goes through the proxy's batch endpoint; kept so it resumes after a restart. */
export const RunRecord = z.object({
  id: z.string().min(1),
  kind: z.enum(['rescore', 'import']),
  /** The proxy's batch job id, once created. */
  batchId: z.string().optional(),
  judge: z.enum(['offline', 'anthropic', 'auto']),
  messageKeys: z.array(z.string()),
  status: z.enum(['queued', 'running', 'done', 'failed', 'canceled']),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  error: z.string().optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type RunRecord = z.infer<typeof RunRecord>;

export function conversationKey(site: string, conversationId: string): string {
  return `${site}:${conversationId}`;
}

/** One reply is stored and scored once: (site, conversation, message) is its identity. */
export function messageKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
