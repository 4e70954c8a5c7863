// The detector's learned tier: features, the model file's codecs and checks, training that is
// deterministic, the tier's decisions on a small model trained here, and the rules-only fallback
// when a model is missing or damaged (one clear line; the reply is still scored).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { detect, detectRules } from '#shared/detect/index';
import { sentencesOf } from '#shared/detect/learned/features';
import {
  contentHash,
  decodeIds,
  encodeIds,
  fromBase64,
  parseModel,
  toBase64,
  versionOf,
  type LearnedModel,
  type StoredModel,
} from '#shared/detect/learned/model';
import { shippedModel } from '#shared/detect/learned/shipped';
import { Flag } from '#shared/schemas';
import { moveById } from '#shared/taxonomy';
import { labelCorpusUnit } from '../train/data.ts';
import { chooseKeep, chooseThreshold, prepare, train } from '../train/trainer.ts';
import { createOfflineJudge, loadModelFile } from '../../proxy/judges/offline.ts';
import { resolveJudgeSettings } from '../../proxy/config.ts';
import { createJudges } from '../../proxy/server.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('sentences', () => {
  it('splits prose into sentences with exact offsets and no list markers', () => {
    const text = 'First point here. Second one!\n- A list item\n1. Numbered item?';
    const quotes = sentencesOf(text).map((s) => text.slice(s.start, s.end));
    expect(quotes).toEqual(['First point here.', 'Second one!', 'A list item', 'Numbered item?']);
  });

  it('never reads a fenced code block as prose', () => {
    const text = 'Run this:\n```js\nconsole.log("You are brilliant.");\n```\nDone.';
    const quotes = sentencesOf(text).map((s) => text.slice(s.start, s.end));
    expect(quotes.join('|')).not.toContain('brilliant');
    expect(quotes).toContain('Done.');
  });
});

describe('model file codecs', () => {
  it('round-trips bytes through base64 and bucket ids through delta varints', () => {
    const bytes = Uint8Array.from({ length: 257 }, (_, i) => (i * 37) & 0xff);
    for (const n of [0, 1, 2, 3, 256, 257]) expect([...fromBase64(toBase64(bytes.subarray(0, n)))]).toEqual([...bytes.subarray(0, n)]);
    const ids = [0, 1, 127, 128, 300, 16383, 16384, 262143];
    expect(decodeIds(encodeIds(ids))).toEqual(ids);
  });

  it('hashes content stably and tells different content apart', () => {
    expect(contentHash('abc')).toBe(contentHash('abc'));
    expect(contentHash('abc')).not.toBe(contentHash('abd'));
    expect(contentHash('')).toMatch(/^[0-9a-f]{16}$/);
  });
});

// A small model trained here: replies that flatter the reader in one sentence, and plain ones.
const FLATTERY = [
  'You are brilliant, truly a rare genius.',
  'What a brilliant, genius question from you.',
  'Your mind is brilliant and your instincts are genius-level.',
];
const PLAIN = [
  'The bus leaves at nine from the north stop.',
  'Add two cups of flour and stir well.',
  'The file is saved in the home folder.',
  'Paris is the capital of France.',
];
function smallCorpus() {
  const lines = [];
  for (let i = 0; i < 40; i++) {
    const plain = `${PLAIN[i % PLAIN.length]} ${PLAIN[(i + 1) % PLAIN.length]}`;
    const flatter = FLATTERY[i % FLATTERY.length]!;
    lines.push(
      i % 2 === 0 ? { id: `t-${i}`, text: `${flatter} ${plain}`, moves: [{ move: 'flattery', quote: flatter }] } : { id: `t-${i}`, text: plain, moves: [] },
    );
  }
  return lines.map((l) => labelCorpusUnit(l));
}

let small: { stored: StoredModel; model: LearnedModel } | undefined;
function smallModel() {
  if (!small) {
    const { model: stored } = train(prepare(smallCorpus()), { seed: 7, trainedOn: [{ name: 'unit-test', licence: 'test', units: 40, source: 'test' }] });
    const loaded = parseModel(stored);
    if (!loaded.ok) throw new Error(loaded.error);
    small = { stored, model: loaded.model };
  }
  return small;
}

