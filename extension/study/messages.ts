// Messages about studies, named by direction, parsed with zod on arrival in the background.
// studies page → background: preview, join, status, item actions, send now, pause, leave, withdraw.
// join content script → background: open the consent screen for this join page.
// The participant's secret and salt never travel in any answer: pages get what they show.
import { z } from 'zod';
import { browser } from 'wxt/browser';
import type { ExportRecord } from '#shared/export/record';
import type { JoinLink, ParticipationState, StudyInfo, WithdrawReceipt } from './contract.ts';
import type { OutboxCounts } from './outbox.ts';
import { type OutboxState, ParticipantAction } from './outbox-state.ts';

const JoinUrl = z.string().min(1).max(2048);
const StudyId = z.string().min(1).max(128);

export const StudyPreview = z.object({ type: z.literal('study-preview'), joinUrl: JoinUrl });
export const StudyJoin = z.object({
  type: z.literal('study-join'),
  joinUrl: JoinUrl,
  consent: z.literal(true),
  /** sha256 of the consent text the participant read: joining fails if the server's changed since. */
  consentHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export const StudyStatus = z.object({ type: z.literal('study-status') });
export const StudyItemAction = z.object({ type: z.literal('study-item'), studyId: StudyId, id: z.string().min(1).max(400), action: ParticipantAction });
export const StudySendNow = z.object({ type: z.literal('study-send-now'), studyId: StudyId });
export const StudyPause = z.object({ type: z.literal('study-pause'), studyId: StudyId, paused: z.boolean() });
export const StudyLeave = z.object({ type: z.literal('study-leave'), studyId: StudyId });
export const StudyWithdraw = z.object({ type: z.literal('study-withdraw'), studyId: StudyId });
export const StudyOpenJoin = z.object({ type: z.literal('study-open-join'), joinUrl: JoinUrl });

export const StudyMessage = z.discriminatedUnion('type', [
  StudyPreview,
  StudyJoin,
  StudyStatus,
  StudyItemAction,
  StudySendNow,
  StudyPause,
  StudyLeave,
  StudyWithdraw,
  StudyOpenJoin,
]);
export type StudyMessage = z.infer<typeof StudyMessage>;
export const STUDY_MESSAGE_TYPES = new Set<string>(StudyMessage.options.map((o) => o.shape.type.value));

export type Failure = { ok: false; error: string; needsPermission?: string };

export type PreviewResponse =
  | {
      ok: true;
      link: JoinLink;
      loopback: boolean;
      study: StudyInfo;
      consentHash: string;
      /** One record exactly as it would leave, from the participant's archive or the demo conversation. */
      example: ExportRecord;
      exampleFrom: 'archive' | 'demo';
      /** The participant already joined this study (state then). */
      joined?: ParticipationState;
    }
  | Failure;

export interface ItemView {
  id: string;
  state: OutboxState;
  site: string;
  replies: number;
  createdAt: number;
  reviewUntil: number;
  sentAt?: number;
  duplicate?: boolean;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
  record: ExportRecord;
}

export interface StudyView {
  studyId: string;
  origin: string;
  joinUrl: string;
  study: StudyInfo;
  participantId: string;
  joinedAt: number;
  state: ParticipationState;
  blocked?: string;
  lastError?: string;
  lastSentAt?: number;
  receipt?: WithdrawReceipt;
  withdrawnAt?: number;
  counts: OutboxCounts;
  /** Set while a send is running: records sent in this run of the total due at its start. */
  sending?: { done: number; total: number };
  nextAttemptAt?: number;
  items: ItemView[];
}

export interface StudyResponseFor {
  'study-preview': PreviewResponse;
  'study-join': { ok: true; studyId: string } | Failure;
  'study-status': { studies: StudyView[] };
  'study-item': { ok: boolean };
  'study-send-now': { ok: true; queued: number } | Failure;
  'study-pause': { ok: true } | Failure;
  'study-leave': { ok: true; dropped: number } | Failure;
  'study-withdraw': { ok: true; receipt: WithdrawReceipt } | Failure;
  'study-open-join': { ok: boolean };
}

export async function sendStudyMessage<M extends StudyMessage>(message: M): Promise<StudyResponseFor[M['type']]> {
  return (await browser.runtime.sendMessage(message)) as StudyResponseFor[M['type']];
}
