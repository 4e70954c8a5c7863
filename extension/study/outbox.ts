// The study outbox (archive v4, table studyOutbox): each study's redacted records waiting for
// the participant's review, then for the server. An item's id is the study, the conversation and
// the record's content hash, so the same content is one item however often it is found, and the
// server (idempotent by content) answers a repeat as a duplicate, never a second row.
//
// A conversation that grows while unsent gets its newer record in place of the old one (keeping
// the participant's hold or exclusion); one that grows after it was sent gets a new item (the
// server then holds both versions under the same pseudonymous conversation id).
import type { ExportRecord } from '#shared/export/record';
import type { UnspunDb } from '../db/schema.ts';
import { isReplaceable, nextOutboxState, type OutboxAction, type OutboxState, studyRetryDelayMs } from './outbox-state.ts';

export interface OutboxItem {
  /** `${studyId}|${conversationKey}|${content_hash}` */
  id: string;
  studyId: string;
  conversationKey: string;
  contentHash: string;
  /** The redacted export record exactly as it will be sent. */
  record: ExportRecord;
  /** Assistant replies in the record. */
  replies: number;
  state: OutboxState;
  createdAt: number;
  updatedAt: number;
  /** Until then the participant can hold or exclude it; after it, it is sent. */
  reviewUntil: number;
  /** Failed sends in a row (reset by a success). */
  attempts: number;
  /** Earliest next send (0 = now). */
  nextAttemptAt: number;
  lastError?: string;
  sentAt?: number;
  /** The server already had this content (a retry after a lost answer). */
  duplicate?: boolean;
}

/** Two conversations with the same words are two items (the server tells them apart by their pseudonymous ids). */
export const outboxId = (studyId: string, conversationKey: string, contentHash: string): string => `${studyId}|${conversationKey}|${contentHash}`;

export interface Offer {
  studyId: string;
  conversationKey: string;
  record: ExportRecord;
  replies: number;
  reviewHours: number;
}

export type OfferResult = 'added' | 'replaced' | 'unchanged';

/** Puts a conversation's current study record in the outbox (see the header for the rules). */
export async function offer(db: UnspunDb, input: Offer, now: number): Promise<OfferResult> {
  const contentHash = input.record.conversation.content_hash;
  const id = outboxId(input.studyId, input.conversationKey, contentHash);
  return db.transaction('rw', db.studyOutbox, async () => {
    if (await db.studyOutbox.get(id)) return 'unchanged';
    const earlier = await db.studyOutbox.where('[studyId+conversationKey]').equals([input.studyId, input.conversationKey]).toArray();
    const excluded = earlier.some((item) => item.state === 'excluded');
    const unsent = earlier.filter((item) => isReplaceable(item.state));
    const held = unsent.some((item) => item.state === 'held');
    // The review clock starts when the conversation first entered the outbox, not at each new reply.
    const firstSeen = Math.min(now, ...unsent.map((item) => item.createdAt));
    const reviewUntil = firstSeen + Math.max(0, input.reviewHours) * 3_600_000;
    const state: OutboxState = excluded ? 'excluded' : held ? 'held' : 'review';
    await db.studyOutbox.bulkDelete(unsent.map((item) => item.id));
    await db.studyOutbox.add({
      id,
      studyId: input.studyId,
      conversationKey: input.conversationKey,
      contentHash,
      record: input.record,
      replies: input.replies,
      state,
      createdAt: firstSeen,
      updatedAt: now,
      reviewUntil,
      attempts: 0,
      nextAttemptAt: 0,
    });
    return unsent.length > 0 ? 'replaced' : 'added';
  });
}

/** Applies one action to one item; false when it does not apply (e.g. holding a sent item). */
export async function applyAction(db: UnspunDb, id: string, action: OutboxAction, now: number): Promise<boolean> {
  return db.transaction('rw', db.studyOutbox, async () => {
    const item = await db.studyOutbox.get(id);
    if (!item) return false;
    const next = nextOutboxState(item.state, action);
    if (!next) return false;
    if (action === 'exclude' || action === 'include') {
      // An exclusion is about the conversation: every unsent version of it follows.
      const versions = await db.studyOutbox.where('[studyId+conversationKey]').equals([item.studyId, item.conversationKey]).toArray();
      for (const v of versions) {
        const vNext = nextOutboxState(v.state, action);
        if (vNext) await db.studyOutbox.update(v.id, { state: vNext, updatedAt: now });
      }
      return true;
    }
    await db.studyOutbox.update(id, { state: next, updatedAt: now, ...(next === 'queued' ? { attempts: 0, nextAttemptAt: 0 } : {}) });
    return true;
  });
}

