// Deleting from the archive: one conversation, one site's data, everything, or what is older
// than N days (the optional auto-delete, run by the background's daily alarm). A conversation
// goes with everything that hangs off it: messages, scores, re-scores, labels.
import type { UnspunDb } from './schema.ts';

const CHUNK = 200;
export const DAY_MS = 86_400_000;

/** Deletes conversations (and everything of theirs) by key, CHUNK per transaction. Returns how many messages went. */
export async function deleteConversations(db: UnspunDb, keys: readonly string[]): Promise<number> {
  let messages = 0;
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    messages += await db.transaction('rw', [db.conversations, db.messages, db.scores, db.labels, db.rescores], async () => {
      const messageKeys = await db.messages.where('conversationKey').anyOf(chunk).primaryKeys();
      await db.scores.bulkDelete(messageKeys);
      await db.messages.bulkDelete(messageKeys);
      await db.labels.where('conversationKey').anyOf(chunk).delete();
      await db.rescores.where('conversationKey').anyOf(chunk).delete();
      await db.conversations.bulkDelete(chunk);
      return messageKeys.length;
    });
  }
  return messages;
}

export async function deleteConversation(db: UnspunDb, key: string): Promise<number> {
  return deleteConversations(db, [key]);
}

export async function deleteSite(db: UnspunDb, site: string): Promise<number> {
  return deleteConversations(db, await db.conversations.where('site').equals(site).primaryKeys());
}

/** Conversations last captured before `cutoff` (epoch ms). */
export async function deleteOlderThan(db: UnspunDb, cutoff: number): Promise<number> {
  return deleteConversations(db, await db.conversations.where('lastCapturedAt').below(cutoff).primaryKeys());
}

/** Empties every table (the database and its schema stay). */
export async function deleteEverything(db: UnspunDb): Promise<void> {
  await db.transaction('rw', [db.conversations, db.messages, db.scores, db.labels, db.rescores, db.runs], async () => {
    await Promise.all([db.conversations.clear(), db.messages.clear(), db.scores.clear(), db.labels.clear(), db.rescores.clear(), db.runs.clear()]);
  });
}

/** Auto-delete setting (storage.local): days to keep, or 0 = keep forever. */
export const RETENTION_KEY = 'retentionDays';
export const RETENTION_ALARM = 'unspun-retention';

export function retentionCutoff(days: number, now: number): number | null {
  if (!Number.isFinite(days) || days <= 0) return null;
  return now - Math.floor(days) * DAY_MS;
}

/** The daily auto-delete: deletes what is older than the reader's setting (nothing when unset). */
export async function runAutoDelete(db: UnspunDb, loadDays: () => Promise<unknown>, now: number): Promise<number> {
  const days = Number(await loadDays());
  const cutoff = retentionCutoff(days, now);
  return cutoff === null ? 0 : deleteOlderThan(db, cutoff);
}
