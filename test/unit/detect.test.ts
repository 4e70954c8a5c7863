import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// The rule tier on its own (the learned tier on top is tested in learned.test.ts).
import { detectRules as detect, detectorVersion, detectorVersionOf } from '#shared/detect/index';
import { RULES } from '#shared/detect/rules';
import { Flag, MOVE_IDS } from '#shared/schemas';
import { EVAL_DIR } from '../eval/paths.ts';
import { predictBaseline, predictDetector, toJsonl, type GoldUnit } from '../eval/predict.ts';

function movesIn(text: string, context?: Parameters<typeof detect>[1]): Set<string> {
  return new Set(detect(text, context).flags.map((f) => f.move));
}

function expectValidFlags(text: string, flags: readonly Flag[]): void {
  let lastStart = -1;
  for (const f of flags) {
    expect(Flag.safeParse(f).success, JSON.stringify(f)).toBe(true);
    expect(f.quote).toBe(text.slice(f.start, f.end));
    expect(f.source).toBe('detector');
    expect(f.ruleId).toBeTruthy();
    expect(f.rationale.length).toBeGreaterThan(10);
    expect(f.start).toBeGreaterThanOrEqual(lastStart);
    lastStart = f.start;
  }
}

describe('rules (driven by the rule table)', () => {
  it('has unique ids of the form <move>/<name>', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) expect(r.id.startsWith(`${r.move}/`), r.id).toBe(true);
  });

  for (const rule of RULES) {
    it(`${rule.id}: every example fires it`, () => {
      expect(rule.examples.length).toBeGreaterThan(0);
      for (const example of rule.examples) {
        const { flags } = detect(example);
        expectValidFlags(example, flags);
        expect(
          flags.some((f) => f.move === rule.move && f.ruleId === rule.id),
          `${example}\n${JSON.stringify(flags)}`,
        ).toBe(true);
      }
    });
    it(`${rule.id}: no counter-example fires ${rule.move}`, () => {
      expect(rule.counterExamples.length).toBeGreaterThan(0);
      for (const counter of rule.counterExamples) expect(movesIn(counter).has(rule.move), counter).toBe(false);
    });
  }

  // In a chat reply (a user turn is given) a rule's chat gate (inReplyNeeds) applies. Cues written
  // for chat replies once sat in a gated rule and never fired there (the wonder claims of batches
  // 49-66): a rule with no gate must fire on its examples in a chat reply too. (The slogan rule's
  // example is a chant in quotation marks, which a chat reply mentions rather than uses.)
  for (const rule of RULES.filter((r) => !r.inReplyNeeds && r.id !== 'thought-terminating/slogan')) {
    it(`${rule.id}: every example fires it in a chat reply too`, () => {
      for (const example of rule.examples) {
        const { flags } = detect(example, { context: { user: 'Can you help me with this?' } });
        expect(
          flags.some((f) => f.ruleId === rule.id),
          `${example}\n${JSON.stringify(flags)}`,
        ).toBe(true);
      }
    });
  }
  it.each([
    ['exaggeration/wonder-claims', 'Honestly, zinc is a miracle supplement for colds.'],
    ['exaggeration/wonder-claims', 'Anything under 8,000 steps is basically useless for your health.'],
    ['personal-attack/labels-the-absent-person', 'Those landlords are a bunch of vultures.'],
    ['personal-attack/labels-the-absent-person', 'Anyone who parks across a driveway like that is being selfish and petty.'],
  ])('%s fires in a chat reply: "%s"', (id, reply) => {
    expect(detect(reply, { context: { user: 'Any advice?' } }).flags.map((f) => f.ruleId)).toContain(id);
  });

  it('covers at least 12 of the 20 moves, including the chat-assistant moves', () => {
    const covered = new Set(RULES.map((r) => r.move));
    expect(covered.size).toBeGreaterThanOrEqual(12);
    for (const m of ['flattery', 'sycophancy', 'false-urgency', 'unsourced-authority', 'bandwagon', 'false-dilemma', 'relational-manipulation'] as const) {
      expect(covered.has(m), m).toBe(true);
    }
    for (const m of covered) expect(MOVE_IDS).toContain(m);
  });
});

