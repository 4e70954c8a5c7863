// Selector lists are ordered most-stable first: use the first one that matches anything.
import type { ParsedTurn } from './types.ts';

export interface Queryable {
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
}

export function queryFirst(root: Queryable, selectors: readonly string[]): Element | null {
  for (const selector of selectors) {
    const found = root.querySelector(selector);
    if (found) return found;
  }
  return null;
}

export function queryAllFirst(root: Queryable, selectors: readonly string[]): Element[] {
  for (const selector of selectors) {
    const found = Array.from(root.querySelectorAll(selector));
    if (found.length > 0) return found;
  }
  return [];
}

/** Every readable turn of a thread, oldest first: what an adapter with `readTurn` returns from `parse`. */
export function readAllTurns(thread: Queryable, turnSelectors: readonly string[], readTurn: (turn: Element) => ParsedTurn | null): ParsedTurn[] {
  return queryAllFirst(thread, turnSelectors)
    .map(readTurn)
    .filter((turn): turn is ParsedTurn => turn !== null);
}

/** Elements Unspun itself injects carry this attribute; text extraction skips them. */
export const UNSPUN_ATTRIBUTE = 'data-unspun';

export function isUnspunElement(node: Node): boolean {
  return node.nodeType === 1 && (node as Element).hasAttribute(UNSPUN_ATTRIBUTE);
}
