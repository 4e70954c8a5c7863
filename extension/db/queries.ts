// Queue and archive operations. Every write that matters happens in one transaction, so a
// captured reply is either fully stored (conversation + pending message) or not at all.
import {
  conversationKey,
  messageKey,
  type MessageRecord,
  type MessageStatus,
  type RecordCaptureMethod,
  type RecordCompleteness,
  type ScoreRecord,
} from '#shared/records';
import type { CitationMarker, ScoreResult, Turn } from '#shared/schemas';
import type { UnspunDb } from './schema.ts';
import { messageScoreFields, quotesVerified, refreshSummary, titleFrom } from './summary.ts';

/** The page address as stored: no query string or fragment (they can hold personal data). */
export function urlWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut >= 0 ? url.slice(0, cut) : url;
}

export interface Capture {
  site: string;
  conversationId: string;
  messageId: string;
  text: string;
  userTurn?: string;
  previous: Turn[];
  url?: string;
  tabId?: number;
  parentId?: string;
  idSource?: 'site' | 'fallback';
  model?: string;
  /** The reply's citation markers (search assistants). */
  citations?: CitationMarker[];
  /** Capture metadata (v3); defaults: dom, complete (the site said the reply had finished). */
  captureMethod?: RecordCaptureMethod;
  completeness?: RecordCompleteness;
  adapterVersion?: string;
}

export interface RecordCaptureResult {
  message: MessageRecord;
  /** False when this reply was already stored (the dedup case). */
  created: boolean;
}

/** Stores a captured reply as pending, unless (site, conversation, message) is already stored. */
export async function recordCapture(db: UnspunDb, capture: Capture, now: number): Promise<RecordCaptureResult> {
  const convKey = conversationKey(capture.site, capture.conversationId);
  const key = messageKey(capture.site, capture.conversationId, capture.messageId);
  const url = capture.url ? urlWithoutQuery(capture.url) : undefined;
  const title = titleFrom(capture.userTurn);
  return db.transaction('rw', [db.conversations, db.messages, db.scores, db.labels], async () => {
    const conversation = await db.conversations.get(convKey);
    if (conversation) {
      await db.conversations.update(convKey, { lastCapturedAt: now, ...(url ? { url } : {}), ...(!conversation.title && title ? { title } : {}) });
    } else {
      await db.conversations.add({
        key: convKey,
        site: capture.site,
        conversationId: capture.conversationId,
        ...(url ? { url } : {}),
        firstCapturedAt: now,
        lastCapturedAt: now,
        ...(title ? { title } : {}),
        source: 'extension',
        captureMethod: capture.captureMethod ?? 'dom',
        completeness: 'partial',
        ...(capture.adapterVersion ? { adapterVersion: capture.adapterVersion } : {}),
      });
    }
    const existing = await db.messages.get(key);
    if (existing) {
      // Same reply seen again (reload, re-render): remember the newest tab so a late score lands there.
      if (capture.tabId !== undefined && existing.tabId !== capture.tabId) {
        await db.messages.update(key, { tabId: capture.tabId });
        existing.tabId = capture.tabId;
      }
      return { message: existing, created: false };
    }
    const message: MessageRecord = {
      key,
      conversationKey: convKey,
      site: capture.site,
      conversationId: capture.conversationId,
      messageId: capture.messageId,
      role: 'assistant',
      text: capture.text,
      ...(capture.userTurn !== undefined ? { userTurn: capture.userTurn } : {}),
      previous: capture.previous,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      capturedAt: now,
      updatedAt: now,
      ...(capture.tabId !== undefined ? { tabId: capture.tabId } : {}),
      ...(capture.parentId ? { parentId: capture.parentId } : {}),
      ...(capture.idSource ? { idSource: capture.idSource } : {}),
      ...(capture.model ? { model: capture.model } : {}),
      ...(capture.citations?.length ? { citations: capture.citations } : {}),
      captureMethod: capture.captureMethod ?? 'dom',
      completeness: capture.completeness ?? 'complete',
      ...(capture.adapterVersion ? { adapterVersion: capture.adapterVersion } : {}),
    };
    await db.messages.add(message);
    await refreshSummary(db, convKey);
    return { message, created: true };
  });
}

