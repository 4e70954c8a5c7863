// Research formats built from export records, so existing scorers and corpora work with Unspun data:
//   - PTC (SemEval-2020 Task 11 span format): one `article_id \t technique \t start \t end` line per
//     flag, plus one text file per article (an article is one assistant reply);
//   - agreement between two judges per move (Cohen's kappa with its 2x2 counts), over the replies
//     both judges scored.
// Pure: records in, strings and numbers out. The dashboard and the CLI write the files.
import { MOVE_IDS, type MoveId } from '../schemas.ts';
import type { ExportRecord, ExportScore } from './record.ts';

/**
 * Our moves as the SemEval-2020 Task 11 technique names. Moves the PTC taxonomy has no class for
 * (sycophancy, flattery, false urgency, ...) are absent: with `techniques: 'ptc'` their flags are
 * left out and counted; with `techniques: 'unspun'` every flag keeps its move id.
 */
export const PTC_TECHNIQUES: Partial<Record<MoveId, string>> = {
  'emotional-appeal': 'Appeal_to_fear-prejudice',
  'loaded-language': 'Loaded_Language',
  exaggeration: 'Exaggeration,Minimisation',
  'unsourced-authority': 'Appeal_to_Authority',
  bandwagon: 'Bandwagon,Reductio_ad_hitlerum',
  'appeal-to-values': 'Flag-Waving',
  'false-dilemma': 'Black-and-White_Fallacy',
  'faulty-causation': 'Causal_Oversimplification',
  'straw-man': 'Whataboutism,Straw_Men,Red_Herring',
  distraction: 'Whataboutism,Straw_Men,Red_Herring',
  'personal-attack': 'Name_Calling,Labeling',
  'thought-terminating': 'Thought-terminating_Cliches',
};

export interface PtcOptions {
  /** ptc: SemEval technique names, unmapped moves left out; unspun: our move ids. */
  techniques: 'ptc' | 'unspun';
  /** Which scores to take when a reply has several: a judge kind, or all of them. Default: all. */
  judge?: ExportScore['judge']['kind'];
}

export interface PtcArticle {
  /** Numeric, as the PTC tools expect (they read it from `article<id>.txt`). */
  id: string;
  fileName: string;
  text: string;
  /** Where the reply came from, for the index file. */
  conversationId: string;
  site: string;
  messageId: string;
}

export interface PtcExport {
  /** The span file: `article_id \t technique \t start \t end` per line, sorted by article and start. */
  labels: string;
  articles: PtcArticle[];
  /** article_id, site, conversation_id, message_id (TSV with a header): maps articles back to records. */
  index: string;
  counts: { articles: number; spans: number; leftOut: number };
}

/**
 * UTF-16 offset -> code point offset. PTC offsets are Python string offsets (code points), ours are
 * JavaScript's (UTF-16 units): they differ after any emoji or other astral character.
 */
export function codePointOffset(text: string, utf16Offset: number): number {
  let points = 0;
  for (let i = 0; i < utf16Offset && i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: count it at the low half.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) continue;
    }
    points++;
  }
  return points;
}

/**
 * A reply's text as a PTC article file: line breaks as "\n". Python reads text files with universal
 * newlines ("\r\n" and a lone "\r" become "\n"), so an article written with "\r" in it would have
 * its spans land one character later per break before them.
 */
export function ptcArticleText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** A UTF-16 offset into a reply as a PTC offset: code points into its article text (ptcArticleText). */
export function ptcOffset(text: string, utf16Offset: number): number {
  const before = text.slice(0, utf16Offset);
  const article = ptcArticleText(before);
  return codePointOffset(article, article.length);
}

/** One-line, tab-free field for a TSV cell. */
function tsvField(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ');
}

/**
 * PTC files for a set of records. Every assistant reply with text becomes an article (also one with
 * no flags: a scorer needs the negatives); ids count up from `firstId` in record order, so the same
 * export gives the same files.
 */
export function toPtc(records: Iterable<ExportRecord>, options: PtcOptions, firstId = 100_000_001): PtcExport {
  const articles: PtcArticle[] = [];
  const lines: string[] = [];
  const index = ['article_id\tsite\tconversation_id\tmessage_id'];
  let leftOut = 0;
  let nextId = firstId;
  for (const record of records) {
    for (const message of record.messages) {
      if (message.role !== 'assistant' || message.text.length === 0) continue;
      const id = String(nextId++);
      articles.push({
        id,
        fileName: `article${id}.txt`,
        text: ptcArticleText(message.text),
        conversationId: record.conversation.id,
        site: record.conversation.site,
        messageId: message.id,
      });
      index.push([id, record.conversation.site, record.conversation.id, message.id].map(tsvField).join('\t'));
      const spans = new Set<string>();
      const rows: { start: number; end: number; line: string }[] = [];
      for (const score of message.scores ?? []) {
        if (options.judge && score.judge.kind !== options.judge) continue;
        for (const flag of score.flags) {
          const technique = options.techniques === 'ptc' ? PTC_TECHNIQUES[flag.move] : flag.move;
          if (!technique) {
            leftOut++;
            continue;
          }
          const start = ptcOffset(message.text, flag.start);
          const end = ptcOffset(message.text, flag.end);
          const line = `${id}\t${technique}\t${start}\t${end}`;
          // Two judges (or two moves mapped to one class) on the same span are one gold span.
          if (spans.has(line)) continue;
          spans.add(line);
          rows.push({ start, end, line });
        }
      }
      rows.sort((a, b) => a.start - b.start || a.end - b.end || (a.line < b.line ? -1 : 1));
      for (const row of rows) lines.push(row.line);
    }
  }
  return {
    labels: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    articles,
    index: `${index.join('\n')}\n`,
    counts: { articles: articles.length, spans: lines.length, leftOut },
  };
}

