// The local archive: conversations, captured assistant messages (the scoring queue) and scores.
import Dexie, { type DexieOptions, type EntityTable } from 'dexie';
import type { ConversationRecord, MessageRecord, ScoreRecord } from '#shared/records';

export const DB_NAME = 'unspun';

export class UnspunDb extends Dexie {
  conversations!: EntityTable<ConversationRecord, 'key'>;
  messages!: EntityTable<MessageRecord, 'key'>;
  scores!: EntityTable<ScoreRecord, 'messageKey'>;

  /** `options` lets tests pass their own `{ indexedDB, IDBKeyRange }`. */
  constructor(name: string = DB_NAME, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      conversations: '&key, site, lastCapturedAt',
      messages: '&key, conversationKey, status, capturedAt, [status+nextAttemptAt]',
      scores: '&messageKey, scoredAt',
    });
  }
}

export function createDb(name?: string, options?: DexieOptions): UnspunDb {
  return new UnspunDb(name, options);
}
