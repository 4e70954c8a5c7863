// The local archive: conversations, captured assistant messages (the scoring queue), scores,
// and the reader's labels on flags.
import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { ConversationRecord, MessageRecord, ScoreRecord } from '#shared/records';
import type { LabelRecord } from './labels.ts';

export const DB_NAME = 'unspun';

export class UnspunDb extends Dexie {
  conversations!: EntityTable<ConversationRecord, 'key'>;
  messages!: EntityTable<MessageRecord, 'key'>;
  scores!: EntityTable<ScoreRecord, 'messageKey'>;
  labels!: EntityTable<LabelRecord, 'key'>;

  /** `options` lets tests pass their own `{ indexedDB, IDBKeyRange }`. */
  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      conversations: '&key, site, lastCapturedAt',
      messages: '&key, conversationKey, status, capturedAt, [status+nextAttemptAt]',
      scores: '&messageKey, scoredAt',
    });
    // v2 only adds a table: existing data is kept as it is (no upgrade function needed).
    this.version(2).stores({
      labels: '&key, messageKey, conversationKey, verdict, updatedAt',
    });
  }
}

export function createDb(name?: string, options?: DexieOptions): UnspunDb {
  return new UnspunDb(name, options);
}