describe('training', () => {
  it('is deterministic: the same data and seed give the same file, versioned by its content', () => {
    const again = train(prepare(smallCorpus()), { seed: 7, trainedOn: [{ name: 'unit-test', licence: 'test', units: 40, source: 'test' }] }).model;
    expect(JSON.stringify(again)).toBe(JSON.stringify(smallModel().stored));
    expect(again.version).toBe(versionOf(again));
    expect(Object.keys(again.moves)).toContain('flattery');
  });

  it.each([
    {
      name: 'best F1 at the precision floor',
      rows: [
        [0.9, 1],
        [0.8, 1],
        [0.7, 0],
        [0.6, 1],
        [0.2, 0],
      ],
      floor: 0.6,
      t: 0.6,
    },
    {
      name: 'a stricter floor gives a higher threshold',
      rows: [
        [0.9, 1],
        [0.8, 1],
        [0.7, 0],
        [0.6, 1],
        [0.2, 0],
      ],
      floor: 0.9,
      t: 0.8,
    },
    {
      name: 'no threshold when nothing reaches the floor',
      rows: [
        [0.9, 0],
        [0.8, 0],
        [0.1, 1],
      ],
      floor: 0.6,
      t: undefined,
    },
  ])('threshold: $name', ({ rows, floor, t }) => {
    expect(
      chooseThreshold(
        rows.map(([s, y]) => ({ s: s!, y: y! })),
        floor,
      )?.t,
    ).toBe(t);
  });

  it("'recall' picks the lowest threshold that keeps the floor, 'f1' the best F1 above it", () => {
    const rows = [
      [0.9, 1],
      [0.8, 1],
      [0.7, 0],
      [0.6, 0],
      [0.5, 1],
      [0.4, 0],
    ].map(([s, y]) => ({ s: s!, y: y! }));
    expect(chooseThreshold(rows, 0.6)?.t).toBe(0.8);
    expect(chooseThreshold(rows, 0.6, 'recall')?.t).toBe(0.5);
    expect(chooseThreshold(rows, 0.9, 'recall')?.t).toBe(0.8);
  });

  it('a threshold resting on fewer right adds than asked for is no threshold', () => {
    const rows = [
      [0.9, 1],
      [0.8, 1],
      [0.7, 1],
      [0.6, 0],
      [0.5, 0],
    ].map(([s, y]) => ({ s: s!, y: y! }));
    expect(chooseThreshold(rows, 0.6, 'f1', 3)?.t).toBe(0.7);
    expect(chooseThreshold(rows, 0.6, 'f1', 4)).toBeUndefined();
  });

  it('hides rule flags only when that helps, and keeps them all otherwise', () => {
    const noisyRule = [
      { y: 1, any: 0.9, rule: 0.9 },
      { y: 0, any: 0.1, rule: 0.1 },
      { y: 0, any: 0.2, rule: 0.2 },
      { y: 1, any: 0.8, rule: 0.8 },
    ];
    expect(chooseKeep(noisyRule, undefined).t).toBe(0.8);
    const goodRule = [
      { y: 1, any: 0.1, rule: 0.1 },
      { y: 1, any: 0.2, rule: 0.2 },
      { y: 0, any: 0.3, rule: -1 },
    ];
    expect(chooseKeep(goodRule, undefined).t).toBe(0);
  });
});

