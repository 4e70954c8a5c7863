// The per-conversation summary the dashboard lists and filters by (ConversationSummary in
// shared/records.ts). Pure `summarize` plus `refreshSummary`, called inside the transaction of
// every write that changes a conversation's messages, scores or labels.
import type { ConversationSummary, MessageRecord, ScoreRecord } from '#shared/records';
import { flagsMatchText, type MoveId, type Support } from '#shared/schemas';
import type { UnspunDb } from './schema.ts';

/** What the summary needs of a reply: its length and model (never its whole text). */
export interface SummaryMessage {
  chars: number;
  model?: string | undefined;
}
type SummaryScore = Pick<ScoreRecord, 'score' | 'flags'>;

/** The summary of one conversation from its replies, their primary scores and its label count. */
export function summarize(messages: readonly SummaryMessage[], scores: readonly (SummaryScore | undefined)[], labelCount: number): ConversationSummary {
  const moves = new Set<MoveId>();
  const supports = new Set<Support>();
  const models: string[] = [];
  let charCount = 0;
  let flagCount = 0;
  let scoredCount = 0;
  let maxScore = -1;
  messages.forEach((message, i) => {
    charCount += message.chars;
    if (message.model && !models.includes(message.model)) models.push(message.model);
    const score = scores[i];
    if (!score) return;
    scoredCount++;
    maxScore = Math.max(maxScore, score.score);
    flagCount += score.flags.length;
    for (const flag of score.flags) {
      moves.add(flag.move);
      supports.add(flag.support);
    }
  });
  return {
    messageCount: messages.length,
    charCount,
    scoredCount,
    flagCount,
    maxScore,
    flagged: flagCount > 0 ? 1 : 0,
    moves: [...moves].sort(),
    supports: [...supports].sort(),
    models,
    labelCount,
    labeled: labelCount > 0 ? 1 : 0,
  };
}

export const summaryMessage = (m: Pick<MessageRecord, 'text' | 'model'>): SummaryMessage => ({ chars: m.text.length, model: m.model });

/** The copies of a score kept on its message (charts read messages only). */
export function messageScoreFields(score: SummaryScore): Pick<MessageRecord, 'score' | 'flagCount' | 'moves'> {
  return { score: score.score, flagCount: score.flags.length, moves: [...new Set(score.flags.map((f) => f.move))].sort() };
}

export function quotesVerified(text: string, score: Pick<ScoreRecord, 'flags'>): boolean {
  return flagsMatchText(text, score.flags);
}

/** Shortened first user turn: the conversation's name in the list. */
export function titleFrom(userTurn: string | undefined): string | undefined {
  const line = userTurn?.replace(/\s+/g, ' ').trim();
  if (!line) return undefined;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

/**
 * Recomputes one conversation's summary from the database. Call inside a transaction that
 * includes conversations, messages, scores and labels.
 */
export async function refreshSummary(db: UnspunDb, conversationKey: string): Promise<void> {
  const messages = await db.messages.where('conversationKey').equals(conversationKey).toArray();
  const scores = await db.scores.bulkGet(messages.map((m) => m.key));
  const labelCount = await db.labels.where('conversationKey').equals(conversationKey).count();
  const summary = summarize(messages.map(summaryMessage), scores, labelCount);
  await db.conversations.update(conversationKey, summary);
}
