import { describe, expect, it } from 'vitest';
import { anchorQuote, FUZZY_THRESHOLD, type AnchorMethod } from '#shared/anchor';

interface Hit {
  name: string;
  text: string;
  quote: string;
  near?: number;
  start: number;
  end: number;
  slice: string;
  method: AnchorMethod;
}

const REPEATED = 'Act now. Prices rise soon. Act now. Stock is limited. Act now.';
const REPEATED_CURLY = 'He said “trust me” once, and later “trust me” again.';

const hits: Hit[] = [
  // --- exact
  { name: 'plain exact', text: 'Experts agree you should act now.', quote: 'act now', start: 25, end: 32, slice: 'act now', method: 'exact' },
  {
    name: 'astral emoji before the quote count two units each',
    text: 'Great question! 🎉🎉 Experts agree you should act now.',
    quote: 'Experts agree',
    start: 21,
    end: 34,
    slice: 'Experts agree',
    method: 'exact',
  },
  {
    name: 'emoji inside the quote',
    text: 'You are doing amazing 💪 keep going!',
    quote: 'amazing 💪 keep',
    start: 14,
    end: 29,
    slice: 'amazing 💪 keep',
    method: 'exact',
  },
  {
    name: 'CJK exact',
    text: '这是一个很好的问题！专家一致认为你应该立即行动。',
    quote: '专家一致认为',
    start: 10,
    end: 16,
    slice: '专家一致认为',
    method: 'exact',
  },
  { name: 'repeated, no near: first', text: REPEATED, quote: 'Act now.', start: 0, end: 8, slice: 'Act now.', method: 'exact' },
  { name: 'repeated, near the middle one', text: REPEATED, quote: 'Act now.', near: 30, start: 27, end: 35, slice: 'Act now.', method: 'exact' },
  { name: 'repeated, near the last one', text: REPEATED, quote: 'Act now.', near: 999, start: 54, end: 62, slice: 'Act now.', method: 'exact' },
  // 27 and 54 are both 13.5 away from 40.5 -> no; 40 is 13 from 27 and 14 from 54.
  { name: 'repeated, near breaks ties toward the closer', text: REPEATED, quote: 'Act now.', near: 40, start: 27, end: 35, slice: 'Act now.', method: 'exact' },
  {
    name: 'repeated, exact tie goes to the earlier',
    text: 'go go go',
    quote: 'go',
    near: 4,
    start: 3,
    end: 5,
    slice: 'go',
    method: 'exact',
  },
  // --- normalised
  {
    name: 'straight quotes in the quote, curly in the text',
    text: 'He said “act now” before it’s too late.',
    quote: 'said "act now" before it\'s too late',
    start: 3,
    end: 38,
    slice: 'said “act now” before it’s too late',
    method: 'normalized',
  },
  {
    name: 'curly quotes in the quote, straight in the text',
    text: 'The "best" plan isn\'t cheap.',
    quote: 'The “best” plan isn’t',
    start: 0,
    end: 21,
    slice: 'The "best" plan isn\'t',
    method: 'normalized',
  },
  {
    name: 'repeated curly passage, near picks the second',
    text: REPEATED_CURLY,
    quote: '"trust me"',
    near: 40,
    start: 35,
    end: 45,
    slice: '“trust me”',
    method: 'normalized',
  },
  {
    name: 'repeated curly passage, no near picks the first',
    text: REPEATED_CURLY,
    quote: '"trust me"',
    start: 8,
    end: 18,
    slice: '“trust me”',
    method: 'normalized',
  },
  {
    name: 'case differences',
    text: 'Honestly, EVERYONE KNOWS this works.',
    quote: 'everyone knows this works',
    start: 10,
    end: 35,
    slice: 'EVERYONE KNOWS this works',
    method: 'normalized',
  },
  {
    name: 'collapsed whitespace and newlines',
    text: 'You  should\n\nact\tnow   before\nit is too late.',
    quote: 'you should act now before it is too late',
    start: 0,
    end: 44,
    slice: 'You  should\n\nact\tnow   before\nit is too late',
    method: 'normalized',
  },
  {
    name: 'leading and trailing whitespace in the quote',
    text: 'Trust me, this is the only way.',
    quote: '  this is the only way\n',
    start: 10,
    end: 30,
    slice: 'this is the only way',
    method: 'normalized',
  },
  {
    name: 'NBSP vs space',
    text: 'It only costs\u00a0$5 today.',
    quote: 'costs $5 today',
    start: 8,
    end: 22,
    slice: 'costs\u00a0$5 today',
    method: 'normalized',
  },
  {
    name: 'em dash vs spaced hyphen',
    text: 'This is the answer—no question about it.',
    quote: 'the answer - no question',
    start: 8,
    end: 30,
    slice: 'the answer—no question',
    method: 'normalized',
  },
  {
    name: 'en dash vs double hyphen',
    text: 'Pick one -- there is no middle ground.',
    quote: 'Pick one – there is no middle ground',
    start: 0,
    end: 37,
    slice: 'Pick one -- there is no middle ground',
    method: 'normalized',
  },
  {
    name: 'ellipsis character vs three dots',
    text: 'Wait… this changes everything.',
    quote: 'Wait... this changes everything',
    start: 0,
    end: 29,
    slice: 'Wait… this changes everything',
    method: 'normalized',
  },
  {
    name: 'markdown bold in the text, plain quote (opening marker taken in)',
    text: 'This is **the best** plan you will find.',
    quote: 'the best plan',
    start: 8,
    end: 25,
    slice: '**the best** plan',
    method: 'normalized',
  },
  {
    name: 'markdown in the quote, rendered text',
    text: 'This is the best plan you will find.',
    quote: 'This is **the best** plan',
    start: 0,
    end: 21,
    slice: 'This is the best plan',
    method: 'normalized',
  },
  {
    name: 'emphasis wholly inside the span',
    text: 'You _really_ must read `the guide` first.',
    quote: 'you really must read the guide',
    start: 0,
    end: 34,
    slice: 'You _really_ must read `the guide`',
    method: 'normalized',
  },
  {
    name: 'markdown link in the text',
    text: 'According to [the WHO](https://who.int/report), masks work.',
    quote: 'according to the WHO, masks work',
    start: 0,
    end: 58,
    slice: 'According to [the WHO](https://who.int/report), masks work',
    method: 'normalized',
  },
  {
    name: 'markdown link in the quote, rendered text',
    text: 'According to the WHO, masks work.',
    quote: 'According to [the WHO](https://who.int), masks',
    start: 0,
    end: 27,
    slice: 'According to the WHO, masks',
    method: 'normalized',
  },
  {
    name: 'list markers dropped',
    text: 'Your options:\n\n1. Buy now\n2. Regret it later',
    quote: 'Your options: Buy now Regret it later',
    start: 0,
    end: 44,
    slice: 'Your options:\n\n1. Buy now\n2. Regret it later',
    method: 'normalized',
  },
  {
    name: 'snake_case survives markdown stripping',
    text: 'Set max_retries to 3 and you are done.',
    quote: 'Set MAX_RETRIES to 3',
    start: 0,
    end: 20,
    slice: 'Set max_retries to 3',
    method: 'normalized',
  },
  {
    name: 'composed vs decomposed accents',
    text: 'The caf\u00e9 owner agrees.',
    quote: 'cafe\u0301 owner',
    start: 4,
    end: 14,
    slice: 'caf\u00e9 owner',
    method: 'normalized',
  },
  { name: 'full case folding: ß', text: 'Die Straße ist frei.', quote: 'STRASSE', start: 4, end: 10, slice: 'Straße', method: 'normalized' },
  { name: 'Greek final sigma', text: 'Ο ΛΟΓΟΣ είναι σαφής.', quote: 'ο λογος', start: 0, end: 7, slice: 'Ο ΛΟΓΟΣ', method: 'normalized' },
  {
    name: 'CJK with full-width Latin',
    text: '请使用ＡＩ助手来完成任务。',
    quote: 'ai助手',
    start: 3,
    end: 7,
    slice: 'ＡＩ助手',
    method: 'normalized',
  },
  {
    name: 'emoji before a normalised match (closing marker taken in)',
    text: '🚀🚀🚀 This is **HUGE** for you.',
    quote: 'this is huge',
    start: 7,
    end: 23,
    slice: 'This is **HUGE**',
    method: 'normalized',
  },
  {
    name: 'quote wrapped in quotation marks by the judge',
    text: 'Honestly, you should act now.',
    quote: '"act now"',
    start: 21,
    end: 28,
    slice: 'act now',
    method: 'normalized',
  },
  {
    name: 'closing punctuation differs',
    text: 'Buy it now. Seriously.',
    quote: 'Buy it now!',
    start: 0,
    end: 10,
    slice: 'Buy it now',
    method: 'normalized',
  },
  {
    name: 'quotation marks present in the text are kept',
    text: 'He calls it "the deal of the century" again.',
    quote: '"the deal of the century"',
    start: 12,
    end: 37,
    slice: '"the deal of the century"',
    method: 'exact',
  },
  {
    name: 'quote elided with "..."',
    text: 'Experts agree on this. I have no doubt. You should act now.',
    quote: 'Experts agree ... you should act now',
    start: 0,
    end: 58,
    slice: 'Experts agree on this. I have no doubt. You should act now',
    method: 'normalized',
  },
  {
    name: 'leading "..." in the quote',
    text: 'Remember that you should act now.',
    quote: '...you should act now',
    start: 14,
    end: 32,
    slice: 'you should act now',
    method: 'normalized',
  },
  // --- fuzzy
  {
    name: 'one word changed',
    text: 'Honestly, the smartest move is to refinance your mortgage today.',
    quote: 'the smartest move is to refinance your loan today',
    start: 10,
    end: 63,
    slice: 'the smartest move is to refinance your mortgage today',
    method: 'fuzzy',
  },
  {
    name: 'one word changed, astral chars before',
    text: '😀😀 Ok. You should always back up your data first.',
    quote: 'You should usually back up your data first',
    start: 9,
    end: 50,
    slice: 'You should always back up your data first',
    method: 'fuzzy',
  },
  {
    name: 'fuzzy edge snapped to a whole word',
    text: 'Many people believe that rushing in is the wisest choice here.',
    quote: 'believe that rushing in is the wise choice',
    start: 12,
    end: 56,
    slice: 'believe that rushing in is the wisest choice',
    method: 'fuzzy',
  },
  {
    name: 'fuzzy, repeated passage, near picks the second',
    text: 'Studies clearly show this diet works. Also, studies clearly show this diet works.',
    quote: 'studies clearly prove this diet works',
    near: 50,
    start: 44,
    end: 80,
    slice: 'studies clearly show this diet works',
    method: 'fuzzy',
  },
  {
    name: 'fuzzy, CJK one character changed',
    text: '总之，这个方法绝对是世界上最好的选择，请立刻购买。',
    quote: '这个方法绝对是世界上最棒的选择',
    start: 3,
    end: 18,
    slice: '这个方法绝对是世界上最好的选择',
    method: 'fuzzy',
  },
];

