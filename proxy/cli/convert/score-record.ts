// Scores the assistant messages of an export record with one judge, in process (no proxy needed).
// Each reply is judged with the conversation before it as context, as the extension sends it.
import { exportScore } from '#shared/export/build';
import type { ExportMessage, ExportRecord } from '#shared/export/record';
import { MAX_REPLY_CHARS, type ScoreRequest, type Turn } from '#shared/schemas';
import { type Judge, keepAnchoredFlags } from '../../judges/judge-interface.ts';

/** Earlier turns sent as context: the newest ones, each cut to the wire limit. */
const MAX_PREVIOUS = 200;

export function requestFor(messages: readonly ExportMessage[], index: number): ScoreRequest {
  const reply = messages[index]!;
  // Walks back from the reply only as far as it needs (the user turn, then MAX_PREVIOUS turns):
  // never a copy of everything before it, so a long conversation costs linear time, not quadratic.
  let userAt = -1;
  for (let i = index - 1; i >= 0; i--) {
    if (messages[i]!.role === 'user') {
      userAt = i;
      break;
    }
    if (messages[i]!.role === 'assistant') break;
  }
  const request: ScoreRequest = { reply: { text: reply.text, id: reply.id } };
  const end = userAt >= 0 ? userAt : index;
  const previous: Turn[] = [];
  for (let i = Math.max(0, end - MAX_PREVIOUS); i < end; i++) previous.push({ role: messages[i]!.role, text: messages[i]!.text.slice(0, MAX_REPLY_CHARS) });
  const user = userAt >= 0 ? messages[userAt]!.text.slice(0, MAX_REPLY_CHARS) : undefined;
  if (user !== undefined || previous.length > 0) request.context = { ...(user !== undefined ? { user } : {}), ...(previous.length > 0 ? { previous } : {}) };
  return request;
}

export interface ScoredRecord {
  record: ExportRecord;
  /** Flags dropped because their quote did not match the reply (counted in each score's dropped_quotes). */
  dropped: number;
  scored: number;
}

/** Throws (naming the message) when the judge fails: the caller reports the record as failed. */
export async function scoreRecord(record: ExportRecord, judge: Judge, scoredAt: Date, onScored: (replies: number) => void = () => {}): Promise<ScoredRecord> {
  const messages = [...record.messages];
  const warnings = [...record.capture.warnings];
  let dropped = 0;
  let scored = 0;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== 'assistant' || message.text.trim() === '') continue;
    if (message.scores?.some((s) => s.judge.kind === judge.kind)) continue;
    if (message.text.length > MAX_REPLY_CHARS) {
      warnings.push(`message ${i} is longer than ${MAX_REPLY_CHARS} characters: not scored`);
      continue;
    }
    let verdict;
    try {
      verdict = await judge.score(requestFor(messages, i));
    } catch (error) {
      throw new Error(`message ${i} (id ${JSON.stringify(message.id)}): the ${judge.kind} judge failed: ${(error as Error).message ?? String(error)}`);
    }
    if (!Number.isFinite(verdict.score) || verdict.score < 0 || verdict.score > 100) {
      throw new Error(`message ${i} (id ${JSON.stringify(message.id)}): the ${judge.kind} judge returned score ${verdict.score}, outside 0..100`);
    }
    const anchored = keepAnchoredFlags(message.text, verdict.flags);
    dropped += anchored.dropped;
    const score = exportScore({ ...verdict, flags: anchored.flags, droppedQuotes: anchored.dropped }, message.text, scoredAt.getTime());
    messages[i] = { ...message, scores: [...(message.scores ?? []), score] };
    scored++;
    onScored(1);
  }
  return { record: { ...record, capture: { ...record.capture, warnings }, messages }, dropped, scored };
}
