// The card "Check with Unspun" shows near a selection on any page: in a shadow root, every piece
// of page, proxy and judge text set through textContent.
import type { ScoreResult } from '#shared/schemas';
import { CARD_CSS, madeBy, placeNear } from './card.ts';
import { createShadowHost, h, scoreTone } from './dom.ts';
import { FAMILY_COLOURS, familyName, familyOf } from './families.ts';
import { moveName, SUPPORT_LABELS } from './move-names.ts';

const EXTRA_CSS = `
.flag { padding: 8px 0; border-top: 1px solid #f3f4f6; }
.flag blockquote { margin: 6px 0; }
.notice { font-size: 12px; color: #78350f; background: #fffbeb; border-radius: 6px; padding: 4px 8px; }
`;

export type SelectionCardState = { kind: 'pending' } | { kind: 'message'; text: string } | { kind: 'result'; result: ScoreResult };

export function createSelectionCard(doc: Document = document) {
  const { host, root } = createShadowHost('unspun-check-card', CARD_CSS + EXTRA_CSS);
  host.hidden = true;
  const card = h('div', { class: 'card', attrs: { role: 'dialog', 'aria-label': 'Unspun check', tabindex: '-1' } });
  root.append(card);
  let opener: HTMLElement | null = null;
  let anchor: DOMRect | null = null;

  const close = () => {
    const hadFocus = root.activeElement !== null;
    host.hidden = true;
    if (hadFocus && opener?.isConnected) opener.focus({ preventScroll: true });
  };
  root.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') close();
  });
  doc.addEventListener(
    'mousedown',
    (event) => {
      if (!host.hidden && !event.composedPath().includes(host)) close();
    },
    true,
  );

  const header = (extra?: Node): HTMLElement => {
    const x = h('button', { class: 'close', text: '×', attrs: { type: 'button', 'aria-label': 'Close' } });
    x.addEventListener('click', close);
    return h('div', { class: 'top' }, [h('span', { class: 'name', text: 'Unspun' }), ...(extra ? [extra] : []), x]);
  };

  function render(state: SelectionCardState): Node[] {
    if (state.kind === 'pending') return [header(), h('p', { text: 'Checking the selected text…' })];
    if (state.kind === 'message') return [header(), h('p', { text: state.text })];
    const { result } = state;
    const score = Math.round(result.score);
    const nodes: Node[] = [header(h('span', { class: `score ${scoreTone(score)}`, text: `${score} / 100`, attrs: { 'aria-label': `Score ${score} of 100` } }))];
    if (result.notice) nodes.push(h('p', { class: 'notice', text: result.notice }));
    nodes.push(
      h('p', {
        text:
          result.flags.length === 0
            ? 'No persuasive moves found in the selected text.'
            : `${result.flags.length} persuasive move${result.flags.length === 1 ? '' : 's'} in the selected text:`,
      }),
    );
    for (const flag of result.flags) {
      const family = familyOf(flag.move);
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = FAMILY_COLOURS[family].line;
      const item = h('div', { class: 'flag', attrs: { 'data-move': flag.move } }, [
        h('div', {}, [
          h('span', { class: 'family' }, [swatch, h('span', { class: 'label', text: moveName(flag.move) })]),
          h('span', { class: `support ${flag.support}`, text: SUPPORT_LABELS[flag.support] }),
        ]),
        h('blockquote', { text: flag.quote }),
        h('p', {}, [h('span', { class: 'label', text: 'Why it is a move: ' }), doc.createTextNode(flag.rationale)]),
        flag.wouldSupport ? h('p', {}, [h('span', { class: 'label', text: 'What would back it up: ' }), doc.createTextNode(flag.wouldSupport)]) : null,
        h('p', { class: 'foot', text: `${familyName(family)}. ${madeBy(flag, result.judge.model)}` }),
      ]);
      item.querySelector('blockquote')!.style.borderLeftColor = FAMILY_COLOURS[family].line;
      nodes.push(item);
    }
    nodes.push(
      h('p', {
        class: 'foot',
        text: `Scored by ${result.judge.kind === 'anthropic' ? `the judge model${result.judge.model ? ` ${result.judge.model}` : ''}` : 'the offline detector'}.`,
      }),
    );
    return nodes;
  }

  return {
    host,
    show(state: SelectionCardState, near?: DOMRect): void {
      if (!host.isConnected) (doc.body ?? doc.documentElement).append(host);
      if (near) anchor = near;
      card.replaceChildren(...render(state));
      host.dataset.state = state.kind;
      host.hidden = false;
      placeNear(host, card, anchor ?? new DOMRect(16, 16, 0, 0));
      if (root.activeElement === null) {
        const active = doc.activeElement as HTMLElement | null;
        if (active && active !== doc.body && active !== host) opener = active;
      }
      card.focus({ preventScroll: true });
    },
    close,
    remove(): void {
      host.remove();
    },
  };
}

export type SelectionCard = ReturnType<typeof createSelectionCard>;
