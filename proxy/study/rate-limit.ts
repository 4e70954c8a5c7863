// Token buckets by key (a participant, a client address): `burst` requests at once, refilled at
// `perSecond`. In memory (one server process); a caller over the limit is told how long to wait
// (429 Retry-After). The map stays bounded: a bucket that has refilled is the same as no bucket,
// so idle keys are dropped as new ones arrive, and past `maxKeys` the least recently used goes.
export interface RateLimiter {
  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is free. */
  take(key: string): number;
  /** Keys held now (for tests and the curious). */
  readonly size: number;
}

export interface RateLimiterOptions {
  burst: number;
  perSecond: number;
  clock?: () => number;
  /** Most keys held at once (default 100,000: a few MB). */
  maxKeys?: number;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { burst, perSecond } = options;
  const clock = options.clock ?? Date.now;
  const maxKeys = Math.max(1, options.maxKeys ?? 100_000);
  // Insertion order is recency order: every take moves its key to the end.
  const buckets = new Map<string, { tokens: number; at: number }>();
  // A clock that steps back (NTP, a test) refills nothing rather than draining the bucket.
  const refilled = (bucket: { tokens: number; at: number }, now: number) => Math.min(burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond);

  function evict(now: number): void {
    // The oldest keys are the longest idle: drop those whose bucket is full again (no state lost);
    // stop at the first that still counts. Each key is dropped once, so this is O(1) amortised.
    for (const [key, bucket] of buckets) {
      if (refilled(bucket, now) < burst) break;
      buckets.delete(key);
    }
    // A flood of more distinct keys than maxKeys: forget the least recently used (its partial use).
    while (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value!);
  }

  return {
    take(key) {
      const now = clock();
      let bucket = buckets.get(key);
      if (bucket) {
        buckets.delete(key);
        bucket.tokens = refilled(bucket, now);
        bucket.at = now;
      } else {
        evict(now);
        bucket = { tokens: burst, at: now };
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return (1 - bucket.tokens) / perSecond;
    },
    get size() {
      return buckets.size;
    },
  };
}
