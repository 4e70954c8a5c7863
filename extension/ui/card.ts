// The flag card: what move, where (the quote), why, what would back it up, who found it, and the
// reader's agree / disagree. One card per page, fixed-positioned, in a closed shadow root: the
// chat page cannot read the reader's note or earlier verdicts, and a label is saved only from a
// trusted event (a real click or key press; a page script's synthetic click is ignored). Judge and
// page text go in through textContent only.
//
// Keyboard: the badge opens the summary (focus moves to its first flag), Enter on a flag opens
// its card (focus moves to it), Tab stays inside the card, Escape closes it and gives focus back
// to whatever had it before.
import type { Flag, ScoreResult } from '#shared/schemas';
import type { LabelledFlag, Verdict } from '../db/labels.ts';
import { createShadowHost, h, scoreTone } from './dom.ts';
import { FAMILY_COLOURS, familyName, familyOf } from './families.ts';
import { moveDefinition, moveName, SUPPORT_LABELS } from './move-names.ts';
import { familyCounts } from './badge.ts';
import { hiddenNote, scoreSentence, type WaitingWords } from './score-words.ts';
import { needsAskBack } from '#shared/ask-back';
import { askOutcomeWords, type AskOutcome } from './composer.ts';

export const CARD_CSS = `
:host { all: initial; position: fixed; z-index: 2147483647; top: 0; left: 0; }
:host([hidden]) { display: none; }
.card { box-sizing: border-box; width: min(340px, calc(100vw - 16px)); max-height: min(75vh, 560px); overflow: auto; background: #fff; color: #111827; border: 1px solid #e5e7eb; border-radius: 10px; box-shadow: 0 8px 24px rgba(0,0,0,.18); padding: 10px 12px; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.card:focus { outline: none; }
.top { display: flex; align-items: center; gap: 8px; }
.name { font-weight: 700; font-size: 14px; margin: 0; display: inline-flex; align-items: center; gap: 6px; }
.name:focus, .name:focus-visible { outline: none; }
.sev { margin-left: auto; font-size: 12px; color: #6b7280; }
.close { border: 0; background: transparent; font-size: 18px; line-height: 1; cursor: pointer; color: #6b7280; padding: 0 4px; border-radius: 4px; }
.why { margin: 4px 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #374151; }
.would { margin: 4px 0; }
details { margin: 4px 0; font-size: 12px; color: #4b5563; }
summary { cursor: pointer; color: #4338ca; font-weight: 600; }
details p { margin: 4px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 10px; margin: 6px 0 0; font-size: 12px; color: #374151; }
.pick li button .label { font-weight: 600; }
.action { display: inline-block; margin-top: 6px; font: 600 13px/1.2 system-ui, sans-serif; border: 1px solid #4338ca; background: #4338ca; color: #fff; border-radius: 8px; padding: 6px 12px; cursor: pointer; text-decoration: none; }
code { font: 12px ui-monospace, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
.family { display: inline-flex; align-items: center; gap: 5px; font-size: 12px; color: #374151; margin-right: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; }
.support { display: inline-block; margin-top: 4px; font-size: 12px; border-radius: 999px; padding: 1px 8px; background: #f3f4f6; }
.support.unsupported { background: #fee2e2; color: #7f1d1d; }
.support.weak { background: #fef3c7; color: #78350f; }
.support.supported, .support.requested { background: #dcfce7; color: #14532d; }
blockquote { margin: 10px 0; padding: 6px 10px; border-left: 3px solid var(--family, #f59e0b); background: #f9fafb; font-style: italic; white-space: pre-wrap; }
p { margin: 6px 0; }
.label { font-weight: 600; }
.def, .foot { color: #6b7280; font-size: 12px; }
.verdict { margin-top: 6px; padding-top: 6px; border-top: 1px solid #f3f4f6; }
.verdict .ask { font-size: 12px; font-weight: 600; margin: 0; }
.verdict .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.verdict button { font: 600 12px/1.2 inherit; font-family: inherit; border: 1px solid #d1d5db; background: #f9fafb; color: #111827; border-radius: 8px; padding: 4px 10px; cursor: pointer; }
.verdict button[aria-pressed="true"].agree { background: #dcfce7; border-color: #16a34a; }
.verdict button[aria-pressed="true"].disagree { background: #fee2e2; border-color: #dc2626; }
.verdict textarea { box-sizing: border-box; width: 100%; min-height: 28px; margin-top: 6px; font: 13px/1.4 inherit; font-family: inherit; border: 1px solid #d1d5db; border-radius: 8px; padding: 5px 8px; resize: vertical; }
.verdict .status { font-size: 12px; color: #15803d; margin: 2px 0 0; }
.verdict .status:empty { display: none; }
.verdict .status.bad { color: #b91c1c; }
button:focus-visible, textarea:focus-visible { outline: 2px solid #6366f1; outline-offset: 2px; }
ul { list-style: none; margin: 8px 0 0; padding: 0; }
li { padding: 6px 0; border-top: 1px solid #f3f4f6; }
li button { all: unset; cursor: pointer; display: block; width: 100%; box-sizing: border-box; border-radius: 6px; padding: 2px 4px; }
li button:focus-visible { outline: 2px solid #6366f1; }
.score { font-weight: 700; border-radius: 999px; padding: 1px 8px; }
.top .score { margin-left: auto; }
.score.low { background: #dcfce7; } .score.mid { background: #fef3c7; } .score.high { background: #fee2e2; }
.q { color: #374151; font-style: italic; }
.askback { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin-top: 6px; padding-top: 6px; border-top: 1px solid #f3f4f6; }
.askback .question { flex: 1; min-width: 0; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: #1e1b4b; font-size: 12px; }
.askback button.ask { flex: none; font: 600 12px/1.2 inherit; font-family: inherit; border: 1px solid #4338ca; background: #4338ca; color: #fff; border-radius: 8px; padding: 4px 10px; cursor: pointer; }
.askback .ask-status { flex-basis: 100%; font-size: 12px; color: #3730a3; margin: 0; }
.askback .ask-status:empty { display: none; }
.askback .ask-status.bad { color: #b91c1c; }
.muted { color: #6b7280; font-size: 12px; }
`;

