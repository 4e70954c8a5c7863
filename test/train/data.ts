// Training data for the learned tier: gold units from ../shared/eval (only the sets whose licence
// lets us ship weights, unless --research) and the project's own corpus (test/corpus/*.jsonl),
// turned into sentence-level labels per move: 1 = makes the move, 0 = does not, -1 = unknown.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MOVE_IDS, type MoveId, type ScoreContext } from '#shared/schemas';
import { sentencesOf, type Sentence } from '#shared/detect/learned/features';
import { EVAL_DIR } from '../eval/paths.ts';
import { chatContext } from '../eval/predict.ts';

/** Sets whose weights may ship, with their licences (../shared/eval/README.md). */
export const SHIPPABLE: Record<string, string> = {
  'sahai-train': 'MIT (sahaisaumya/informal_fallacies)',
  'sahai-dev': 'MIT (sahaisaumya/informal_fallacies)',
  argotario: 'CC0 1.0 (UKPLab/argotario)',
  'spiral-kimi-k2': 'MIT per README (sam-paech/spiral-bench)',
  'spiral-llama-4-maverick': 'MIT per README (sam-paech/spiral-bench)',
};
export const CORPUS_LICENCE = "the project's own corpus (test/corpus), written for Unspun";
/** Labelled dev sets that may be used for measurement-only (--research) models. */
export const RESEARCH_ONLY = ['ptc20-train', 'logic-train', 'logic-dev', 'logic-climate-train', 'logic-climate-dev', 'cocolofa-dev'];

export interface TrainUnit {
  set: string;
  id: string;
  text: string;
  context?: ScoreContext;
  /** The chat site (corpus replies): the detector reads it for self-serving bias, as in the product. */
  site?: string;
  /** The corpus file a reply came from: one writer's batch (folds are split by it, see folds.ts). */
  batch?: string;
  sentences: Sentence[];
  /** labels[s][m]: sentence s, move index m (MOVE_IDS order). */
  labels: Int8Array[];
}

interface GoldSpan {
  start: number;
  end: number;
  label?: string;
  move?: string;
  partial?: boolean;
}
interface GoldUnit {
  id: string;
  dataset?: string;
  text: string;
  context?: unknown;
  spans?: GoldSpan[];
  moves?: string[];
  partial_moves?: string[];
}

const MOVE_INDEX = new Map<string, number>(MOVE_IDS.map((m, i) => [m, i]));
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

export function coveredMoves(set: string): MoveId[] {
  const meta = JSON.parse(readFileSync(join(EVAL_DIR, 'datasets.json'), 'utf8')) as { datasets: { name: string; covered_moves: MoveId[] }[] };
  return meta.datasets.find((d) => d.name === set)?.covered_moves ?? [];
}

/**
 * Moves only a chat assistant makes toward its reader: Reddit comments and debate arguments
 * (sahai, argotario) are taken as negatives for them, which gives the model ordinary prose that
 * does not flatter, claim feelings or cave (a weak-label assumption, documented in the model file).
 */
export const ASSISTANT_ONLY: readonly MoveId[] = ['flattery', 'sycophancy', 'relational-manipulation'];

/** Spiral-Bench's "sycophancy or praise" snippets are praise of the user's idea: flattery in our taxonomy. */
const PRAISE = 'sycophancy or praise';

/** Sentence labels of one eval unit, per covered move (see the file comment for the scheme). */
export function labelEvalUnit(u: GoldUnit, set: string, covered: readonly MoveId[]): TrainUnit {
  const sentences = sentencesOf(u.text);
  const labels = sentences.map(() => new Int8Array(MOVE_IDS.length).fill(-1));
  const spiral = set.startsWith('spiral-');
  for (const move of covered) {
    const mi = MOVE_INDEX.get(move)!;
    let positives: GoldSpan[] | 'all' | 'none' | 'unknown';
    const spans = (u.spans ?? []).filter((s) => s.move === move);
    if (spiral && move === 'flattery') {
      const praise = (u.spans ?? []).filter((s) => s.label === PRAISE);
      positives = praise.length > 0 ? praise : 'none';
    } else if ((u.partial_moves ?? []).includes(move)) positives = 'unknown';
    else if ((u.moves ?? []).includes(move)) positives = spans.filter((s) => !s.partial).length > 0 ? spans.filter((s) => !s.partial) : 'all';
    else positives = 'none';
    if (positives === 'unknown') continue;
    sentences.forEach((s, si) => {
      labels[si]![mi] = positives === 'all' ? 1 : positives === 'none' ? 0 : positives.some((p) => overlaps(s, p)) ? 1 : 0;
    });
  }
  if (!spiral) {
    for (const move of ASSISTANT_ONLY) {
      const mi = MOVE_INDEX.get(move)!;
      if (!covered.includes(move)) for (const l of labels) l[mi] = 0;
    }
  }
  const context = chatContext({ id: u.id, dataset: set, text: u.text, context: u.context });
  return { set, id: u.id, text: u.text, ...(context ? { context } : {}), sentences, labels };
}

interface CorpusLine {
  id: string;
  site?: string;
  text: string;
  context?: ScoreContext;
  moves?: { move: string; quote: string }[];
}

/** The project's corpus covers every move: a quoted move marks its sentences, everything else is negative. */
export function labelCorpusUnit(c: CorpusLine, batch?: string): TrainUnit {
  const sentences = sentencesOf(c.text);
  const labels = sentences.map(() => new Int8Array(MOVE_IDS.length).fill(0));
  for (const m of c.moves ?? []) {
    const mi = MOVE_INDEX.get(m.move);
    if (mi === undefined) continue;
    const at = c.text.indexOf(m.quote);
    const span = at >= 0 ? { start: at, end: at + m.quote.length } : undefined;
    sentences.forEach((s, si) => {
      // A quote we cannot find marks the whole reply as unknown for that move, never as negative.
      if (!span) labels[si]![mi] = -1;
      else if (overlaps(s, span)) labels[si]![mi] = 1;
    });
  }
  return {
    set: 'corpus',
    id: `corpus:${c.id}`,
    text: c.text,
    ...(c.context ? { context: c.context } : {}),
    ...(c.site ? { site: c.site } : {}),
    ...(batch ? { batch } : {}),
    sentences,
    labels,
  };
}

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

export function loadEvalSet(set: string, dataDir = join(EVAL_DIR, 'data')): TrainUnit[] {
  const covered = coveredMoves(set);
  return readJsonl<GoldUnit>(join(dataDir, `${set}.jsonl`)).map((u) => labelEvalUnit(u, set, covered));
}

export function loadCorpus(dir: string): TrainUnit[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readJsonl<CorpusLine>(join(dir, f)).map((c) => labelCorpusUnit(c, f)));
}
