// What the injected "Check with Unspun" script does in the page: read the selection (falling back
// to the menu's copy of it), show a card near it, ask the background to score it, show the result.
import { browser } from 'wxt/browser';
import { selectionToCheck, type SelectionCheckRun } from '../background/check-menu.ts';
import { sendReaderMessage } from '../reader-messages.ts';
import { createSelectionCard, type SelectionCard } from './selection-card.ts';

/** The selection's text and where it is on screen (inputs and textareas included). */
export function readSelection(doc: Document = document): { text: string; rect: DOMRect | null } {
  const active = doc.activeElement;
  if (active instanceof HTMLTextAreaElement || (active instanceof HTMLInputElement && active.type === 'text')) {
    const { selectionStart: s, selectionEnd: e } = active;
    if (s !== null && e !== null && e > s) return { text: active.value.slice(s, e), rect: active.getBoundingClientRect() };
  }
  const selection = doc.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return { text: '', rect: null };
  const range = selection.getRangeAt(0);
  const rect = range.getBoundingClientRect();
  return { text: selection.toString(), rect: rect.width || rect.height ? rect : null };
}

export async function checkSelection(card: SelectionCard, fallbackText: string): Promise<void> {
  const read = readSelection();
  const checkable = selectionToCheck(read.text || fallbackText);
  const near = read.rect ?? undefined;
  if (!checkable.ok) {
    card.show({ kind: 'message', text: checkable.reason }, near);
    return;
  }
  card.show({ kind: 'pending' }, near);
  try {
    const response = await sendReaderMessage({ type: 'check-selection', text: checkable.text });
    if (response?.result) card.show({ kind: 'result', result: response.result });
    else card.show({ kind: 'message', text: `Could not check it: ${response?.error ?? 'no answer from the extension'}.` });
  } catch (error) {
    card.show({ kind: 'message', text: `Could not check it: ${error instanceof Error ? error.message : String(error)}` });
  }
}

/** Runs once per page however often the menu injects it: later clicks reuse the first card. */
export function installSelectionCheck(): void {
  const g = globalThis as { __unspunSelectionCheck?: boolean };
  if (g.__unspunSelectionCheck) return;
  g.__unspunSelectionCheck = true;
  let card: SelectionCard | null = null;
  browser.runtime.onMessage.addListener((raw: unknown) => {
    const message = raw as Partial<SelectionCheckRun> | null;
    if (message?.type !== 'selection-check-run') return undefined;
    card ??= createSelectionCard();
    void checkSelection(card, typeof message.fallbackText === 'string' ? message.fallbackText : '');
    return undefined;
  });
}