describe('the learned tier in detect()', () => {
  it('adds a flag where no rule fired, with its confidence and the taxonomy as its explanation', () => {
    const reply = 'Your mind is brilliant and your instincts are genius-level. The file is saved in the home folder.';
    const rules = detectRules(reply);
    const r = detect(reply, { model: smallModel().model });
    expect(r.tier).toBe('learned');
    expect(r.detectorVersion).toMatch(/\+learned-[0-9a-f]{16}$/);
    const added = r.flags.filter((f) => f.ruleId === 'learned/flattery');
    expect(rules.flags.some((f) => f.move === 'flattery' && f.start === 0)).toBe(false);
    expect(added).toHaveLength(1);
    const f = added[0]!;
    expect(f.quote).toBe('Your mind is brilliant and your instincts are genius-level.');
    expect(reply.slice(f.start, f.end)).toBe(f.quote);
    expect(f.confidence).toBeGreaterThan(0.5);
    expect(f.confidence).toBeLessThanOrEqual(1);
    expect(f.rationale).toContain(moveById('flattery').definition);
    expect(f.support).toBe('unsupported');
    expect(Flag.safeParse(f).success).toBe(true);
    expect(r.score).toBeGreaterThan(0);
  });

  it('adds nothing to a sentence a rule already explains firmly as another move', () => {
    const reply = 'Act now: your mind is brilliant and your instincts are genius-level. The file is saved in the home folder.';
    const model = smallModel().model;
    expect(detectRules(reply).flags.some((f) => f.move === 'false-urgency' && f.start === 0 && f.severity >= 2)).toBe(true);
    // The same words without the rule's cue do get the learned flag (the model is confident on them).
    expect(detect(reply.replace('Act now: y', 'Y'), { model }).flags.some((f) => f.ruleId === 'learned/flattery')).toBe(true);
    expect(detect(reply, { model }).flags.filter((f) => f.ruleId === 'learned/flattery')).toEqual([]);
  });

  it('leaves plain replies and code alone, and marks flags requested when the user asked for it', () => {
    const model = smallModel().model;
    expect(detect('Add two cups of flour and stir well. Paris is the capital of France.', { model }).flags).toEqual([]);
    const code = 'Here is the test string:\n```\nYou are brilliant, truly a rare genius.\n```\nThe file is saved in the home folder.';
    expect(detect(code, { model }).flags.filter((f) => f.ruleId === 'learned/flattery')).toEqual([]);
    const asked = detect('You are brilliant, truly a rare genius.', { model, context: { user: 'Flatter me, I need a pep talk before my exam.' } });
    const flattery = asked.flags.filter((f) => f.move === 'flattery');
    expect(flattery.length).toBeGreaterThan(0);
    for (const f of flattery) expect(f.support).toBe('requested');
  });

  it('accepts a confidence from 0 to 1 on a flag, and nothing outside it', () => {
    const base = { move: 'flattery', start: 0, end: 3, quote: 'abc', severity: 1, support: 'unsupported', rationale: 'r', source: 'detector' };
    expect(Flag.safeParse({ ...base, confidence: 0.42 }).success).toBe(true);
    expect(Flag.safeParse(base).success).toBe(true);
    expect(Flag.safeParse({ ...base, confidence: 1.5 }).success).toBe(false);
  });

  it('loads the shipped model, whose version is the hash of its file', () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'shared', 'detect', 'learned', 'model.json'), 'utf8')) as StoredModel;
    expect(file.version).toBe(versionOf(file));
    expect(file.trainedOn.map((t) => t.name).sort()).toEqual(expect.arrayContaining(['argotario', 'spiral-kimi-k2', 'spiral-llama-4-maverick']));
    for (const t of file.trainedOn) expect(t.licence).not.toMatch(/research only/);
    expect(shippedModel()?.version).toBe(file.version);
    const r = detect('Honestly, you are one of the sharpest people I have talked to.');
    expect(r.tier).toBe('learned');
    expect(r.detectorVersion.endsWith(`+${file.version}`)).toBe(true);
  });
});

