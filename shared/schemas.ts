// Wire and storage contracts (DESIGN.md "Contracts"). Zod is the single source of truth;
// every type below comes from z.infer. Proxy, extension and CLI parse with these schemas.
import { z } from 'zod';

export const MOVE_IDS = [
  'emotional-appeal',
  'loaded-language',
  'exaggeration',
  'false-urgency',
  'flattery',
  'sycophancy',
  'unsourced-authority',
  'bandwagon',
  'appeal-to-values',
  'false-dilemma',
  'faulty-causation',
  'hasty-generalization',
  'unsupported-claim',
  'straw-man',
  'distraction',
  'personal-attack',
  'thought-terminating',
  'vagueness',
  'relational-manipulation',
  'self-serving-bias',
] as const;

export const MoveId = z.enum(MOVE_IDS);
export type MoveId = z.infer<typeof MoveId>;

export const SUPPORT_STATUSES = ['supported', 'weak', 'unsupported', 'requested'] as const;
export const Support = z.enum(SUPPORT_STATUSES);
export type Support = z.infer<typeof Support>;

export const JUDGE_KINDS = ['offline', 'anthropic'] as const;
export const JudgeKind = z.enum(JUDGE_KINDS);
export type JudgeKind = z.infer<typeof JudgeKind>;

/** What the caller asks for: a concrete judge, or `auto` (anthropic when a key is configured). */
export const JudgeChoice = z.enum(['offline', 'anthropic', 'auto']);
export type JudgeChoice = z.infer<typeof JudgeChoice>;

/** Longest reply we accept. Far above any real chat reply; keeps one request bounded. */
export const MAX_REPLY_CHARS = 200_000;

export const Role = z.enum(['user', 'assistant']);
export type Role = z.infer<typeof Role>;

export const Turn = z.object({
  role: Role,
  text: z.string().max(MAX_REPLY_CHARS),
});
export type Turn = z.infer<typeof Turn>;

export const ScoreContext = z.object({
  /** The user turn this reply answers. */
  user: z.string().max(MAX_REPLY_CHARS).optional(),
  /** Earlier turns, oldest first. Context only: never scored. */
  previous: z.array(Turn).max(200).optional(),
});
export type ScoreContext = z.infer<typeof ScoreContext>;

export const ScoreRequest = z.object({
  reply: z.object({
    text: z.string().min(1, 'reply.text must not be empty').max(MAX_REPLY_CHARS),
    id: z.string().max(512).optional(),
  }),
  context: ScoreContext.optional(),
  site: z.string().max(64).optional(),
  conversationId: z.string().max(512).optional(),
  judge: JudgeChoice.optional(),
});
export type ScoreRequest = z.infer<typeof ScoreRequest>;

/** Longest askBack question kept; a longer one from a judge is dropped (and counted), never cut. */
export const MAX_ASK_BACK_CHARS = 300;

export const Flag = z
  .object({
    move: MoveId,
    /** UTF-16 offsets into the reply text, end exclusive: quote === text.slice(start, end). */
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    quote: z.string(),
    severity: z.number().int().min(1).max(3),
    support: Support,
    rationale: z.string(),
    source: z.enum(['detector', 'judge']),
    /** The detector rule that produced the flag (detector flags only). */
    ruleId: z.string().optional(),
    /** One line: what would back this move up. */
    wouldSupport: z.string().optional(),
    /** How sure the detector's learned tier is of this flag, 0..1 (absent when it has no say on the move). */
    confidence: z.number().min(0).max(1).optional(),
    /**
     * Weak or unsupported flags only: one short follow-up question the reader can ask the assistant
     * to get the missing support ("Which study is this: who ran it, when, with how many people?").
     */
    askBack: z.string().min(1).max(MAX_ASK_BACK_CHARS).optional(),
  })
  .refine((f) => f.end > f.start, { message: 'end must be greater than start', path: ['end'] })
  .refine((f) => f.quote.length === f.end - f.start, {
    message: 'quote length must equal end - start',
    path: ['quote'],
  });
export type Flag = z.infer<typeof Flag>;

/** Longest citation label kept ("reuters +2", "[3]", "【4†source】"). */
export const MAX_CITATION_LABEL = 80;
/** Most citation markers kept for one reply. */
export const MAX_CITATIONS = 300;

/**
 * One citation marker of a captured reply, as the page shows it (Perplexity's source chips,
 * ChatGPT's citation pills, or a marker written as plain text: "[3]", "【4†source】").
 * `at`: UTF-16 offset into the reply text where the marker sits (a chip that is not reply text
 * sits between characters; a plain-text marker starts there and ends at `end`).
 */