/** Review windows that are over: those items are queued. Returns how many. */
export async function closeReviews(db: UnspunDb, studyId: string, now: number): Promise<number> {
  return db.transaction('rw', db.studyOutbox, async () => {
    const due = await db.studyOutbox
      .where('[studyId+state]')
      .equals([studyId, 'review'])
      .filter((item) => item.reviewUntil <= now)
      .toArray();
    for (const item of due) await db.studyOutbox.update(item.id, { state: 'queued', updatedAt: now, attempts: 0, nextAttemptAt: 0 });
    return due.length;
  });
}

/** Limits of one donation request: a batch stays well under any sane payload limit. */
export const BATCH_MAX_RECORDS = 20;
export const BATCH_MAX_BYTES = 512 * 1024;

/** The next batch to send: queued items that are due, oldest first, within the batch limits. */
export async function nextBatch(db: UnspunDb, studyId: string, now: number, maxRecords = BATCH_MAX_RECORDS, maxBytes = BATCH_MAX_BYTES): Promise<OutboxItem[]> {
  const queued = await db.studyOutbox.where('[studyId+state]').equals([studyId, 'queued']).toArray();
  const due = queued.filter((item) => item.nextAttemptAt <= now).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const batch: OutboxItem[] = [];
  let bytes = 0;
  for (const item of due) {
    const size = JSON.stringify(item.record).length;
    if (batch.length > 0 && (batch.length >= maxRecords || bytes + size > maxBytes)) break;
    batch.push(item);
    bytes += size;
  }
  return batch;
}

/** The server acknowledged these (accepted or already had them): sent, for good. */
export async function markSent(db: UnspunDb, ids: readonly string[], now: number, duplicate: boolean): Promise<void> {
  await db.transaction('rw', db.studyOutbox, async () => {
    for (const id of ids) {
      const item = await db.studyOutbox.get(id);
      // Held or excluded while the request was in flight: the server has it all the same.
      if (!item || item.state === 'sent') continue;
      await db.studyOutbox.update(id, { state: 'sent', sentAt: now, updatedAt: now, attempts: 0, nextAttemptAt: 0, ...(duplicate ? { duplicate } : {}) });
    }
  });
}

/** The server was away: the items stay queued and are tried again after a growing delay. */
export async function markRetry(db: UnspunDb, ids: readonly string[], now: number, error: string, retryAfterSeconds?: number): Promise<number> {
  let latest = now;
  await db.transaction('rw', db.studyOutbox, async () => {
    for (const id of ids) {
      const item = await db.studyOutbox.get(id);
      if (!item || item.state !== 'queued') continue;
      const attempts = item.attempts + 1;
      const nextAttemptAt = now + studyRetryDelayMs(attempts, retryAfterSeconds);
      latest = Math.max(latest, nextAttemptAt);
      await db.studyOutbox.update(id, { attempts, nextAttemptAt, lastError: error, updatedAt: now });
    }
  });
  return latest;
}

/** The server refused this record for good (schema, size): kept, shown, never retried by itself. */
export async function markRejected(db: UnspunDb, id: string, now: number, error: string): Promise<void> {
  await db.transaction('rw', db.studyOutbox, async () => {
    const item = await db.studyOutbox.get(id);
    if (item && item.state === 'queued') await db.studyOutbox.update(id, { state: 'rejected', lastError: error, updatedAt: now });
  });
}

export type OutboxCounts = Record<OutboxState, number>;

export async function countsFor(db: UnspunDb, studyId: string): Promise<OutboxCounts> {
  const counts: OutboxCounts = { review: 0, held: 0, excluded: 0, queued: 0, sent: 0, rejected: 0 };
  await db.studyOutbox
    .where('studyId')
    .equals(studyId)
    .each((item) => counts[item.state]++);
  return counts;
}

/** Earliest time a queued item of this study is due, if any. */
export async function nextDue(db: UnspunDb, studyId: string): Promise<number | undefined> {
  let next: number | undefined;
  await db.studyOutbox
    .where('[studyId+state]')
    .equals([studyId, 'queued'])
    .each((item) => {
      next = next === undefined ? item.nextAttemptAt : Math.min(next, item.nextAttemptAt);
    });
  return next;
}

/** Drops the items that were never sent (leaving a study); keeps the sent ones' record unless `all`. */
export async function dropItems(db: UnspunDb, studyId: string, which: 'unsent' | 'all'): Promise<number> {
  return db.transaction('rw', db.studyOutbox, async () => {
    const items = await db.studyOutbox.where('studyId').equals(studyId).toArray();
    const drop = items.filter((item) => which === 'all' || item.state !== 'sent').map((item) => item.id);
    await db.studyOutbox.bulkDelete(drop);
    return drop.length;
  });
}
