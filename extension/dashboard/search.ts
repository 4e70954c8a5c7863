// Text search, kept simple on purpose: a lowercase substring test over a bounded candidate set,
// the newest SEARCH_REPLY_LIMIT replies (index `capturedAt`, newest first), plus conversation
// titles. No token index: it would have to be kept in step with every capture and delete, and
// costs as much storage as the texts; a scan of 20,000 replies takes a fraction of a second in
// Chromium. The result says when the bound was reached, and the page shows it.
import type { MessageRecord } from '#shared/records';
import type { UnspunDb } from '../db/schema.ts';

export const SEARCH_REPLY_LIMIT = 20_000;

export interface SearchResult {
  /** Conversation keys with a reply, user turn or title containing the text. */
  keys: Set<string>;
  /** Replies looked at. */
  scanned: number;
  /** True when older replies were not searched (the bound was reached). */
  truncated: boolean;
}

/** Case-insensitive substring test; the needle is already lowercased. */
export function replyContains(m: Pick<MessageRecord, 'text' | 'userTurn'>, needle: string): boolean {
  return m.text.toLowerCase().includes(needle) || (m.userTurn?.toLowerCase().includes(needle) ?? false);
}

export async function searchConversations(db: UnspunDb, text: string, limit = SEARCH_REPLY_LIMIT): Promise<SearchResult> {
  const needle = text.trim().toLowerCase();
  const keys = new Set<string>();
  if (!needle) return { keys, scanned: 0, truncated: false };
  let scanned = 0;
  await db.messages
    .orderBy('capturedAt')
    .reverse()
    .limit(limit)
    .each((m) => {
      scanned++;
      if (!keys.has(m.conversationKey) && replyContains(m, needle)) keys.add(m.conversationKey);
    });
  await db.conversations
    .orderBy('lastCapturedAt')
    .reverse()
    .limit(limit)
    .each((c) => {
      if (c.title?.toLowerCase().includes(needle)) keys.add(c.key);
    });
  const total = scanned < limit ? scanned : await db.messages.count();
  return { keys, scanned, truncated: total > scanned };
}
