// Reading settings: parsing what storage holds (including garbage) and which flags the reader sees.
import { describe, expect, it } from 'vitest';
import type { Flag, ScoreResult } from '../../shared/schemas.ts';
import { panelReplies } from '../../extension/ui/conversation-panel.ts';
import {
  applyReading,
  DEFAULT_READING,
  isFlagShown,
  isPausedHost,
  loadReading,
  parseReading,
  readingFromChange,
  saveReading,
  visibleFlags,
  withMoveShown,
  withPausedHost,
} from '../../extension/ui/reading-settings.ts';
import type { MessageRecord } from '../../shared/records.ts';

const flag = (move: Flag['move'], severity: number, start = 0): Flag => ({
  move,
  start,
  end: start + 4,
  quote: 'abcd',
  severity,
  support: 'unsupported',
  rationale: 'r',
  source: 'detector',
});
const result = (score: number, flags: Flag[]): ScoreResult => ({
  score,
  flags,
  judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
  cached: false,
  latencyMs: 0,
});

describe('parseReading', () => {
  it.each([
    ['nothing stored', undefined, DEFAULT_READING],
    ['not an object', 'x', DEFAULT_READING],
    ['defaults', {}, { minSeverity: 1, minScore: 0, hiddenMoves: [], pausedHosts: [] }],
    ['bad severity falls back', { minSeverity: 7 }, { ...DEFAULT_READING }],
    ['bad score falls back', { minScore: -3 }, { ...DEFAULT_READING }],
    ['unknown move ids dropped, duplicates merged', { hiddenMoves: ['flattery', 'nope', 'flattery'] }, { ...DEFAULT_READING, hiddenMoves: ['flattery'] }],
    ['hosts lower-cased and merged', { pausedHosts: ['ChatGPT.com', 'chatgpt.com'] }, { ...DEFAULT_READING, pausedHosts: ['chatgpt.com'] }],
    ['hidden moves not a list', { hiddenMoves: 'flattery' }, { ...DEFAULT_READING }],
  ])('%s', (_name, raw, expected) => {
    expect(parseReading(raw)).toEqual(expected);
  });
});

describe('which flags are shown', () => {
  it.each([
    ['all by default', {}, flag('flattery', 1), true],
    ['below the severity threshold', { minSeverity: 2 }, flag('flattery', 1), false],
    ['at the severity threshold', { minSeverity: 2 }, flag('flattery', 2), true],
    ['a move switched off', { hiddenMoves: ['flattery'] }, flag('flattery', 3), false],
    ['another move still on', { hiddenMoves: ['flattery'] }, flag('bandwagon', 1), true],
  ])('%s', (_name, raw, f, shown) => {
    expect(isFlagShown(f, parseReading(raw))).toBe(shown);
  });

  it('filters a list and a result; a reply under the score threshold is not drawn at all', () => {
    const flags = [flag('flattery', 1), flag('false-urgency', 3, 10), flag('bandwagon', 2, 20)];
    expect(visibleFlags(flags, parseReading({ minSeverity: 2, hiddenMoves: ['bandwagon'] })).map((f) => f.move)).toEqual(['false-urgency']);
    expect(applyReading(result(30, flags), parseReading({ minScore: 40 }))).toEqual({ shown: [], hidden: 3, hiddenByLabels: 0 });
    expect(applyReading(result(40, flags), parseReading({ minScore: 40 })).shown).toHaveLength(3);
  });
});

describe('changing settings', () => {
  it('pauses and resumes a host', () => {
    const paused = withPausedHost(DEFAULT_READING, 'Claude.ai', true);
    expect(isPausedHost(paused, 'claude.ai')).toBe(true);
    expect(isPausedHost(paused, 'chatgpt.com')).toBe(false);
    expect(withPausedHost(withPausedHost(paused, 'claude.ai', true), 'claude.ai', true).pausedHosts).toEqual(['claude.ai']);
    expect(isPausedHost(withPausedHost(paused, 'claude.ai', false), 'claude.ai')).toBe(false);
  });

  it('switches moves off and on', () => {
    const off = withMoveShown(DEFAULT_READING, 'flattery', false);
    expect(off.hiddenMoves).toEqual(['flattery']);
    expect(withMoveShown(off, 'flattery', true).hiddenMoves).toEqual([]);
  });

  it('reads a storage change only when it touches the reading settings', () => {
    expect(readingFromChange({ token: { newValue: 'x' } }, 'local')).toBeUndefined();
    expect(readingFromChange({ reading: { newValue: { minSeverity: 3 } } }, 'sync')).toBeUndefined();
    expect(readingFromChange({ reading: { newValue: { minSeverity: 3 } } }, 'local')).toMatchObject({ minSeverity: 3 });
    expect(readingFromChange({ reading: {} }, 'local')).toEqual(DEFAULT_READING); // removed: back to defaults
  });

  it('saves and loads through a storage area', async () => {
    const store: Record<string, unknown> = {};
    const storage = {
      get: async (keys: string[]) => Object.fromEntries(keys.filter((k) => k in store).map((k) => [k, store[k]])),
      set: async (items: Record<string, unknown>) => void Object.assign(store, items),
    };
    expect(await loadReading(storage)).toEqual(DEFAULT_READING);
    await saveReading(storage, { ...DEFAULT_READING, minSeverity: 2 });
    expect(await loadReading(storage)).toMatchObject({ minSeverity: 2 });
  });
});

describe('conversation panel replies', () => {
  const message = (id: string, capturedAt: number): MessageRecord => ({
    key: `demo:c:${id}`,
    conversationKey: 'demo:c',
    site: 'demo',
    conversationId: 'c',
    messageId: id,
    role: 'assistant',
    text: 't',
    previous: [],
    status: 'scored',
    attempts: 1,
    nextAttemptAt: 0,
    capturedAt,
    updatedAt: capturedAt,
  });

  it('orders replies as captured, sorts flags by position and applies the settings', () => {
    const scores = new Map([['demo:c:m2', result(50, [flag('bandwagon', 2, 30), flag('flattery', 1, 5)])]]);
    const replies = panelReplies([message('m2', 20), message('m1', 10)], scores, parseReading({ hiddenMoves: ['bandwagon'] }));
    expect(replies.map((r) => r.message.messageId)).toEqual(['m1', 'm2']);
    expect(replies[0]).toMatchObject({ shown: [], hidden: 0 });
    expect(replies[0]!.result).toBeUndefined();
    expect(replies[1]!.shown.map((f) => f.move)).toEqual(['flattery']);
    expect(replies[1]!.hidden).toBe(1);
  });
});

describe('offline-only mode', () => {
  it('asks the proxy for the offline judge only when switched on', async () => {
    const { toScoreRequest } = await import('../../extension/scoring/queue.ts');
    const m: MessageRecord = {
      key: 'demo:c:m',
      conversationKey: 'demo:c',
      site: 'demo',
      conversationId: 'c',
      messageId: 'm',
      role: 'assistant',
      text: 'Hi there.',
      previous: [],
      status: 'pending',
      attempts: 0,
      nextAttemptAt: 0,
      capturedAt: 1,
      updatedAt: 1,
    };
    expect(toScoreRequest(m, { offlineOnly: true }).judge).toBe('offline');
    expect(toScoreRequest(m, { offlineOnly: false }).judge).toBeUndefined();
    expect(toScoreRequest(m).judge).toBeUndefined();
  });
});
