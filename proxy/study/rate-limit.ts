// Per-participant token buckets: `burst` requests at once, refilled at `perSecond`. In memory (one
// server process); a participant over the limit is told how long to wait (429 Retry-After).
export interface RateLimiter {
  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is free. */
  take(key: string): number;
}

export function createRateLimiter(options: { burst: number; perSecond: number; clock?: () => number; maxKeys?: number }): RateLimiter {
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = clock();
      let bucket = buckets.get(key);
      if (bucket) {
        bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.perSecond);
        bucket.at = now;
      } else {
        // Full buckets carry no state: forget the oldest when the map grows (Map keeps insertion order).
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
        bucket = { tokens: options.burst, at: now };
        buckets.set(key, bucket);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (1 - bucket.tokens) / options.perSecond;
    },
  };
}
