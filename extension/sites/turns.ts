// The one place a thread's turns get their order, their uniqueness and their fallback ids, for
// every site: adapters read turns; this makes them a thread.
//
// Independently written pages broke each of these (issue 10, item 9): a reply matched by two
// selectors was read twice (and sent twice, once with itself as its own earlier turn); a query
// heading placed after its answer in the DOM left the answer without its question; fallback ids
// that hashed an index the page renders changed between layouts and re-renders. So:
// - order is document order (compareDocumentPosition), by exchange when the adapter names one;
// - a turn of the same role whose body is, holds or sits inside another's (or whose element does,
//   with the same text) is the same turn read twice: the fuller reading is kept; two different
//   site message ids are never merged;
// - a fallback id = role + text prefix + the user turn a reply answers (or the page's own key),
//   plus an occurrence number for exact repeats; nothing positional.
import { fallbackTurnId } from './ids.ts';
import type { ParsedTurn } from './types.ts';

const PRECEDING = 2;
const FOLLOWING = 4;

/** Whether this document's compareDocumentPosition orders cousins right (checked once per document). */
const nativeOrderWorks = new WeakMap<Document, boolean>();

function nativeOrder(doc: Document | null): boolean {
  if (!doc) return false;
  let works = nativeOrderWorks.get(doc);
  if (works === undefined) {
    const root = doc.createElement('div');
    const first = root.appendChild(doc.createElement('p')).appendChild(doc.createElement('span'));
    const second = root.appendChild(doc.createElement('p')).appendChild(doc.createElement('span'));
    works = Boolean(first.compareDocumentPosition(second) & FOLLOWING) && Boolean(second.compareDocumentPosition(first) & PRECEDING);
    nativeOrderWorks.set(doc, works);
  }
  return works;
}

/**
 * Document order of two nodes: negative when `a` comes first (an ancestor comes before its
 * descendants). compareDocumentPosition where it answers right (browsers); a tree walk where it
 * does not (linkedom, which the unit tests use, answers some cousin pairs backwards).
 */
export function compareNodes(a: Node, b: Node): number {
  if (a === b) return 0;
  if (nativeOrder(a.ownerDocument)) {
    const pos = a.compareDocumentPosition(b);
    if (pos & FOLLOWING) return -1;
    if (pos & PRECEDING) return 1;
    return 0;
  }
  return compareByWalk(a, b);
}

function chain(node: Node): Node[] {
  const up: Node[] = [];
  for (let n: Node | null = node; n; n = n.parentNode) up.unshift(n);
  return up;
}

function compareByWalk(a: Node, b: Node): number {
  const ca = chain(a);
  const cb = chain(b);
  if (ca[0] !== cb[0]) return 0;
  let i = 0;
  while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
  if (i === ca.length) return -1; // a holds b
  if (i === cb.length) return 1; // b holds a
  const siblings = Array.from(ca[i - 1]!.childNodes);
  return siblings.indexOf(ca[i] as ChildNode) - siblings.indexOf(cb[i] as ChildNode) < 0 ? -1 : 1;
}

/** The elements that are not inside another of them, in document order. */
export function outermost<E extends Element>(elements: Iterable<E>): E[] {
  const sorted = [...new Set(elements)].sort(compareNodes);
  const kept: E[] = [];
  // In document order a descendant comes right after its ancestor's run: only the last kept one can hold it.
  for (const el of sorted) {
    if (!kept[kept.length - 1]?.contains(el)) kept.push(el);
  }
  return kept;
}

const related = (a: Element, b: Element): boolean => a === b || a.contains(b) || b.contains(a);

/** Two readings of one turn: same role, and the same site id, or (fallback ids) related bodies or elements with the same text. */
function sameTurn(a: ParsedTurn, b: ParsedTurn): boolean {
  if (a.role !== b.role) return false;
  if (a.idSource !== 'fallback' && b.idSource !== 'fallback') return a.id === b.id;
  return related(a.body, b.body) || (related(a.element, b.element) && a.text === b.text);
}

/** Twins sort next to each other (an element right before what it holds): look back this far. */
const TWIN_WINDOW = 4;

const positionOf = (turn: ParsedTurn): Node => turn.entry ?? turn.element;

