// Which part of a stored conversation a study may receive, and the redacted record that leaves.
// Pure: the same function builds the consent screen's example and every donated record, so what
// the participant is shown is what is sent. Records go through the local export's own builder
// (recordFromArchive) and redaction (redactRecord: emails, phones, URLs, secrets, IPs, cards and
// names after a cue; ids made pseudonymous with the participation's salt, the page URL dropped).
import { recordFromArchive, type ArchiveConversation } from '#shared/export/build';
import { finishRecord } from '#shared/export/build';
import { findCuedNames } from '#shared/export/names';
import { ExportRecord, type ExportMessage } from '#shared/export/record';
import { findNamesInRecord, redactRecord } from '#shared/export/redact-record';
import type { MessageRecord } from '#shared/records';
import { endTime, type StudyInfo } from './contract.ts';

export type StudyRules = Pick<StudyInfo, 'collect' | 'sites' | 'includeUserTurns'> & { endDate?: string | null | undefined };

export interface StudyWindow {
  /** Replies captured before this (the join time) are never sent. */
  from: number;
  /** Replies captured after this (the study's end) are never sent. */
  to?: number;
}

export type Eligibility =
  | { status: 'eligible'; record: ExportRecord; replies: number }
  /** Some replies in the window are still being scored: decide once they are. */
  | { status: 'waiting' }
  | { status: 'ineligible'; reason: string };

export function studyWindow(study: StudyRules, joinedAt: number): StudyWindow {
  const to = endTime(study);
  return to === undefined ? { from: joinedAt } : { from: joinedAt, to };
}

export function siteAllowed(study: Pick<StudyInfo, 'sites'>, site: string): boolean {
  return study.sites === 'all' || study.sites.includes(site);
}

const hasFlags = (input: ArchiveConversation, reply: MessageRecord): boolean => (input.scores.find((s) => s.messageKey === reply.key)?.flags.length ?? 0) > 0;

/** The study's share of one archive conversation, redacted with `salt`, or why there is none. */
export function studyRecord(input: ArchiveConversation, study: StudyRules, window: StudyWindow, salt: string): Eligibility {
  const { conversation } = input;
  if (!siteAllowed(study, conversation.site)) return { status: 'ineligible', reason: `site ${conversation.site} is not in this study` };
  // Imported archives were not captured while taking part: only what the extension saw live.
  if (conversation.source && conversation.source !== 'extension') return { status: 'ineligible', reason: 'imported, not captured while taking part' };
  const inWindow = input.messages.filter((m) => m.capturedAt >= window.from && (window.to === undefined || m.capturedAt <= window.to));
  if (inWindow.length === 0) return { status: 'ineligible', reason: 'nothing captured while taking part' };
  if (inWindow.some((m) => m.status === 'pending')) return { status: 'waiting' };
  const replies = study.collect === 'flagged' ? inWindow.filter((m) => hasFlags(input, m)) : inWindow;
  if (replies.length === 0) return { status: 'ineligible', reason: 'no flagged reply' };

  // Labels (the participant's agree/disagree and notes) are theirs: not part of a study donation.
  let record = recordFromArchive({ ...input, messages: replies, labels: [] });
  if (!study.includeUserTurns) record = withoutUserTurns(record);
  const redacted = redactRecord(record, { texts: true, ids: true, salt, names: findNamesInRecord(record, findCuedNames) });
  return { status: 'eligible', record: ExportRecord.parse(redacted), replies: replies.length };
}

/** The assistant replies only, re-indexed; parent ids that pointed at a user turn are dropped. */
export function withoutUserTurns(record: ExportRecord): ExportRecord {
  const messages: ExportMessage[] = record.messages
    .filter((m) => m.role === 'assistant')
    .map((m, index) => {
      const { parent_id: _parent, ...rest } = m;
      return { ...rest, index };
    });
  return finishRecord({ ...record, messages });
}
