// A small semaphore for the calls we send upstream: at most `max` at once, the rest wait in order.
// A waiter whose signal aborts (the caller left, or the request's overall deadline passed) leaves
// the queue and rejects with the signal's reason, so queueing counts toward the one deadline.

export interface Limiter {
  readonly max: number;
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting for a slot. */
  readonly queued: number;
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError('max must be a whole number of at least 1');
  let active = 0;
  const waiting: Array<() => void> = [];

  function acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (active < max) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        resolve();
      };
      const onAbort = () => {
        const at = waiting.indexOf(grant);
        if (at !== -1) waiting.splice(at, 1);
        reject(signal!.reason);
      };
      waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  function release(): void {
    active--;
    waiting.shift()?.();
  }

  return {
    max,
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