describe('a missing or damaged model', () => {
  const good = () => smallModel().stored;
  const firstMove = (m: StoredModel) => Object.values(m.moves)[0]!;
  it.each([
    ['not JSON', () => '{"format": "unspun-learned/2", '],
    ['nothing', () => null],
    ['another format', () => ({ ...good(), format: 'other/9' })],
    // A model trained on the older feature set (rule hits as features), re-versioned so only its format differs.
    [
      'the older feature set (unspun-learned/1)',
      () => {
        const m = { ...structuredClone(good()), format: 'unspun-learned/1' };
        return { ...m, version: versionOf(m) };
      },
    ],
    [
      'edited weights (version no longer matches)',
      () => {
        const m = structuredClone(good());
        const mv = firstMove(m);
        mv.w = mv.w.startsWith('A') ? `B${mv.w.slice(1)}` : `A${mv.w.slice(1)}`;
        return m;
      },
    ],
    [
      'truncated weights, re-versioned',
      () => {
        const m = structuredClone(good());
        const mv = firstMove(m);
        mv.w = mv.w.slice(0, 8);
        return { ...m, version: versionOf(m) };
      },
    ],
  ])('%s: refused with one line, never a throw', (_name, make) => {
    const loaded = parseModel(make());
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.length).toBeGreaterThan(0);
      expect(loaded.error).not.toContain('\n');
    }
  });

  it("runs rules only and says so: the flags are the rules' and every reply is still scored", () => {
    const reply = 'Act now, before it is too late! Experts agree this is the only option.';
    const r = detect(reply, { model: null });
    expect(r.tier).toBe('rules');
    expect(r.detectorVersion.endsWith('+rules-only')).toBe(true);
    // The rules' flags, each with the follow-up question detect() adds to weak or unsupported ones.
    expect(r.flags.map(({ askBack: _question, ...flag }) => flag)).toEqual(detectRules(reply).flags);
    expect(r.flags.every((f) => typeof f.askBack === 'string')).toBe(true);
  });

  it('the proxy names a missing model file in one line and its offline judge answers with rules only', async () => {
    const warn = vi.fn();
    const missing = join(ROOT, 'no-such-dir', 'model.json');
    expect(loadModelFile(missing, warn)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    const line = String(warn.mock.calls[0]![0]);
    expect(line).toContain(missing);
    expect(line).toContain('rules only');
    expect(line).not.toContain('\n');
    const judge = createOfflineJudge({ model: null });
    const verdict = await judge.score({ reply: { text: 'Act now, before it is too late!' } });
    expect(verdict.judge.detectorVersion?.endsWith('+rules-only')).toBe(true);
    expect(judge.promptVersion).toBe(verdict.judge.detectorVersion);
  });

  it('UNSPUN_DETECTOR_MODEL names the model file; a missing one leaves the proxy scoring with rules only', async () => {
    const missing = join(ROOT, 'no-such-dir', 'research-model.json');
    const settings = resolveJudgeSettings({ UNSPUN_JUDGE: 'offline', UNSPUN_DETECTOR_MODEL: missing });
    expect(settings.detectorModel).toBe(missing);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const judges = createJudges(settings);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain(missing);
      const verdict = await judges.offline.score({ reply: { text: 'Act now, before it is too late!' } });
      expect(verdict.judge.detectorVersion?.endsWith('+rules-only')).toBe(true);
      expect(verdict.flags.length).toBeGreaterThan(0);
    } finally {
      warn.mockRestore();
    }
    expect(resolveJudgeSettings({ UNSPUN_JUDGE: 'offline' }).detectorModel).toBeUndefined();
  });

  it('a corrupt model file given to the proxy is refused the same way', () => {
    const warn = vi.fn();
    expect(loadModelFile(join(ROOT, 'package.json'), warn)).toBeNull();
    expect(String(warn.mock.calls[0]![0])).toMatch(/package\.json is unusable \(format is undefined/);
  });
});

describe('npm run train -- --research', () => {
  it('refuses to write research weights over the shipped model file', () => {
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = spawnSync(process.execPath, [tsx, 'test/train/train.ts', '--research', '--out', 'shared/detect/learned/model.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('refusing to write shared/detect/learned/model.json');
  });
});

describe('held-out folds (npm run eval)', () => {
  it('folds corpus replies by batch (one writer), so thresholds are chosen on unseen wording', async () => {
    const { foldOf, groupKey } = await import('../train/folds.ts');
    const batch = (id: string, file: string, user: string) => ({ set: 'corpus', id, batch: file, context: { user } });
    const sameBatch = [
      batch('corpus:uc-4901', 'replies-49.jsonl', 'Is melatonin safe?'),
      batch('corpus:uc-4933', 'replies-49.jsonl', 'My kid swallowed a pill'),
    ];
    expect(new Set(sameBatch.map((u) => foldOf(groupKey(u), 3))).size).toBe(1);
    expect(groupKey(sameBatch[0]!)).toBe('batch:replies-49.jsonl');
    // The batches themselves spread over the folds.
    const files = Array.from({ length: 12 }, (_, i) => groupKey(batch(`corpus:uc-${i}`, `replies-${10 + i}.jsonl`, 'q')));
    expect(new Set(files.map((k) => foldOf(k, 3))).size).toBe(3);
  });

  it('keeps a corpus reply and its twin (same user turn) in one fold; other sets fold by id', async () => {
    const { foldOf, groupKey } = await import('../train/folds.ts');
    const user = 'Is my business plan any good?';
    const twins = [
      { set: 'corpus', id: 'corpus:uc-1', context: { user } },
      { set: 'corpus', id: 'corpus:uc-2', context: { user } },
    ];
    expect(new Set(twins.map((u) => foldOf(groupKey(u), 3))).size).toBe(1);
    expect(groupKey({ set: 'sahai-train', id: 'sahai-train:7', context: { user } })).toBe('sahai-train:7');
    expect(groupKey({ set: 'corpus', id: 'corpus:uc-3' })).toBe('corpus:uc-3');
    // Without grouping, ids alone would split at least one of a few such pairs.
    const ids = Array.from({ length: 12 }, (_, i) => [`corpus:uc-${2 * i}`, `corpus:uc-${2 * i + 1}`]);
    expect(ids.some(([a, b]) => foldOf(a!, 3) !== foldOf(b!, 3))).toBe(true);
  });
});