const present = (...nodes: (Node | null | undefined | false)[]): Node[] => nodes.filter((n): n is Node => Boolean(n));

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlapArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));

/**
 * Where a card of `size` goes beside or below `anchor` without covering the anchor or any box in
 * `avoid` (the reply's other highlights; for the summary, the reply itself). Tried in order: below
 * the anchor, above it, to the right of `region` (the reply), to its left, right of the anchor,
 * left of it; the first that fits the viewport and covers nothing wins, else the one covering least.
 */
export function chooseSpot(
  size: { width: number; height: number },
  anchor: Box,
  avoid: readonly Box[],
  viewport: { width: number; height: number },
  region?: Box,
): { left: number; top: number } {
  const m = 8;
  const { width, height } = size;
  const clampX = (x: number) => Math.max(m, Math.min(x, viewport.width - width - m));
  const clampY = (y: number) => Math.max(m, Math.min(y, viewport.height - height - m));
  const area = region ?? anchor;
  const raw: Array<{ left: number; top: number }> = [
    { left: anchor.left, top: anchor.bottom + m },
    { left: anchor.left, top: anchor.top - m - height },
    { left: area.right + m, top: anchor.top },
    { left: area.left - m - width, top: anchor.top },
    { left: anchor.right + m, top: anchor.top },
    { left: anchor.left - m - width, top: anchor.top },
    { left: anchor.left, top: area.bottom + m },
  ];
  let best: { left: number; top: number; cost: number } | null = null;
  for (const spot of raw) {
    const left = clampX(spot.left);
    const top = clampY(spot.top);
    const box = { left, top, right: left + width, bottom: top + height };
    // Clamping may push the card back over its anchor: that counts as covering it, heavily.
    const cost = overlapArea(box, anchor) * 10 + avoid.reduce((sum, r) => sum + overlapArea(box, r), 0);
    if (cost === 0) return { left, top };
    if (!best || cost < best.cost) best = { left, top, cost };
  }
  return { left: best!.left, top: best!.top };
}