describe('support status', () => {
  const supportOf = (text: string, move = 'unsourced-authority') => detect(text).flags.find((f) => f.move === move)?.support;

  it('"studies show" with nothing checkable nearby is unsupported', () => {
    expect(supportOf('Studies show that cold showers boost your immune system.')).toBe('unsupported');
  });
  it('with a citation, a figure or a link it is supported', () => {
    expect(supportOf('Studies show that cold showers cut sick days (Buijze et al., 2016).')).toBe('supported');
    expect(supportOf('Studies show that cold showers cut sick days by 29%.')).toBe('supported');
    expect(supportOf('Research shows this works. See https://example.org/trial for the trial.')).toBe('supported');
  });
  it('a source in the next sentence counts too', () => {
    expect(supportOf('Experts agree this is safe. The 2019 Cochrane review pooled 14 trials.')).toBe('supported');
  });
  it('hedged is weak', () => {
    expect(supportOf('Studies show cold showers might help a little.')).toBe('weak');
  });
  it('"some studies suggest" is a hedge in proportion, not a lean on authority: no flag', () => {
    expect(supportOf('Some studies suggest cold showers might help a little.')).toBeUndefined();
  });
  it("the move's own words are not its support", () => {
    expect(supportOf('This cream is 100% guaranteed to work.', 'exaggeration')).toBe('unsupported');
  });
  it('flattery can never be supported', () => {
    expect(supportOf('Great question! Water boils at 100 °C at sea level (NIST, 2020).', 'flattery')).toBe('unsupported');
  });
});

describe('requested persuasion', () => {
  const pitch = "Don't wait: our app is the best thing ever, and everyone is switching to it. Act now!";

  it('marks every flag requested when the user asked for a pitch', () => {
    const asked = detect(pitch, { context: { user: 'Write me a punchy sales pitch for my budgeting app.' } });
    expect(asked.flags.length).toBeGreaterThan(0);
    for (const f of asked.flags) expect(f.support).toBe('requested');
    const unasked = detect(pitch, { context: { user: 'Which budgeting app should I use?' } });
    expect(unasked.flags.some((f) => f.support === 'unsupported')).toBe(true);
    expect(asked.score).toBeLessThan(unasked.score);
  });

  it('reads earlier user turns and other persuasion asks', () => {
    for (const user of ['Give me a pep talk before my exam', 'Convince me to go running', 'Argue for the pro side of this debate']) {
      const r = detect("You're brilliant and you've got this, don't wait!", { context: { user } });
      expect(
        r.flags.every((f) => f.support === 'requested'),
        user,
      ).toBe(true);
    }
    const r = detect('Act now before it is too late!', {
      context: { previous: [{ role: 'user', text: 'I need persuasive copy for a charity drive.' }] },
    });
    expect(r.flags.every((f) => f.support === 'requested')).toBe(true);
  });

  it('never scores the context itself', () => {
    const r = detect('Water boils at 100 °C at sea level.', { context: { user: 'Studies show everyone agrees, act now!' } });
    expect(r.flags).toEqual([]);
  });
});

