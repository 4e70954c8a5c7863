// Shared by the eval runner and the unit-test regression guard: turn gold units into prediction
// lines (the ../shared/eval prediction format) with our detector or the keyword baseline.
import { detect } from '#shared/detect/index';
import type { LearnedModel } from '#shared/detect/learned/model';
import type { ScoreContext } from '#shared/schemas';
import { CHAT_SETS } from './gates.ts';

export interface GoldUnit {
  id: string;
  text: string;
  dataset?: string;
  context?: unknown;
  /** The chat site a corpus reply came from (the product sends it with every reply). */
  site?: string;
}

/**
 * The chat context of a unit: only assistant-reply sets have one (the user turn before the reply).
 * Elsewhere `context` is a parent comment, a thread title or an article, not a chat turn.
 */
export function chatContext(u: GoldUnit): ScoreContext | undefined {
  if (!CHAT_SETS.test(u.dataset ?? u.id)) return undefined;
  if (typeof u.context === 'string') return { user: u.context };
  if (u.context && typeof u.context === 'object') return u.context as ScoreContext;
  return undefined;
}

export interface PredLine {
  id: string;
  flags: { move: string; start: number; end: number; severity?: number; quote?: string; ruleId?: string | undefined }[];
  score: number;
}

/**
 * The detector's predictions. `modelFor` picks the learned model per unit (a held-out fold's, or
 * null for rules only); without it the shipped model answers.
 */
export function predictDetector(units: readonly GoldUnit[], modelFor?: (u: GoldUnit) => LearnedModel | null): PredLine[] {
  // Only `text` is scored; the context is read only where it is a chat turn (chatContext).
  return units.map((u) => {
    const context = chatContext(u);
    const r = detect(u.text ?? '', { ...(context ? { context } : {}), ...(u.site ? { site: u.site } : {}), ...(modelFor ? { model: modelFor(u) } : {}) });
    return {
      id: u.id,
      flags: r.flags.map((f) => ({ move: f.move, start: f.start, end: f.end, severity: f.severity, quote: f.quote, ruleId: f.ruleId })),
      score: r.score / 100,
    };
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
