import { describe, expect, it } from 'vitest';
import { classifyFailure, retryDelayMs } from '../../extension/scoring/retry.ts';
import { conversationKey, messageKey } from '../../shared/records.ts';

describe('retry schedule', () => {
  it('starts at ~2 s, doubles, and caps at 60 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => retryDelayMs(n))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(retryDelayMs(0)).toBe(0);
    expect(retryDelayMs(3, { baseMs: 100, capMs: 250 })).toBe(250);
  });

  it.each([
    [undefined, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [429, 'retry'],
    [408, 'retry'],
    [401, 'retry'],
    [403, 'retry'],
    [400, 'fail'],
    [413, 'fail'],
    [422, 'fail'],
  ] as const)('status %s → %s', (status, kind) => {
    expect(classifyFailure(status)).toBe(kind);
  });
});

describe('dedup keys', () => {
  it('identify a reply by site, conversation and message', () => {
    expect(messageKey('demo', 'c1', 'm1')).toBe('demo:c1:m1');
    expect(messageKey('demo', 'c1', 'm1')).not.toBe(messageKey('demo', 'c2', 'm1'));
    expect(messageKey('demo', 'c1', 'm1')).not.toBe(messageKey('chatgpt', 'c1', 'm1'));
    expect(conversationKey('demo', 'c1')).toBe('demo:c1');
  });
});
