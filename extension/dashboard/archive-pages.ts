// The dashboard's reads. Never loads every row: a page of the list is an index range (newest
// first) walked until `limit` conversations pass the filter, continued from a keyset cursor
// (lastCapturedAt, key) of the last row shown. Site + date filters narrow the index range itself
// ([site+lastCapturedAt]); the other filters test the conversation's summary (filters.ts).
import type { ConversationRecord, MessageRecord, RescoreRecord, ScoreRecord } from '#shared/records';
import type { LabelRecord } from '../db/labels.ts';
import type { UnspunDb } from '../db/schema.ts';
import { isEmptyFilter, matchesFilter, type DashboardFilter } from './filters.ts';

export const PAGE_SIZE = 50;

/** Where the next page starts: just after this row in newest-first order. */
export interface PageCursor {
  lastCapturedAt: number;
  key: string;
}

export interface Page {
  rows: ConversationRecord[];
  /** Undefined when there is nothing after these rows. */
  next?: PageCursor;
}

/** Rows strictly after `cursor` in (lastCapturedAt desc, key desc) order. */
export function isAfter(c: Pick<ConversationRecord, 'lastCapturedAt' | 'key'>, cursor: PageCursor | undefined): boolean {
  if (!cursor) return true;
  return c.lastCapturedAt < cursor.lastCapturedAt || (c.lastCapturedAt === cursor.lastCapturedAt && c.key < cursor.key);
}

/** True when the filter tests more than the index range (site, dates) covers. */
export function needsPredicate(f: DashboardFilter): boolean {
  return Boolean(f.model || f.move || f.support || f.flaggedOnly || f.labeledOnly || f.text || f.scoreMin !== undefined || f.scoreMax !== undefined);
}

/** The index range a filter walks, newest first. */
export function rangeOf(db: UnspunDb, filter: DashboardFilter, cursor?: PageCursor) {
  const lower = filter.from ?? 0;
  const upper = Math.min(filter.to ?? Number.MAX_SAFE_INTEGER, cursor?.lastCapturedAt ?? Number.MAX_SAFE_INTEGER);
  const range =
    filter.site !== undefined
      ? db.conversations.where('[site+lastCapturedAt]').between([filter.site, lower], [filter.site, upper], true, true)
      : db.conversations.where('lastCapturedAt').between(lower, upper, true, true);
  return range.reverse();
}

/**
 * One page of the conversations list. `textHits` is the search's result when the filter has
 * text (search.ts); without it a text filter matches nothing, so callers search first.
 */
export async function pageOfConversations(
  db: UnspunDb,
  filter: DashboardFilter,
  cursor?: PageCursor,
  limit = PAGE_SIZE,
  textHits?: ReadonlySet<string>,
): Promise<Page> {
  const hits = filter.text ? (textHits ?? new Set<string>()) : undefined;
  const range = rangeOf(db, filter, cursor);
  // With nothing to test in JS (no cursor, only site / dates), Dexie walks the index alone.
  const rows = await (!cursor && !needsPredicate(filter) ? range : range.filter((c) => isAfter(c, cursor) && matchesFilter(c, filter, hits)))
    .limit(limit + 1)
    .toArray();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, ...(more && last ? { next: { lastCapturedAt: last.lastCapturedAt, key: last.key } } : {}) };
}

/** How many conversations match: an index count when there is no filter, else one walk of the range. */
export async function countConversations(db: UnspunDb, filter: DashboardFilter, textHits?: ReadonlySet<string>): Promise<number> {
  if (isEmptyFilter(filter)) return db.conversations.count();
  const hits = filter.text ? (textHits ?? new Set<string>()) : undefined;
  return rangeOf(db, filter)
    .filter((c) => matchesFilter(c, filter, hits))
    .count();
}

/** Values for the filter menus, read from the indexes' unique keys (no row is loaded). */
/** Fired on document after an import or a delete (page.ts), with filterOptions' fresh sites and models. */
export const ARCHIVE_CHANGED = 'unspun:archive-changed';

export async function filterOptions(db: UnspunDb): Promise<{ sites: string[]; models: string[] }> {
  const [sites, models] = await Promise.all([db.conversations.orderBy('site').uniqueKeys(), db.conversations.orderBy('models').uniqueKeys()]);
  return { sites: sites.map(String), models: models.map(String) };
}

export interface ConversationDetail {
  conversation: ConversationRecord;
  /** Replies in capture order. */
  messages: MessageRecord[];
  scores: Map<string, ScoreRecord>;
  labels: LabelRecord[];
  /** Other judges' scores by message key. */
  rescores: Map<string, RescoreRecord[]>;
}

export async function loadConversation(db: UnspunDb, key: string): Promise<ConversationDetail | undefined> {
  return db.transaction('r', [db.conversations, db.messages, db.scores, db.labels, db.rescores], async () => {
    const conversation = await db.conversations.get(key);
    if (!conversation) return undefined;
    const messages = await db.messages.where('conversationKey').equals(key).sortBy('capturedAt');
    const scores = new Map<string, ScoreRecord>();
    for (const s of await db.scores.bulkGet(messages.map((m) => m.key))) if (s) scores.set(s.messageKey, s);
    const labels = await db.labels.where('conversationKey').equals(key).toArray();
    const rescores = new Map<string, RescoreRecord[]>();
    for (const r of await db.rescores.where('conversationKey').equals(key).toArray()) rescores.set(r.messageKey, [...(rescores.get(r.messageKey) ?? []), r]);
    return { conversation, messages, scores, labels, rescores };
  });
}

/** Message keys of conversations (in the given order), for re-scoring and exporting. */
export async function messageKeysOf(db: UnspunDb, conversationKeys: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const key of conversationKeys) keys.push(...(await db.messages.where('conversationKey').equals(key).primaryKeys()));
  return keys;
}

/** Every conversation key matching the filter, newest first, at most `max` (re-score / export "the current filter"). */
export async function conversationKeysMatching(db: UnspunDb, filter: DashboardFilter, max: number, textHits?: ReadonlySet<string>): Promise<string[]> {
  const hits = filter.text ? (textHits ?? new Set<string>()) : undefined;
  const keys: string[] = [];
  await rangeOf(db, filter)
    .until(() => keys.length >= max)
    .each((c) => {
      if (keys.length < max && matchesFilter(c, filter, hits)) keys.push(c.key);
    });
  return keys;
}
