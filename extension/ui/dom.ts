// Tiny element builder: text only ever goes in through textContent.
import { UNSPUN_ATTRIBUTE } from '../sites/query.ts';

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { class?: string; text?: string; attrs?: Record<string, string> } = {},
  children: (Node | null | undefined | false)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) el.setAttribute(name, value);
  for (const child of children) if (child) el.append(child);
  return el;
}

/**
 * A host element for injected UI, marked so text extraction skips it, with a shadow root. Use
 * `closed` for anything the page must not read or drive (the flag card: the reader's labels and
 * notes); only the content script that made it keeps a reference to a closed root.
 */
export function createShadowHost(tag: string, css: string, mode: ShadowRootMode = 'open'): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  host.setAttribute(UNSPUN_ATTRIBUTE, '');
  const root = host.attachShadow({ mode });
  adoptCss(root, css);
  return { host, root };
}

/**
 * Adds CSS to a document or shadow root as a constructed stylesheet: unlike an inline <style>,
 * it is not blocked by a page's Content-Security-Policy (chat sites use strict ones).
 */
export function adoptCss(target: Document | ShadowRoot, css: string): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
  return sheet;
}

export function unadoptCss(target: Document | ShadowRoot, sheet: CSSStyleSheet): void {
  target.adoptedStyleSheets = target.adoptedStyleSheets.filter((s) => s !== sheet);
}

export function scoreTone(score: number): 'low' | 'mid' | 'high' {
  return score >= 50 ? 'high' : score >= 20 ? 'mid' : 'low';
}