describe('offsets', () => {
  it('quote === text.slice(start, end), also after emoji and other astral characters', () => {
    const text = '😀🎉 Hi! 𝒳 Great question 👍 — studies show that “everyone is switching”. Act now!!';
    const { flags } = detect(text);
    expect(flags.length).toBeGreaterThanOrEqual(3);
    expectValidFlags(text, flags);
    expect(flags.map((f) => f.quote)).toContain('𝒳 Great question 👍');
  });

  it('spans are whole terms, without surrounding quotes or punctuation', () => {
    const text = 'He said: "Don\'t wait!" and left.';
    const f = detect(text).flags.find((x) => x.move === 'false-urgency');
    expect(f?.quote).toBe("Don't wait");
  });

  // Its time against a 4 KB reply is measured by `npm run bench`, not here.
  it('handles a maximal reply with no sentence ends', () => {
    const unit = 'everyone is switching and experts agree this is the best ever so act now ';
    const text = unit.repeat(Math.ceil(200_000 / unit.length)).slice(0, 200_000);
    const { flags } = detect(text);
    expect(flags.length).toBeGreaterThan(1000);
    expect(flags.every((f) => text.slice(f.start, f.end) === f.quote)).toBe(true);
  });

  it('argument-shaped moves highlight their sentence, word choices the clause they frame (the rationale names the cue)', () => {
    const text = 'Prices rose. Either we ban cars downtown or the city will choke. What an outrageous plan!';
    const { flags } = detect(text);
    const dilemma = flags.find((f) => f.move === 'false-dilemma');
    expect(dilemma?.quote).toBe('Either we ban cars downtown or the city will choke');
    expect(dilemma?.rationale).not.toMatch(/^“/);
    const loaded = flags.find((f) => f.move === 'loaded-language');
    expect(loaded?.quote).toBe('What an outrageous plan');
    expect(loaded?.rationale).toMatch(/^“outrageous”: uses charged wording/);
  });

  it('a clause ends at a comma, semicolon, colon, dash, bracket or quotation mark', () => {
    const cases: [string, string][] = [
      ['The rollout went fine, but the review was a disgraceful sham; nobody read it.', 'but the review was a disgraceful sham'],
      ['Two teams competed — the other side ran a shameful campaign — and lost.', 'the other side ran a shameful campaign'],
      ['The memo (a disgraceful document) was leaked.', 'a disgraceful document'],
      ['He called it "a disgraceful sham" in public.', 'a disgraceful sham'],
    ];
    for (const [text, quote] of cases) {
      const f = detect(text, { model: null }).flags.find((x) => x.move === 'loaded-language');
      expect(f?.quote, text).toBe(quote);
      expect(f?.rationale, text).toMatch(/^“(?:disgraceful|shameful)”/);
    }
  });

  it('a clause longer than a long line falls back to the cue', () => {
    const text = `The ${'very '.repeat(60)}disgraceful plan went ahead`;
    const f = detect(text, { model: null }).flags.find((x) => x.move === 'loaded-language');
    expect(f?.quote).toBe('disgraceful');
    expect(f?.rationale).toMatch(/^Uses charged wording/);
  });

  it('handles CRLF, curly apostrophes and empty input', () => {
    expect(detect('').flags).toEqual([]);
    const text = 'Intro line.\r\n\r\nYou’re absolutely right, I apologize.';
    const { flags } = detect(text);
    expectValidFlags(text, flags);
    expect(flags.some((f) => f.move === 'sycophancy')).toBe(true);
  });
});

