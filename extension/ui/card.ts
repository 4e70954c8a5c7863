// The flag card: what move, where (the quote), why, and what would back it up. One card per page,
// fixed-positioned, in a shadow root. Judge and page text go in through textContent only.
import type { Flag, ScoreResult } from '#shared/schemas';
import { createShadowHost, h, scoreTone } from './dom.ts';
import { moveDefinition, moveName, SUPPORT_LABELS } from './move-names.ts';

const CARD_CSS = `
:host { all: initial; position: fixed; z-index: 2147483647; top: 0; left: 0; }
:host([hidden]) { display: none; }
.card { box-sizing: border-box; width: min(360px, calc(100vw - 16px)); max-height: min(70vh, 520px); overflow: auto; background: #fff; color: #111827; border: 1px solid #e5e7eb; border-radius: 12px; box-shadow: 0 10px 30px rgba(0,0,0,.18); padding: 12px 14px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.top { display: flex; align-items: center; gap: 8px; }
.name { font-weight: 700; font-size: 15px; }
.sev { margin-left: auto; font-size: 12px; color: #6b7280; }
.close { border: 0; background: transparent; font-size: 18px; line-height: 1; cursor: pointer; color: #6b7280; padding: 0 2px; }
.support { display: inline-block; margin-top: 4px; font-size: 12px; border-radius: 999px; padding: 1px 8px; background: #f3f4f6; }
.support.unsupported { background: #fee2e2; color: #7f1d1d; }
.support.weak { background: #fef3c7; color: #78350f; }
.support.supported, .support.requested { background: #dcfce7; color: #14532d; }
blockquote { margin: 10px 0; padding: 6px 10px; border-left: 3px solid #f59e0b; background: #fffbeb; font-style: italic; }
p { margin: 6px 0; }
.label { font-weight: 600; }
.def, .foot { color: #6b7280; font-size: 12px; }
ul { list-style: none; margin: 8px 0 0; padding: 0; }
li { padding: 6px 0; border-top: 1px solid #f3f4f6; }
li button { all: unset; cursor: pointer; display: block; width: 100%; }
li button:focus-visible { outline: 2px solid #6366f1; }
.score { font-weight: 700; border-radius: 999px; padding: 1px 8px; }
.score.low { background: #dcfce7; } .score.mid { background: #fef3c7; } .score.high { background: #fee2e2; }
.q { color: #374151; font-style: italic; }
`;

const present = (...nodes: (Node | null)[]): Node[] => nodes.filter((n): n is Node => n !== null);

/** Below the anchor when the card fits there, else above it, always inside the viewport. */
function placeNear(host: HTMLElement, card: HTMLElement, anchor: DOMRect): void {
  const margin = 8;
  const width = card.offsetWidth || Math.min(360, window.innerWidth - 2 * margin);
  const height = card.offsetHeight;
  const left = Math.max(margin, Math.min(anchor.left, window.innerWidth - width - margin));
  const spaceBelow = window.innerHeight - anchor.bottom - margin;
  const spaceAbove = anchor.top - margin;
  let top: number;
  if (height + margin <= spaceBelow) top = anchor.bottom + margin;
  else if (height + margin <= spaceAbove) top = anchor.top - margin - height;
  else top = Math.max(margin, window.innerHeight - height - margin);
  host.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
}

export function createFlagCard(doc: Document = document) {
  const { host, root } = createShadowHost('unspun-card', CARD_CSS);
  host.hidden = true;
  const card = h('div', { class: 'card', attrs: { role: 'dialog', 'aria-label': 'Unspun' } });
  root.append(card);
  let pinned = false;
  let current: Flag | ScoreResult | null = null;

  const mount = () => {
    if (!host.isConnected) (doc.body ?? doc.documentElement).append(host);
  };

  const header = (title: string, extra?: Node): HTMLElement => {
    const close = h('button', { class: 'close', text: '×', attrs: { type: 'button', 'aria-label': 'Close' } });
    close.addEventListener('click', () => api.hide(true));
    return h('div', { class: 'top' }, [h('span', { class: 'name', text: title }), extra, close]);
  };

  const api = {
    host,
    get pinned() {
      return pinned;
    },
    get isOpen() {
      return !host.hidden;
    },
    contains(node: EventTarget | null): boolean {
      return node === host;
    },
    showFlag(flag: Flag, anchor: DOMRect, options: { pin?: boolean } = {}): void {
      if (pinned && !options.pin && current !== flag) return;
      mount();
      current = flag;
      pinned = options.pin ?? pinned;
      const severity = h('span', { class: 'sev', text: `${'●'.repeat(flag.severity)}${'○'.repeat(3 - flag.severity)}`, attrs: { title: `Severity ${flag.severity} of 3` } });
      const definition = moveDefinition(flag.move);
      card.replaceChildren(...present(
        header(moveName(flag.move), severity),
        h('span', { class: `support ${flag.support}`, text: SUPPORT_LABELS[flag.support] }),
        h('blockquote', { text: flag.quote }),
        h('p', {}, [h('span', { class: 'label', text: 'Why: ' }), document.createTextNode(flag.rationale)]),
        flag.wouldSupport ? h('p', {}, [h('span', { class: 'label', text: 'What would back it up: ' }), document.createTextNode(flag.wouldSupport)]) : null,
        definition ? h('p', { class: 'def', text: definition }) : null,
        h('p', { class: 'foot', text: flag.source === 'judge' ? 'Found by the judge model' : `Found by the offline detector${flag.ruleId ? ` (rule ${flag.ruleId})` : ''}` }),
      ));
      card.dataset.move = flag.move;
      host.dataset.kind = 'flag';
      host.hidden = false;
      placeNear(host, card, anchor);
    },
    showSummary(result: ScoreResult, anchor: DOMRect, onPick: (flag: Flag) => void): void {
      mount();
      current = result;
      pinned = true;
      const score = Math.round(result.score);
      const list = h('ul');
      for (const flag of [...result.flags].sort((a, b) => a.start - b.start)) {
        const pick = h('button', { attrs: { type: 'button' } }, [h('span', { class: 'label', text: moveName(flag.move) }), h('div', { class: 'q', text: `“${flag.quote}”` })]);
        pick.addEventListener('click', () => onPick(flag));
        list.append(h('li', {}, [pick]));
      }
      card.replaceChildren(...present(
        header('Unspun', h('span', { class: `score ${scoreTone(score)}`, text: `${score} / 100` })),
        h('p', { text: result.flags.length === 0 ? 'No persuasive moves found in this reply.' : 'Where this reply pushes by something other than reasons:' }),
        result.flags.length ? list : null,
        h('p', { class: 'foot', text: `Scored by ${result.judge.kind === 'anthropic' ? `the judge model${result.judge.model ? ` ${result.judge.model}` : ''}` : 'the offline detector'}.` }),
      ));
      delete card.dataset.move;
      host.dataset.kind = 'summary';
      host.hidden = false;
      placeNear(host, card, anchor);
    },
    hide(force = false): void {
      if (pinned && !force) return;
      pinned = false;
      current = null;
      host.hidden = true;
    },
    remove(): void {
      host.remove();
    },
  };
  return api;
}

export type FlagCard = ReturnType<typeof createFlagCard>;
