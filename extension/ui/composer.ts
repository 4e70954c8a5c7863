// "Ask for it": puts a follow-up question into the chat site's message box, WITHOUT sending it; the
// reader reads it, edits it if they like, and presses Enter themselves. Nothing here ever sends a
// key press, clicks a send button or submits a form.
//
// Each site's editor listens for different events, so text goes in the way a person's typing would:
//  - textarea (React, Vue ...): the value is set through the prototype's own setter (React keeps a
//    value tracker on the element; the native setter bypasses it, so the `input` event that follows
//    is seen as a change and reaches the site's state), then a bubbling `input` event;
//  - contenteditable and ProseMirror (ProseMirror, tiptap, Lexical, Quill): the caret goes to the end
//    and `execCommand('insertText')` types the text, which fires trusted `beforeinput` and `input`
//    events the editor handles as typing. If the editor did not take it, a `paste` event with the
//    text (editors read clipboardData), then `beforeinput` + a DOM insert + `input`.
// After each try we check that the text is in the box; when no box is found or none of this worked,
// the question is copied to the clipboard and the card says so.
import type { ComposerKind, ComposerSpec } from '../sites/types.ts';

export type AskOutcome =
  | { how: 'composer'; kind: ComposerKind }
  /** `reason`: no message box on the page, or the box did not take the text. */
  | { how: 'clipboard'; reason: 'no-composer' | 'not-taken' }
  | { how: 'none'; reason: 'no-composer' | 'not-taken' };

const isTextField = (el: Element): el is HTMLTextAreaElement | HTMLInputElement => el.tagName === 'TEXTAREA' || el.tagName === 'INPUT';

function isUsable(el: Element): el is HTMLElement {
  if (isTextField(el)) {
    if (el.disabled || el.readOnly) return false;
  } else if (!(el as HTMLElement).isContentEditable) return false;
  // Hidden fallbacks (ChatGPT's spare textarea) have no boxes.
  return el.getClientRects().length > 0;
}

/** The site's message box: the first usable element of the first selector that finds one. */
export function findComposer(doc: Document, spec: ComposerSpec): HTMLElement | null {
  for (const selector of spec.selectors) {
    let found: NodeListOf<Element>;
    try {
      found = doc.querySelectorAll(selector);
    } catch {
      continue; // a selector this browser cannot parse: the next one
    }
    for (const el of Array.from(found)) if (isUsable(el)) return el;
  }
  return null;
}

/** What the element is, whatever the site's spec expected. */
export function composerKindOf(el: Element): ComposerKind {
  if (isTextField(el)) return 'textarea';
  return el.closest('.ProseMirror') ? 'prosemirror' : 'contenteditable';
}

const squash = (text: string) => text.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
const textOf = (el: HTMLElement) => (isTextField(el) ? el.value : (el.innerText ?? el.textContent ?? ''));
const holds = (el: HTMLElement, text: string) => squash(textOf(el)).includes(squash(text));

/** Lets the editor finish what an event started (Lexical and React commit in a microtask). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function insertIntoTextField(el: HTMLTextAreaElement | HTMLInputElement, text: string): void {
  const before = el.value;
  const next = before.trim() === '' ? text : `${before.replace(/\s+$/, '')}${el.tagName === 'TEXTAREA' ? '\n' : ' '}${text}`;
  const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, next);
  else el.value = next;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: text }));
  el.setSelectionRange(next.length, next.length);
}

function caretToEnd(doc: Document, el: HTMLElement): Range | null {
  const selection = doc.getSelection();
  if (!selection) return null;
  const range = doc.createRange();
  range.selectNodeContents(el);
  range.collapse(false);
  selection.removeAllRanges();
  selection.addRange(range);
  return range;
}

/**
 * The ways into a rich editor, tried in order until one is seen to work. Each returns false when
 * it did nothing (so the next may try) and true when the editor took the event.
 *  1. a `beforeinput` insertText: editors that keep their own model (Lexical, Slate) handle it and
 *     cancel it; one that does not cancel it is left alone (no DOM change from us);
 *  2. `execCommand('insertText')`: trusted typing into the DOM; editors that watch the DOM
 *     (ProseMirror, Quill) read it from there (it fires `input`, not `beforeinput`);
 *  3. a `paste` event carrying the text (editors read clipboardData);
 *  4. the text inserted at the caret by hand, then `input`.
 */
const RICH_TRIES: ReadonlyArray<(doc: Document, el: HTMLElement, text: string) => boolean> = [
  (_doc, el, text) =>
    !el.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText', data: text, bubbles: true, cancelable: true, composed: true })),
  (doc, _el, text) => doc.execCommand('insertText', false, text),
  (_doc, el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    return !el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  },
  (doc, el, text) => {
    const range = caretToEnd(doc, el);
    if (!range) return false;
    range.insertNode(doc.createTextNode(text));
    el.dispatchEvent(new InputEvent('input', { inputType: 'insertText', data: text, bubbles: true, composed: true }));
    return true;
  },
];

/**
 * Types `text` into the message box without sending it; true when the box is seen to hold it.
 * Appends after what the reader already typed.
 */
export async function insertIntoComposer(el: HTMLElement, text: string): Promise<boolean> {
  const doc = el.ownerDocument;
  el.focus({ preventScroll: false });
  if (isTextField(el)) {
    insertIntoTextField(el, text);
    await settle();
    return holds(el, text);
  }
  const existing = squash(textOf(el));
  const piece = existing === '' ? text : ` ${text}`;
  for (const attempt of RICH_TRIES) {
    caretToEnd(doc, el);
    let acted = false;
    try {
      acted = attempt(doc, el, piece);
    } catch {
      // an editor that throws on one kind of event: try the next kind
    }
    if (!acted) continue;
    await settle();
    if (holds(el, text)) return true;
    // The editor took something but reshaped it (smart quotes, say): trying again would type it twice.
    if (squash(textOf(el)) !== existing) return true;
  }
  return false;
}

/** Copies text to the clipboard: the async API, else a hidden textarea and execCommand('copy'). */
export async function copyText(doc: Document, text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // no permission or no focus: the older way below
  }
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('data-unspun', '');
  area.style.cssText = 'position:fixed;top:0;left:0;width:1px;height:1px;opacity:0;';
  (doc.body ?? doc.documentElement).append(area);
  area.select();
  let copied = false;
  try {
    copied = doc.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  return copied;
}

/** Puts the question in the site's message box, or copies it; says which. */
export async function askInComposer(
  doc: Document,
  spec: ComposerSpec | undefined,
  question: string,
  copy: (doc: Document, text: string) => Promise<boolean> = copyText,
): Promise<AskOutcome> {
  const el = spec ? findComposer(doc, spec) : null;
  if (el && (await insertIntoComposer(el, question))) return { how: 'composer', kind: composerKindOf(el) };
  const reason = el ? 'not-taken' : 'no-composer';
  return (await copy(doc, question)) ? { how: 'clipboard', reason } : { how: 'none', reason };
}

/** What the card says after "Ask for it". */
export function askOutcomeWords(outcome: AskOutcome): string {
  if (outcome.how === 'composer') return 'In the chat box, not sent: read it, then press Enter to send it.';
  if (outcome.how === 'clipboard') {
    return outcome.reason === 'no-composer'
      ? 'No chat box found on this page: the question is copied to your clipboard. Paste it into the chat.'
      : 'The chat box did not take it: the question is copied to your clipboard. Paste it into the chat.';
  }
  return 'Could not put it in the chat box or copy it; here it is to copy by hand:';
}
