// Schema upgrades keep every record: a database written by the previous versions' code (v1, v2:
// their stores declared exactly as they shipped) is opened by the current code, and every record
// is still there, field for field, with the v3 fields filled in.
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { ConversationRecord, MessageRecord, ScoreRecord } from '../../shared/records.ts';
import type { LabelRecord } from '../../extension/db/labels.ts';
import { createDb, DB_VERSION, STORES } from '../../extension/db/schema.ts';
import { markScored, recordCapture } from '../../extension/db/queries.ts';
import { saveLabel } from '../../extension/db/labels.ts';

const text = 'Great question! Everyone agrees this is the only way. Studies show it works.';
const flag = (move: 'flattery' | 'bandwagon', start: number, end: number, support: 'unsupported' | 'weak' = 'unsupported') => ({
  move,
  start,
  end,
  quote: text.slice(start, end),
  severity: 2,
  support,
  rationale: 'r',
  source: 'detector' as const,
});

function oldRecords() {
  const conversations: ConversationRecord[] = [
    { key: 'chatgpt:c1', site: 'chatgpt', conversationId: 'c1', url: 'https://chatgpt.com/c/c1', firstCapturedAt: 100, lastCapturedAt: 300 },
    { key: 'claude:c2', site: 'claude', conversationId: 'c2', firstCapturedAt: 200, lastCapturedAt: 200 },
  ];
  const base = { role: 'assistant' as const, previous: [], attempts: 1, nextAttemptAt: 0, updatedAt: 300 };
  const messages: MessageRecord[] = [
    {
      ...base,
      key: 'chatgpt:c1:m1',
      conversationKey: 'chatgpt:c1',
      site: 'chatgpt',
      conversationId: 'c1',
      messageId: 'm1',
      text,
      userTurn: 'How do I  start?',
      status: 'scored',
      capturedAt: 100,
      scoredAt: 110,
      model: 'GPT-5',
      parentId: 'u1',
      idSource: 'site',
      tabId: 3,
    },
    {
      ...base,
      key: 'chatgpt:c1:m2',
      conversationKey: 'chatgpt:c1',
      site: 'chatgpt',
      conversationId: 'c1',
      messageId: 'm2',
      text: 'Plain answer.',
      status: 'pending',
      capturedAt: 300,
      lastError: 'proxy down',
    },
    {
      ...base,
      key: 'claude:c2:m1',
      conversationKey: 'claude:c2',
      site: 'claude',
      conversationId: 'c2',
      messageId: 'm1',
      text: 'Another plain answer.',
      status: 'failed',
      capturedAt: 200,
    },
  ];
  const scores: ScoreRecord[] = [
    {
      messageKey: 'chatgpt:c1:m1',
      scoredAt: 110,
      score: 62,
      flags: [flag('flattery', 0, 15), flag('bandwagon', 16, 52, 'weak')],
      judge: { kind: 'offline', promptVersion: 'p1', taxonomyVersion: 't1' },
      cached: false,
      latencyMs: 4,
    },
  ];
  const labels: LabelRecord[] = [
    {
      key: 'chatgpt:c1:m1|flattery|0|15',
      messageKey: 'chatgpt:c1:m1',
      conversationKey: 'chatgpt:c1',
      site: 'chatgpt',
      conversationId: 'c1',
      messageId: 'm1',
      flag: { move: 'flattery', start: 0, end: 15, quote: 'Great question!', source: 'detector' },
      verdict: 'agree',
      createdAt: 120,
      updatedAt: 120,
    },
  ];
  return { conversations, messages, scores, labels };
}

/** Writes a database with exactly the stores of `version` and earlier, as that version's code did. */
async function writeOldDb(factory: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }, version: 1 | 2) {
  const old = new Dexie('unspun', factory);
  old.version(1).stores(STORES[1]);
  if (version >= 2) old.version(2).stores(STORES[2]);
  const records = oldRecords();
  await old.open();
  await old.table('conversations').bulkAdd(records.conversations);
  await old.table('messages').bulkAdd(records.messages);
  await old.table('scores').bulkAdd(records.scores);
  if (version >= 2) await old.table('labels').bulkAdd(records.labels);
  expect(old.verno).toBe(version);
  old.close();
  return records;
}

