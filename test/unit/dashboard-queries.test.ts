// Dashboard queries on a fake-indexeddb archive: keyset pages (newest first, no row twice, none
// missed, ties on the timestamp), filters through the index range, counts, text search bounds,
// conversation detail, retention.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDb, type UnspunDb } from '../../extension/db/schema.ts';
import { markScored, recordCapture } from '../../extension/db/queries.ts';
import { saveLabel } from '../../extension/db/labels.ts';
import { deleteConversation, deleteEverything, deleteOlderThan, deleteSite, retentionCutoff, runAutoDelete, DAY_MS } from '../../extension/db/retention.ts';
import {
  conversationKeysMatching,
  countConversations,
  filterOptions,
  loadConversation,
  messageKeysOf,
  pageOfConversations,
  type PageCursor,
} from '../../extension/dashboard/archive-pages.ts';
import { searchConversations } from '../../extension/dashboard/search.ts';
import type { DashboardFilter } from '../../extension/dashboard/filters.ts';

const TEXT = 'Great question! Everyone agrees this is the only way.';
const SITES = ['chatgpt', 'claude', 'gemini'];
let db: UnspunDb;

/** n conversations, one reply each; every third has the same timestamp as the one before (ties). */
async function seed(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const site = SITES[i % 3]!;
    const at = 1_000 + (i - (i % 3 === 2 ? 1 : 0)) * 10;
    await recordCapture(
      db,
      {
        site,
        conversationId: `c${i}`,
        messageId: 'm',
        text: i % 2 ? `Plain reply ${i}.` : TEXT,
        userTurn: `question ${i}`,
        previous: [],
        model: i % 4 === 0 ? 'M-A' : 'M-B',
      },
      at,
    );
    if (i % 5 !== 4) {
      const flags =
        i % 2
          ? []
          : [
              {
                move: 'flattery' as const,
                start: 0,
                end: 15,
                quote: 'Great question!',
                severity: 2,
                support: 'unsupported' as const,
                rationale: 'r',
                source: 'detector' as const,
              },
            ];
      await markScored(
        db,
        `${site}:c${i}:m`,
        { score: i % 2 ? 2 : 30 + i, flags, judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 1 },
        at + 1,
      );
    }
  }
}

async function allPages(filter: DashboardFilter, size: number, hits?: Set<string>): Promise<string[]> {
  const keys: string[] = [];
  let cursor: PageCursor | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await pageOfConversations(db, filter, cursor, size, hits);
    keys.push(...page.rows.map((r) => r.key));
    if (!page.next) break;
    cursor = page.next;
  }
  return keys;
}

beforeEach(() => {
  db = createDb('dash', { indexedDB: new IDBFactory(), IDBKeyRange });
});

describe('pages of conversations', () => {
  it('walks every conversation once, newest first, across timestamp ties', async () => {
    await seed(40);
    const all = await db.conversations.toArray();
    const expected = all.sort((a, b) => b.lastCapturedAt - a.lastCapturedAt || (b.key < a.key ? -1 : 1)).map((c) => c.key);
    for (const size of [1, 7, 50]) expect(await allPages({}, size)).toEqual(expected);
    const first = await pageOfConversations(db, {}, undefined, 10);
    expect(first.rows).toHaveLength(10);
    expect(first.next).toEqual({ lastCapturedAt: first.rows[9]!.lastCapturedAt, key: first.rows[9]!.key });
    expect((await pageOfConversations(db, {}, undefined, 40)).next).toBeUndefined();
  });

  it.each<[string, DashboardFilter, (i: number) => boolean]>([
    ['site', { site: 'claude' }, (i) => i % 3 === 1],
    ['site + date range', { site: 'chatgpt', from: 1_100, to: 1_200 }, (i) => i % 3 === 0 && 1_000 + i * 10 >= 1_100 && 1_000 + i * 10 <= 1_200],
    ['flagged only', { flaggedOnly: true }, (i) => i % 2 === 0 && i % 5 !== 4],
    ['move', { move: 'flattery' }, (i) => i % 2 === 0 && i % 5 !== 4],
    ['a move nobody made', { move: 'straw-man' }, () => false],
    ['model', { model: 'M-A' }, (i) => i % 4 === 0],
    ['score range', { scoreMin: 40, scoreMax: 50 }, (i) => i % 2 === 0 && i % 5 !== 4 && 30 + i >= 40 && 30 + i <= 50],
    ['site + flagged + model', { site: 'gemini', flaggedOnly: true, model: 'M-A' }, (i) => i % 3 === 2 && i % 2 === 0 && i % 5 !== 4 && i % 4 === 0],
  ])('filter by %s: exactly the matching conversations, in pages, and the same count', async (_name, filter, expected) => {
    await seed(30);
    const want = Array.from({ length: 30 }, (_, i) => i)
      .filter(expected)
      .map((i) => `${SITES[i % 3]}:c${i}`)
      .sort();
    const got = await allPages(filter, 4);
    expect([...got].sort()).toEqual(want);
    expect(new Set(got).size).toBe(got.length);
    expect(await countConversations(db, filter)).toBe(want.length);
  });

  it('has-my-label follows labels as they are saved', async () => {
    await seed(6);
    expect(await countConversations(db, { labeledOnly: true })).toBe(0);
    await saveLabel(
      db,
      {
        site: 'chatgpt',
        conversationId: 'c0',
        messageId: 'm',
        flag: { move: 'flattery', start: 0, end: 15, quote: 'Great question!', source: 'detector' },
        verdict: 'agree',
      },
      5,
    );
    expect(await allPages({ labeledOnly: true }, 10)).toEqual(['chatgpt:c0']);
  });

  it('filter menus come from the indexes', async () => {
    await seed(8);
    expect(await filterOptions(db)).toEqual({ sites: ['chatgpt', 'claude', 'gemini'], models: ['M-A', 'M-B'] });
  });
});

