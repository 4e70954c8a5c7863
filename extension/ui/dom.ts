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

/** A host element for injected UI, marked so text extraction skips it, with an open shadow root. */
export function createShadowHost(tag: string, css: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  host.setAttribute(UNSPUN_ATTRIBUTE, '');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
  return { host, root };
}

export function scoreTone(score: number): 'low' | 'mid' | 'high' {
  return score >= 50 ? 'high' : score >= 20 ? 'mid' : 'low';
}