/** Places the card with chooseSpot, its height cut to the viewport when it is taller. */
export function placeNear(host: HTMLElement, card: HTMLElement, anchor: DOMRect, avoid: readonly Box[] = [], region?: Box): void {
  card.style.maxHeight = `${Math.max(120, Math.min(560, window.innerHeight - 16))}px`;
  const width = card.offsetWidth || Math.min(340, window.innerWidth - 16);
  const height = card.offsetHeight;
  const { left, top } = chooseSpot({ width, height }, anchor, avoid, { width: window.innerWidth, height: window.innerHeight }, region);
  host.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
}

/** True when the card, where it is now, covers none of `avoid`. */
function coversNothing(card: HTMLElement, avoid: readonly Box[]): boolean {
  const r = card.getBoundingClientRect();
  return avoid.every((b) => overlapArea(r, b) === 0);
}

/** Where labels go: the content script binds these to its site and conversation. */
export interface CardLabels {
  load(messageId: string, flag: LabelledFlag): Promise<{ verdict: Verdict; note?: string } | undefined>;
  save(messageId: string, flag: LabelledFlag, verdict: Verdict, note: string): Promise<void>;
}

export interface FlagCardOptions {
  labels?: CardLabels;
  /** "Ask for it": puts a flag's askBack question into the site's message box (or copies it). */
  ask?: (question: string) => Promise<AskOutcome>;
  /** Called whenever the card closes (e.g. to clear the active highlight). */
  onHide?: () => void;
  doc?: Document;
  /** How many of a result's flags the reader's labels hide (they are said apart in the note). */
  hiddenByLabels?: (result: ScoreResult) => number;
}

export interface ShowFlagOptions {
  pin?: boolean;
  /** The reply the flag belongs to: needed for agree / disagree. */
  messageId?: string;
  /** Move keyboard focus into the card (a keyboard or click open; never on hover). */
  focus?: boolean;
  /** Boxes the card must not cover: the reply's other highlights (recomputed on scroll). */
  avoid?: () => Box[];
  /** The reply's box: the card may sit beside it. */
  region?: () => Box | undefined;
}

/** The part of a flag a label identifies it by. */
export function labelledFlag(flag: Flag): LabelledFlag {
  return { move: flag.move, start: flag.start, end: flag.end, quote: flag.quote, source: flag.source, ...(flag.ruleId ? { ruleId: flag.ruleId } : {}) };
}

/** Who made the flag, for the card's footer. */
export function madeBy(flag: Pick<Flag, 'source'>, judgeModel?: string): string {
  if (flag.source === 'judge') return `Found by the judge model${judgeModel ? ` (${judgeModel})` : ''}.`;
  return 'Found by the offline detector (word patterns, no AI).';
}

const FOCUSABLE = 'button:not([disabled]), textarea, [href], input, [tabindex]:not([tabindex="-1"])';

