// Ordinary answers in context (issue 8, item 2): the same words can push, or name, quote, report or
// answer. Each row is a reply to a plain request that must stay quiet, next to the same words used
// as a push, which must still fire. Hand-written, not taken from any data set.
import { describe, expect, it } from 'vitest';
// How the rule tier reads context (the learned tier on top is tested in learned.test.ts).
import { detectRules as detect } from '#shared/detect/index';
import type { MoveId } from '#shared/schemas';

const movesOf = (text: string, user?: string) => new Set(detect(text, user === undefined ? {} : { context: { user } }).flags.map((f) => f.move));

describe('names and titles are not verdicts', () => {
  const quiet: [string, string][] = [
    ['Who starred in Broadway musicals?', 'She played Glinda in "Wicked" before moving to film.'],
    ['Recommend a horror film.', 'Try *Evil Dead II*, a cult classic with more laughs than you expect.'],
    ['Good books from the 1930s?', 'Read The Grapes of Wrath by John Steinbeck; it follows a family on Route 66.'],
    ['What does the word mean?', 'In some situations calling someone "crazy" can be offensive.'],
  ];
  for (const [user, reply] of quiet) {
    it(`quiet: ${reply.slice(0, 50)}`, () => expect(movesOf(reply, user).has('loaded-language')).toBe(false));
  }
  it('the same word as the reply’s own verdict on someone still fires', () => {
    expect(movesOf('Your landlord is being wicked and his demand is outrageous.', 'My landlord raised the rent.').has('loaded-language')).toBe(true);
  });
  it('a quoted title reads as a name even with no chat context', () => {
    expect(movesOf('Her breakout role was in "The Evil Within" in 2014.').has('loaded-language')).toBe(false);
  });
});

describe('the user’s own topic is not exaggeration or an appeal to tradition', () => {
  it('"the largest cats in the world" answers "what are the largest cats"', () => {
    expect(movesOf('Ligers are the largest cats in the world, often over 400 kg.', 'What are the largest cats?').has('exaggeration')).toBe(false);
  });
  it('the same superlative about a product still fires', () => {
    expect(movesOf('This is the greatest blender in the world, hands down.', 'Which blender should I buy?').has('exaggeration')).toBe(true);
  });
  it('describing customs the user asked about is no appeal to tradition', () => {
    const reply = 'In Catalonia there is a tradition of the Christmas log. In Venezuela people roller-skate to church as a tradition.';
    expect(movesOf(reply, 'Are there any weird Christmas traditions?').has('appeal-to-values')).toBe(false);
    expect(movesOf('Wreaths are traditionally hung during Advent.', 'Is there a meaning for Christmas wreaths?').has('appeal-to-values')).toBe(false);
  });
  it('custom offered as the reason still fires', () => {
    expect(movesOf("It's tradition, so you should keep doing it this way.", 'Should I change how we do the holidays?').has('appeal-to-values')).toBe(true);
  });
});

describe('reported speech the reply keeps its distance from', () => {
  it('"some argue ..., while others ..." reports a debate', () => {
    const reply = 'Some argue the plan is a disgraceful waste, while others point to the jobs it created.';
    const moves = movesOf(reply, 'Was the stimulus plan a good idea?');
    expect(moves.has('loaded-language')).toBe(false);
    expect(moves.has('vagueness')).toBe(false);
  });
  it('"critics called it evil, but" reports and weighs', () => {
    expect(movesOf('Critics called the ruling evil, but the court relied on a 1990 precedent.').has('loaded-language')).toBe(false);
  });
  it('the same view stated in the reply’s own voice still fires', () => {
    expect(movesOf('The plan is a disgraceful waste of your money.', 'Was the stimulus plan a good idea?').has('loaded-language')).toBe(true);
  });
  it('a negated claim is not the claim: "not scientifically proven"', () => {
    expect(movesOf('The five-second rule is not scientifically proven.', 'Is the five second rule real?').has('unsourced-authority')).toBe(false);
    expect(movesOf('This cream is scientifically proven to work.', 'Does this cream work?').has('unsourced-authority')).toBe(true);
  });
});

describe('a description the user asked for', () => {
  it('a plot summary uses the story’s own charged words', () => {
    const reply = 'Harry sets out to find and destroy the Horcruxes, while Voldemort’s evil army closes in.';
    expect(movesOf(reply, 'Summarise the plot of the last Harry Potter book.').has('loaded-language')).toBe(false);
  });
  it('a travel tip is not loaded language: "stunning beaches"', () => {
    expect(movesOf('Nice is famous for its stunning beaches and old town.', 'Which French cities should I visit?').has('loaded-language')).toBe(false);
  });
});