describe('anchorQuote: found', () => {
  it.each(hits)('$name', ({ text, quote, near, start, end, slice, method }) => {
    const got = anchorQuote(text, quote, near === undefined ? {} : { near });
    expect(got).toEqual({ start, end, method });
    expect(text.slice(start, end)).toBe(slice);
  });
});

const misses: { name: string; text: string; quote: string }[] = [
  { name: 'not in the text', text: 'The weather is nice today.', quote: 'experts agree you must act' },
  { name: 'empty quote', text: 'Anything at all.', quote: '' },
  { name: 'whitespace-only quote', text: 'Anything at all.', quote: ' \n\t\u00a0 ' },
  { name: 'markdown-only quote, even where it occurs', text: 'Some **bold** text.', quote: '**' },
  { name: 'invisible-only quote', text: 'a\u200bb', quote: '\u200b' },
  { name: 'empty text', text: '', quote: 'something' },
  {
    name: 'a similar sentence that says the opposite',
    text: 'Experts disagree that this diet is safe for anyone.',
    quote: 'Experts agree this diet is safe',
  },
  {
    name: 'same words, different claim (two words changed in a short quote)',
    text: 'Most users never need the premium plan.',
    quote: 'Most users really need the paid plan',
  },
  { name: 'too short to fuzz', text: 'Buy it now.', quote: 'Bye it now' },
  { name: 'half a surrogate pair', text: 'Great 🎉 news', quote: '\ud83c' },
  { name: 'CJK not present', text: '专家一致认为你应该立即行动。', quote: '这是完全不同的句子内容' },
  {
    name: 'elided quote whose second part is missing',
    text: 'Experts agree on this. You should wait.',
    quote: 'Experts agree ... you should act now',
  },
];