/** Pending messages whose retry time has come (all pending ones when `now` is Infinity), oldest first. */
export async function duePending(db: UnspunDb, now: number): Promise<MessageRecord[]> {
  const due = await db.messages
    .where('[status+nextAttemptAt]')
    .between(['pending', 0], ['pending', Number.isFinite(now) ? now : Number.MAX_SAFE_INTEGER], true, true)
    .toArray();
  return due.sort((a, b) => a.capturedAt - b.capturedAt);
}

/** The earliest retry time among pending messages, or null when nothing is pending. */
export async function nextDueAt(db: UnspunDb): Promise<number | null> {
  const first = await db.messages.where('[status+nextAttemptAt]').between(['pending', 0], ['pending', Number.MAX_SAFE_INTEGER], true, true).first();
  return first ? first.nextAttemptAt : null;
}

export async function markScored(db: UnspunDb, key: string, result: ScoreResult, now: number): Promise<ScoreRecord> {
  const record: ScoreRecord = { ...result, messageKey: key, scoredAt: now };
  await db.transaction('rw', [db.conversations, db.messages, db.scores, db.labels], async () => {
    const message = await db.messages.get(key);
    if (message) record.quotesVerified = quotesVerified(message.text, result);
    await db.scores.put(record);
    await db.messages.update(key, {
      status: 'scored',
      attempts: (message?.attempts ?? 0) + 1,
      updatedAt: now,
      scoredAt: now,
      lastError: undefined,
      ...messageScoreFields(result),
    });
    if (message) await refreshSummary(db, message.conversationKey);
  });
  return record;
}

/** A failed attempt that will be retried: the message stays pending until `nextAttemptAt`. */
export async function markRetry(db: UnspunDb, key: string, error: string, nextAttemptAt: number, now: number): Promise<MessageRecord | undefined> {
  return db.transaction('rw', db.messages, async () => {
    const message = await db.messages.get(key);
    if (!message || message.status !== 'pending') return message;
    const updated: MessageRecord = { ...message, attempts: message.attempts + 1, lastError: error, nextAttemptAt, updatedAt: now };
    await db.messages.put(updated);
    return updated;
  });
}

/** A request the proxy refused as bad (4xx): kept, marked failed, not retried automatically. */
export async function markFailed(db: UnspunDb, key: string, error: string, now: number): Promise<void> {
  await db.transaction('rw', db.messages, async () => {
    const message = await db.messages.get(key);
    if (!message) return;
    await db.messages.update(key, { status: 'failed', attempts: message.attempts + 1, lastError: error, updatedAt: now });
  });
}

/** Makes every pending message due now (a new capture, a popup open, a fresh pairing). */
export async function makePendingDue(db: UnspunDb): Promise<number> {
  return db.messages.where('status').equals('pending').modify({ nextAttemptAt: 0 });
}

export async function getMessage(db: UnspunDb, key: string): Promise<MessageRecord | undefined> {
  return db.messages.get(key);
}

export async function getScore(db: UnspunDb, key: string): Promise<ScoreRecord | undefined> {
  return db.scores.get(key);
}

export async function countByStatus(db: UnspunDb): Promise<Record<MessageStatus, number>> {
  const [pending, scored, failed] = await Promise.all([
    db.messages.where('status').equals('pending').count(),
    db.messages.where('status').equals('scored').count(),
    db.messages.where('status').equals('failed').count(),
  ]);
  return { pending, scored, failed };
}

export async function messagesOfConversation(db: UnspunDb, site: string, conversationId: string): Promise<MessageRecord[]> {
  return db.messages.where('conversationKey').equals(conversationKey(site, conversationId)).sortBy('capturedAt');
}
