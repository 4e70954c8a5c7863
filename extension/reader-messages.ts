// Messages of the reader's experience (labels, the conversation panel, "Check with Unspun"),
// named by direction like messages.ts. Parsed with zod on arrival: content scripts run inside
// web pages, so their payloads are never trusted as typed.
import { z } from 'zod';
import { browser } from 'wxt/browser';
import { MAX_REPLY_CHARS, MoveId, type ScoreResult } from '#shared/schemas';
import type { PageVerdict } from '#shared/cited-page';
import { LabelledFlag, MAX_NOTE_CHARS, Verdict, type LabelRecord } from './db/labels.ts';

// ---- content / panel → background -----------------------------------------------------------

export const LabelFlag = z.object({
  type: z.literal('label-flag'),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
  messageId: z.string().min(1).max(512),
  flag: LabelledFlag,
  verdict: Verdict,
  note: z.string().max(MAX_NOTE_CHARS).optional(),
});
export type LabelFlag = z.infer<typeof LabelFlag>;

export const GetLabels = z.object({
  type: z.literal('get-labels'),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
});
export type GetLabels = z.infer<typeof GetLabels>;

/** The selection-check script (injected on a context-menu click) asks for its text to be scored. */
export const CheckSelection = z.object({
  type: z.literal('check-selection'),
  text: z.string().min(1).max(MAX_REPLY_CHARS),
});
export type CheckSelection = z.infer<typeof CheckSelection>;

export const ReaderToBackground = z.discriminatedUnion('type', [LabelFlag, GetLabels, CheckSelection]);
export type ReaderToBackground = z.infer<typeof ReaderToBackground>;

export interface LabelResponse {
  ok: boolean;
  label?: LabelRecord;
  error?: string;
}
export interface LabelsResponse {
  labels: LabelRecord[];
}
export interface CheckResponse {
  result?: ScoreResult;
  error?: string;
}

export interface ReaderResponseFor {
  'label-flag': LabelResponse;
  'get-labels': LabelsResponse;
  'check-selection': CheckResponse;
}

export async function sendReaderMessage<M extends ReaderToBackground>(message: M): Promise<ReaderResponseFor[M['type']]> {
  return (await browser.runtime.sendMessage(message)) as ReaderResponseFor[M['type']];
}

// ---- panel → background: "Check the cited page" (background/cited-page.ts) -------------------

export const CheckCitedPage = z.object({
  type: z.literal('check-cited-page'),
  url: z.string().url().max(2048),
  quote: z.string().min(1).max(2000),
});
export type CheckCitedPage = z.infer<typeof CheckCitedPage>;

/** What the background says about the cited page: never the page itself, only what matched. */
export type CitedPageAnswer =
  | { ok: true; verdict: PageVerdict; found: string[]; missing: string[]; truncated: boolean }
  | { ok: false; reason: 'not-allowed' | 'load' | 'not-text'; detail: string };

// ---- panel → content (tabs.sendMessage) -----------------------------------------------------

export const PanelGetConversation = z.object({ type: z.literal('panel-get-conversation') });

export const PanelShowFlag = z.object({
  type: z.literal('panel-show-flag'),
  messageId: z.string().min(1).max(512),
  flag: z.object({ move: MoveId, start: z.number().int().nonnegative(), end: z.number().int().nonnegative(), quote: z.string() }),
});
export type PanelShowFlag = z.infer<typeof PanelShowFlag>;

export const PanelToContent = z.discriminatedUnion('type', [PanelGetConversation, PanelShowFlag]);
export type PanelToContent = z.infer<typeof PanelToContent>;

/** What a chat page tells the panel about itself. */
export interface PageConversation {
  site: string;
  siteName: string;
  conversationId: string | null;
  host: string;
}

export interface ShowFlagResponse {
  ok: boolean;
}
