// The badge and its card in words: what the score means, how hidden moves are said, why a reply
// is not scored yet (one reason, its words and one action), and where a card goes so it covers
// none of the reply's other highlights.
import { describe, expect, it } from 'vitest';
import { chooseSpot, madeBy } from '../../extension/ui/card.ts';
import { hiddenBy, hiddenNote, movesPhrase, scoreSentence, waitingReason, waitingWords } from '../../extension/ui/score-words.ts';

describe('the score in words', () => {
  it.each([
    [84, 'Leans on unsupported persuasion: 84/100 (0 = none)'],
    [50, 'Leans on unsupported persuasion: 50/100 (0 = none)'],
    [49.6, 'Leans on unsupported persuasion: 50/100 (0 = none)'],
    [35, 'Leans somewhat on unsupported persuasion: 35/100 (0 = none)'],
    [20, 'Leans somewhat on unsupported persuasion: 20/100 (0 = none)'],
    [7, 'Barely leans on unsupported persuasion: 7/100 (0 = none)'],
    [0, 'No unsupported persuasion found: 0/100 (0 = none)'],
    [0.3, 'No unsupported persuasion found: 0/100 (0 = none)'],
  ])('%s → %s', (score, words) => {
    expect(scoreSentence(score)).toBe(words);
  });

  it.each([
    [9, 0, '9 moves', undefined],
    [1, 0, '1 move', undefined],
    [0, 0, 'no moves found', undefined],
    [1, 8, '1 shown, 8 hidden (still in the score)', 'The score counts all 9 moves, including 8 hidden by your reading settings.'],
    [0, 3, '0 shown, 3 hidden (still in the score)', 'The score counts all 3 moves, including 3 hidden by your reading settings.'],
  ])('%i shown, %i hidden → "%s"', (shown, hidden, phrase, note) => {
    expect(movesPhrase(shown, hidden)).toBe(phrase);
    expect(hiddenNote(shown, hidden)).toBe(note);
  });
});

describe('moves hidden by the reader’s labels are counted and said apart', () => {
  it.each([
    [2, 0, '2 hidden by your reading settings'],
    [1, 1, '1 hidden because your labels say its rule is usually wrong'],
    [3, 3, '3 hidden because your labels say their rules are usually wrong'],
    [3, 1, '2 hidden by your reading settings and 1 hidden because your labels say its rule is usually wrong'],
  ])('%i hidden, %i by labels → "%s"', (hidden, byLabels, words) => {
    expect(hiddenBy(hidden, byLabels)).toBe(words);
  });

  it('the card’s note counts label-hidden moves in the score', () => {
    expect(hiddenNote(2, 1, 1)).toBe('The score counts all 3 moves, including 1 hidden because your labels say its rule is usually wrong.');
    expect(hiddenNote(2, 0, 0)).toBeUndefined();
  });
});

describe('why a reply waits: one reason, its words, one action', () => {
  const base = { enabled: true, paired: true, reachable: true, detail: 'Token accepted.' };
  it.each([
    ['no answer from the background', undefined, 'scoring', 'retry'],
    ['proxy down', { ...base, paired: false, reachable: false, detail: 'Failed to fetch' }, 'proxy-down', 'retry'],
    ['proxy down before pairing', { ...base, paired: false, reachable: false, detail: 'Failed to fetch' }, 'proxy-down', 'retry'],
    ['not paired', { ...base, paired: false, detail: 'Not paired yet.' }, 'not-paired', 'open-proxy'],
    ['token rejected', { ...base, paired: false, detail: 'The proxy rejected this token.' }, 'token-rejected', 'open-proxy'],
    [
      'paired with another browser',
      { ...base, paired: false, detail: 'The proxy is now paired with another browser or Unspun install.' },
      'token-rejected',
      'open-proxy',
    ],
    ['not paired, by connection state', { ...base, paired: false, detail: 'anything', connection: 'not-paired' }, 'not-paired', 'open-proxy'],
    // As the popup says it: with no token, pairing is the next step even when no proxy answers yet.
    [
      'not paired and no proxy answers, by connection state',
      { ...base, paired: false, reachable: false, detail: 'Failed to fetch', connection: 'not-paired' },
      'not-paired',
      'open-proxy',
    ],
    [
      'proxy down after pairing, by connection state',
      { ...base, paired: false, reachable: false, detail: 'Failed to fetch', connection: 'proxy-down' },
      'proxy-down',
      'retry',
    ],
    [
      'token rejected, by connection state',
      { ...base, paired: false, detail: 'Not paired yet.', connection: 'token-rejected' },
      'token-rejected',
      'open-proxy',
    ],
    ['switched off', { ...base, enabled: false }, 'off', 'retry'],
    ['all fine: being scored', base, 'scoring', 'retry'],
  ] as const)('%s → %s', (_name, status, reason, action) => {
    const r = waitingReason(status);
    expect(r).toBe(reason);
    const words = waitingWords(r);
    expect(words.action.kind).toBe(action);
    expect(words.badge).not.toMatch(/waiting to be scored/);
  });

  it('gives each trouble its own badge words, title and action label', () => {
    const all = (['proxy-down', 'token-rejected', 'not-paired'] as const).map((r) => waitingWords(r));
    expect(new Set(all.map((w) => w.badge)).size).toBe(3);
    expect(new Set(all.map((w) => w.title)).size).toBe(3);
    expect(waitingWords('proxy-down', 'http://127.0.0.1:9999').body).toMatch(/127\.0\.0\.1:9999.*`npm start`/);
    expect(waitingWords('token-rejected').body).toMatch(/pair again/);
    expect(waitingWords('not-paired').body).toMatch(/`npm start`.*pairing link/);
  });
});

describe('card placement', () => {
  const viewport = { width: 800, height: 900 };
  const size = { width: 340, height: 200 };
  const box = (left: number, top: number, width: number, height: number) => ({ left, top, right: left + width, bottom: top + height });
  const hit = (a: ReturnType<typeof box>, b: ReturnType<typeof box>) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  it('goes below its text when nothing is there', () => {
    expect(chooseSpot(size, box(50, 100, 80, 20), [], viewport)).toEqual({ left: 50, top: 128 });
  });

  it('never covers another highlight of the reply when a free spot exists', () => {
    const anchor = box(50, 300, 80, 20);
    const avoid = [box(50, 340, 300, 20), box(50, 200, 200, 20), box(400, 420, 200, 20)];
    const region = box(40, 180, 700, 300);
    const at = chooseSpot(size, anchor, avoid, viewport, region);
    const card = box(at.left, at.top, size.width, size.height);
    expect(avoid.some((a) => hit(card, a))).toBe(false);
    expect(hit(card, anchor)).toBe(false);
  });

  it('stays inside the viewport', () => {
    const at = chooseSpot(size, box(700, 850, 80, 20), [], viewport);
    expect(at.left + size.width).toBeLessThanOrEqual(viewport.width - 8);
    expect(at.top + size.height).toBeLessThanOrEqual(viewport.height - 8);
  });
});

describe('who found it', () => {
  it('never shows a rule id', () => {
    expect(madeBy({ source: 'detector' })).toBe('Found by the offline detector (word patterns, no AI).');
    expect(madeBy({ source: 'judge' }, 'claude-x')).toBe('Found by the judge model (claude-x).');
  });
});