describe('archive schema upgrades', () => {
  for (const version of [1, 2] as const) {
    it(`opens a v${version} database and finds every record intact, with the v3 fields filled`, async () => {
      const factory = { indexedDB: new IDBFactory(), IDBKeyRange };
      const before = await writeOldDb(factory, version);
      const db = createDb('unspun', factory);
      await db.open();
      expect(db.verno).toBe(DB_VERSION);
      // Every old record, every old field, unchanged.
      for (const c of before.conversations) expect(await db.conversations.get(c.key)).toMatchObject(c);
      for (const m of before.messages) expect(await db.messages.get(m.key)).toMatchObject(m);
      for (const s of before.scores) expect(await db.scores.get(s.messageKey)).toMatchObject(s);
      expect(await db.conversations.count()).toBe(before.conversations.length);
      expect(await db.messages.count()).toBe(before.messages.length);
      expect(await db.scores.count()).toBe(before.scores.length);
      if (version === 2) for (const l of before.labels) expect(await db.labels.get(l.key)).toEqual(l);

      // New fields: summaries, message score copies, quote verification, capture metadata.
      const c1 = await db.conversations.get('chatgpt:c1');
      expect(c1).toMatchObject({
        messageCount: 2,
        scoredCount: 1,
        flagCount: 2,
        maxScore: 62,
        flagged: 1,
        moves: ['bandwagon', 'flattery'],
        supports: ['unsupported', 'weak'],
        models: ['GPT-5'],
        labelCount: version === 2 ? 1 : 0,
        labeled: version === 2 ? 1 : 0,
        charCount: text.length + 'Plain answer.'.length,
        title: 'How do I start?',
        source: 'extension',
        captureMethod: 'dom',
        completeness: 'partial',
      });
      expect(await db.conversations.get('claude:c2')).toMatchObject({ messageCount: 1, scoredCount: 0, maxScore: -1, flagged: 0, moves: [], labeled: 0 });
      expect(await db.messages.get('chatgpt:c1:m1')).toMatchObject({
        score: 62,
        flagCount: 2,
        moves: ['bandwagon', 'flattery'],
        captureMethod: 'dom',
        completeness: 'complete',
      });
      expect((await db.messages.get('chatgpt:c1:m2'))?.score).toBeUndefined();
      expect((await db.scores.get('chatgpt:c1:m1'))?.quotesVerified).toBe(true);

      // The new indexes answer.
      expect(await db.conversations.where('moves').equals('flattery').primaryKeys()).toEqual(['chatgpt:c1']);
      expect(await db.conversations.where('flagged').equals(0).primaryKeys()).toEqual(['claude:c2']);
      expect(await db.messages.where('model').equals('GPT-5').count()).toBe(1);
      db.close();
    });
  }

  it('a quote that no longer matches its reply is stored as not verified', async () => {
    const factory = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('unspun', factory);
    old.version(1).stores(STORES[1]);
    old.version(2).stores(STORES[2]);
    const { messages, conversations, scores } = oldRecords();
    await old.table('conversations').bulkAdd(conversations);
    await old.table('messages').bulkAdd(messages);
    await old.table('scores').add({ ...scores[0]!, flags: [{ ...scores[0]!.flags[0]!, start: 1, end: 16 }] });
    old.close();
    const db = createDb('unspun', factory);
    expect((await db.scores.get('chatgpt:c1:m1'))?.quotesVerified).toBe(false);
    db.close();
  });

  it('writes after the upgrade keep the summary current (capture, score, label)', async () => {
    const db = createDb('fresh', { indexedDB: new IDBFactory(), IDBKeyRange });
    await recordCapture(
      db,
      { site: 'demo', conversationId: 'c', messageId: 'm', text, userTurn: 'Hi', previous: [], url: 'https://x.test/c?secret=1#top', model: 'M1' },
      10,
    );
    expect(await db.conversations.get('demo:c')).toMatchObject({ url: 'https://x.test/c', title: 'Hi', messageCount: 1, flagged: 0, models: ['M1'] });
    await markScored(
      db,
      'demo:c:m',
      { score: 40, flags: [flag('flattery', 0, 15)], judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 1 },
      20,
    );
    expect(await db.conversations.get('demo:c')).toMatchObject({ flagged: 1, maxScore: 40, moves: ['flattery'], supports: ['unsupported'], scoredCount: 1 });
    expect((await db.scores.get('demo:c:m'))?.quotesVerified).toBe(true);
    await saveLabel(
      db,
      {
        site: 'demo',
        conversationId: 'c',
        messageId: 'm',
        flag: { move: 'flattery', start: 0, end: 15, quote: 'Great question!', source: 'detector' },
        verdict: 'disagree',
      },
      30,
    );
    expect(await db.conversations.get('demo:c')).toMatchObject({ labelCount: 1, labeled: 1 });
    db.close();
  });
});
