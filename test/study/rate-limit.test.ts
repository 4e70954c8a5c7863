// The study server's token buckets: a burst then a steady rate, a clock that steps back, and a
// map that stays bounded however many distinct callers (participants, addresses) come by.
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../proxy/study/rate-limit.ts';

describe('study rate limiter', () => {
  it('allows a burst, then one token per interval, and says how long to wait', () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 3, perSecond: 1 / 60, clock: () => t });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBeCloseTo(60);
    t = 30_000;
    expect(limiter.take('a')).toBeCloseTo(30);
    t = 60_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('b')).toBe(0);
  });

  it('does not drain a bucket when the clock steps back', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ burst: 2, perSecond: 1, clock: () => t });
    expect(limiter.take('a')).toBe(0);
    t -= 86_400_000;
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
  });

  it('drops keys whose bucket has refilled, so idle callers cost nothing', () => {
    let t = 0;
    const limiter = createRateLimiter({ burst: 2, perSecond: 1, clock: () => t });
    for (let i = 0; i < 1000; i++) limiter.take(`idle-${i}`);
    expect(limiter.size).toBe(1000);
    t = 2_000; // every bucket is full again
    limiter.take('new');
    expect(limiter.size).toBe(1);
  });

  it('never holds more than maxKeys, forgetting the least recently used first', () => {
    const t = 0;
    const limiter = createRateLimiter({ burst: 2, perSecond: 0.001, clock: () => t, maxKeys: 100 });
    limiter.take('kept');
    limiter.take('kept');
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`flood-${i}`);
      if (i % 50 === 0) expect(limiter.take('kept')).toBeGreaterThan(0); // touched: stays, still empty
      expect(limiter.size).toBeLessThanOrEqual(100);
    }
    expect(limiter.size).toBe(100);
    expect(limiter.take('kept')).toBeGreaterThan(0);
    // The flood's first keys were the least recently used: gone, so they start full again.
    expect(limiter.take('flood-0')).toBe(0);
  });
});
