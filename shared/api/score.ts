// POST /v1/score: body ScoreRequest, answer ScoreResult (DESIGN.md "Contracts"). Both live in
// shared/schemas.ts, where the archive, the CLI and the batch items use them too.
export { Flag, JudgeChoice, JudgeInfo, JudgeKind, MAX_REPLY_CHARS, ScoreContext, ScoreRequest, ScoreResult, Usage } from '../schemas.ts';

/** Header set on a score whose judge gave flags with quotes not found in the reply (dropped). */
export const DROPPED_FLAGS_HEADER = 'X-Unspun-Dropped-Flags';
