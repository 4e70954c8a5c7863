// Shared by the eval runner and the unit-test regression guard: turn gold units into prediction
// lines (the ../shared/eval prediction format) with our detector or the keyword baseline.
import { detect } from '#shared/detect';

export interface GoldUnit {
  id: string;
  text: string;
  dataset?: string;
}

export interface PredLine {
  id: string;
  flags: { move: string; start: number; end: number }[];
  score: number;
}

export function predictDetector(units: readonly GoldUnit[]): PredLine[] {
  // Only `text` is scored: gold `context` is a parent comment or article, not a chat user turn.
  return units.map((u) => {
    const r = detect(u.text ?? '');
    return { id: u.id, flags: r.flags.map((f) => ({ move: f.move, start: f.start, end: f.end })), score: r.score / 100 };
  });
}

type BaselineDetect = (text: string) => { move: string; start: number; end: number }[];

export function predictBaseline(units: readonly GoldUnit[], baseline: BaselineDetect): PredLine[] {
  return units.map((u) => {
    const flags = baseline(u.text ?? '').map((f) => ({ move: f.move, start: f.start, end: f.end }));
    return { id: u.id, flags, score: 1 - 0.5 ** flags.length };
  });
}

export function toJsonl(lines: readonly unknown[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : '');
}