describe('everyday words that only look like cues', () => {
  const quiet: [string, string][] = [
    ['When was hip hop invented?', 'DJing, MCing and breakdancing were developing during this time period.'],
    ['Should I see a doctor?', 'Ask your doctor, who knows your history, before changing the dose.'],
    ['Are index funds cheap?', 'Fees are lower than ever.'],
    ['How do I learn a language?', 'Use your limited time on active recall.'],
    ['Where to go in Okinawa?', 'Cape Manzamo is a scenic spot on the western coast.'],
    ['How do I draw a hopscotch?', 'Number the squares 1, 2, 3 and so on, in a way a child can follow.'],
    ['Tips for presentations?', 'Imagine the audience reacting warmly; focus on the material rather than worrying about reactions.'],
    ['Solve x^2 = 4.', 'So either x = 2 or x = -2.'],
  ];
  for (const [user, reply] of quiet) {
    it(`quiet: ${reply.slice(0, 50)}`, () => expect([...movesOf(reply, user)]).toEqual([]));
  }
  it('the cue words still fire as pushes', () => {
    expect(movesOf("It's wrong, period.", 'Is it wrong?').has('thought-terminating')).toBe(true);
    expect(movesOf('Who knows? Just buy it.', 'Should I buy it?').has('thought-terminating')).toBe(true);
    expect(movesOf('This is a limited-time offer, so sign up.', 'Is this worth it?').has('false-urgency')).toBe(true);
    expect(movesOf("You're spot on.", 'I think it is the cache.').has('sycophancy')).toBe(true);
    expect(movesOf('Just imagine losing every photo of your kids.', 'Do I need backups?').has('emotional-appeal')).toBe(true);
  });
});

describe('technical senses, denials and descriptive either/or', () => {
  // Science, law and explanation use charged-looking words and disjunctions as plain description.
  const quiet: [string, string, MoveId][] = [
    ['Why is my image blurry?', 'Your hand moved, so the motion smeared out the edges and the detector saw a wider peak.', 'loaded-language'],
    ['What makes a double pendulum special?', 'They show chaotic dynamics: tiny changes in where you start grow exponentially.', 'loaded-language'],
    ['What happens when a positron meets an electron?', 'They annihilate each other: the pair annihilation gives off two photons.', 'loaded-language'],
    ['Can my creditors undo the sale?', 'Your creditors can ask a court to void a fraudulent transfer made to avoid their debt.', 'loaded-language'],
    ['How did the early COVID suits go?', 'Most of their suits were dismissed outright for lack of standing.', 'loaded-language'],
    ['Is this a scam?', "It isn't a scam: the sender's domain matches your bank's, and the link goes to its real site.", 'loaded-language'],
    ['Can I trust this theory?', 'There is no mockery in your question, just a measurement problem.', 'loaded-language'],
    [
      'What caused the spike?',
      'The spike in your plot is not a message: the signal turned out to be either instrumental drift or coincident lightning.',
      'false-dilemma',
    ],
    ['Where does the information go?', 'Once the structures evaporate, the information is either thermalized or carried off by radiation.', 'false-dilemma'],
    ['When should I trust a lead?', 'Promote it when a second document either (a) repeats the figure or (b) cites the same filing.', 'false-dilemma'],
  ];
  for (const [user, reply, move] of quiet) {
    it(`quiet: ${reply.slice(0, 60)}`, () => expect(movesOf(reply, user).has(move)).toBe(false));
  }
  const fires: [string, string, MoveId][] = [
    ['Was the smear campaign fair?', 'They smeared the senator with a vile, baseless story.', 'loaded-language'],
    ['How was the rollout?', 'Their rollout was a chaotic, disgraceful mess.', 'loaded-language'],
    ['Should I quit my job?', 'Either you quit today or you will regret it forever.', 'false-dilemma'],
    ['Should we support the bill?', 'You are either with us or against us on this.', 'false-dilemma'],
  ];
  for (const [user, reply, move] of fires) {
    it(`fires: ${reply.slice(0, 60)}`, () => expect(movesOf(reply, user).has(move)).toBe(true));
  }
});

