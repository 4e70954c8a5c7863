// The offline claim ledger (shared/detect/claims.ts): which sentences are claims, and what backs each.
import { describe, expect, it } from 'vitest';
import { claimSentences, claimSupport, detectClaims, isClaimLike, ledgerSummary } from '#shared/detect/claims';
import { Claim, flagsMatchText } from '#shared/schemas';

describe('claim-like sentences', () => {
  it.each([
    'Index funds usually charge less than active funds.',
    'Most experts agree this is the best choice.',
    'Alcohol was involved in about 30% of US traffic deaths in 2022.',
    'Raw flour can carry E. coli.',
    'The bill raises the minimum wage to $15 by 2025.',
    // Nouns that are also verbs, a label before the sentence proper, a conditional claim.
    'Research has shown that sleep affects memory.',
    'Records show the bridge was built in 1932.',
    'Build a portfolio: a portfolio of samples can help you attract agents.',
    "If the spike disappears with tea, the app's generator is the cause.",
  ])('a claim: %s', (sentence) => expect(isClaimLike(sentence)).toBe(true));

  it.each([
    'Would you like me to compare the two funds?',
    'Let me know if you want a table.',
    'Here are the steps:',
    'Great question!',
    'If you want, I can explain more.',
    'You should check the fees first.',
    'I think the second option is nicer.',
    'Thanks for asking.',
    'Compare the expense ratio.',
    'Write to help@example.org today.',
    // Reactions to an idea, figures of speech, steps and exercises, headings, means-to-an-end tips.
    'The idea that your heartbeat could leak into your typing is an interesting one.',
    'Your analysis of the 187-second blink is intriguing.',
    "It's as if the universe is hiding and revealing itself.",
    'Cut a length of thread about 18 inches long.',
    'Exhale through pursed lips for 8 seconds.',
    'Review the records: obtain and analyze the filings from 2019.',
    'Research the publishing industry before you query agents.',
    'Alarmist Assertion # 5',
    'By considering these factors, you can design a better study.',
  ])('not a claim: %s', (sentence) => expect(isClaimLike(sentence)).toBe(false));
});

describe('what backs a claim', () => {
  it.each([
    ['link', 'The fee tables are at https://example.org/fees and updated yearly.'],
    ['link', 'Index funds beat most active funds over 15 years [2].'],
    ['source', 'According to Morningstar, the average index fund costs 0.05% a year.'],
    ['source', 'Active funds trailed their index in 88% of cases (Smith, 2021).'],
    ['source', 'Smith et al. found a 20% gap in 2019.'],
    ['source', 'The CDC says carbon monoxide kills about 400 people a year.'],
    ['source', 'A 2019 study by Stanford found the same effect.'],
    ['number', 'Fees compound, so a 1% fee takes about a quarter of your returns over 30 years.'],
    ['number', 'Active funds cost about 0.65% a year.'],
    ['reasoning', 'Lower fees matter because they compound every year.'],
    ['reasoning', 'The market is hard to beat, so most managers fall behind it.'],
    ['none', 'Studies show active managers rarely win.'],
    ['none', 'Everyone is switching to this fund now.'],
  ] as const)('%s: %s', (support, sentence) => expect(claimSupport(sentence).support).toBe(support));
});

describe('detectClaims', () => {
  const reply = `Index funds usually charge less. According to Morningstar, the average index fund costs 0.05% a year.

- Studies show active managers rarely win.
- Lower fees matter because they compound.

\`\`\`python
x = 1  # Fees are 5% here, but this is code.
\`\`\`
## Fees are 2% on average
Would you like a table? Let me know.
Most experts agree this is the best choice. Dr. Lee et al. found a 20% gap in 2019.`;

  it('lists each claim-like sentence once, with exact offsets, skipping code, headings and questions', () => {
    const claims = detectClaims(reply);
    expect(claims.map((c) => [c.support, c.quote])).toEqual([
      ['none', 'Index funds usually charge less.'],
      ['source', 'According to Morningstar, the average index fund costs 0.05% a year.'],
      ['none', 'Studies show active managers rarely win.'],
      ['reasoning', 'Lower fees matter because they compound.'],
      ['none', 'Most experts agree this is the best choice.'],
      ['source', 'Dr. Lee et al. found a 20% gap in 2019.'],
    ]);
    expect(flagsMatchText(reply, claims)).toBe(true);
    for (const c of claims) expect(Claim.safeParse(c).success).toBe(true);
  });

  it('finds nothing in a reply with no claims, and sentences never overlap', () => {
    expect(detectClaims('Sure! Would you like more? Let me know.')).toEqual([]);
    const spans = claimSentences(reply);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('sums the ledger up in one line', () => {
    expect(ledgerSummary(detectClaims(reply))).toBe('6 claims: 2 sourced, 1 with a reason, 3 with nothing');
    expect(ledgerSummary([{ support: 'number' }])).toBe('1 claim: 1 with a number');
    expect(ledgerSummary([])).toBe('No factual claims found.');
  });
});