export function createFlagCard(options: FlagCardOptions = {}) {
  const doc = options.doc ?? document;
  const { host, root } = createShadowHost('unspun-card', CARD_CSS, 'closed');
  host.hidden = true;
  const card = h('div', { class: 'card', attrs: { role: 'dialog', 'aria-label': 'Unspun', tabindex: '-1' } });
  root.append(card);
  let pinned = false;
  let current: Flag | ScoreResult | null = null;
  let anchorRange: Range | null = null;
  /** What had focus before the card took it, to give it back on close. */
  let opener: HTMLElement | null = null;
  let frame: number | null = null;

  const mount = () => {
    delete card.dataset.reason;
    if (!host.isConnected) (doc.body ?? doc.documentElement).append(host);
  };

  const deepActive = (): HTMLElement | null => {
    let el = doc.activeElement as HTMLElement | null;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
    return el;
  };
  const hasFocus = () => root.activeElement !== null;

  function takeFocus(target?: HTMLElement | null): void {
    if (!hasFocus()) {
      const active = deepActive();
      if (active && active !== doc.body) opener = active;
    }
    (target ?? card).focus({ preventScroll: true });
  }

  /** The card's heading takes focus on open: one stray Enter then does nothing. */
  const header = (title: string, extra?: Node | null, lead?: Node | null): HTMLElement => {
    const close = h('button', { class: 'close', text: '×', attrs: { type: 'button', 'aria-label': 'Close' } });
    close.addEventListener('click', () => api.hide(true));
    const heading = h('h2', { class: 'name', attrs: { tabindex: '-1' } }, present(lead, document.createTextNode(title)));
    card.setAttribute('aria-label', title);
    return h('div', { class: 'top' }, present(heading, extra, close));
  };
  const headingOf = () => card.querySelector<HTMLElement>('.name');
  let avoidBoxes: (() => Box[]) | undefined;
  let regionBox: (() => Box | undefined) | undefined;
  const place = (anchor: DOMRect) => placeNear(host, card, anchor, avoidBoxes?.() ?? [], regionBox?.());
  /**
   * For the badge's cards: when no spot beside or below the badge is free of the reply, the badge
   * is scrolled to the top of the view and the card opens below it.
   */
  const placeByBadge = (anchor: DOMRect | HTMLElement, region?: Box | (() => Box | undefined)) => {
    const rect = () => (anchor instanceof HTMLElement ? anchor.getBoundingClientRect() : anchor);
    const regionNow = () => (typeof region === 'function' ? region() : region);
    avoidBoxes = () => {
      const r = regionNow();
      return r ? [r] : [];
    };
    regionBox = regionNow;
    place(rect());
    if (!(anchor instanceof HTMLElement) || coversNothing(card, avoidBoxes())) return;
    anchor.scrollIntoView({ block: 'start' });
    place(rect());
    if (coversNothing(card, avoidBoxes())) return;
    // Still no room (the end of the page): below the badge, shorter, its list scrolling inside.
    const r = rect();
    const room = window.innerHeight - r.bottom - 16;
    if (room < 160) return;
    card.style.maxHeight = `${room}px`;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - card.offsetWidth - 8));
    host.style.transform = `translate(${Math.round(left)}px, ${Math.round(r.bottom + 8)}px)`;
  };

  // Tab and Shift+Tab cycle inside the card; Escape closes it. Keys typed here stay here.
  root.addEventListener('keydown', (event) => {
    const e = event as KeyboardEvent;
    if (e.key === 'Escape') {
      api.hide(true);
      return;
    }
    if (e.key !== 'Tab') return;
    const items = Array.from(card.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = root.activeElement;
    if (e.shiftKey && (active === first || active === card)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  });

  // A pinned card follows its text when the page scrolls or resizes.
  const follow = () => {
    if (frame !== null || host.hidden || !anchorRange) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      if (host.hidden || !anchorRange) return;
      if (!anchorRange.startContainer.isConnected) return;
      place(anchorRange.getBoundingClientRect());
    });
  };
  window.addEventListener('scroll', follow, { passive: true, capture: true });
  window.addEventListener('resize', follow, { passive: true });

  function verdictSection(messageId: string, flag: Flag): HTMLElement {
    const labels = options.labels!;
    const ref = labelledFlag(flag);
    const agree = h('button', { class: 'agree', text: 'Agree', attrs: { type: 'button', 'aria-pressed': 'false', title: 'This is a persuasive move' } });
    const disagree = h('button', {
      class: 'disagree',
      text: 'Disagree',
      attrs: { type: 'button', 'aria-pressed': 'false', title: 'This is not a persuasive move' },
    });
    const note = h('textarea', { attrs: { placeholder: 'Note (optional)', 'aria-label': 'Note (optional)', maxlength: '2000', rows: '2' } });
    const status = h('p', { class: 'status', attrs: { role: 'status' } });
    const section = h('div', { class: 'verdict' }, [
      h('p', { class: 'ask', text: 'Is this a persuasive move?' }),
      h('div', { class: 'row' }, [agree, disagree]),
      note,
      status,
    ]);
    const show = (verdict: Verdict | undefined) => {
      agree.setAttribute('aria-pressed', String(verdict === 'agree'));
      disagree.setAttribute('aria-pressed', String(verdict === 'disagree'));
      section.dataset.verdict = verdict ?? '';
    };
    const save = async (verdict: Verdict) => {
      status.className = 'status';
      status.textContent = 'Saving…';
      try {
        await labels.save(messageId, ref, verdict, note.value);
        if (current !== flag) return;
        show(verdict);
        status.textContent = verdict === 'agree' ? 'Saved: you agree.' : 'Saved: you disagree.';
      } catch (error) {
        status.className = 'status bad';
        status.textContent = `Not saved: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    // Only the reader labels: events a page script dispatches are not trusted, and are dropped.
    agree.addEventListener('click', (event) => {
      if (event.isTrusted) void save('agree');
    });
    disagree.addEventListener('click', (event) => {
      if (event.isTrusted) void save('disagree');
    });
    // A note written after the verdict is saved when the reader leaves the field.
    note.addEventListener('change', (event) => {
      if (!event.isTrusted) return;
      const verdict = section.dataset.verdict;
      if (verdict === 'agree' || verdict === 'disagree') void save(verdict);
    });
    labels.load(messageId, ref).then(
      (existing) => {
        if (current !== flag || !existing) return;
        show(existing.verdict);
        if (!note.value && existing.note) note.value = existing.note;
        status.textContent = existing.verdict === 'agree' ? 'You agreed earlier.' : 'You disagreed earlier.';
      },
      () => undefined,
    );
    return section;
  }

  /** The flag's follow-up question and the button that puts it in the chat box (never sends it). */
  function askSection(flag: Flag & { askBack: string }): HTMLElement {
    const ask = options.ask!;
    const button = h('button', {
      class: 'ask',
      text: 'Ask for it',
      attrs: { type: 'button', title: 'Put this follow-up question in the chat box, without sending it' },
    });
    const status = h('p', { class: 'ask-status', attrs: { role: 'status' } });
    // One line, so the card stays compact; the whole question in its tooltip and in the chat box.
    const section = h('div', { class: 'askback' }, [button, h('p', { class: 'question', text: flag.askBack, attrs: { title: flag.askBack } }), status]);
    button.addEventListener('click', () => {
      status.className = 'ask-status';
      status.textContent = 'Putting it in the chat box…';
      ask(flag.askBack).then(
        (outcome) => {
          if (current !== flag) return;
          status.className = outcome.how === 'none' ? 'ask-status bad' : 'ask-status';
          status.textContent = outcome.how === 'none' ? `${askOutcomeWords(outcome)} ${flag.askBack}` : askOutcomeWords(outcome);
          section.dataset.asked = outcome.how;
        },
        (error: unknown) => {
          if (current !== flag) return;
          status.className = 'ask-status bad';
          status.textContent = `Could not ask: ${error instanceof Error ? error.message : String(error)}`;
          section.dataset.asked = 'error';
        },
      );
    });
    return section;
  }

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
    showFlag(flag: Flag, anchor: DOMRect | Range, show: ShowFlagOptions = {}): void {
      if (pinned && !show.pin && current !== flag) return;
      mount();
      current = flag;
      pinned = show.pin ?? pinned;
      anchorRange = anchor instanceof Range ? anchor : null;
      avoidBoxes = show.avoid;
      regionBox = show.region;
      const family = familyOf(flag.move);
      const colour = FAMILY_COLOURS[family].line;
      const severity = h('span', {
        class: 'sev',
        text: `${'●'.repeat(flag.severity)}${'○'.repeat(3 - flag.severity)}`,
        attrs: { title: `Severity ${flag.severity} of 3`, 'aria-label': `Severity ${flag.severity} of 3` },
      });
      const swatch = h('span', { class: 'swatch', attrs: { title: familyName(family) } });
      swatch.style.background = colour;
      const definition = moveDefinition(flag.move);
      const result = current;
      card.style.setProperty('--family', colour);
      // Compact: name, the why in one line, support and what would back it up; the rest behind "More".
      const more = h(
        'details',
        { class: 'more' },
        present(
          h('summary', { text: 'More' }),
          h('p', {}, [h('span', { class: 'label', text: 'Family: ' }), document.createTextNode(familyName(family))]),
          h('p', { class: 'full-why' }, [h('span', { class: 'label', text: 'Why it is a move: ' }), document.createTextNode(flag.rationale)]),
          definition ? h('p', { class: 'def' }, [h('span', { class: 'label', text: `${moveName(flag.move)}: ` }), document.createTextNode(definition)]) : null,
          h('p', { class: 'foot', text: madeBy(flag) }),
        ),
      );
      card.replaceChildren(
        ...present(
          header(moveName(flag.move), severity, swatch),
          h('p', { class: 'why', text: flag.rationale, attrs: { title: flag.rationale } }),
          h(
            'p',
            { class: 'would' },
            present(
              h('span', { class: `support ${flag.support}`, text: SUPPORT_LABELS[flag.support] }),
              flag.wouldSupport ? document.createTextNode(' ') : null,
              flag.wouldSupport ? h('span', { class: 'label', text: 'What would back it up: ' }) : null,
              flag.wouldSupport ? document.createTextNode(flag.wouldSupport) : null,
            ),
          ),
          more,
          options.labels && show.messageId && result === flag ? verdictSection(show.messageId, flag) : null,
          // Last, so the keyboard path through the card (Close, More, Agree, Disagree, note) is unchanged.
          options.ask && flag.askBack && needsAskBack(flag) ? askSection(flag as Flag & { askBack: string }) : null,
        ),
      );
      card.dataset.move = flag.move;
      card.dataset.family = family;
      host.dataset.kind = 'flag';
      if (show.messageId) host.dataset.messageId = show.messageId;
      else delete host.dataset.messageId;
      host.hidden = false;
      place(anchor instanceof Range ? anchor.getBoundingClientRect() : anchor);
      more.addEventListener('toggle', () => {
        if (!host.hidden && anchorRange) place(anchorRange.getBoundingClientRect());
      });
      if (show.focus) takeFocus(headingOf());
    },
    /** Overlapping flags at one spot: a small list to pick which card to open. */
    showPicker(flags: readonly Flag[], anchor: Range, onPick: (flag: Flag) => void, show: Pick<ShowFlagOptions, 'avoid' | 'region' | 'messageId'> = {}): void {
      mount();
      current = null;
      pinned = true;
      anchorRange = anchor;
      avoidBoxes = show.avoid;
      regionBox = show.region;
      const list = h('ul', { class: 'pick' });
      for (const flag of flags) {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = FAMILY_COLOURS[familyOf(flag.move)].line;
        const pick = h('button', { attrs: { type: 'button', 'data-move': flag.move } }, [
          h('span', { class: 'family' }, [swatch, h('span', { class: 'label', text: moveName(flag.move) })]),
          h('span', { class: 'muted', text: SUPPORT_LABELS[flag.support] }),
        ]);
        pick.addEventListener('click', () => onPick(flag));
        list.append(h('li', {}, [pick]));
      }
      card.replaceChildren(
        header(`${flags.length} moves here`),
        h('p', { class: 'muted', text: 'This text is flagged for more than one move. Which one?' }),
        list,
      );
      delete card.dataset.move;
      delete card.dataset.family;
      host.dataset.kind = 'picker';
      if (show.messageId) host.dataset.messageId = show.messageId;
      host.hidden = false;
      place(anchor.getBoundingClientRect());
      takeFocus(headingOf());
    },
    /** A reply not scored yet: why, in words, and the one thing to do about it. */
    showWaiting(words: WaitingWords, anchor: DOMRect | HTMLElement, onAction: () => void, region?: () => Box | undefined): void {
      mount();
      current = null;
      pinned = true;
      anchorRange = null;
      const body = h('p', { class: 'body' });
      // `npm start` and the like shown as code; everything else as plain text.
      words.body
        .split(/(`[^`]+`)/)
        .forEach((part) => body.append(part.startsWith('`') ? h('code', { text: part.slice(1, -1) }) : document.createTextNode(part)));
      const action = h('button', { class: 'action', text: words.action.label, attrs: { type: 'button' } });
      action.addEventListener('click', () => onAction());
      card.replaceChildren(header(words.title), body, action);
      card.dataset.reason = words.reason;
      delete card.dataset.move;
      host.dataset.kind = 'waiting';
      host.hidden = false;
      placeByBadge(anchor, region);
      takeFocus(headingOf());
    },
    showSummary(
      result: ScoreResult,
      anchor: DOMRect | HTMLElement,
      onPick: (flag: Flag) => void,
      shown: readonly Flag[] = result.flags,
      region?: () => Box | undefined,
    ): void {
      mount();
      current = result;
      pinned = true;
      anchorRange = null;
      const score = Math.round(result.score);
      const list = h('ul');
      for (const flag of [...shown].sort((a, b) => a.start - b.start)) {
        const swatch = h('span', { class: 'swatch', attrs: { title: familyName(familyOf(flag.move)) } });
        swatch.style.background = FAMILY_COLOURS[familyOf(flag.move)].line;
        const pick = h('button', { attrs: { type: 'button' } }, [
          h('span', { class: 'family' }, [swatch, h('span', { class: 'label', text: moveName(flag.move) })]),
          h('span', { class: 'muted', text: SUPPORT_LABELS[flag.support] }),
          h('div', { class: 'q', text: `“${flag.quote}”` }),
        ]);
        pick.addEventListener('click', () => onPick(flag));
        list.append(h('li', {}, [pick]));
      }
      const hidden = result.flags.length - shown.length;
      const legend = h('div', { class: 'legend', attrs: { 'aria-label': 'Colours: move families' } });
      for (const { family, count } of familyCounts(shown)) {
        const swatch = h('span', { class: 'swatch' });
        swatch.style.background = FAMILY_COLOURS[family].line;
        legend.append(h('span', { class: 'family', attrs: { 'data-family': family } }, [swatch, document.createTextNode(`${familyName(family)} ${count}`)]));
      }
      const note = hiddenNote(shown.length, hidden, options.hiddenByLabels?.(result) ?? 0);
      card.replaceChildren(
        ...present(
          header('Unspun', h('span', { class: `score ${scoreTone(score)}`, text: `${score}/100` })),
          h('p', { class: 'meaning', text: scoreSentence(score) }),
          note ? h('p', { class: 'muted hidden-note', text: note }) : null,
          shown.length ? legend : null,
          h('p', {
            text:
              shown.length === 0
                ? result.flags.length === 0
                  ? 'No persuasive moves found in this reply.'
                  : 'No moves shown with your reading settings.'
                : 'Where this reply pushes by something other than reasons:',
          }),
          shown.length ? list : null,
          h('p', {
            class: 'foot',
            text: `Scored by ${result.judge.kind === 'anthropic' ? `the judge model${result.judge.model ? ` ${result.judge.model}` : ''}` : 'the offline detector'}.`,
          }),
        ),
      );
      delete card.dataset.move;
      delete card.dataset.family;
      host.dataset.kind = 'summary';
      host.hidden = false;
      // Beside or below the badge, never over the reply it summarises.
      placeByBadge(anchor, region);
      takeFocus(list.querySelector('button') ?? card);
    },
    hide(force = false): void {
      if (pinned && !force) return;
      const hadFocus = hasFocus();
      pinned = false;
      current = null;
      anchorRange = null;
      host.hidden = true;
      if (hadFocus && opener?.isConnected) opener.focus({ preventScroll: true });
      if (hadFocus) opener = null;
      options.onHide?.();
    },
    remove(): void {
      window.removeEventListener('scroll', follow, { capture: true });
      window.removeEventListener('resize', follow);
      if (frame !== null) cancelAnimationFrame(frame);
      host.remove();
    },
  };
  return api;
}

export type FlagCard = ReturnType<typeof createFlagCard>;
