// One interface for every judge, so the proxy, the CLI and the cache do not care which one answered.
import type { Flag, JudgeInfo, ScoreRequest, Usage } from '#shared/schemas';

export interface JudgeVerdict {
  flags: Flag[];
  score: number;
  judge: JudgeInfo;
  usage?: Usage;
  notice?: string;
}

export interface Judge {
  readonly kind: JudgeInfo['kind'];
  /** Scores one reply. Throws on upstream failure; the app maps errors to status codes. */
  score(request: ScoreRequest, signal?: AbortSignal): Promise<JudgeVerdict>;
}