describe('anchorQuote: not found', () => {
  it.each(misses)('$name', ({ text, quote }) => {
    expect(anchorQuote(text, quote)).toBeNull();
  });
});

describe('anchorQuote: surrogate pairs', () => {
  it('never returns an offset inside a pair', () => {
    const text = '🎉🎉 Party time 🎉 is now 🎉🎉';
    for (const quote of ['🎉 is', '\ud83c\udf89 is now \ud83c', 'time \ud83c', '\udf89 Party', 'PARTY TIME 🎉']) {
      const got = anchorQuote(text, quote);
      if (!got) continue;
      for (const i of [got.start, got.end]) {
        const before = text.charCodeAt(i - 1);
        const at = text.charCodeAt(i);
        expect(before >= 0xd800 && before <= 0xdbff && at >= 0xdc00 && at <= 0xdfff).toBe(false);
      }
    }
    // The whole-emoji quote is found as text, the half-emoji ones never cut the emoji.
    expect(anchorQuote(text, 'PARTY TIME 🎉')).toEqual({ start: 5, end: 18, method: 'normalized' });
    expect(anchorQuote(text, 'time \ud83c')).toBeNull();
  });
});

describe('anchorQuote: long reply', () => {
  // A 20k-char reply of repetitive, common words: the hard case for candidate filtering.
  const words = 'the a of and to you that it for on with as this be are your have can will not but at'.split(' ');
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const filler: string[] = [];
  while (filler.join(' ').length < 20_000) filler.push(words[Math.floor(next() * words.length)]!);
  const marker = 'Our premium plan is guaranteed to double your savings within a single month.';
  const text = `${filler.slice(0, 1800).join(' ')} ${marker} ${filler.slice(1800).join(' ')}`;
  const at = text.indexOf(marker);

  it('is long enough to mean something', () => {
    expect(text.length).toBeGreaterThan(20_000);
    expect(at).toBeGreaterThan(5_000);
  });

  it.each([
    { quote: marker, method: 'exact' },
    { quote: marker.toUpperCase().replace(/ /g, '\n'), method: 'normalized' },
    { quote: 'Our premium plan is guaranteed to triple your savings within a single month.', method: 'fuzzy' },
  ] as const)('finds the passage ($method)', ({ quote, method }) => {
    const got = anchorQuote(text, quote);
    expect(got).toEqual({ start: at, end: at + marker.length, method });
  });

  it('rejects an absent quote made of the same common words', () => {
    const absent = filler.slice(300, 340).reverse().join(' ');
    expect(text.includes(absent)).toBe(false);
    expect(anchorQuote(text, absent)).toBeNull();
  });

  // Time on long and degenerate input is measured by `npm run bench` (anchoring), not here.
  it('a long fuzzy quote (2,000 chars) is found', () => {
    const passage = text.slice(4_000, 6_000);
    const misquoted = `${passage.slice(0, 1_000)}QQQQQQQQQQ${passage.slice(1_010)}`;
    const got = anchorQuote(text, misquoted);
    expect(got?.method).toBe('fuzzy');
    // Snapping may grow each edge by part of a word, never by more.
    expect(Math.abs(got!.start - 4_000)).toBeLessThan(8);
    expect(Math.abs(got!.end - 6_000)).toBeLessThan(8);
  });
});