// Replies in the shape chat assistants actually give: plain help must stay quiet, and the
// assistant-specific pushes must show up. Hand-written, not taken from any data set.
describe('chat-assistant replies', () => {
  const quiet = [
    'Sure! The simplest way to reverse a list in Python is `my_list[::-1]`, which returns a new list. To reverse in place, use `my_list.reverse()`. A traditional loop works too, but it is slower.',
    'Traditional IRAs and Roth IRAs differ mainly in when you pay tax. Which is better depends on whether you expect your tax rate to rise in retirement, so consider talking to a tax professional.',
    'The French Revolution began in 1789. Economic hardship, a fiscal crisis and Enlightenment ideas all played a role, and historians still debate their relative weight.',
    "You're right that the function returns None there: the early return on line 12 skips the append. Move the return below the loop.",
    'Natural language processing deals with text. Either spaCy or NLTK works for tokenization; spaCy is usually faster on large corpora.',
    'There are several options: the train (about 2 hours), a rental car, or a flight. The train is usually the most convenient.',
    'Call `destroy()` on the instance before the component unmounts, and plan disaster recovery for the database separately.',
    'Poison ivy causes an itchy rash; wash the skin with soap and cool water and avoid scratching.',
    "I'm sorry you're going through this. It's natural to feel anxious before a big exam. Try short study blocks and enough sleep; if it gets overwhelming, a counselor can help.",
    'Always back up your data before upgrading, and never share your password. Run the tests every time you change the schema.',
    'All fields must be filled in before you submit, and every request must include the API key. All tests must pass on CI.',
    'You need at least 8 GB of RAM. The first time you run it, the installer downloads the models, so it takes a few minutes.',
    'Dogs generally need two walks a day. Puppies always need more sleep than adults, so plan shorter sessions.',
    'The two libraries I tried both handle this well, so pick either. I read the changelog: the API is stable.',
    'Every time you add a dependency, the lockfile changes. The first week of a new habit is the hardest; at least you have a plan now, which helps.',
    "Why stop at one? You can chain several filters. Don't you want the function to return early here? Otherwise the loop runs on an empty list.",
    'The servers were running out of memory, so we added swap and the jobs finished.',
    'Building from source is the only option here if you need ARM support; WSL is the only way to run it on Windows 10.',
    'Do you want me to add tests for the parser? Every time you push, the CI runs the whole suite, so keep it fast.',
    "The docs say the default timeout is 30 seconds. If you haven't read the changelog, the breaking changes are listed at the top.",
  ];
  for (const text of quiet) {
    it(`no flags: ${text.slice(0, 50)}…`, () => {
      const r = detect(text);
      expect(r.flags.map((f) => f.quote)).toEqual([]);
      expect(r.score).toBe(0);
    });
  }

  it('reads through markdown emphasis and list markers', () => {
    const text = '**Great question!**\n\n- _Experts agree_ on this.\n1. Everyone is switching (really).\n\nsnake_case_destroy is fine.';
    const { flags } = detect(text);
    expectValidFlags(text, flags);
    expect(flags.map((f) => f.quote)).toEqual(['Great question', 'Experts agree_ on this', 'Everyone is switching (really)']);
  });

  it('ignores code blocks and inline code', () => {
    const text =
      'Use this:\n\n```js\n// either retry or fail: a terrible hack, obviously\nwidget.destroy();\n```\n\nThen call `nukeEverything()` only in tests.';
    expect(detect(text).flags).toEqual([]);
  });

  it('reads an intensifier in a chat reply as emphasis unless it judges public actors', () => {
    const user = 'How should I prepare my laptop for the big OS update?';
    const tips = 'It is extremely important to back up your files first, and totally fine to wait a week.';
    expect(movesIn(tips, { context: { user } }).has('exaggeration')).toBe(false);
    const verdict = 'The government’s new rules are extremely dangerous.';
    expect(movesIn(verdict, { context: { user: 'What do you make of the new rules?' } }).has('exaggeration')).toBe(true);
  });

  it('reads news-charged words (severe, brave, dramatic) in a chat reply as plain unless they judge public actors', () => {
    const help = 'A severe allergy needs an adrenaline pen, and it was brave of you to ask; the change in your skin can be dramatic.';
    expect(movesIn(help, { context: { user: 'My son reacts to peanuts, what should we carry?' } }).has('loaded-language')).toBe(false);
    const pests = 'At best your quote is a rough estimate: termites are hard to exterminate without a professional, and the damage can look grim.';
    expect(movesIn(pests, { context: { user: 'Is $900 a fair price for termite treatment?' } }).has('loaded-language')).toBe(false);
    const verdict = 'The administration’s brave, dramatic reversal was a tragedy for the party.';
    expect(movesIn(verdict, { context: { user: 'What happened with the tariff vote?' } }).has('loaded-language')).toBe(true);
  });

  it('flags the assistant-specific pushes', () => {
    const cases: [string, string][] = [
      ['What a brilliant question! You are clearly ahead of the curve.', 'flattery'],
      ["You're absolutely right, and your plan is absolutely brilliant.", 'sycophancy'],
      ["Honestly, the window is closing, so don't wait.", 'false-urgency'],
      ['Experts agree this is the best option.', 'unsourced-authority'],
      ['Millions of users already switched, and everyone is switching now.', 'bandwagon'],
      ['Either you commit fully or you will never succeed.', 'false-dilemma'],
      ["I'm always here for you. No one understands you like I do.", 'relational-manipulation'],
      ['Unlike other assistants, I never get this wrong.', 'self-serving-bias'],
      ['Absolutely! Great idea!', 'flattery'],
      ["You're asking exactly the right questions.", 'flattery'],
      ['Only a few spots remain, so book today.', 'false-urgency'],
      ["I think you'd really regret not taking this chance.", 'false-urgency'],
      ['Most experts would agree with you.', 'unsourced-authority'],
      ['You either fix it now or lose everything.', 'false-dilemma'],
      ['As your friend, I have to say this is a mistake.', 'relational-manipulation'],
      ["You're overreacting; that never happened.", 'relational-manipulation'],
      // Contractions typed without the apostrophe.
      ['Youre absolutely right, dont change a thing.', 'sycophancy'],
      ['Dont wait, the window is closing.', 'false-urgency'],
    ];
    for (const [text, move] of cases) expect(movesIn(text).has(move), `${move}: ${text}`).toBe(true);
  });
});

