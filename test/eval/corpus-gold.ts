// The project's own corpus (test/corpus/*.jsonl: {id, site, kind, context, text, moves:[{move,
// quote, support}], note}) in ../shared/eval's gold unit format, so score.mjs measures it like any
// dev set. It covers all 20 moves; a quote becomes a span where it is found in the text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GoldUnit } from './predict.ts';

interface CorpusLine {
  id: string;
  site?: string;
  text: string;
  context?: unknown;
  moves?: { move: string; quote: string }[];
}

export function corpusAsGold(dir: string): (GoldUnit & Record<string, unknown>)[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as CorpusLine),
    )
    .map((c) => {
      const moves = [...new Set((c.moves ?? []).map((m) => m.move))];
      const spans = (c.moves ?? []).flatMap((m) => {
        const at = c.text.indexOf(m.quote);
        return at >= 0 && m.quote.length > 0 ? [{ start: at, end: at + m.quote.length, label: m.move, move: m.move }] : [];
      });
      return {
        id: `corpus:${c.id}`,
        dataset: 'corpus',
        ...(c.site ? { site: c.site } : {}),
        text: c.text,
        context: c.context ?? null,
        spans,
        labels: moves,
        moves,
        has_move: moves.length > 0,
        partial_moves: [],
        unmapped_labels: [],
        ignore_spans: [],
      };
    });
}
