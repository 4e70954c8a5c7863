// Did asking help? For each reply whose next user turn asked one of its flags' askBack questions
// ("Ask for it", or typed by hand), whether the answer came with more support: the answer has
// fewer weak or unsupported flags of that move than the reply that was asked about, and, when its
// score lists a claim ledger, at least one claim with some backing. Without that second part an
// answer that dodges ("I can't point to a specific study") has no flags and would count as support.
// Pure: the conversation's replies in order, with their flags, in; counts and examples out.
import type { Claim, Flag, MoveId } from '#shared/schemas';

export interface AskReply {
  key: string;
  /** The user turn this reply answers. */
  userTurn?: string | undefined;
  /** The primary score's flags; undefined while not scored. */
  flags?: readonly Pick<Flag, 'move' | 'support' | 'askBack' | 'quote'>[] | undefined;
  /** The primary score's claim ledger; undefined when the score has none (older prompts, v3 judges). */
  claims?: readonly Pick<Claim, 'support'>[] | undefined;
}

export interface AskOutcome {
  /** The reply that was asked about, and the move whose question was asked. */
  askedAbout: string;
  move: MoveId;
  question: string;
  /** The reply that answered (its key), once scored. */
  answer: string;
  /** False while the answer is not scored yet (then it neither counts as support nor against). */
  scored: boolean;
  before: number;
  after: number;
  /** Claims in the answer with some backing (a source, link, number or reason); undefined when it has no ledger. */
  backedClaims?: number;
  gotSupport: boolean;
}

export interface AskSummary {
  /** Questions asked (a user turn that carries a previous reply's askBack). */
  asked: number;
  /** Of those, answers already scored. */
  answered: number;
  /** Of the answered, those with fewer weak or unsupported flags of the asked move (and a backed claim, when there is a ledger). */
  gotSupport: number;
  outcomes: AskOutcome[];
}

const normal = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
const weakOrUnsupported = (flags: AskReply['flags'], move: MoveId) =>
  (flags ?? []).filter((f) => f.move === move && (f.support === 'weak' || f.support === 'unsupported')).length;

/**
 * One conversation's replies, oldest first. A question counts as asked when the next user turn
 * holds it (the person may add words around it); one question per asked-about reply counts once.
 */
export function askOutcomes(replies: readonly AskReply[]): AskOutcome[] {
  const out: AskOutcome[] = [];
  for (let i = 0; i + 1 < replies.length; i++) {
    const reply = replies[i]!;
    const next = replies[i + 1]!;
    if (!reply.flags || !next.userTurn) continue;
    const turn = normal(next.userTurn);
    const asked = reply.flags.find((f) => f.askBack && turn.includes(normal(f.askBack)));
    if (!asked?.askBack) continue;
    const before = weakOrUnsupported(reply.flags, asked.move);
    const after = weakOrUnsupported(next.flags, asked.move);
    const scored = next.flags !== undefined;
    const backedClaims = next.claims?.filter((c) => c.support !== 'none').length;
    out.push({
      askedAbout: reply.key,
      move: asked.move,
      question: asked.askBack,
      answer: next.key,
      scored,
      before,
      after,
      ...(backedClaims !== undefined ? { backedClaims } : {}),
      gotSupport: scored && after < before && backedClaims !== 0,
    });
  }
  return out;
}

export function summarizeAsks(conversations: readonly (readonly AskReply[])[]): AskSummary {
  const outcomes = conversations.flatMap((replies) => askOutcomes(replies));
  return { asked: outcomes.length, answered: outcomes.filter((o) => o.scored).length, gotSupport: outcomes.filter((o) => o.gotSupport).length, outcomes };
}
