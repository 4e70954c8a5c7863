// The studies page: paste a join link → the consent screen (what the study is, what exactly
// leaves this computer, one real example record) → join; then, per study, the review list, the
// sending progress, pause, leave and "delete everything I gave". Every text from a server or
// from the archive goes in through textContent (ui/dom.ts h()), never as HTML.
import { browser } from 'wxt/browser';
import type { ExportMessage, ExportRecord } from '#shared/export/record';
import { SITES, type SiteId } from '../sites/index.ts';
import { h } from '../ui/dom.ts';
import { moveName } from '../ui/move-names.ts';
import { type ItemView, type PreviewResponse, sendStudyMessage, type StudyView } from './messages.ts';
import type { ParticipantAction } from './outbox-state.ts';
import { ITEM_STATE_WORDS, receiptLines, timeUntil, whatLeaves } from './words.ts';

const siteName = (id: string): string => SITES[id as SiteId]?.name ?? id;
const STATE_WORDS = { active: 'Taking part', paused: 'Paused', left: 'Left', withdrawn: 'Left, data deleted' } as const;
const POLL_MS = 1_000;
const CLOSED_WORDS: Record<string, string> = {
  full: 'This study is full: it has all the participants it asked for. You cannot join it.',
  closed: 'The researcher has closed this study. You cannot join it.',
  ended: 'This study has ended. You cannot join it.',
};

/** A message's text with its redaction placeholders marked, as text nodes and spans. */
function redactedText(message: ExportMessage): HTMLElement {
  const out = h('div', { class: 'text' });
  let at = 0;
  for (const item of [...(message.redactions ?? [])].sort((a, b) => a.start - b.start)) {
    if (item.start < at || item.end > message.text.length) continue;
    out.append(
      document.createTextNode(message.text.slice(at, item.start)),
      h('span', { class: 'placeholder', text: message.text.slice(item.start, item.end) }),
    );
    at = item.end;
  }
  out.append(document.createTextNode(message.text.slice(at)));
  return out;
}

function flagsLine(message: ExportMessage): string | null {
  const flags = message.scores?.[0]?.flags ?? [];
  if (message.role !== 'assistant' || !message.scores?.length) return null;
  return flags.length === 0
    ? 'No flags.'
    : `${flags.length} flag${flags.length === 1 ? '' : 's'}: ${[...new Set(flags.map((f) => moveName(f.move)))].join(', ')}.`;
}

/** A record as the participant reads it, with the raw JSON that is sent one click away. */
export function recordView(record: ExportRecord, open = false): HTMLElement {
  const messages = record.messages.map((m) =>
    h('div', { class: 'msg' }, [
      h('div', { class: 'who', text: m.role === 'user' ? 'You' : `Assistant${m.model ? ` (${m.model})` : ''}` }),
      redactedText(m),
      ((line) => (line ? h('div', { class: 'muted', text: line }) : null))(flagsLine(m)),
    ]),
  );
  const raw = h('details', open ? { attrs: { open: '' } } : {}, [
    h('summary', { text: 'The record exactly as sent (JSON)' }),
    h('pre', { class: 'json', text: JSON.stringify(record, null, 2) }),
  ]);
  return h('div', { class: 'example' }, [
    h('p', {
      class: 'muted',
      text: `Site: ${siteName(record.conversation.site)} · conversation ${record.conversation.id} · redactions: ${
        Object.entries(record.redaction.counts)
          .map(([k, n]) => `${n} ${k}`)
          .join(', ') || 'none needed'
      }`,
    }),
    ...messages,
    raw,
  ]);
}

