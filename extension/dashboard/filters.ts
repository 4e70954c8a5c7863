// The dashboard's filters: a plain object (kept in the page's URL hash so a view can be
// bookmarked), a pure predicate over a conversation's summary, and the parse/serialise pair.
//
// Filters are conversation-level: "move X" = some reply in the conversation has a flag of move X;
// "score range" = the conversation's highest reply score lies in the range; the date range is on
// when it was last captured. Conversations stored before their summary was computed have none and
// match only the filters that need no summary (site, date, text).
import { MOVE_IDS, SUPPORT_STATUSES, type MoveId, type Support } from '#shared/schemas';
import type { ConversationRecord } from '#shared/records';

export interface DashboardFilter {
  site?: string;
  model?: string;
  move?: MoveId;
  support?: Support;
  /** Inclusive, 0..100, on the conversation's highest reply score (unscored conversations never match a range). */
  scoreMin?: number;
  scoreMax?: number;
  /** Epoch ms, inclusive, on lastCapturedAt. */
  from?: number;
  to?: number;
  flaggedOnly?: boolean;
  labeledOnly?: boolean;
  /** Free text: lowercase substring of a reply, its user turn or the title (see search.ts). */
  text?: string;
}

export const EMPTY_FILTER: DashboardFilter = {};

export function hasScoreRange(f: DashboardFilter): boolean {
  return f.scoreMin !== undefined || f.scoreMax !== undefined;
}

/** Everything but site, date range and text (those are the index range and the search). */
export function matchesSummary(c: ConversationRecord, f: DashboardFilter): boolean {
  if (f.model !== undefined && !(c.models ?? []).includes(f.model)) return false;
  if (f.move !== undefined && !(c.moves ?? []).includes(f.move)) return false;
  if (f.support !== undefined && !(c.supports ?? []).includes(f.support)) return false;
  if (f.flaggedOnly && c.flagged !== 1) return false;
  if (f.labeledOnly && c.labeled !== 1) return false;
  if (hasScoreRange(f)) {
    const max = c.maxScore ?? -1;
    if (max < 0) return false;
    if (f.scoreMin !== undefined && max < f.scoreMin) return false;
    if (f.scoreMax !== undefined && max > f.scoreMax) return false;
  }
  return true;
}

/** The whole filter, given the set of conversation keys the text search found (when searching). */
export function matchesFilter(c: ConversationRecord, f: DashboardFilter, textHits?: ReadonlySet<string>): boolean {
  if (f.site !== undefined && c.site !== f.site) return false;
  if (f.from !== undefined && c.lastCapturedAt < f.from) return false;
  if (f.to !== undefined && c.lastCapturedAt > f.to) return false;
  if (f.text && textHits && !textHits.has(c.key)) return false;
  return matchesSummary(c, f);
}

export function isEmptyFilter(f: DashboardFilter): boolean {
  return Object.values(f).every((v) => v === undefined || v === false || v === '');
}

const num = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const clampScore = (n: number | undefined) => (n === undefined ? undefined : Math.max(0, Math.min(100, n)));

/** Reads a filter from URL search params; anything unknown or malformed is dropped, never trusted. */
export function parseFilter(params: URLSearchParams): DashboardFilter {
  const f: DashboardFilter = {};
  const site = params.get('site')?.trim();
  if (site) f.site = site.slice(0, 64);
  const model = params.get('model')?.trim();
  if (model) f.model = model.slice(0, 200);
  const move = params.get('move');
  if (move && (MOVE_IDS as readonly string[]).includes(move)) f.move = move as MoveId;
  const support = params.get('support');
  if (support && (SUPPORT_STATUSES as readonly string[]).includes(support)) f.support = support as Support;
  const scoreMin = clampScore(num(params.get('scoreMin')));
  const scoreMax = clampScore(num(params.get('scoreMax')));
  if (scoreMin !== undefined) f.scoreMin = scoreMin;
  if (scoreMax !== undefined) f.scoreMax = scoreMax;
  const from = num(params.get('from'));
  const to = num(params.get('to'));
  if (from !== undefined && from >= 0) f.from = from;
  if (to !== undefined && to >= 0) f.to = to;
  if (params.get('flagged') === '1') f.flaggedOnly = true;
  if (params.get('labeled') === '1') f.labeledOnly = true;
  const text = params.get('q')?.trim();
  if (text) f.text = text.slice(0, 200);
  return f;
}

export function serializeFilter(f: DashboardFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.site) p.set('site', f.site);
  if (f.model) p.set('model', f.model);
  if (f.move) p.set('move', f.move);
  if (f.support) p.set('support', f.support);
  if (f.scoreMin !== undefined) p.set('scoreMin', String(f.scoreMin));
  if (f.scoreMax !== undefined) p.set('scoreMax', String(f.scoreMax));
  if (f.from !== undefined) p.set('from', String(f.from));
  if (f.to !== undefined) p.set('to', String(f.to));
  if (f.flaggedOnly) p.set('flagged', '1');
  if (f.labeledOnly) p.set('labeled', '1');
  if (f.text) p.set('q', f.text);
  return p;
}
