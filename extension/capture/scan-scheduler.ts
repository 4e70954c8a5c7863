// When the capture loop scans the thread, and what that scan must read. A stream mutates the page
// every few milliseconds: scans are throttled (a scan already due sooner is kept, never pushed
// back), and mutations are mapped to the turns they touched so a scan can re-read only those.

export interface ScanTimers {
  /** The content script's `ctx.setTimeout` in the page, so an invalidated script leaves no timer. */
  setTimeout(run: () => void, ms: number): number;
  clearTimeout(id: number): void;
  now(): number;
}

export const SCAN_THROTTLE_MS = 120;

/** Runs `scan` within `ms` of a `schedule(ms)` call; one timer at most. */
export function createScanScheduler(scan: () => void, timers: ScanTimers, { throttleMs = SCAN_THROTTLE_MS }: { throttleMs?: number } = {}) {
  let timer: number | null = null;
  let dueAt = 0;
  return {
    /** A scan within `ms`; one already due sooner is kept (throttle, not debounce). */
    schedule(ms = throttleMs): void {
      const at = timers.now() + ms;
      if (timer !== null) {
        if (dueAt <= at) return;
        timers.clearTimeout(timer);
      }
      dueAt = at;
      timer = timers.setTimeout(() => {
        timer = null;
        scan();
      }, ms);
    },
    get isScheduled(): boolean {
      return timer !== null;
    },
  };
}

export type ScanScheduler = ReturnType<typeof createScanScheduler>;

/** What the next scan must read: the whole thread, or only these turn elements. */
export interface ScanWork {
  full: boolean;
  elements: Element[];
}

/**
 * The turns that changed since the last scan. Anything the loop cannot pin to one known turn (no
 * `readTurn` on the adapter, no turn selector yet, a mutation outside every turn) asks for a full
 * read. Turns still settling are `watch`ed: re-read on the next scan even without a mutation.
 */
export function createChangedTurns() {
  const dirty = new Set<Element>();
  const watched = new Set<Element>();
  let full = true;
  return {
    /** Maps mutation records to turns under `thread` matched by `turnSelector`. */
    note(records: readonly Pick<MutationRecord, 'target'>[], thread: Element | null, turnSelector: string | null): void {
      if (!turnSelector) {
        full = true;
        return;
      }
      for (const record of records) {
        const node = record.target;
        const element = node.nodeType === 1 ? (node as Element) : node.parentElement;
        const turn = element?.closest(turnSelector);
        if (turn && thread?.contains(turn) && turn !== thread) dirty.add(turn);
        else {
          full = true;
          return;
        }
      }
    },
    watch(turn: Element): void {
      watched.add(turn);
    },
    /** The next scan reads the whole thread (a new thread, a new conversation, new settings). */
    requireFull(): void {
      full = true;
    },
    /** The work for this scan, and a clean slate for the next one. */
    take(): ScanWork {
      const work = { full, elements: [...new Set([...dirty, ...watched])] };
      dirty.clear();
      watched.clear();
      full = false;
      return work;
    },
    clear(): void {
      dirty.clear();
      watched.clear();
    },
  };
}

export type ChangedTurns = ReturnType<typeof createChangedTurns>;
