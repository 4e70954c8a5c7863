// The words of study mode: what leaves the machine, item states and times, as plain strings.
// Pure (no DOM), so the promises the consent screen makes are tested as text.
import { endTime, type StudyInfo } from './contract.ts';
import type { OutboxState } from './outbox-state.ts';

export type SiteNames = (id: string) => string;

/** The consent screen's list "What leaves this computer", one sentence a line. */
export function whatLeaves(study: StudyInfo, siteName: SiteNames): string[] {
  const sites = study.sites === 'all' ? 'every chat site Unspun reads' : study.sites.map(siteName).join(', ');
  const end = endTime(study);
  const hours = study.reviewHours ?? 0;
  return [
    `Conversations Unspun captures on ${sites}, from the moment you join${end ? ` until ${new Date(end).toLocaleDateString()}` : ' until you leave'}. Nothing from before you joined, nothing you imported, nothing from other sites.`,
    study.collect === 'flagged'
      ? 'Only the assistant replies in which Unspun flagged a persuasive move, with their flags and scores.'
      : 'Every assistant reply Unspun captures, with its flags and score.',
    study.includeUserTurns ? 'Your own messages to the assistant, before each reply.' : 'Not your own messages: only the assistant’s replies.',
    'Redacted first, on this computer: email addresses, phone numbers, web addresses, keys and passwords, IP addresses, card numbers and names after a cue (“my colleague Sam”) become placeholders such as [EMAIL]. Other names can remain: exclude a conversation if it holds something you do not want to give.',
    'Ids are pseudonymous: the study sees neither the site’s conversation ids nor the page address. You appear as a random participant id.',
    hours > 0
      ? `Each conversation waits ${formatHours(hours)} in your review list below, where you can hold or exclude it, before it is sent.`
      : 'Conversations are sent soon after they are captured and scored. You can pause the study at any time, and hold or exclude what has not been sent yet.',
    'Never sent: your agree/disagree labels and notes, your proxy token or API keys, your browsing.',
    ...(study.retentionDays ? [`The study keeps what you give for ${study.retentionDays} days after it ends, then deletes it.`] : []),
    'You can leave at any time, and ask the study server to delete everything you gave.',
  ];
}

export function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} minutes`;
  if (hours % 24 === 0 && hours >= 48) return `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

export const ITEM_STATE_WORDS: Record<OutboxState, string> = {
  review: 'In review',
  held: 'Held by you',
  excluded: 'Excluded: never sent',
  queued: 'Waiting to send',
  sent: 'Sent',
  rejected: 'Refused by the server',
};

/** "in 3 h 20 min", "in 40 s", "now". */
export function timeUntil(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `in ${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `in ${min} min`;
  const h = Math.floor(min / 60);
  return `in ${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

const RECEIPT_WORDS: Record<string, string> = {
  deleted: 'Deleted',
  donations: 'Conversations deleted',
  consentRecords: 'Consent records deleted',
  deletedAt: 'Deleted at',
  participantId: 'Participant',
  studyId: 'Study',
};

/**
 * The receipt's fields as [label, value] lines for text display: the known fields in words and
 * in a fixed order, times in local time, anything else the server adds under its own name.
 */
export function receiptLines(receipt: Record<string, unknown>): [string, string][] {
  const known = Object.keys(RECEIPT_WORDS).filter((key) => key in receipt);
  const rest = Object.keys(receipt).filter((key) => !(key in RECEIPT_WORDS));
  return [...known, ...rest].map((key) => {
    const value = receipt[key];
    let text = typeof value === 'string' ? value : JSON.stringify(value);
    if (value === true) text = 'yes';
    if (key === 'deletedAt' && typeof value === 'string' && Number.isFinite(Date.parse(value))) text = new Date(value).toLocaleString();
    return [RECEIPT_WORDS[key] ?? key, text];
  });
}