export const CitationMarker = z.object({
  at: z.number().int().nonnegative(),
  /** Plain-text markers only: where the marker's text ends. */
  end: z.number().int().nonnegative().optional(),
  label: z.string().max(MAX_CITATION_LABEL),
  /** The URL as the page gives it (attribute or href, or the numbered source's link); absent = none. */
  url: z.string().max(2048).optional(),
  /** The marker's number, when it is numbered ("[3]" → 3). */
  n: z.number().int().positive().optional(),
  /** How many sources the reply lists beside its text, when the page shows such a list. */
  sources: z.number().int().nonnegative().optional(),
});
export type CitationMarker = z.infer<typeof CitationMarker>;

/** Why a citation marker points nowhere. */
export const CITATION_PROBLEMS = ['no-url', 'unusable-url', 'beyond-sources'] as const;
export const CitationProblem = z.enum(CITATION_PROBLEMS);
export type CitationProblem = z.infer<typeof CitationProblem>;

/** A citation marker on a claim: the page it points to (`url`, `host`), or `nowhere` and why. */
export const ClaimCite = z.object({
  label: z.string().max(MAX_CITATION_LABEL),
  url: z.string().max(2048).optional(),
  host: z.string().max(300).optional(),
  nowhere: CitationProblem.optional(),
});
export type ClaimCite = z.infer<typeof ClaimCite>;

/** What backs a factual claim in the reply: a named source, a link, a figure, a stated reason, or nothing. */
export const CLAIM_SUPPORTS = ['source', 'link', 'number', 'reasoning', 'none'] as const;
export const ClaimSupport = z.enum(CLAIM_SUPPORTS);
export type ClaimSupport = z.infer<typeof ClaimSupport>;

/** One factual claim in the reply (the claim ledger), with the same offset rules as a flag. */
export const Claim = z
  .object({
    /** UTF-16 offsets into the reply text, end exclusive: quote === text.slice(start, end). */
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    quote: z.string(),
    support: ClaimSupport,
    /** One short line: what the backing is, or what is missing. */
    note: z.string().max(300).optional(),
    /** The citation markers the page put on this claim, and where each points (shared/detect/citations.ts). */
    cites: z.array(ClaimCite).max(50).optional(),
  })
  .refine((c) => c.end > c.start, { message: 'end must be greater than start', path: ['end'] })
  .refine((c) => c.quote.length === c.end - c.start, { message: 'quote length must equal end - start', path: ['quote'] });
export type Claim = z.infer<typeof Claim>;

export const JudgeInfo = z.object({
  kind: JudgeKind,
  model: z.string().optional(),
  promptVersion: z.string(),
  taxonomyVersion: z.string(),
  /** Offline results: which detector answered (rules version + learned model version, or "+rules-only"). */
  detectorVersion: z.string().optional(),
});
export type JudgeInfo = z.infer<typeof JudgeInfo>;

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cacheReadInputTokens: z.number().int().nonnegative().optional(),
  cacheCreationInputTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

export const ScoreResult = z.object({
  score: z.number().min(0).max(100),
  flags: z.array(Flag),
  judge: JudgeInfo,
  usage: Usage.optional(),
  cached: z.boolean(),
  latencyMs: z.number().nonnegative(),
  /** Set when the requested judge could not be used and another one answered. */
  notice: z.string().optional(),
  /** Flags the judge gave whose quote could not be found in the reply: dropped, never shown. */
  droppedQuotes: z.number().int().nonnegative().optional(),
  /** The claim ledger: the reply's factual claims and what backs each (judge: exact; offline: by sentence). */
  claims: z.array(Claim).optional(),
  /** Claims and askBack questions from the judge that failed anchoring or the schema: dropped, never shown. */
  droppedClaims: z.number().int().nonnegative().optional(),
});
export type ScoreResult = z.infer<typeof ScoreResult>;

/** A line of the CLI's JSONL input. */
export const CliInputLine = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string().max(MAX_REPLY_CHARS),
  context: z.union([ScoreContext, z.string(), z.null()]).optional(),
});
export type CliInputLine = z.infer<typeof CliInputLine>;

/** Checks the one invariant a schema cannot see: each flag's (or claim's) quote is the reply's text at its offsets. */
export function flagsMatchText(text: string, flags: readonly Pick<Flag, 'start' | 'end' | 'quote'>[]): boolean {
  return flags.every((f) => f.end <= text.length && text.slice(f.start, f.end) === f.quote);
}
