// Reads the conversation through the site adapter: the whole thread, or only the turns that
// changed when the adapter can read one turn alone. Either way ids come out as a full parse would
// give them (fallback ids settled within the whole thread, sites/turns.ts), and a failing adapter
// step is logged and read as nothing, never thrown into the loop.
import { createSentReplies, settleTurns } from '../sites/turns.ts';
import type { ParsedTurn, SiteAdapter } from '../sites/types.ts';
import type { ScanWork } from './scan-scheduler.ts';

export interface ThreadRead {
  turns: ParsedTurn[];
  /** On a full read: how many elements the turn selector found and how many turns were parsed (for site health). */
  counted?: { found: number; parsed: number };
}

export function createThreadReader(adapter: Pick<SiteAdapter, 'parse' | 'readTurn' | 'selectors'>, log: (...args: unknown[]) => void = () => undefined) {
  /** The adapter's last full reading, before settling: single turns re-read while streaming replace their entry. */
  let lastRead: ParsedTurn[] = [];
  /** The turn selector that matched at the last full read: the one mutations are mapped with. */
  let turnSelector: string | null = null;
  /** Replies sent under a fallback id keep it when their text grows or re-renders. */
  const sentReplies = createSentReplies();

  /** The whole thread: document order, each turn once, fallback ids settled. */
  const readAll = (thread: Element | null): ParsedTurn[] => {
    if (!thread) return [];
    try {
      lastRead = adapter.parse(thread);
      return sentReplies.resolve(settleTurns(lastRead));
    } catch (error) {
      // One failing adapter step must not kill the script: log and try again on the next change.
      log('parse failed', error);
      return [];
    }
  };

  return {
    readAll,
    /** The selector to map mutations to turns with; null when only a full read will do. */
    get turnSelector(): string | null {
      return adapter.readTurn ? turnSelector : null;
    },
    /** Only the changed turns when the adapter can read one turn alone; else every turn. */
    read(thread: Element, work: ScanWork): ThreadRead {
      if (work.full || !adapter.readTurn) {
        turnSelector = adapter.selectors.turn.find((sel) => thread.querySelector(sel) !== null) ?? null;
        const turns = readAll(thread);
        return { turns, counted: { found: thread.querySelectorAll(turnSelector ?? adapter.selectors.turn[0]!).length, parsed: turns.length } };
      }
      // Re-read only the changed turns, then settle them within the whole thread: a fallback id
      // depends on the user turn before it.
      const changed = new Set<Element>();
      let read = lastRead.filter((t) => t.element.isConnected);
      for (const element of work.elements) {
        if (!element.isConnected) continue;
        try {
          const turn = adapter.readTurn(element);
          read = read.filter((t) => t.element !== element);
          if (turn) {
            read.push(turn);
            changed.add(element);
          }
        } catch (error) {
          log('readTurn failed', error);
        }
      }
      lastRead = read;
      return { turns: sentReplies.resolve(settleTurns(read)).filter((t) => changed.has(t.element)) };
    },
    /** A reply went out under this id: keep it when its text grows or re-renders. */
    remember(thread: readonly ParsedTurn[], reply: ParsedTurn): void {
      sentReplies.remember(thread, reply);
    },
    /** A new conversation: forget the ids of replies sent in the old one. */
    forget(): void {
      sentReplies.clear();
    },
  };
}

export type ThreadReader = ReturnType<typeof createThreadReader>;
