// Reader labels in the Dexie archive: one label per flag, replaced on re-label, kept across a
// schema upgrade from v1 (existing data untouched).
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { labelKey, labelsOfConversation, labelsOfMessage, removeLabel, saveLabel, type LabelInput } from '../../extension/db/labels.ts';
import { createDb } from '../../extension/db/schema.ts';

const fresh = () => ({ indexedDB: new IDBFactory(), IDBKeyRange });
const flag = { move: 'flattery' as const, start: 0, end: 15, quote: 'Great question!', source: 'detector' as const, ruleId: 'flattery.great-question' };
const input = (over: Partial<LabelInput> = {}): LabelInput => ({ site: 'demo', conversationId: 'c1', messageId: 'm1', flag, verdict: 'agree', ...over });

describe('labels', () => {
  it('stores a label with its keys and finds it by message and by conversation', async () => {
    const db = createDb('t', fresh());
    const saved = await saveLabel(db, input({ note: '  fair  ' }), 1000);
    expect(saved).toMatchObject({
      key: labelKey('demo', 'c1', 'm1', flag),
      messageKey: 'demo:c1:m1',
      conversationKey: 'demo:c1',
      verdict: 'agree',
      note: 'fair',
      createdAt: 1000,
      updatedAt: 1000,
    });
    await saveLabel(db, input({ messageId: 'm2', verdict: 'disagree' }), 1001);
    await saveLabel(db, input({ conversationId: 'other' }), 1002);
    expect((await labelsOfMessage(db, 'demo', 'c1', 'm1')).map((l) => l.verdict)).toEqual(['agree']);
    expect((await labelsOfConversation(db, 'demo', 'c1')).map((l) => l.messageId).sort()).toEqual(['m1', 'm2']);
  });

  it('re-labelling a flag replaces the label and keeps when it was first made', async () => {
    const db = createDb('t', fresh());
    await saveLabel(db, input({ note: 'yes' }), 1000);
    const again = await saveLabel(db, input({ verdict: 'disagree', note: '   ' }), 2000);
    expect(again).toMatchObject({ verdict: 'disagree', createdAt: 1000, updatedAt: 2000 });
    expect(again.note).toBeUndefined();
    expect(await db.labels.count()).toBe(1);
    await removeLabel(db, again.key);
    expect(await db.labels.count()).toBe(0);
  });

  it('different flags of one reply get different labels', async () => {
    const db = createDb('t', fresh());
    await saveLabel(db, input(), 1);
    await saveLabel(db, input({ flag: { ...flag, start: 20, end: 35 } }), 2);
    await saveLabel(db, input({ flag: { ...flag, move: 'sycophancy' } }), 3);
    expect(await db.labels.count()).toBe(3);
  });

  it('refuses a label that is not agree/disagree or an unknown move', async () => {
    const db = createDb('t', fresh());
    await expect(saveLabel(db, input({ verdict: 'maybe' as never }), 1)).rejects.toThrow();
    await expect(saveLabel(db, input({ flag: { ...flag, move: 'nope' as never } }), 1)).rejects.toThrow();
    expect(await db.labels.count()).toBe(0);
  });

  it('opening a v1 archive upgrades it and keeps its data', async () => {
    const idb = fresh();
    const v1 = new Dexie('unspun', idb);
    v1.version(1).stores({
      conversations: '&key, site, lastCapturedAt',
      messages: '&key, conversationKey, status, capturedAt, [status+nextAttemptAt]',
      scores: '&messageKey, scoredAt',
    });
    await v1.table('conversations').add({ key: 'demo:c1', site: 'demo', conversationId: 'c1', firstCapturedAt: 1, lastCapturedAt: 1 });
    v1.close();
    const db = createDb('unspun', idb);
    expect(await db.conversations.get('demo:c1')).toMatchObject({ site: 'demo' });
    await saveLabel(db, input(), 5);
    expect(await db.labels.count()).toBe(1);
    expect(db.verno).toBeGreaterThanOrEqual(2);
  });
});