// ---- Agreement between judges ----

export interface MoveAgreement {
  move: MoveId;
  /** Replies scored by both judges. */
  n: number;
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  /** Cohen's kappa; null when it is undefined (both judges constant and equal: no variation to agree on). */
  kappa: number | null;
  /** Raw agreement (both + neither) / n. */
  observed: number;
}

export interface JudgeAgreement {
  judgeA: string;
  judgeB: string;
  /** Replies scored by both. */
  replies: number;
  moves: MoveAgreement[];
}

/** Cohen's kappa for a 2x2 table; null when expected agreement is 1 (kappa is 0/0). */
export function cohensKappa(both: number, onlyA: number, onlyB: number, neither: number): number | null {
  const n = both + onlyA + onlyB + neither;
  if (n === 0) return null;
  const observed = (both + neither) / n;
  const aYes = (both + onlyA) / n;
  const bYes = (both + onlyB) / n;
  const expected = aYes * bYes + (1 - aYes) * (1 - bYes);
  if (expected >= 1) return null;
  return (observed - expected) / (1 - expected);
}

/** A judge's name in the table: kind, and the model when there is one. */
export function judgeName(judge: ExportScore['judge']): string {
  return judge.model ? `${judge.kind}:${judge.model}` : judge.kind;
}

/**
 * Per-move agreement between judge A and judge B over the replies both scored (a reply is a unit;
 * "flagged" = at least one flag of that move). Judges are named as judgeName() gives them; when a
 * reply has two scores by the same judge, the last one counts.
 */
export function judgeAgreement(records: Iterable<ExportRecord>, judgeA: string, judgeB: string): JudgeAgreement {
  const tables = new Map<MoveId, { both: number; onlyA: number; onlyB: number; neither: number }>();
  for (const move of MOVE_IDS) tables.set(move, { both: 0, onlyA: 0, onlyB: 0, neither: 0 });
  let replies = 0;
  for (const record of records) {
    for (const message of record.messages) {
      let a: ExportScore | undefined;
      let b: ExportScore | undefined;
      for (const score of message.scores ?? []) {
        const name = judgeName(score.judge);
        if (name === judgeA) a = score;
        if (name === judgeB) b = score;
      }
      if (!a || !b) continue;
      replies++;
      const movesA = new Set(a.flags.map((f) => f.move));
      const movesB = new Set(b.flags.map((f) => f.move));
      for (const [move, t] of tables) {
        const inA = movesA.has(move);
        const inB = movesB.has(move);
        if (inA && inB) t.both++;
        else if (inA) t.onlyA++;
        else if (inB) t.onlyB++;
        else t.neither++;
      }
    }
  }
  const moves = [...tables].map(([move, t]) => ({
    move,
    n: replies,
    ...t,
    kappa: cohensKappa(t.both, t.onlyA, t.onlyB, t.neither),
    observed: replies === 0 ? 0 : (t.both + t.neither) / replies,
  }));
  return { judgeA, judgeB, replies, moves };
}

/** Every pair of judges that scored at least one reply together, most shared replies first. */
export function judgePairs(records: Iterable<ExportRecord>): { judgeA: string; judgeB: string; replies: number }[] {
  const pairs = new Map<string, number>();
  for (const record of records) {
    for (const message of record.messages) {
      const names = [...new Set((message.scores ?? []).map((s) => judgeName(s.judge)))].sort();
      for (let i = 0; i < names.length; i++) {
        for (let j = i + 1; j < names.length; j++) {
          const key = `${names[i]}\u0000${names[j]}`;
          pairs.set(key, (pairs.get(key) ?? 0) + 1);
        }
      }
    }
  }
  return [...pairs]
    .map(([key, replies]) => {
      const [judgeA = '', judgeB = ''] = key.split('\u0000');
      return { judgeA, judgeB, replies };
    })
    .sort((x, y) => y.replies - x.replies || (x.judgeA + x.judgeB < y.judgeA + y.judgeB ? -1 : 1));
}

/** Agreement tables as one CSV (one row per judge pair and move), for a spreadsheet or a paper's appendix. */
export function agreementCsv(agreements: readonly JudgeAgreement[]): string {
  const header = 'judge_a,judge_b,move,n,both,only_a,only_b,neither,observed,kappa';
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = agreements.flatMap((agreement) =>
    agreement.moves.map((m) =>
      [
        quote(agreement.judgeA),
        quote(agreement.judgeB),
        m.move,
        m.n,
        m.both,
        m.onlyA,
        m.onlyB,
        m.neither,
        m.observed.toFixed(4),
        m.kappa === null ? '' : m.kappa.toFixed(4),
      ].join(','),
    ),
  );
  return `${[header, ...rows].join('\r\n')}\r\n`;
}
