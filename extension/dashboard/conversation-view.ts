// One conversation as the page showed it: each user turn, then the reply with its flags
// highlighted (the same highlight layer and flag card as on chat pages, with agree / disagree),
// the judge's provenance, and, when another judge re-scored it, both judges side by side.
// Page and judge text go in through textContent only.
import type { Flag } from '#shared/schemas';
import type { MessageRecord, RescoreRecord, ScoreRecord } from '#shared/records';
import { labelKey, saveLabel, type LabelRecord } from '../db/labels.ts';
import { refreshCalibration } from '../db/calibration-store.ts';
import { browser } from 'wxt/browser';
import type { UnspunDb } from '../db/schema.ts';
import { createFlagCard, type FlagCard } from '../ui/card.ts';
import { h, scoreTone } from '../ui/dom.ts';
import { isolatedText } from '../ui/bidi.ts';
import { FAMILY_COLOURS, familyOf } from '../ui/families.ts';
import { createHighlightLayer, isHighlightSupported } from '../ui/highlights.ts';
import { moveName, SUPPORT_LABELS } from '../ui/move-names.ts';
import { compareFlags } from './compare.ts';
import type { ConversationDetail } from './archive-pages.ts';

const replies = (n: number) => `${n} repl${n === 1 ? 'y' : 'ies'}`;

export function provenanceText(score: Pick<ScoreRecord, 'judge' | 'quotesVerified' | 'scoredAt' | 'cached'>): string {
  const j = score.judge;
  const who = j.kind === 'anthropic' ? `judge model${j.model ? ` ${j.model}` : ''}` : `offline detector${j.model ? ` ${j.model}` : ''}`;
  const verified = score.quotesVerified === undefined ? 'quotes not checked' : score.quotesVerified ? 'quotes verified' : 'a quote did not match the reply';
  return `Scored by the ${who} · prompt ${j.promptVersion} · taxonomy ${j.taxonomyVersion} · ${verified} · ${new Date(score.scoredAt).toLocaleString()}${score.cached ? ' · from cache' : ''}`;
}

function flagChip(flag: Flag, label: LabelRecord | undefined, onClick: () => void): HTMLElement {
  const dot = h('span', { class: 'dot' });
  dot.style.background = FAMILY_COLOURS[familyOf(flag.move)].line;
  const chip = h(
    'button',
    {
      class: `chip${label ? ` ${label.verdict}` : ''}`,
      attrs: { type: 'button', title: `${SUPPORT_LABELS[flag.support]}: “${flag.quote.slice(0, 120)}”`, 'data-move': flag.move },
    },
    [dot, document.createTextNode(moveName(flag.move))],
  );
  chip.addEventListener('click', onClick);
  return chip;
}

function compareBlock(primary: ScoreRecord, other: RescoreRecord): HTMLElement {
  const c = compareFlags(primary.flags, other.flags);
  const list = (title: string, items: string[], cls: string) =>
    h('div', {}, [
      h('h4', { text: title }),
      items.length
        ? h(
            'ul',
            {},
            items.map((t) => h('li', { class: cls, text: t })),
          )
        : h('p', { class: 'muted', text: 'none' }),
    ]);
  const name = (f: Flag) => `${moveName(f.move)}: “${f.quote.slice(0, 80)}”`;
  const judgeName = (s: Pick<ScoreRecord, 'judge'>) => `${s.judge.kind}${s.judge.model ? ` (${s.judge.model})` : ''}`;
  return h('div', { class: 'comparison', attrs: { 'data-agreement': c.agreement.toFixed(3) } }, [
    h('p', {
      class: 'muted',
      text: `First score ${judgeName(primary)} ${Math.round(primary.score)}, re-score ${judgeName(other)} ${Math.round(other.score)} (${new Date(other.scoredAt).toLocaleString()}) · agreement ${Math.round(c.agreement * 100)}% (${c.both.length} flags in common, same move on overlapping text)`,
    }),
    h('div', { class: 'compare' }, [
      list(`Only the first score (${judgeName(primary)})`, c.onlyA.map(name), 'only'),
      list(`Only the re-score (${judgeName(other)})`, c.onlyB.map(name), 'only'),
    ]),
    list(
      'Both',
      c.both.map((p) => name(p.a)),
      'both',
    ),
  ]);
}