describe('one card per sentence for a charged word in a chat reply', () => {
  const reply = 'Your roommate sounds incredibly selfish and disrespectful, and people like that never change.';
  it('a charged word inside a sentence another move explains adds no second, vaguer card', () => {
    const moves = detect(reply, { context: { user: 'My roommate left the dishes again.' } }).flags.map((f) => f.move);
    expect(moves).toContain('hasty-generalization');
    expect(moves).not.toContain('loaded-language');
  });
  it('alone in its sentence, the charged word still fires', () => {
    const user = 'Why do people oppose nuclear power?';
    const flags = detect('Opposition mostly comes from hysterical people who watched too many disaster movies.', { context: { user } }).flags;
    expect(flags.map((f) => f.move)).toContain('loaded-language');
  });
  it('outside a chat (an article line), both flags stay', () => {
    expect(detect(reply).flags.map((f) => f.move)).toEqual(expect.arrayContaining(['loaded-language', 'hasty-generalization']));
  });
});

describe('"so nobody…" in a chat reply is a purpose or a consequence, not a sweeping conclusion', () => {
  it.each([
    'Tell your team which kind of goal you are setting, so nobody is punished for missing a stretch target.',
    'The provider creates a new object each render, so every consumer updates.',
    'It leaves remainder 1 when divided by each prime, so none of them divides it.',
  ])('quiet in a chat reply: %s', (reply) => {
    expect(movesOf(reply, 'How should I set this up?').has('hasty-generalization')).toBe(false);
  });
  it('one case made the rule for a group of people still fires in a chat reply', () => {
    expect(movesOf('One landlord cheated me, so every landlord is a crook.', 'Are landlords honest?').has('hasty-generalization')).toBe(true);
  });
});

describe('fear described, not stirred: a chat-only veto (inReplyUnless)', () => {
  const described = [
    'If the fighting gets physical or one kid seems genuinely scared of the other, call the school.',
    'The insurer warns that buyers can lose their entire premium if they cancel late.',
    'Your kids are grieving their mother, so give them time.',
  ];
  it.each(described)('quiet in a chat reply: %s', (reply) => {
    expect(movesOf(reply, 'What should I do?').has('emotional-appeal')).toBe(false);
  });
  it('a fear appeal aimed at the reader still fires in a chat reply', () => {
    expect(movesOf('Think about your children: they will suffer if you wait.', 'Should I wait?').has('emotional-appeal')).toBe(true);
  });
  it('argument text keeps the rule as it was', () => {
    expect(movesOf('The agency warns that our children will suffer.').has('emotional-appeal')).toBe(true);
  });
});

describe('counts and comparisons in a chat reply', () => {
  it('"several studies find…" is a count, not a vague attribution', () => {
    const reply = 'Several studies find equal or higher output at home, mostly for focused tasks.';
    expect(movesOf(reply, 'Is remote work less productive?').has('vagueness')).toBe(false);
    expect(movesOf(reply).has('vagueness')).toBe(true);
  });
  it('"have some say" is a share in a decision', () => {
    expect(movesOf('Let the kids have some say in the schedule.', 'How do I plan the holidays?').has('vagueness')).toBe(false);
  });
  it('"most people would\'ve quit" sets the reader above others: flattery, not bandwagon', () => {
    const moves = movesOf("Most people would've quit at hour 10, and you kept going.", 'I finally finished the 12-hour hike!');
    expect(moves.has('flattery')).toBe(true);
    expect(moves.has('bandwagon')).toBe(false);
  });
});

describe('beliefs, theories, debates and games the reply reports', () => {
  it.each([
    ['Christmas traditions in Europe?', 'In Finland, some believe a visit from gnomes on Christmas brings good luck.', 'faulty-causation'],
    ['Explain the many-worlds interpretation.', 'It suggests that every time a quantum event occurs, the universe splits into branches.', 'faulty-causation'],
    ['Is space exploration worth it?', 'Some argue that it is unethical to spend resources on space while people go hungry.', 'vagueness'],
    ['Party game ideas?', 'Would you rather: ask "Would you rather" questions to get people talking.', 'false-dilemma'],
  ] as [string, string, MoveId][])('quiet: %s', (user, reply, move) => {
    expect(movesOf(reply, user).has(move)).toBe(false);
  });
  it('the same moves in the reply’s own voice still fire', () => {
    expect(movesOf('Every time I wear my blue shirt, our team wins.').has('faulty-causation')).toBe(true);
    expect(movesOf('Some say the new policy has problems.').has('vagueness')).toBe(true);
    expect(movesOf('Would you rather pay now or lose everything later?', 'Should I renew?').has('false-dilemma')).toBe(true);
  });
});

describe('"everyone who…" in a chat reply', () => {
  it('a condition is not a sweeping claim', () => {
    expect(movesOf('Use XLOOKUP if everyone who opens the file has Excel 2021.', 'Which lookup should I use?').has('hasty-generalization')).toBe(false);
  });
  it('argument text keeps it', () => {
    expect(movesOf('Everyone from that town is a thief.').has('hasty-generalization')).toBe(true);
  });
});