export function mountStudiesPage(): void {
  const $ = (id: string) => document.getElementById(id)!;
  const form = $('join-form') as HTMLFormElement;
  const input = $('join-url') as HTMLInputElement;
  const joinStatus = $('join-status');
  const consent = $('consent');
  const mine = $('mine');

  const say = (text: string, tone: '' | 'bad' | 'good' = '') => {
    joinStatus.textContent = text;
    joinStatus.className = `note ${tone}`;
  };

  async function show(joinUrl: string): Promise<void> {
    consent.hidden = true;
    say('Reading the study…');
    const preview = await sendStudyMessage({ type: 'study-preview', joinUrl });
    if (!preview.ok) {
      say(preview.error, 'bad');
      if (preview.needsPermission) askPermission(joinUrl, preview.needsPermission);
      return;
    }
    say('');
    renderConsent(preview, joinUrl);
  }

  /** A study on another machine: the participant allows that one origin (a click is required by the browser). */
  function askPermission(joinUrl: string, origin: string) {
    const allow = h('button', { class: 'primary', text: `Allow Unspun to contact ${origin}`, attrs: { type: 'button', id: 'allow-origin' } });
    allow.addEventListener('click', async () => {
      const granted = await browser.permissions.request({ origins: [`${origin}/*`] }).catch(() => false);
      if (granted) void show(joinUrl);
      else say(`Not allowed: Unspun will not contact ${origin}. Nothing was sent.`, 'bad');
    });
    joinStatus.append(h('div', { class: 'row' }, [allow]));
  }

  function renderConsent(preview: Extract<PreviewResponse, { ok: true }>, joinUrl: string) {
    const { study, link } = preview;
    const agree = h('input', { attrs: { type: 'checkbox', id: 'agree' } });
    const join = h('button', { class: 'primary', text: 'Join the study', attrs: { type: 'button', id: 'join-study', disabled: '' } });
    const cancel = h('button', { text: 'Not now', attrs: { type: 'button' } });
    const note = h('p', { class: 'note', attrs: { role: 'status', id: 'consent-status' } });
    // The server says whether the study still takes participants; joining would be refused anyway.
    const closed =
      study.status && study.status !== 'open' ? (CLOSED_WORDS[study.status] ?? `This study is ${study.status}: it does not take new participants.`) : null;
    if (closed) agree.disabled = true;
    agree.addEventListener('change', () => (join.disabled = !agree.checked));
    cancel.addEventListener('click', () => {
      consent.hidden = true;
      consent.replaceChildren();
    });
    join.addEventListener('click', async () => {
      join.disabled = true;
      note.className = 'note';
      note.textContent = 'Joining…';
      const answer = await sendStudyMessage({ type: 'study-join', joinUrl, consent: true, consentHash: preview.consentHash });
      if (!answer.ok) {
        note.className = 'note bad';
        note.textContent = answer.error;
        join.disabled = !agree.checked;
        return;
      }
      consent.hidden = true;
      consent.replaceChildren();
      history.replaceState(null, '', location.pathname);
      say(`You joined “${study.title}”. What Unspun captures from now on appears below before it is sent.`, 'good');
      void refresh(true);
    });

    const origin = preview.loopback
      ? h('p', { class: 'origin local' }, [
          document.createTextNode('Study server: '),
          h('code', { text: link.origin }),
          document.createTextNode(' (on this computer).'),
        ])
      : h('div', { class: 'origin', attrs: { id: 'foreign-origin' } }, [
          h('p', {}, [document.createTextNode('This study is run from '), h('code', { text: link.origin }), document.createTextNode('.')]),
          h('p', { text: 'That is another machine: everything you donate is sent there. Join only if you trust the researcher who gave you this link.' }),
        ]);
    const parts: (Node | null)[] = [
      h('h2', { text: study.title, attrs: { id: 'consent-title' } }),
      origin,
      study.researcher ? h('p', {}, [h('strong', { text: 'Researcher: ' }), document.createTextNode(study.researcher)]) : null,
      closed ? h('p', { class: 'note bad', text: closed, attrs: { 'data-closed': '' } }) : null,
      preview.joined ? h('p', { class: 'note', text: `You have joined this study before (${STATE_WORDS[preview.joined]}).` }) : null,
      h('h3', { text: 'Consent' }),
      h('div', { class: 'consent-text', text: study.consent, attrs: { tabindex: '0', 'aria-label': 'Consent text' } }),
      h('h3', { text: 'What leaves this computer' }),
      h(
        'ul',
        { class: 'leaves' },
        whatLeaves(study, siteName).map((line) => h('li', { text: line })),
      ),
      h('h3', { text: 'One example, exactly as it would be sent' }),
      h('p', {
        class: 'muted',
        text:
          preview.exampleFrom === 'archive'
            ? 'Built from a conversation in your own archive (it is not sent: only conversations captured after you join are).'
            : 'Your archive has no conversation this study would take yet, so this is the Unspun demo chat’s conversation, prepared the same way.',
      }),
      recordView(preview.example),
      h('label', { class: 'agree' }, [agree, document.createTextNode('I have read the consent text and what leaves this computer, and I agree to take part.')]),
      h('div', { class: 'row' }, [join, cancel]),
      note,
    ];
    consent.replaceChildren(...parts.filter((p): p is Node => p !== null));
    consent.hidden = false;
    consent.scrollIntoView({ block: 'start' });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show(input.value.trim());
  });

  // ---- your studies ----

  let lastSignature = '';
  const openDetails = new Set<string>();

  function actionButton(view: StudyView, item: ItemView, action: ParticipantAction, label: string): HTMLButtonElement {
    const b = h('button', { text: label, attrs: { type: 'button', 'data-action': action } });
    b.addEventListener('click', async () => {
      b.disabled = true;
      await sendStudyMessage({ type: 'study-item', studyId: view.studyId, id: item.id, action });
      void refresh(true);
    });
    return b;
  }

  function itemActions(view: StudyView, item: ItemView): HTMLButtonElement[] {
    if (view.state !== 'active' && view.state !== 'paused') return [];
    switch (item.state) {
      case 'review':
        return [actionButton(view, item, 'send-now', 'Send now'), actionButton(view, item, 'hold', 'Hold'), actionButton(view, item, 'exclude', 'Exclude')];
      case 'held':
        return [actionButton(view, item, 'release', 'Release'), actionButton(view, item, 'exclude', 'Exclude')];
      case 'queued':
        return [actionButton(view, item, 'hold', 'Hold'), actionButton(view, item, 'exclude', 'Exclude')];
      case 'excluded':
        return [actionButton(view, item, 'include', 'Include again')];
      case 'rejected':
        return [actionButton(view, item, 'send-now', 'Try again'), actionButton(view, item, 'exclude', 'Exclude')];
      default:
        return [];
    }
  }

  function itemRow(view: StudyView, item: ItemView, now: number): HTMLElement {
    const first = item.record.messages.find((m) => m.role === 'assistant') ?? item.record.messages[0];
    const snippet = first ? (first.text.length > 220 ? `${first.text.slice(0, 220)}…` : first.text) : '';
    let when = '';
    if (item.state === 'review') when = `Sent ${timeUntil(item.reviewUntil, now)} unless you hold or exclude it.`;
    else if (item.state === 'queued')
      when = item.nextAttemptAt > now ? `Next try ${timeUntil(item.nextAttemptAt, now)}${item.lastError ? ` (${item.lastError})` : ''}.` : 'Sending soon.';
    else if (item.state === 'sent') when = `Sent ${new Date(item.sentAt ?? 0).toLocaleString()}${item.duplicate ? ' (the server already had it)' : ''}.`;
    else if (item.state === 'rejected') when = item.lastError ?? '';
    const details = h('details', openDetails.has(item.id) ? { attrs: { open: '' } } : {}, [
      h('summary', { text: 'What will be sent' }),
      recordView(item.record),
    ]);
    details.addEventListener('toggle', () => (details.open ? openDetails.add(item.id) : openDetails.delete(item.id)));
    return h('li', { class: 'item', attrs: { 'data-state': item.state, 'data-id': item.id } }, [
      h('div', { class: 'head' }, [
        h('span', { class: 'state', text: ITEM_STATE_WORDS[item.state] }),
        h('span', { text: `${siteName(item.site)} · ${item.replies} repl${item.replies === 1 ? 'y' : 'ies'}` }),
        h('span', { class: 'actions' }, itemActions(view, item)),
      ]),
      h('div', { class: 'snippet', text: snippet }),
      when ? h('div', { class: 'muted', text: when }) : null,
      details,
    ]);
  }

  function studyCard(view: StudyView, now: number): HTMLElement {
    const c = view.counts;
    const toSend = c.queued + c.sent;
    const progress = h('progress', { attrs: { max: String(Math.max(1, toSend)), value: String(c.sent), 'aria-label': 'Sent' } });
    const progressWords = view.sending
      ? `Sending… ${view.sending.done} of ${view.sending.total} in this round. ${c.sent} sent in all.`
      : `${c.sent} conversation${c.sent === 1 ? '' : 's'} sent${c.queued ? `, ${c.queued} waiting to send` : ''}${c.review ? `, ${c.review} in review` : ''}${c.held ? `, ${c.held} held` : ''}${c.excluded ? `, ${c.excluded} excluded` : ''}.`;
    const buttons: HTMLElement[] = [];
    const button = (label: string, cls: string, id: string, run: () => Promise<void>) => {
      const b = h('button', { class: cls, text: label, attrs: { type: 'button', 'data-control': id } });
      b.addEventListener('click', async () => {
        b.disabled = true;
        await run();
        void refresh(true);
      });
      buttons.push(b);
    };
    const note = h('p', { class: 'note', attrs: { role: 'status', 'data-note': '' } });
    const report = (answer: { ok: boolean; error?: string }) => {
      if (!answer.ok) {
        note.className = 'note bad';
        note.textContent = answer.error ?? 'That did not work.';
      }
    };
    if (view.state === 'active') {
      if (c.review + c.queued > 0)
        button('Send now', 'primary', 'send-now', async () => report(await sendStudyMessage({ type: 'study-send-now', studyId: view.studyId })));
      button('Pause', '', 'pause', async () => report(await sendStudyMessage({ type: 'study-pause', studyId: view.studyId, paused: true })));
    }
    if (view.state === 'paused')
      button('Resume', 'primary', 'resume', async () => report(await sendStudyMessage({ type: 'study-pause', studyId: view.studyId, paused: false })));
    if (view.state === 'active' || view.state === 'paused') {
      button('Leave the study', '', 'leave', async () => report(await sendStudyMessage({ type: 'study-leave', studyId: view.studyId })));
    }
    // Deleting is final: a second click on an explicit "yes" is asked for, in the page (no dialog).
    const confirmRow = h('div', { class: 'row', attrs: { hidden: '' } });
    if (view.state !== 'withdrawn') {
      const del = h('button', { class: 'danger', text: 'Delete everything I gave', attrs: { type: 'button', 'data-control': 'delete' } });
      const yes = h('button', { class: 'danger', text: 'Yes, delete it all on the study server', attrs: { type: 'button', 'data-control': 'delete-yes' } });
      const no = h('button', { text: 'Keep it', attrs: { type: 'button' } });
      del.addEventListener('click', () => confirmRow.removeAttribute('hidden'));
      no.addEventListener('click', () => confirmRow.setAttribute('hidden', ''));
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        note.className = 'note';
        note.textContent = 'Asking the study server to delete everything you gave…';
        paused = true;
        const answer = await sendStudyMessage({ type: 'study-withdraw', studyId: view.studyId });
        paused = false;
        if (answer.ok) {
          lastSignature = '';
          say(''); // the "you joined" note is history now; the card shows the receipt
        }
        report(answer);
        if (answer.ok) void refresh(true);
        else yes.disabled = false;
      });
      confirmRow.append(h('span', { text: 'The study server deletes every conversation you gave it, and you leave the study.' }), yes, no);
      buttons.push(del);
    }

    const status: (HTMLElement | null)[] = [
      view.blocked ? h('p', { class: 'note bad', text: view.blocked }) : null,
      !view.blocked && view.lastError && c.queued > 0 ? h('p', { class: 'note bad', text: view.lastError }) : null,
      view.state === 'paused' ? h('p', { class: 'note', text: 'Paused: nothing is collected or sent until you resume.' }) : null,
      view.state === 'left'
        ? h('p', { class: 'note', text: 'You left this study: nothing more is collected or sent. What you gave stays with the study unless you delete it.' })
        : null,
    ];
    const receipt = view.receipt
      ? h('div', { class: 'receipt', attrs: { 'data-receipt': '' } }, [
          h('p', {
            text: `The study server deleted what you gave${view.withdrawnAt ? ` (${new Date(view.withdrawnAt).toLocaleString()})` : ''}. Its receipt:`,
          }),
          h(
            'dl',
            { class: 'kv' },
            receiptLines(view.receipt).flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]),
          ),
        ])
      : null;
    const visible = view.items.filter((i) => i.state !== 'sent');
    const sent = view.items.filter((i) => i.state === 'sent');
    return h('section', { class: 'card', attrs: { 'data-study': view.studyId, 'data-state': view.state } }, [
      h('h2', {}, [document.createTextNode(`${view.study.title} `), h('span', { class: `state ${view.state}`, text: STATE_WORDS[view.state] })]),
      h('p', {
        class: 'muted',
        text: `Study server ${view.origin} · you are participant ${view.participantId} · joined ${new Date(view.joinedAt).toLocaleString()}`,
      }),
      ...status,
      receipt,
      view.state === 'withdrawn' ? null : h('div', {}, [progress, h('p', { attrs: { 'data-progress': '' }, text: progressWords })]),
      h('div', { class: 'row' }, buttons),
      confirmRow,
      note,
      view.state === 'withdrawn' ? null : h('h3', { text: visible.length ? 'Review: not sent yet' : 'Nothing waiting to be sent' }),
      visible.length
        ? h(
            'ul',
            { class: 'items', attrs: { 'aria-label': 'Review list' } },
            visible.map((i) => itemRow(view, i, now)),
          )
        : null,
      sent.length
        ? h('details', {}, [
            h('summary', { text: `Sent (${sent.length})` }),
            h(
              'ul',
              { class: 'items' },
              sent.map((i) => itemRow(view, i, now)),
            ),
          ])
        : null,
    ]);
  }

  let paused = false;
  async function refresh(force = false): Promise<void> {
    if (paused) return;
    const { studies } = await sendStudyMessage({ type: 'study-status' });
    const now = Date.now();
    // Re-render only on change (and each 10 s for the countdowns), so focus and open sections stay.
    const signature = JSON.stringify(studies) + Math.floor(now / 10_000);
    if (!force && signature === lastSignature) return;
    lastSignature = signature;
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.control;
    mine.replaceChildren(
      ...(studies.length ? [h('h2', { text: 'Your studies', attrs: { style: 'margin: 20px 0 0' } })] : []),
      ...studies.map((s) => studyCard(s, now)),
    );
    if (focused) (mine.querySelector(`[data-control="${focused}"]`) as HTMLElement | null)?.focus();
  }

  const fromHash = new URLSearchParams(location.hash.slice(1)).get('join');
  if (fromHash) {
    input.value = fromHash;
    void show(fromHash);
  }
  void refresh(true);
  setInterval(() => void refresh(), POLL_MS);
}
