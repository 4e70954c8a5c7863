// The small score badge on a reply, in its own shadow root: the score, how many moves, and a
// dot per move family in the family's highlight colour with its count.
import type { Flag, ScoreResult } from '#shared/schemas';
import { FAMILIES, type Family } from '#shared/taxonomy';
import { createShadowHost, h, scoreTone } from './dom.ts';
import { FAMILY_COLOURS, familyName, familyOf } from './families.ts';
import { hiddenBy, movesPhrase, scoreSentence, waitingWords, type WaitingReason } from './score-words.ts';

const BADGE_CSS = `
:host { all: initial; display: block; margin-top: 6px; }
button { font: 600 12px/1.2 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; border: 1px solid transparent; border-radius: 999px; padding: 4px 10px; cursor: pointer; display: inline-flex; gap: 6px; align-items: center; }
button:focus-visible { outline: 2px solid #6366f1; outline-offset: 2px; }
.brand { font-weight: 700; letter-spacing: .02em; }
.score { font-variant-numeric: tabular-nums; padding-left: 6px; border-left: 1px solid currentColor; }
.sep { opacity: .6; }
.fams { display: inline-flex; gap: 6px; }
.fam { display: inline-flex; align-items: center; gap: 3px; font-variant-numeric: tabular-nums; }
.dot { width: 8px; height: 8px; border-radius: 50%; display: inline-block; }
.low { background: #dcfce7; color: #14532d; border-color: #86efac; }
.mid { background: #fef3c7; color: #78350f; border-color: #fcd34d; }
.high { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.pending, .failed { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
.pending.trouble { background: #fff7ed; color: #7c2d12; border-color: #fdba74; }
`;

export type BadgeState =
  | { kind: 'pending'; reason?: WaitingReason }
  | { kind: 'failed'; error?: string }
  | { kind: 'scored'; result: ScoreResult; drawn: number };

/** How many flags of each family, in taxonomy order, families with none left out. */
export function familyCounts(flags: readonly Pick<Flag, 'move'>[]): Array<{ family: Family; count: number }> {
  const counts = new Map<Family, number>();
  for (const f of flags) counts.set(familyOf(f.move), (counts.get(familyOf(f.move)) ?? 0) + 1);
  return FAMILIES.filter((f) => counts.has(f)).map((family) => ({ family, count: counts.get(family)! }));
}

export interface BadgeOptions {
  /** The flags the reader wants to see (reading settings); all of them by default. */
  visible?: (result: ScoreResult) => Flag[];
  /** How many of a result's flags the reader's labels hide (said apart from reading settings). */
  hiddenByLabels?: (result: ScoreResult) => number;
}

export function createBadge(onOpen: (anchor: HTMLElement, state: BadgeState['kind']) => void, options: BadgeOptions = {}) {
  const { host, root } = createShadowHost('unspun-badge', BADGE_CSS);
  const button = h('button', { attrs: { type: 'button', part: 'badge' } });
  root.append(button);
  let kind: BadgeState['kind'] = 'pending';
  // Every state opens a card: the score's summary, or why the reply is not scored and what to do.
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    onOpen(button, kind);
  });

  return {
    host,
    update(state: BadgeState): void {
      button.replaceChildren(h('span', { class: 'brand', text: 'Unspun' }));
      kind = state.kind;
      host.dataset.state = state.kind;
      button.removeAttribute('aria-label');
      if (state.kind === 'pending') {
        const reason = state.reason ?? 'scoring';
        const words = waitingWords(reason);
        host.dataset.reason = reason;
        button.className = reason === 'scoring' ? 'pending' : 'pending trouble';
        button.append(h('span', { text: state.reason ? words.badge : 'waiting to be scored…' }));
        button.title = state.reason ? `${words.title}. Click for what to do.` : 'Stored. Click to see why it is not scored yet.';
      } else if (state.kind === 'failed') {
        delete host.dataset.reason;
        button.className = 'failed';
        button.append(h('span', { text: 'could not be scored' }));
        button.title = state.error ? `${state.error} Click for details.` : 'Click for details.';
      } else {
        delete host.dataset.reason;
        const { result } = state;
        const score = Math.round(result.score);
        host.dataset.score = String(score);
        button.className = scoreTone(score);
        const shown = options.visible?.(result) ?? result.flags;
        const n = shown.length;
        const hidden = result.flags.length - n;
        const families = familyCounts(shown);
        const fams = h('span', { class: 'fams' });
        for (const { family, count } of families) {
          const dot = h('span', { class: 'dot' });
          dot.style.background = FAMILY_COLOURS[family].line;
          const label = `${familyName(family)}: ${count} move${count === 1 ? '' : 's'}`;
          fams.append(
            h('span', { class: 'fam', attrs: { title: label, 'aria-label': label, 'data-family': family } }, [dot, document.createTextNode(String(count))]),
          );
        }
        button.append(
          h('span', { class: 'score', text: `${score}/100`, attrs: { title: scoreSentence(score) } }),
          h('span', { class: 'sep', text: '·', attrs: { 'aria-hidden': 'true' } }),
          h('span', { class: 'moves', text: movesPhrase(n, hidden) }),
          ...(families.length ? [fams] : []),
        );
        host.dataset.shown = String(n);
        host.dataset.hidden = String(hidden);
        const byLabels = hidden ? (options.hiddenByLabels?.(result) ?? 0) : 0;
        button.title = `${scoreSentence(score)}.${hidden ? ` ${hiddenBy(hidden, byLabels)}: ${hidden === 1 ? 'it still counts' : 'they still count'} in the score.` : ''} Click for the moves.`;
        const byFamily = families.map(({ family, count }) => `${count} ${familyName(family)}`).join(', ');
        button.setAttribute(
          'aria-label',
          `Unspun score ${score} of 100, ${n} persuasive move${n === 1 ? '' : 's'}${byFamily ? ` (${byFamily})` : ''}${hidden ? `, ${hiddenBy(hidden, byLabels)}, still counted in the score` : ''}. ${scoreSentence(score)}. Show details.`,
        );
      }
    },
    remove(): void {
      host.remove();
    },
  };
}

export type Badge = ReturnType<typeof createBadge>;