describe('text search', () => {
  it('finds replies and questions case-insensitively; a text filter without hits matches nothing', async () => {
    await seed(10);
    const found = await searchConversations(db, 'PLAIN reply 3');
    expect([...found.keys]).toEqual(['chatgpt:c3']);
    expect(found.truncated).toBe(false);
    expect([...(await searchConversations(db, 'question 7')).keys]).toEqual(['claude:c7']);
    expect((await searchConversations(db, 'nowhere to be found')).keys.size).toBe(0);
    expect(await allPages({ text: 'plain reply 3' }, 5, found.keys)).toEqual(['chatgpt:c3']);
    expect(await allPages({ text: 'plain reply 3' }, 5)).toEqual([]);
  });

  it('searches only the newest replies up to its bound, and says so', async () => {
    await seed(10);
    const bounded = await searchConversations(db, 'plain reply 1.', 3);
    expect(bounded.truncated).toBe(true);
    expect(bounded.scanned).toBe(3);
    expect(bounded.keys.has('claude:c1')).toBe(false); // the oldest, not searched
  });
});

describe('conversation detail and selection helpers', () => {
  it('loads replies in order with their scores and labels', async () => {
    await recordCapture(db, { site: 'demo', conversationId: 'c', messageId: 'b', text: 'Second.', previous: [] }, 20);
    await recordCapture(db, { site: 'demo', conversationId: 'c', messageId: 'a', text: TEXT, previous: [] }, 10);
    await markScored(
      db,
      'demo:c:a',
      { score: 50, flags: [], judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 1 },
      30,
    );
    const detail = await loadConversation(db, 'demo:c');
    expect(detail?.messages.map((m) => m.messageId)).toEqual(['a', 'b']);
    expect([...detail!.scores.keys()]).toEqual(['demo:c:a']);
    expect(await loadConversation(db, 'demo:none')).toBeUndefined();
    expect((await messageKeysOf(db, ['demo:c'])).sort()).toEqual(['demo:c:a', 'demo:c:b']);
  });

  it('conversationKeysMatching stops at its maximum', async () => {
    await seed(12);
    expect(await conversationKeysMatching(db, {}, 5)).toHaveLength(5);
    expect(await conversationKeysMatching(db, { site: 'claude' }, 100)).toHaveLength(4);
  });
});

describe('retention', () => {
  it('deletes a conversation with everything of it, and nothing else', async () => {
    await seed(6);
    await saveLabel(
      db,
      {
        site: 'chatgpt',
        conversationId: 'c0',
        messageId: 'm',
        flag: { move: 'flattery', start: 0, end: 15, quote: 'Great question!', source: 'detector' },
        verdict: 'agree',
      },
      5,
    );
    await db.rescores.put({
      id: 'chatgpt:c0:m|offline',
      messageKey: 'chatgpt:c0:m',
      conversationKey: 'chatgpt:c0',
      judgeKey: 'offline',
      runId: 'r',
      scoredAt: 1,
      quotesVerified: true,
      score: 1,
      flags: [],
      judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
      cached: false,
      latencyMs: 1,
    });
    expect(await deleteConversation(db, 'chatgpt:c0')).toBe(1);
    expect(await db.conversations.get('chatgpt:c0')).toBeUndefined();
    expect(await db.messages.get('chatgpt:c0:m')).toBeUndefined();
    expect(await db.scores.get('chatgpt:c0:m')).toBeUndefined();
    expect(await db.labels.count()).toBe(0);
    expect(await db.rescores.count()).toBe(0);
    expect(await db.conversations.count()).toBe(5);
    expect(await db.scores.count()).toBe(4);
  });

  it('deletes one site, what is older than a cutoff, and everything', async () => {
    await seed(9);
    await deleteSite(db, 'claude');
    expect((await db.conversations.toArray()).some((c) => c.site === 'claude')).toBe(false);
    expect(await db.conversations.count()).toBe(6);
    await deleteOlderThan(db, 1_040);
    expect((await db.conversations.toArray()).every((c) => c.lastCapturedAt >= 1_040)).toBe(true);
    await deleteEverything(db);
    expect((await db.conversations.count()) + (await db.messages.count()) + (await db.scores.count())).toBe(0);
  });

  it.each([
    [0, null],
    [-3, null],
    [Number.NaN, null],
    [2, 10 * DAY_MS - 2 * DAY_MS],
  ])('cutoff for %s days', (days, expected) => {
    expect(retentionCutoff(days, 10 * DAY_MS)).toBe(expected);
  });

  it('auto-delete does nothing when unset and deletes old conversations when set', async () => {
    await seed(3);
    expect(await runAutoDelete(db, async () => undefined, 10 * DAY_MS)).toBe(0);
    expect(await db.conversations.count()).toBe(3);
    expect(await runAutoDelete(db, async () => 1, 10 * DAY_MS)).toBe(3);
    expect(await db.conversations.count()).toBe(0);
  });
});
