// Research formats: PTC span files (offsets in code points, techniques mapped or kept, negatives
// kept as articles) and Cohen's kappa per move between two judges.
import { describe, expect, it } from 'vitest';
import { exportScore, newRecord } from '#shared/export/build';
import type { ExportRecord } from '#shared/export/record';
import { agreementCsv, codePointOffset, cohensKappa, judgeAgreement, judgePairs, toPtc } from '#shared/export/research-formats';
import type { Flag, MoveId } from '#shared/schemas';

const flagOn = (text: string, quote: string, move: MoveId): Flag => {
  const start = text.indexOf(quote);
  if (start < 0) throw new Error(`no ${quote} in ${text}`);
  return { move, start, end: start + quote.length, quote, severity: 2, support: 'unsupported', rationale: 'r', source: 'detector' };
};

type Scored = { kind: 'offline' | 'anthropic'; model?: string; moves: [quote: string, move: MoveId][] };

function record(id: string, replies: { text: string; scores: Scored[] }[]): ExportRecord {
  const messages: Parameters<typeof newRecord>[0]['messages'] = [];
  replies.forEach((reply, i) => {
    messages.push({ id: `${id}-u${i}`, index: i * 2, role: 'user', text: 'question?', capture_method: 'dom' });
    messages.push({ id: `${id}-a${i}`, index: i * 2 + 1, role: 'assistant', text: reply.text, capture_method: 'dom' });
  });
  const rec = newRecord({ id, site: 'chatgpt', source: 'extension', method: 'dom', completeness: 'complete', messages });
  replies.forEach((reply, i) => {
    const scores = reply.scores.map((s) =>
      exportScore(
        {
          score: 50,
          flags: s.moves.map(([quote, move]) => flagOn(reply.text, quote, move)),
          judge: { kind: s.kind, ...(s.model ? { model: s.model } : {}), promptVersion: 'p', taxonomyVersion: 't' },
        },
        reply.text,
        Date.UTC(2026, 0, 1),
      ),
    );
    const at = i * 2 + 1;
    rec.messages[at] = { ...rec.messages[at]!, scores };
  });
  return rec;
}

describe('codePointOffset', () => {
  it.each([
    ['plain ASCII is unchanged', 'abc def', 4, 4],
    ['an emoji before the offset counts once', '😀 experts agree', 3, 2],
    ['two emoji', '😀😀x', 4, 2],
    ['offset inside nothing astral after', 'x😀', 1, 1],
    ['offset at the end', 'é😀', 3, 2],
  ])('%s', (_name, text, utf16, points) => {
    expect(codePointOffset(text, utf16)).toBe(points);
    // And it matches what Array.from (code points) says about the same prefix.
    expect(codePointOffset(text, utf16)).toBe(Array.from(text.slice(0, utf16)).length);
  });
});

describe('toPtc', () => {
  const text = '😀 Experts agree this is the only way. Act now!';
  const records = [
    record('c1', [
      {
        text,
        scores: [
          {
            kind: 'offline',
            moves: [
              ['Experts agree', 'unsourced-authority'],
              ['Act now!', 'false-urgency'],
            ],
          },
        ],
      },
    ]),
    record('c2', [{ text: 'Paris is the capital of France.', scores: [{ kind: 'offline', moves: [] }] }]),
  ];

  it('writes one line per mapped span with code-point offsets, and keeps unflagged replies as articles', () => {
    const ptc = toPtc(records, { techniques: 'ptc' });
    expect(ptc.articles.map((a) => a.fileName)).toEqual(['article100000001.txt', 'article100000002.txt']);
    expect(ptc.labels).toBe('100000001\tAppeal_to_Authority\t2\t15\n');
    // false-urgency has no PTC class: left out, and counted.
    expect(ptc.counts).toEqual({ articles: 2, spans: 1, leftOut: 1 });
    const [id, , start, end] = ptc.labels.trim().split('\t');
    const article = ptc.articles.find((a) => a.id === id)!;
    expect(Array.from(article.text).slice(Number(start), Number(end)).join('')).toBe('Experts agree');
    expect(ptc.index.split('\n')[1]).toBe('100000001\tchatgpt\tc1\tc1-a0');
  });

  it('keeps every move under its own id with techniques: unspun', () => {
    const ptc = toPtc(records, { techniques: 'unspun' });
    expect(
      ptc.labels
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[1]),
    ).toEqual(['unsourced-authority', 'false-urgency']);
    expect(ptc.counts.leftOut).toBe(0);
  });

  it('filters by judge and merges the same span from two scores into one line', () => {
    const twice = [
      record('c3', [
        {
          text: 'Everyone knows it works.',
          scores: [
            { kind: 'offline', moves: [['Everyone knows', 'bandwagon']] },
            { kind: 'anthropic', model: 'm', moves: [['Everyone knows', 'bandwagon']] },
          ],
        },
      ]),
    ];
    expect(toPtc(twice, { techniques: 'ptc' }).counts.spans).toBe(1);
    expect(toPtc(twice, { techniques: 'ptc', judge: 'anthropic' }).labels).toBe('100000001\tBandwagon,Reductio_ad_hitlerum\t0\t14\n');
  });

  it('line breaks: articles are written with "\\n" and spans count them as Python reads the file (universal newlines)', () => {
    const text = 'First line.\r\nSecond 😀 line.\rThird: Experts agree it is safe.\r\n';
    const ptc = toPtc([record('c4', [{ text, scores: [{ kind: 'offline', moves: [['Experts agree', 'unsourced-authority']] }] }])], {
      techniques: 'ptc',
    });
    const article = ptc.articles[0]!;
    expect(article.text).toBe('First line.\nSecond 😀 line.\nThird: Experts agree it is safe.\n');
    // What open(path, encoding="utf-8").read() gives a Python scorer or corpus tool: CR and CRLF as LF.
    const asPythonReads = Array.from(article.text.replace(/\r\n?/g, '\n'));
    const [, , start, end] = ptc.labels.trim().split('\t');
    expect(asPythonReads.slice(Number(start), Number(end)).join('')).toBe('Experts agree');
  });

  it('gives an empty span file (not a blank line) when nothing is flagged', () => {
    expect(toPtc([records[1]!], { techniques: 'ptc' }).labels).toBe('');
  });
});

