// Text from pages and data exports shown as a name (a conversation's title) where a hidden
// direction control could make it lie: "Invoice \u202Egnp.exe" draws as "Invoice exe.png". The
// text goes in a <bdi dir="auto"> (isolated: its direction neither leaks into nor takes from what
// stands beside it, and an Arabic or Hebrew title reads right to left), and every explicit
// embedding, override or isolate control is replaced by a visible marker, so the characters draw
// in the order they are stored and the reader sees that something was hidden there.
import { h } from './dom.ts';

/** LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI. (LRM/RLM only nudge neutrals; they cannot reverse a run.) */
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

const NAMES: Record<string, string> = {
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
};

export function hasBidiControls(text: string): boolean {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(text);
}

/** `text` as an isolated <bdi>, its direction controls shown as markers (e.g. `[RLO]`), never applied. */
export function isolatedText(text: string, className?: string): HTMLElement {
  const el = h('bdi', { ...(className ? { class: className } : {}), attrs: { dir: 'auto' } });
  let from = 0;
  CONTROLS.lastIndex = 0;
  for (let m = CONTROLS.exec(text); m !== null; m = CONTROLS.exec(text)) {
    if (m.index > from) el.append(document.createTextNode(text.slice(from, m.index)));
    const code = m[0].codePointAt(0)!.toString(16).toUpperCase();
    el.append(
      h('span', {
        class: 'bidi-control',
        text: `[${NAMES[m[0]]}]`,
        attrs: { title: `A hidden direction control (U+${code}) was here: shown, not applied, so the text reads in its stored order` },
      }),
    );
    from = m.index + m[0].length;
  }
  if (from < text.length) el.append(document.createTextNode(text.slice(from)));
  return el;
}