export function createConversationView(container: HTMLElement, db: UnspunDb, actions: { onDelete(key: string): void }) {
  container.classList.add('view');
  const layer = isHighlightSupported() ? createHighlightLayer(document) : null;
  let card: FlagCard | null = null;
  let detail: ConversationDetail | null = null;
  let labels = new Map<string, LabelRecord>();
  const drawnIds: string[] = [];

  function ensureCard(): FlagCard {
    card ??= createFlagCard({
      labels: {
        load: async (messageId, flag) => {
          if (!detail) return undefined;
          const l = labels.get(labelKey(detail.conversation.site, detail.conversation.conversationId, messageId, flag));
          return l ? { verdict: l.verdict, ...(l.note ? { note: l.note } : {}) } : undefined;
        },
        save: async (messageId, flag, verdict, note) => {
          if (!detail) return;
          const saved = await saveLabel(
            db,
            { site: detail.conversation.site, conversationId: detail.conversation.conversationId, messageId, flag, verdict, note },
            Date.now(),
          );
          labels.set(saved.key, saved);
          void refreshCalibration(db, browser.storage.local).catch(() => undefined); // pages apply what the label taught
        },
      },
      onHide: () => layer?.setActive(null),
    });
    return card;
  }

  function showFlag(flag: Flag, messageId: string, range: Range | null, anchor: HTMLElement): void {
    const c = ensureCard();
    if (range) layer?.setActive(range);
    c.showFlag(flag, range ?? anchor.getBoundingClientRect(), { pin: true, messageId, focus: true });
  }

  function replyBlock(message: MessageRecord): HTMLElement {
    const score = detail!.scores.get(message.key);
    const textEl = h('div', { class: 'reply-text', text: message.text, attrs: { 'data-message-id': message.messageId } });
    const textNode = textEl.firstChild;
    const ranges = new Map<Flag, Range>();
    if (score && textNode) {
      for (const flag of score.flags) {
        // A flag whose quote is not the text at its offsets is never drawn (shared/anchor's rule).
        if (flag.end > message.text.length || message.text.slice(flag.start, flag.end) !== flag.quote) continue;
        const range = document.createRange();
        range.setStart(textNode, flag.start);
        range.setEnd(textNode, flag.end);
        ranges.set(flag, range);
      }
    }
    textEl.addEventListener('click', (event) => {
      if (!layer) return;
      const pos = document.caretPositionFromPoint?.(event.clientX, event.clientY);
      const node = pos?.offsetNode ?? document.caretRangeFromPoint?.(event.clientX, event.clientY)?.startContainer;
      const offset = pos?.offset ?? document.caretRangeFromPoint?.(event.clientX, event.clientY)?.startOffset ?? 0;
      const hit = node ? layer.at(node, offset) : undefined;
      if (hit) showFlag(hit.flag, hit.messageId, hit.range, textEl);
    });
    const headBits: (Node | null)[] = [
      h('span', { text: `${message.model ?? 'model not shown'} · ${new Date(message.capturedAt).toLocaleString()} · ${message.status}` }),
    ];
    if (score) headBits.push(h('span', { class: `score ${scoreTone(Math.round(score.score))}`, text: `${Math.round(score.score)} / 100` }));
    const chips = score
      ? h(
          'div',
          { class: 'chips' },
          [...score.flags]
            .sort((a, b) => a.start - b.start)
            .map((flag) => {
              const label = labels.get(labelKey(message.site, message.conversationId, message.messageId, flag));
              const chip = flagChip(flag, label, () => showFlag(flag, message.messageId, ranges.get(flag) ?? null, chip));
              return chip;
            }),
        )
      : null;
    const others = detail!.rescores.get(message.key) ?? [];
    const block = h('div', { class: 'reply', attrs: { 'data-key': message.key } }, [
      h('div', { class: 'reply-head' }, headBits),
      textEl,
      chips,
      score
        ? h('p', { class: 'provenance', text: provenanceText(score) })
        : h('p', { class: 'provenance', text: message.lastError ? `Not scored: ${message.lastError}` : 'Not scored yet.' }),
      ...(score ? others.map((o) => compareBlock(score, o)) : []),
    ]);
    if (layer && ranges.size) {
      layer.set(
        message.messageId,
        [...ranges].map(([flag, range]) => ({ flag, range, messageId: message.messageId })),
      );
      drawnIds.push(message.messageId);
    }
    return block;
  }

  function deleteButton(key: string): HTMLElement {
    const button = h('button', { class: 'danger', text: 'Delete conversation', attrs: { type: 'button' } });
    const wrap = h('span', { class: 'confirm' }, [button]);
    button.addEventListener('click', () => {
      const yes = h('button', { class: 'danger', text: 'Yes, delete it', attrs: { type: 'button' } });
      const no = h('button', { text: 'Keep it', attrs: { type: 'button' } });
      wrap.replaceChildren(h('span', { text: 'Delete this conversation and its scores and labels?' }), yes, no);
      yes.addEventListener('click', () => actions.onDelete(key));
      no.addEventListener('click', () => wrap.replaceChildren(button));
      no.focus();
    });
    return wrap;
  }

  function clear(): void {
    card?.hide(true);
    for (const id of drawnIds.splice(0)) layer?.clear(id);
  }

  return {
    show(next: ConversationDetail): void {
      clear();
      detail = next;
      labels = new Map(next.labels.map((l) => [l.key, l]));
      const c = next.conversation;
      const turns: HTMLElement[] = [];
      for (const m of next.messages) {
        turns.push(h('div', { class: 'turn' }, [m.userTurn ? h('div', { class: 'user' }, [isolatedText(m.userTurn)]) : null, replyBlock(m)]));
      }
      const link = c.url && /^https:\/\//.test(c.url) ? h('a', { text: c.url, attrs: { href: c.url, target: '_blank', rel: 'noreferrer noopener' } }) : null;
      container.replaceChildren(
        h('h2', {}, [isolatedText(c.title ?? c.conversationId)]),
        h('p', { class: 'muted' }, [
          document.createTextNode(
            `${c.site} · ${replies(c.messageCount ?? next.messages.length)} · captured ${c.captureMethod ?? 'dom'}${c.adapterVersion ? ` by ${c.adapterVersion}` : ''} · ${c.completeness ?? 'partial'} · `,
          ),
          link,
        ]),
        h('div', { class: 'toolbar' }, [deleteButton(c.key)]),
        ...turns,
      );
      container.scrollTop = 0;
    },
    empty(text: string): void {
      clear();
      detail = null;
      container.replaceChildren(h('p', { class: 'muted', text }));
    },
    get key(): string | null {
      return detail?.conversation.key ?? null;
    },
  };
}