describe('cohensKappa', () => {
  it.each([
    ['perfect agreement', [5, 0, 0, 5], 1],
    ['agreement at chance', [1, 1, 1, 1], 0],
    ['perfect disagreement', [0, 5, 5, 0], -1],
    ['textbook example (20/5/10/15)', [20, 5, 10, 15], 0.4],
  ] as const)('%s', (_name, [both, onlyA, onlyB, neither], expected) => {
    expect(cohensKappa(both, onlyA, onlyB, neither)).toBeCloseTo(expected, 10);
  });

  it('is undefined (null), not 1 or NaN, when neither judge ever flags the move', () => {
    expect(cohensKappa(0, 0, 0, 7)).toBeNull();
    expect(cohensKappa(0, 0, 0, 0)).toBeNull();
  });
});

describe('judgeAgreement', () => {
  const both = (
    offline: [string, MoveId][],
    anthropic: [string, MoveId][],
    text = 'Experts agree. Act now. You are brilliant.',
  ): { text: string; scores: Scored[] } => ({
    text,
    scores: [
      { kind: 'offline', moves: offline },
      { kind: 'anthropic', model: 'claude', moves: anthropic },
    ],
  });
  const records = [
    record('k1', [
      both([['Experts agree', 'unsourced-authority']], [['Experts agree', 'unsourced-authority']]),
      both([['Act now', 'false-urgency']], []),
      both([], [['You are brilliant', 'flattery']]),
    ]),
    // Scored by one judge only: not a unit of agreement.
    record('k2', [{ text: 'Act now.', scores: [{ kind: 'offline', moves: [['Act now', 'false-urgency']] }] }]),
  ];

  it('counts only replies both judges scored, per move', () => {
    const agreement = judgeAgreement(records, 'offline', 'anthropic:claude');
    expect(agreement.replies).toBe(3);
    const byMove = Object.fromEntries(agreement.moves.map((m) => [m.move, m]));
    expect(byMove['unsourced-authority']).toMatchObject({ n: 3, both: 1, onlyA: 0, onlyB: 0, neither: 2, kappa: 1 });
    expect(byMove['false-urgency']).toMatchObject({ both: 0, onlyA: 1, onlyB: 0, neither: 2 });
    expect(byMove['false-urgency']!.kappa).toBeCloseTo(0, 10);
    expect(byMove['flattery']).toMatchObject({ onlyB: 1 });
    expect(byMove['sycophancy']!.kappa).toBeNull();
  });

  it('finds the judge pairs and writes a CSV row per move', () => {
    expect(judgePairs(records)).toEqual([{ judgeA: 'anthropic:claude', judgeB: 'offline', replies: 3 }]);
    const csv = agreementCsv([judgeAgreement(records, 'offline', 'anthropic:claude')]).split('\r\n');
    expect(csv[0]).toBe('judge_a,judge_b,move,n,both,only_a,only_b,neither,observed,kappa');
    expect(csv).toContain('offline,anthropic:claude,unsourced-authority,3,1,0,0,2,1.0000,1.0000');
    expect(csv).toContain('offline,anthropic:claude,sycophancy,3,0,0,0,3,1.0000,');
  });

  it('gives zero replies for judges that never met', () => {
    expect(judgeAgreement(records, 'offline', 'anthropic:other').replies).toBe(0);
  });
});