describe('anchorQuote: degenerate input (timed in the bench)', () => {
  it.each([
    { name: 'one letter repeated, long quote', text: 'a'.repeat(20_000), quote: `${'a'.repeat(1_000)}b${'a'.repeat(999)}` },
    { name: 'markdown table rules', text: '| --- | --- | --- |\n'.repeat(1_000), quote: '| --- | --- | -x- | --- | --- |' },
    { name: 'brackets and stars', text: `${'['.repeat(8_000)}${'](*_'.repeat(3_000)}`, quote: 'hello world, this is absent' },
  ])('$name', ({ text, quote }) => {
    const got = anchorQuote(text, quote);
    if (got) expect(got.end).toBeLessThanOrEqual(text.length);
    if (got) expect(got.start).toBeLessThan(got.end);
  });
});

describe('fuzzy threshold', () => {
  // 40 normalised chars: the budget is floor(40 * (1 - threshold)) edits.
  const text = 'Before that. The committee approved the budget on Monday. After that.';
  const quote = 'the committee approved the budget on mon';
  const budget = Math.floor(quote.length * (1 - FUZZY_THRESHOLD));
  const damage = (edits: number) => {
    const chars = [...quote];
    for (let e = 0; e < edits; e++) chars[2 + e * 6] = '#'; // spaced out: each costs exactly one edit
    return chars.join('');
  };

  it('has a meaningful budget for this quote', () => {
    expect(quote).toHaveLength(40);
    expect(budget).toBe(6);
  });
  it('accepts a quote at the budget (and snaps "Mon" to the whole word)', () => {
    expect(anchorQuote(text, damage(budget))).toEqual({ start: 13, end: 56, method: 'fuzzy' });
    expect(text.slice(13, 56)).toBe('The committee approved the budget on Monday');
  });
  it('rejects one edit over the budget', () => {
    expect(anchorQuote(text, damage(budget + 1))).toBeNull();
  });
});

