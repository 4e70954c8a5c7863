import { describe, expect, it } from 'vitest';
import { createReplyTracker } from '../../extension/capture/reply-tracker.ts';

describe('reply tracker', () => {
  it('captures at once when the site says the reply is done, and only once', () => {
    const tracker = createReplyTracker();
    expect(tracker.observe({ id: 'a1', text: 'Hello', done: false }, 0).action).toBe('wait');
    expect(tracker.observe({ id: 'a1', text: 'Hello there', done: true }, 10).action).toBe('capture');
    tracker.markSent('a1');
    expect(tracker.observe({ id: 'a1', text: 'Hello there', done: true }, 20).action).toBe('skip');
  });

  it('trusts the site flag over text stability while streaming', () => {
    const tracker = createReplyTracker({ stableMs: 100, stuckMs: 30_000 });
    tracker.observe({ id: 'a1', text: 'Thinking', done: false }, 0);
    expect(tracker.observe({ id: 'a1', text: 'Thinking', done: false }, 10_000)).toEqual({ action: 'wait', recheckInMs: 20_000 });
  });

  it('captures anyway when a "streaming" flag is stuck and the text has not moved for stuckMs', () => {
    const tracker = createReplyTracker({ stableMs: 100, stuckMs: 30_000 });
    tracker.observe({ id: 'a1', text: 'Done long ago', done: false }, 0);
    expect(tracker.observe({ id: 'a1', text: 'Done long ago', done: false }, 30_000).action).toBe('capture');
  });

  it('without a site flag, waits until the text is stable for stableMs', () => {
    const tracker = createReplyTracker({ stableMs: 1000 });
    expect(tracker.observe({ id: 'a1', text: 'Hel', done: undefined }, 0)).toEqual({ action: 'wait', recheckInMs: 1000 });
    expect(tracker.observe({ id: 'a1', text: 'Hello', done: undefined }, 500)).toEqual({ action: 'wait', recheckInMs: 1000 });
    expect(tracker.observe({ id: 'a1', text: 'Hello', done: undefined }, 1200)).toEqual({ action: 'wait', recheckInMs: 300 });
    expect(tracker.observe({ id: 'a1', text: 'Hello', done: undefined }, 1500).action).toBe('capture');
  });

  it('ignores empty replies', () => {
    const tracker = createReplyTracker();
    expect(tracker.observe({ id: 'a1', text: '  ', done: true }, 0).action).toBe('wait');
  });

  it('a reply whose capture was not delivered can be captured again', () => {
    const tracker = createReplyTracker();
    tracker.markSent('a1');
    tracker.unmarkSent('a1');
    expect(tracker.observe({ id: 'a1', text: 'x', done: true }, 0).action).toBe('capture');
  });

  it('reset forgets everything (new conversation)', () => {
    const tracker = createReplyTracker();
    tracker.markSent('a1');
    tracker.reset();
    expect(tracker.isSent('a1')).toBe(false);
  });
});
