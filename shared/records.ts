// Stored records of the local archive (extension Dexie DB). Zod is the source of truth, as for
// the wire contracts in schemas.ts; types come from z.infer.
import { z } from 'zod';
import { MAX_REPLY_CHARS, ScoreResult, Turn } from './schemas.ts';

export const MESSAGE_STATUSES = ['pending', 'scored', 'failed'] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Epoch milliseconds. */
const Timestamp = z.number().int().nonnegative();

export const ConversationRecord = z.object({
  /** `${site}:${conversationId}` */
  key: z.string().min(1),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
  /** Page URL without query string or fragment. */
  url: z.string().optional(),
  firstCapturedAt: Timestamp,
  lastCapturedAt: Timestamp,
});
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
});
export type MessageRecord = z.infer<typeof MessageRecord>;

export const ScoreRecord = ScoreResult.extend({
  messageKey: z.string().min(1),
  scoredAt: Timestamp,
});
export type ScoreRecord = z.infer<typeof ScoreRecord>;

export function conversationKey(site: string, conversationId: string): string {
  return `${site}:${conversationId}`;
}

/** One reply is stored and scored once: (site, conversation, message) is its identity. */
export function messageKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
