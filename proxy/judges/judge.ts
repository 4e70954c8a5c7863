// One interface for every judge, so the proxy, the CLI and the cache do not care which one answered.
import { Flag, type JudgeChoice, type JudgeInfo, type ScoreRequest, type Usage } from '#shared/schemas';

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

/** The judges a process has: offline always, anthropic only when a key is configured. */
export interface Judges {
  offline: Judge;
  anthropic?: Judge;
}

/** Asked for a judge this process does not have (e.g. `anthropic` with no key). */
export class JudgeUnavailableError extends Error {
  override name = 'JudgeUnavailableError';
}

/** `auto` means anthropic when configured, else offline; `anthropic` without one is an error. */
export function selectJudge(judges: Judges, choice: JudgeChoice = 'auto'): Judge {
  if (choice === 'offline') return judges.offline;
  if (judges.anthropic) return judges.anthropic;
  if (choice === 'auto') return judges.offline;
  throw new JudgeUnavailableError(
    'The anthropic judge is not configured: set ANTHROPIC_API_KEY (and UNSPUN_JUDGE=anthropic or auto) and restart, or ask for judge "offline" or "auto".',
  );
}

/**
 * Keeps only flags that are valid and whose quote is exactly the reply's text at their offsets
 * (DESIGN.md: a flag whose quote cannot be found is never shown). Returns how many were dropped.
 */
export function keepAnchoredFlags(text: string, flags: readonly unknown[]): { flags: Flag[]; dropped: number } {
  const kept: Flag[] = [];
  for (const candidate of flags) {
    const parsed = Flag.safeParse(candidate);
    if (parsed.success && parsed.data.end <= text.length && text.slice(parsed.data.start, parsed.data.end) === parsed.data.quote) {
      kept.push(parsed.data);
    }
  }
  return { flags: kept, dropped: flags.length - kept.length };
}
