// The local archive: conversations, captured assistant messages (the scoring queue), scores,
// the reader's labels on flags, other judges' re-scores and the dashboard's batch runs.
//
// Every version keeps every record. A new version may add tables, indexes and optional fields;
// it never renames or drops one. test/unit/db-upgrade.test.ts opens a database written by each
// earlier version and checks every record is still there.
import Dexie, { type DexieOptions, type EntityTable, type Transaction } from 'dexie';
import type { ConversationRecord, MessageRecord, RescoreRecord, RunRecord, ScoreRecord } from '#shared/records';
import type { LabelRecord } from './labels.ts';
import type { OutboxItem } from '../study/outbox.ts';
import { messageScoreFields, quotesVerified, summarize, summaryMessage, titleFrom, type SummaryMessage } from './summary.ts';

export const DB_NAME = 'unspun';
export const DB_VERSION = 4;

/** Each version's stores, as Dexie declares them (kept whole so tests can rebuild an old database). */
export const STORES = {
  1: {
    conversations: '&key, site, lastCapturedAt',
    messages: '&key, conversationKey, status, capturedAt, [status+nextAttemptAt]',
    scores: '&messageKey, scoredAt',
  },
  2: {
    labels: '&key, messageKey, conversationKey, verdict, updatedAt',
  },
  // v3: what the dashboard filters by. Conversations carry their summary (summary.ts) so that a
  // filter is an index range; *multiEntry indexes for models, moves and supports.
  3: {
    conversations: '&key, site, lastCapturedAt, firstCapturedAt, [site+lastCapturedAt], *models, *moves, *supports, maxScore, flagged, labeled',
    messages: '&key, conversationKey, status, capturedAt, [status+nextAttemptAt], site, model, [site+capturedAt]',
    scores: '&messageKey, scoredAt, score',
    rescores: '&id, messageKey, conversationKey, judgeKey, runId',
    runs: '&id, kind, status, createdAt',
  },
  // v4: the study outbox (extension/study/outbox.ts): redacted records waiting for review or sending.
  4: {
    studyOutbox: '&id, studyId, conversationKey, [studyId+state], [studyId+conversationKey], [state+nextAttemptAt]',
  },
} as const;

export class UnspunDb extends Dexie {
  conversations!: EntityTable<ConversationRecord, 'key'>;
  messages!: EntityTable<MessageRecord, 'key'>;
  scores!: EntityTable<ScoreRecord, 'messageKey'>;
  labels!: EntityTable<LabelRecord, 'key'>;
  rescores!: EntityTable<RescoreRecord, 'id'>;
  runs!: EntityTable<RunRecord, 'id'>;
  studyOutbox!: EntityTable<OutboxItem, 'id'>;

  /** `options` lets tests pass their own `{ indexedDB, IDBKeyRange }`. */
  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores(STORES[1]);
    // v2 only adds a table: existing data is kept as it is (no upgrade function needed).
    this.version(2).stores(STORES[2]);
    this.version(3).stores(STORES[3]).upgrade(upgradeToV3);
    // v4 only adds a table.
    this.version(4).stores(STORES[4]);
  }
}

/**
 * v2 → v3: fills the new optional fields from what is stored. Streams each table once (cursors),
 * holding only small per-message summaries in memory, never the texts of the whole archive.
 */
export async function upgradeToV3(tx: Transaction): Promise<void> {
  type ScoreSummary = Pick<ScoreRecord, 'score' | 'flags'>;
  const scoreSummaries = new Map<string, ScoreSummary>();
  await tx.table<ScoreRecord>('scores').each((s) => scoreSummaries.set(s.messageKey, { score: s.score, flags: s.flags }));
  const verified = new Map<string, boolean>();
  const byConversation = new Map<string, { messages: SummaryMessage[]; scores: (ScoreSummary | undefined)[]; title?: string }>();
  await tx
    .table<MessageRecord>('messages')
    .toCollection()
    .modify((m) => {
      const score = scoreSummaries.get(m.key);
      if (score) {
        Object.assign(m, messageScoreFields(score));
        verified.set(m.key, quotesVerified(m.text, score));
      }
      m.captureMethod ??= 'dom';
      m.completeness ??= 'complete';
      const entry = byConversation.get(m.conversationKey) ?? { messages: [], scores: [] };
      entry.messages.push(summaryMessage(m));
      entry.scores.push(score);
      if (!entry.title) {
        const title = titleFrom(m.userTurn);
        if (title) entry.title = title;
      }
      byConversation.set(m.conversationKey, entry);
    });
  await tx
    .table<ScoreRecord>('scores')
    .toCollection()
    .modify((s) => {
      const ok = verified.get(s.messageKey);
      if (ok !== undefined) s.quotesVerified = ok;
    });
  const labelCounts = new Map<string, number>();
  await tx.table<LabelRecord>('labels').each((l) => labelCounts.set(l.conversationKey, (labelCounts.get(l.conversationKey) ?? 0) + 1));
  await tx
    .table<ConversationRecord>('conversations')
    .toCollection()
    .modify((c) => {
      const entry = byConversation.get(c.key) ?? { messages: [], scores: [] };
      Object.assign(c, summarize(entry.messages, entry.scores, labelCounts.get(c.key) ?? 0));
      if (!c.title && entry.title) c.title = entry.title;
      c.source ??= 'extension';
      c.captureMethod ??= 'dom';
      // The extension stores the replies it saw finish; earlier turns may be missing.
      c.completeness ??= 'partial';
    });
}

export function createDb(name?: string, options?: DexieOptions): UnspunDb {
  return new UnspunDb(name, options);
}
