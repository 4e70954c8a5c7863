// Decides when a reply has finished streaming: the site's own flag first; when the site gives
// none, the text must stay unchanged for `stableMs`; a "streaming" flag that outlives `stuckMs` of
// unchanged text is treated as stuck. Each reply is reported once.

export interface Observation {
  id: string;
  text: string;
  /** The site's done signal: true, false, or undefined when it has none. */
  done: boolean | undefined;
}

export type Decision = { action: 'capture' } | { action: 'wait'; recheckInMs?: number } | { action: 'skip' };

export interface ReplyTrackerOptions {
  /** No site signal: how long the text must stay unchanged. */
  stableMs?: number;
  /**
   * The site still says "streaming" but the text has not changed for this long: the flag is
   * probably stuck (a selector drifted), so capture anyway rather than never.
   */
  stuckMs?: number;
}

export function createReplyTracker({ stableMs = 1_500, stuckMs = 30_000 }: ReplyTrackerOptions = {}) {
  const sent = new Set<string>();
  const seen = new Map<string, { text: string; since: number }>();

  return {
    observe(turn: Observation, now: number): Decision {
      if (sent.has(turn.id)) return { action: 'skip' };
      if (turn.text.trim().length === 0) return { action: 'wait' };
      if (turn.done === true) return { action: 'capture' };
      const last = seen.get(turn.id);
      const needed = turn.done === false ? stuckMs : stableMs;
      if (!last || last.text !== turn.text) {
        seen.set(turn.id, { text: turn.text, since: now });
        return { action: 'wait', recheckInMs: needed };
      }
      const waited = now - last.since;
      return waited >= needed ? { action: 'capture' } : { action: 'wait', recheckInMs: needed - waited };
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
