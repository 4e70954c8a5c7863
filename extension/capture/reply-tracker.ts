// Decides when a reply has finished streaming: the site's own flag first; when the site gives
// none, the text must stay unchanged for `stableMs`. Each reply is reported once.

export interface Observation {
  id: string;
  text: string;
  /** The site's done signal: true, false, or undefined when it has none. */
  done: boolean | undefined;
}

export type Decision = { action: 'capture' } | { action: 'wait'; recheckInMs?: number } | { action: 'skip' };

export interface ReplyTrackerOptions {
  stableMs?: number;
}

export function createReplyTracker({ stableMs = 1_500 }: ReplyTrackerOptions = {}) {
  const sent = new Set<string>();
  const seen = new Map<string, { text: string; since: number }>();

  return {
    observe(turn: Observation, now: number): Decision {
      if (sent.has(turn.id)) return { action: 'skip' };
      if (turn.text.trim().length === 0) return { action: 'wait' };
      if (turn.done === true) return { action: 'capture' };
      const last = seen.get(turn.id);
      if (!last || last.text !== turn.text) {
        seen.set(turn.id, { text: turn.text, since: now });
        return turn.done === false ? { action: 'wait' } : { action: 'wait', recheckInMs: stableMs };
      }
      if (turn.done === false) return { action: 'wait' };
      const waited = now - last.since;
      return waited >= stableMs ? { action: 'capture' } : { action: 'wait', recheckInMs: stableMs - waited };
    },
    markSent(id: string): void {
      sent.add(id);
      seen.delete(id);
    },
    /** Forget a reply whose capture could not be delivered, so it is tried again. */
    unmarkSent(id: string): void {
      sent.delete(id);
    },
    isSent(id: string): boolean {
      return sent.has(id);
    },
    reset(): void {
      sent.clear();
      seen.clear();
    },
  };
}

export type ReplyTracker = ReturnType<typeof createReplyTracker>;
