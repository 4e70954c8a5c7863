// Reader labels: agree / disagree with a flag, with an optional note. One label per flag
// (re-labelling replaces it), keyed by the reply and the flag's move and offsets, so a label
// still points at the same flag after a reload or a re-score with the same flags.
import { z } from 'zod';
import { MoveId } from '#shared/schemas';
import { conversationKey, messageKey } from '#shared/records';
import type { UnspunDb } from './schema.ts';
import { refreshSummary } from './summary.ts';

export const VERDICTS = ['agree', 'disagree'] as const;
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

export const MAX_NOTE_CHARS = 2_000;

/** What identifies the flag being labelled (a subset of Flag). */
export const LabelledFlag = z.object({
  move: MoveId,
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  quote: z.string().max(20_000),
  source: z.enum(['detector', 'judge']),
  ruleId: z.string().max(200).optional(),
  /** The learned tier's confidence in the flag: the prior of its rule's calibration (shared/detect/calibration.ts). */
  confidence: z.number().min(0).max(1).optional(),
});
export type LabelledFlag = z.infer<typeof LabelledFlag>;

export const LabelRecord = z.object({
  /** `${messageKey}|${move}|${start}|${end}` */
  key: z.string().min(1),
  messageKey: z.string().min(1),
  conversationKey: z.string().min(1),
  site: z.string().min(1).max(64),
  conversationId: z.string().min(1).max(512),
  messageId: z.string().min(1).max(512),
  flag: LabelledFlag,
  verdict: Verdict,
  note: z.string().max(MAX_NOTE_CHARS).optional(),
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
});
export type LabelRecord = z.infer<typeof LabelRecord>;

export interface LabelInput {
  site: string;
  conversationId: string;
  messageId: string;
  flag: LabelledFlag;
  verdict: Verdict;
  note?: string;
}

export function labelKey(site: string, conversationId: string, messageId: string, flag: Pick<LabelledFlag, 'move' | 'start' | 'end'>): string {
  return `${messageKey(site, conversationId, messageId)}|${flag.move}|${flag.start}|${flag.end}`;
}

/** Stores (or replaces) the reader's label for one flag. A blank note is no note. */
export async function saveLabel(db: UnspunDb, input: LabelInput, now: number): Promise<LabelRecord> {
  const key = labelKey(input.site, input.conversationId, input.messageId, input.flag);
  const note = input.note?.trim().slice(0, MAX_NOTE_CHARS);
  return db.transaction('rw', [db.labels, db.conversations, db.messages, db.scores], async () => {
    const existing = await db.labels.get(key);
    const record = LabelRecord.parse({
      key,
      messageKey: messageKey(input.site, input.conversationId, input.messageId),
      conversationKey: conversationKey(input.site, input.conversationId),
      site: input.site,
      conversationId: input.conversationId,
      messageId: input.messageId,
      flag: LabelledFlag.parse(input.flag),
      verdict: input.verdict,
      ...(note ? { note } : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    await db.labels.put(record);
    if (!existing) await refreshSummary(db, record.conversationKey);
    return record;
  });
}

export async function removeLabel(db: UnspunDb, key: string): Promise<void> {
  await db.transaction('rw', [db.labels, db.conversations, db.messages, db.scores], async () => {
    const label = await db.labels.get(key);
    await db.labels.delete(key);
    if (label) await refreshSummary(db, label.conversationKey);
  });
}

export async function labelsOfConversation(db: UnspunDb, site: string, conversationId: string): Promise<LabelRecord[]> {
  return db.labels.where('conversationKey').equals(conversationKey(site, conversationId)).toArray();
}

export async function labelsOfMessage(db: UnspunDb, site: string, conversationId: string, messageId: string): Promise<LabelRecord[]> {
  return db.labels
    .where('messageKey')
    .equals(messageKey(site, conversationId, messageId))
    .toArray();
}