describe('anchorQuote: generated replies', () => {
  // Deterministic generator: words from several scripts joined by assorted whitespace.
  let seed = 20261123;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const WORDS = [
    'Experts',
    'agree',
    'you',
    'MUST',
    'act',
    'now',
    '🎉',
    '👍🏽',
    '专家',
    '认为',
    'café',
    'naïve',
    'über',
    'ÉLAN',
    'it’s',
    '“great”',
    'x_y',
    'Straße',
    'λόγος',
  ];
  const GAPS = [' ', ' ', ' ', '  ', '\n', '\n\n', '\u00a0', '\t'];
  const collapse = (s: string) => s.replace(/\s+/g, ' ').toLowerCase();
  const splits = (s: string, i: number) => /[\ud800-\udbff]/.test(s[i - 1] ?? '') && /[\udc00-\udfff]/.test(s[i] ?? '');

  const cases = Array.from({ length: 150 }, () => {
    const words = Array.from({ length: 30 + rand(60) }, () => WORDS[rand(WORDS.length)]!);
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    words.forEach((w, i) => {
      if (i > 0) text += GAPS[rand(GAPS.length)]!;
      starts.push(text.length);
      text += w;
      ends.push(text.length);
    });
    const a = rand(words.length - 3);
    const b = a + 2 + rand(Math.min(8, words.length - a - 2));
    const passage = text.slice(starts[a], ends[b]);
    // What a judge would send back: whitespace collapsed, case changed.
    const quote = passage.replace(/\s+/g, ' ')[rand(2) ? 'toUpperCase' : 'toLowerCase']();
    return { text, quote, passage };
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i finds an equivalent passage, never splitting a character', (_i, { text, quote, passage }) => {
    const got = anchorQuote(text, quote);
    expect(got).not.toBeNull();
    const { start, end } = got!;
    expect(start).toBeLessThan(end);
    expect(splits(text, start) || splits(text, end)).toBe(false);
    // The passage found reads the same as the one quoted (it may be an earlier repeat).
    expect(collapse(text.slice(start, end))).toBe(collapse(passage));
  });
});