function compareTurns(a: ParsedTurn, b: ParsedTurn): number {
  const byEntry = compareNodes(positionOf(a), positionOf(b));
  if (a.entry && a.entry === b.entry) {
    if (a.role !== b.role) return a.role === 'user' ? -1 : 1;
  } else if (byEntry !== 0) return byEntry;
  return compareNodes(a.body, b.body) || compareNodes(a.element, b.element);
}

/**
 * The adapter's turns as a thread: document order, each turn once, fallback ids settled.
 * Pure over the DOM it is given (reads positions, never writes).
 */
export function settleTurns(turns: readonly ParsedTurn[]): ParsedTurn[] {
  const ordered = [...turns].sort(compareTurns);
  const unique: ParsedTurn[] = [];
  for (const turn of ordered) {
    let twin = -1;
    for (let i = unique.length - 1; i >= Math.max(0, unique.length - TWIN_WINDOW); i--) {
      if (sameTurn(unique[i]!, turn)) {
        twin = i;
        break;
      }
    }
    if (twin < 0) unique.push(turn);
    else if (turn.text.trim().length > unique[twin]!.text.trim().length) unique[twin] = turn;
  }
  const seen = new Map<string, number>();
  let answers: string | null = null;
  return unique.map((turn) => {
    const context = turn.role === 'assistant' ? answers : null;
    if (turn.role === 'user') answers = turn.text;
    if (turn.idSource !== 'fallback') return turn;
    const base = fallbackTurnId(turn.role, turn.text, { pageKey: turn.pageKey ?? null, answers: context });
    const occurrence = seen.get(base) ?? 0;
    seen.set(base, occurrence + 1);
    const id = occurrence ? fallbackTurnId(turn.role, turn.text, { pageKey: turn.pageKey ?? null, answers: context, occurrence }) : base;
    return id === turn.id ? turn : { ...turn, id };
  });
}

/**
 * The turns a reply's context is made of: every earlier turn in `thread` that is not the reply
 * itself (by id, element or body), oldest first; the user turn it answers is the last user turn.
 */
export function contextOf(thread: readonly ParsedTurn[], reply: ParsedTurn): { user: ParsedTurn | null; previous: ParsedTurn[] } {
  const index = thread.indexOf(reply);
  const earlier = (index < 0 ? [] : thread.slice(0, index)).filter(
    (t) => t.id !== reply.id && !(t.role === reply.role && (related(t.element, reply.element) || related(t.body, reply.body))),
  );
  let userIndex = -1;
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (earlier[i]!.role === 'user') {
      userIndex = i;
      break;
    }
  }
  return { user: userIndex >= 0 ? earlier[userIndex]! : null, previous: userIndex >= 0 ? earlier.slice(0, userIndex) : earlier };
}

/**
 * Fallback ids of replies already sent in this conversation, so a reply whose text later grows
 * (a block rendered after the "finished" signal, a stream that paused past the settle time) or
 * re-renders shorter for a moment keeps the id it was sent under: it is the same reply answering
 * the same question, and must not be sent again as a new one. Only for fallback ids (a site id
 * says itself what is the same message), and only while no turn on the page carries that id.
 */
export function createSentReplies() {
  const sent: { id: string; answers: string; text: string }[] = [];
  return {
    remember(thread: readonly ParsedTurn[], reply: ParsedTurn): void {
      if (reply.idSource !== 'fallback' || sent.some((s) => s.id === reply.id)) return;
      sent.push({ id: reply.id, answers: contextOf(thread, reply).user?.text ?? '', text: reply.text.trim() });
    },
    /** The thread with a grown (or briefly shrunk) sent reply under the id it was sent with. */
    resolve(thread: ParsedTurn[]): ParsedTurn[] {
      if (sent.length === 0) return thread;
      const present = new Set(thread.map((t) => t.id));
      let answers = '';
      return thread.map((turn) => {
        if (turn.role === 'user') {
          answers = turn.text;
          return turn;
        }
        const text = turn.text.trim();
        if (turn.idSource !== 'fallback' || !text || sent.some((s) => s.id === turn.id)) return turn;
        const same = sent.find((s) => !present.has(s.id) && s.answers === answers && (text.startsWith(s.text) || s.text.startsWith(text)));
        if (!same) return turn;
        present.add(same.id);
        return { ...turn, id: same.id };
      });
    },
    clear(): void {
      sent.length = 0;
    },
  };
}
