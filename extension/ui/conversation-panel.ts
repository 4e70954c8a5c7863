// The conversation panel (Chrome side panel, Firefox sidebar): every flag in the conversation of
// the active tab, grouped by reply, with the reader's settings applied; a click scrolls the page
// to the flag and opens its card; a legend of the moves by family. Reads the archive directly
// (same extension origin as the background); text goes in through textContent only.
import { liveQuery, type Subscription } from 'dexie';
import { browser } from 'wxt/browser';
import { FAMILIES, FAMILY_INFO, MOVES } from '#shared/taxonomy';
import type { Flag, ScoreResult } from '#shared/schemas';
import type { MessageRecord } from '#shared/records';
import { labelsOfConversation, labelKey, type LabelRecord } from '../db/labels.ts';
import { messagesOfConversation } from '../db/queries.ts';
import { createDb, type UnspunDb } from '../db/schema.ts';
import type { CitedPageAnswer, PageConversation, PanelShowFlag, ShowFlagResponse } from '../reader-messages.ts';
import { adoptCss, h, scoreTone } from './dom.ts';
import { FAMILY_COLOURS, familyOf } from './families.ts';
import { moveName, SUPPORT_LABELS } from './move-names.ts';
import { EMPTY_CALIBRATION, type CalibrationTable } from '#shared/detect/calibration';
import { calibrationFromChange, loadCalibration } from '../db/calibration-store.ts';
import { hiddenBy } from './score-words.ts';
import { ledgerSummary } from '#shared/detect/claims';
import type { Claim, ClaimCite, ClaimSupport } from '#shared/schemas';
import { citeClaims, citeName, danglingNote } from '#shared/detect/citations';
import { checkCitedPage, pageWhere, type CheckOutcome } from './cited-page-check.ts';
import { applyReading, isPausedHost, loadReading, readingFromChange, saveReading, withPausedHost, type ReadingSettings } from './reading-settings.ts';

const PANEL_CSS = `
h1 { font-size: 16px; margin: 0 0 2px; }
h2 { font-size: 14px; margin: 18px 0 6px; }
.sub, .muted { color: #6b7280; font-size: 12px; margin: 0; }
.pause { display: flex; gap: 8px; align-items: center; margin: 10px 0; font-size: 13px; }
.reply { border: 1px solid #e5e7eb; border-radius: 10px; padding: 8px 10px; margin: 10px 0; }
.reply-head { display: flex; gap: 8px; align-items: baseline; }
.reply-head strong { font-size: 13px; }
.opening { color: #374151; font-size: 12px; margin: 2px 0 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.score { font-weight: 700; border-radius: 999px; padding: 0 8px; font-size: 12px; margin-left: auto; }
.score.low { background: #dcfce7; } .score.mid { background: #fef3c7; } .score.high { background: #fee2e2; }
ul { list-style: none; margin: 0; padding: 0; }
li + li { border-top: 1px solid #f3f4f6; }
button.flag { all: unset; box-sizing: border-box; display: block; width: 100%; cursor: pointer; padding: 6px 4px; border-radius: 6px; }
button.flag:hover { background: #f9fafb; }
button.flag:focus-visible { outline: 2px solid #6366f1; }
.move { font-weight: 600; display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 3px; flex: none; }
.q { display: block; font-style: italic; color: #374151; font-size: 12px; margin-top: 2px; }
.meta { display: block; font-size: 11px; color: #6b7280; }
.legend dt { display: flex; align-items: center; gap: 6px; font-weight: 600; margin-top: 8px; }
.legend dd { margin: 2px 0 0 16px; font-size: 12px; color: #374151; }
details { font-size: 12px; margin: 2px 0 0 16px; }
details p { margin: 2px 0 6px; color: #4b5563; }
.empty { color: #6b7280; padding: 8px 0; }
.ledger { margin: 6px 0 0; font-size: 12px; }
.ledger summary { cursor: pointer; font-weight: 600; color: #1f2937; }
.ledger ol { margin: 4px 0 0; padding-left: 18px; }
.ledger li { padding: 2px 0; border: 0; }
.ledger .claim-support { font-weight: 600; margin-right: 4px; }
.ledger .claim-support.none { color: #b91c1c; }
.ledger .claim-note { color: #6b7280; }
.ledger .claim-dangling { display: block; color: #b91c1c; font-weight: 600; margin-top: 2px; }
.ledger .cite { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; margin: 3px 0 0; }
.ledger .cite-where { color: #1f2937; overflow-wrap: anywhere; }
.ledger button.check-page { font: inherit; font-size: 11px; padding: 1px 8px; border-radius: 6px; border: 1px solid #6366f1; background: #fff; color: #3730a3; cursor: pointer; }
.ledger button.check-page:disabled { opacity: 0.6; cursor: default; }
.ledger .check-status { flex-basis: 100%; color: #374151; }
.ledger .check-status[data-outcome="found"] { color: #166534; }
.ledger .check-status[data-outcome="partly"] { color: #92400e; }
.ledger .check-status[data-outcome="not-found"], .ledger .check-status[data-outcome="refused"], .ledger .check-status[data-outcome="failed"] { color: #b91c1c; }
`;