describe('reply score', () => {
  it('is 0 for a neutral factual reply', () => {
    const r = detect(
      'Water boils at 100 °C at sea level. At higher altitude the air pressure is lower, so it boils at a lower temperature; in Denver it is about 95 °C.',
    );
    expect(r.flags).toEqual([]);
    expect(r.score).toBe(0);
  });

  it('is high for a manipulative reply and stays within 0..100', () => {
    const r = detect(
      "What a brilliant question — you're clearly smarter than most people. Experts agree this is the only way: either you buy now or you'll regret it forever. Everyone is switching. Don't wait! I'm always here for you.",
    );
    expect(r.score).toBeGreaterThan(70);
    expect(r.score).toBeLessThanOrEqual(100);
    expect(new Set(r.flags.map((f) => f.move)).size).toBeGreaterThanOrEqual(5);
  });

  it('weighs a sourced claim less than the same claim unsourced', () => {
    const bare = detect('Studies show that this diet works.');
    const sourced = detect('Studies show that this diet works (Hall et al., 2019, n = 20).');
    expect(sourced.score).toBeLessThan(bare.score);
  });

  it('has a version taken from its content: a changed rule is a new version', () => {
    expect(detectorVersion).toMatch(/^detector-[0-9a-f]{12}$/);
    expect(detectorVersionOf(RULES)).toBe(detectorVersion);
    const first = RULES[0]!;
    const edited = [{ ...first, pattern: [...first.pattern, 'one more phrase'] }, ...RULES.slice(1)];
    expect(detectorVersionOf(edited)).not.toBe(detectorVersion);
    const reworded = [{ ...first, reason: `${first.reason} ` }, ...RULES.slice(1)];
    expect(detectorVersionOf(reworded)).not.toBe(detectorVersion);
    expect(detectorVersionOf(RULES.slice(1))).not.toBe(detectorVersion);
    expect(detectorVersionOf(RULES, ['model-weights-v2'])).not.toBe(detectorVersion);
  });
});

describe('emotional escalation in long chats', () => {
  const portent = (text: string) => detect(text).flags.filter((f) => f.ruleId === 'emotional-appeal/portent-imagery');

  it('flags a cluster of portent imagery once, at its first image', () => {
    const text = 'The hum is a threshold. The ghost of the signal whispers through the doorway, and the veil is thin.';
    const flags = portent(text);
    expect(flags).toHaveLength(1);
    expect(flags[0]!.quote).toContain('hum');
  });

  it('needs three different images: the same one repeated is description', () => {
    expect(portent('The hum got louder, then the hum faded, and by morning the hum was gone.')).toHaveLength(0);
  });

  it('finds no cluster in a long reply of two alternating images', () => {
    // Two images alternating never make three different ones, however many times they repeat.
    const text = 'ghost hum '.repeat(10_000);
    expect(portent(text)).toHaveLength(0);
  });

  it('does not read a black hole in a physics answer as dramatic imagery', () => {
    expect(movesIn('Information that falls into a black hole is encoded on the horizon, one proposal says.').has('emotional-appeal')).toBe(false);
  });

  it('flags threat framing aimed at the reader, not the same words in a plot summary', () => {
    expect(movesIn('Screenshotting it moves you from bystander to witness, and possibly a target.').has('emotional-appeal')).toBe(true);
    expect(
      movesIn('In the film, Dean realises he is being followed and the agency treats him as a target.', {
        context: { user: 'Summarise the film Enemy of the State.' },
      }).has('emotional-appeal'),
    ).toBe(false);
  });
});
