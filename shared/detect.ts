// The offline detector: text -> flags with exact offsets, and a reply-level score 0..100.
// Pure, synchronous, fast. (Placeholder until the rules land.)
import type { Flag, ScoreContext } from './schemas.ts';

export const detectorVersion = 'detector-0';

export interface DetectOptions {
  context?: ScoreContext;
}

export interface Detection {
  flags: Flag[];
  score: number;
}

export function detect(_text: string, _options: DetectOptions = {}): Detection {
  return { flags: [], score: 0 };
}