/** How each kind of backing reads in the ledger. */
export const CLAIM_SUPPORT_LABELS: Record<ClaimSupport, string> = {
  source: 'Sourced',
  link: 'Linked',
  number: 'A number',
  reasoning: 'A reason',
  none: 'Nothing',
};

/** "Check the cited page": runs one check (the panel wires the permission request and the background). */
export type CitedPageChecker = (url: string, quote: string) => Promise<{ outcome: CheckOutcome; text: string }>;

/** What the reader's checks said, kept across re-renders (by reply, URL and claim). */
export type CheckResults = Map<string, { outcome: CheckOutcome | 'checking'; text: string }>;

/** One cited page under a claim: its address as text, the button, and what the check said. */
function citedPageRow(
  cite: ClaimCite & { url: string; host: string },
  claim: Claim,
  key: string,
  checker: CitedPageChecker | undefined,
  results: CheckResults,
  onDetachedResult: (() => void) | undefined,
): HTMLElement {
  const status = h('span', { class: 'check-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const show = () => {
    const r = results.get(key);
    status.textContent = r?.text ?? '';
    if (r) status.dataset.outcome = r.outcome;
    else delete status.dataset.outcome;
  };
  show();
  const row = h('div', { class: 'cite', attrs: { 'data-host': cite.host } }, [
    h('span', { class: 'cite-where', text: `${citeName(cite.label)} → ${pageWhere(cite.url)}` }),
  ]);
  if (checker) {
    const button = h('button', {
      class: 'check-page',
      attrs: { type: 'button', title: `Ask to read ${cite.host} once, and look for this claim's figures and words there` },
      text: 'Check the cited page',
    });
    button.addEventListener('click', () => {
      // No await before the checker: it asks for the permission inside this click.
      const pending = checker(cite.url, claim.quote);
      results.set(key, { outcome: 'checking', text: `Checking ${cite.host}…` });
      button.disabled = true;
      show();
      void pending.then((r) => {
        results.set(key, r);
        button.disabled = false;
        show();
        // The panel re-rendered meanwhile: this row is gone, the new one still says "Checking".
        if (!status.isConnected) onDetachedResult?.();
      });
    });
    row.append(button);
  }
  row.append(status);
  return row;
}

/**
 * The claim ledger of one reply: a one-line count, the claims behind a disclosure. Text only.
 * A claim whose citation marker points nowhere says so in words; each cited page shows its
 * address as text and, with a checker, a "Check the cited page" button.
 */
export function ledgerSection(
  claims: readonly Claim[],
  options: { checker?: CitedPageChecker; results?: CheckResults; replyKey?: string; onDetachedResult?: () => void } = {},
): HTMLElement {
  const results = options.results ?? new Map();
  const list = h('ol');
  for (const claim of claims) {
    const dangling = claim.cites ? danglingNote(claim.cites) : '';
    const rest = dangling && claim.note?.startsWith(dangling) ? claim.note.slice(dangling.length).replace(/^;\s*/, '') : claim.note;
    const item = h('li', { attrs: { 'data-support': claim.support, ...(dangling ? { 'data-dangling': 'true' } : {}) } }, [
      h('span', { class: `claim-support ${claim.support}`, text: `${CLAIM_SUPPORT_LABELS[claim.support]}:` }),
      h('span', { class: 'claim-quote', text: `“${claim.quote}”` }),
      ...(rest ? [h('span', { class: 'claim-note', text: ` (${rest})` })] : []),
    ]);
    if (dangling) item.append(h('span', { class: 'claim-dangling', text: `${dangling.charAt(0).toUpperCase()}${dangling.slice(1)}.` }));
    for (const cite of claim.cites ?? []) {
      if (!cite.url || !cite.host) continue;
      const key = `${options.replyKey ?? ''}|${claim.start}|${cite.url}`;
      item.append(citedPageRow(cite as ClaimCite & { url: string; host: string }, claim, key, options.checker, results, options.onDetachedResult));
    }
    list.append(item);
  }
  const nowhere = claims.filter((c) => c.cites?.some((x) => x.nowhere)).length;
  const line = `${ledgerSummary(claims)}${nowhere ? `; ${nowhere} cite${nowhere === 1 ? 's' : ''} a source that points nowhere` : ''}`;
  const summary = h('summary', { text: line });
  return claims.length
    ? h('details', { class: 'ledger', ...(nowhere ? { attrs: { open: '' } } : {}) }, [summary, list])
    : h('p', { class: 'ledger muted', text: ledgerSummary(claims) });
}

/** One reply of the conversation as the panel shows it. */
export interface PanelReply {
  message: MessageRecord;
  result?: ScoreResult;
  shown: Flag[];
  hidden: number;
  /** Of `hidden`, how many the reader's labels hide. */
  hiddenByLabels: number;
}

/** Replies in page order with the reader's settings applied (pure, for tests). */
export function panelReplies(
  messages: readonly MessageRecord[],
  scores: ReadonlyMap<string, ScoreResult>,
  reading: ReadingSettings,
  calibration?: CalibrationTable,
): PanelReply[] {
  return [...messages]
    .sort((a, b) => a.capturedAt - b.capturedAt)
    .map((message) => {
      const result = scores.get(message.key);
      if (!result) return { message, shown: [], hidden: 0, hiddenByLabels: 0 };
      const { shown, hidden, hiddenByLabels } = applyReading(result, reading, calibration);
      return { message, result, shown: [...shown].sort((a, b) => a.start - b.start), hidden, hiddenByLabels };
    });
}

const swatchFor = (flag: Pick<Flag, 'move'>): HTMLElement => {
  const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
  swatch.style.background = FAMILY_COLOURS[familyOf(flag.move)].line;
  return swatch;
};

function legend(): HTMLElement {
  const list = h('dl', { class: 'legend' });
  for (const family of FAMILIES) {
    const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.background = FAMILY_COLOURS[family].line;
    const moves = MOVES.filter((m) => m.family === family);
    const details = moves.map((m) =>
      h('details', {}, [h('summary', { text: m.name }), h('p', { text: m.definition }), h('p', { text: `Supported when: ${m.supportedWhen}` })]),
    );
    list.append(
      h('dt', { attrs: { 'data-family': family } }, [swatch, document.createTextNode(FAMILY_INFO[family].name)]),
      h('dd', { text: FAMILY_INFO[family].description }, details),
    );
  }
  return h('section', { attrs: { 'aria-label': 'Legend' } }, [
    h('h2', { text: 'Legend' }),
    h('p', { class: 'muted', text: 'Colour: the family of the move. Underline: dotted, solid, wavy for severity 1, 2, 3.' }),
    list,
  ]);
}

async function targetTabId(): Promise<number | undefined> {
  const fromUrl = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isInteger(fromUrl) && fromUrl > 0) return fromUrl;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

async function askPage(tabId: number): Promise<PageConversation | null> {
  try {
    const answer = (await browser.tabs.sendMessage(tabId, { type: 'panel-get-conversation' }, { frameId: 0 })) as PageConversation | undefined;
    return answer && typeof answer.site === 'string' ? answer : null;
  } catch {
    return null; // no Unspun content script in that tab (not a chat page, or not loaded yet)
  }
}

export function mountConversationPanel(root: HTMLElement, db: UnspunDb = createDb()): () => void {
  adoptCss(document, PANEL_CSS);
  let reading: ReadingSettings | null = null;
  let calibration: CalibrationTable = EMPTY_CALIBRATION;
  let rendered = false;
  let tabId: number | undefined;
  let page: PageConversation | null = null;
  let subscription: Subscription | null = null;
  const checkResults: CheckResults = new Map();
  const checkPage: CitedPageChecker = (url, quote) =>
    checkCitedPage(
      {
        request: (permissions) => browser.permissions.request(permissions),
        send: (message) => browser.runtime.sendMessage(message) as Promise<CitedPageAnswer | undefined>,
      },
      url,
      quote,
    );
  let data: { messages: MessageRecord[]; scores: Map<string, ScoreResult>; labels: Map<string, LabelRecord> } | null = null;

  function render(): void {
    if (!reading) return;
    const nodes: Node[] = [];
    if (!page) {
      nodes.push(
        h('h1', { text: 'Unspun' }),
        h('p', { class: 'empty', text: 'No chat conversation in this tab. Open a conversation on a supported chat site and its flags appear here.' }),
      );
    } else {
      nodes.push(h('h1', { text: `This conversation on ${page.siteName}` }));
      const paused = isPausedHost(reading, page.host);
      const box = h('input', { attrs: { type: 'checkbox', id: 'pause' } });
      box.checked = paused;
      box.addEventListener('change', () => void saveReading(browser.storage.local, withPausedHost(reading!, page!.host, box.checked)));
      nodes.push(h('label', { class: 'pause' }, [box, document.createTextNode(`Pause Unspun on ${page.host}`)]));
      if (!page.conversationId) nodes.push(h('p', { class: 'empty', text: 'No conversation open yet.' }));
      else if (!data || data.messages.length === 0)
        nodes.push(h('p', { class: 'empty', text: paused ? 'Paused on this site.' : 'No replies captured in this conversation yet.' }));
      else {
        const replies = panelReplies(data.messages, data.scores, reading, calibration);
        const total = replies.reduce((n, r) => n + r.shown.length, 0);
        const hidden = replies.reduce((n, r) => n + r.hidden, 0);
        const byLabels = replies.reduce((n, r) => n + r.hiddenByLabels, 0);
        nodes.push(
          h('p', {
            class: 'sub',
            text: `${replies.length} repl${replies.length === 1 ? 'y' : 'ies'}, ${total} flag${total === 1 ? '' : 's'}${hidden ? ` (${hiddenBy(hidden, byLabels)})` : ''}.`,
          }),
        );
        replies.forEach((reply, index) => nodes.push(replyGroup(reply, index)));
      }
    }
    nodes.push(legend());
    root.replaceChildren(...nodes);
    root.dataset.state = page ? 'conversation' : 'none';
    rendered = true;
  }

  function replyGroup(reply: PanelReply, index: number): HTMLElement {
    const head = h('div', { class: 'reply-head' }, [h('strong', { text: `Reply ${index + 1}` })]);
    if (reply.result) {
      const score = Math.round(reply.result.score);
      head.append(h('span', { class: `score ${scoreTone(score)}`, text: `${score} / 100` }));
    } else head.append(h('span', { class: 'muted', text: reply.message.status === 'failed' ? 'could not be scored' : 'waiting to be scored' }));
    const group = h('section', { class: 'reply', attrs: { 'data-message-id': reply.message.messageId } }, [
      head,
      h('p', { class: 'opening', text: reply.message.text.slice(0, 160) }),
    ]);
    if (reply.result && reply.shown.length === 0)
      group.append(h('p', { class: 'muted', text: reply.result.flags.length ? 'No flags with your reading settings.' : 'No persuasive moves found.' }));
    const list = h('ul');
    for (const flag of reply.shown) {
      const label = data?.labels.get(labelKey(reply.message.site, reply.message.conversationId, reply.message.messageId, flag));
      const button = h('button', { class: 'flag', attrs: { type: 'button', 'data-move': flag.move, title: 'Show it in the page' } }, [
        h('span', { class: 'move' }, [swatchFor(flag), document.createTextNode(moveName(flag.move))]),
        h('span', { class: 'q', text: `“${flag.quote}”` }),
        h('span', {
          class: 'meta',
          text: `${SUPPORT_LABELS[flag.support]} · ${flag.source === 'judge' ? 'judge model' : 'offline detector'}${label ? ` · you ${label.verdict === 'agree' ? 'agreed' : 'disagreed'}` : ''}`,
        }),
      ]);
      button.addEventListener('click', () => void showInPage(reply.message.messageId, flag));
      list.append(h('li', {}, [button]));
    }
    if (reply.shown.length) group.append(list);
    if (reply.hidden) group.append(h('p', { class: 'muted', text: `${hiddenBy(reply.hidden, reply.hiddenByLabels)}.` }));
    if (reply.result?.claims) {
      const claims = citeClaims(reply.message.text, reply.result.claims, reply.message.citations ?? []);
      group.append(ledgerSection(claims, { checker: checkPage, results: checkResults, replyKey: reply.message.key, onDetachedResult: render }));
    }
    return group;
  }

  async function showInPage(messageId: string, flag: Flag): Promise<void> {
    if (tabId === undefined) return;
    const message: PanelShowFlag = { type: 'panel-show-flag', messageId, flag: { move: flag.move, start: flag.start, end: flag.end, quote: flag.quote } };
    try {
      const answer = (await browser.tabs.sendMessage(tabId, message, { frameId: 0 })) as ShowFlagResponse | undefined;
      root.dataset.lastShown = answer?.ok ? 'ok' : 'missing';
    } catch {
      root.dataset.lastShown = 'missing';
    }
  }

  function watchConversation(): void {
    subscription?.unsubscribe();
    subscription = null;
    data = null;
    if (!page?.conversationId) {
      render();
      return;
    }
    const { site, conversationId } = page as PageConversation & { conversationId: string };
    subscription = liveQuery(async () => {
      const messages = await messagesOfConversation(db, site, conversationId);
      const scores = await db.scores.bulkGet(messages.map((m) => m.key));
      const labels = await labelsOfConversation(db, site, conversationId);
      return {
        messages,
        scores: new Map(scores.filter((s) => s !== undefined).map((s) => [s.messageKey, s as ScoreResult])),
        labels: new Map(labels.map((l) => [l.key, l])),
      };
    }).subscribe({
      next: (value) => {
        data = value;
        render();
      },
      error: () => render(),
    });
  }

  async function refresh(): Promise<void> {
    tabId = await targetTabId();
    const next = tabId === undefined ? null : await askPage(tabId);
    const changed = next?.site !== page?.site || next?.conversationId !== page?.conversationId;
    page = next;
    // Re-render only on a change: a redraw every poll would take keyboard focus away.
    if (changed || (!subscription && !rendered)) watchConversation();
  }

  const onActivated = () => void refresh();
  const onUpdated = (id: number, change: { status?: string }) => {
    if (id === tabId && change.status === 'complete') void refresh();
  };
  const onStorage = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    const next = readingFromChange(changes, area);
    const nextCalibration = calibrationFromChange(changes, area);
    if (nextCalibration) calibration = nextCalibration;
    if (next) reading = next;
    if (next || nextCalibration) render();
  };
  browser.tabs.onActivated.addListener(onActivated);
  browser.tabs.onUpdated.addListener(onUpdated);
  browser.storage.onChanged.addListener(onStorage);
  // The page's conversation can change without a reload (SPA navigation): ask again now and then.
  const poll = setInterval(() => void refresh(), 2_000);

  void Promise.all([loadReading(browser.storage.local), loadCalibration(browser.storage.local)]).then(([r, c]) => {
    reading = r;
    calibration = c;
    return refresh();
  });

  return () => {
    clearInterval(poll);
    subscription?.unsubscribe();
    browser.tabs.onActivated.removeListener(onActivated);
    browser.tabs.onUpdated.removeListener(onUpdated);
    browser.storage.onChanged.removeListener(onStorage);
  };
}
