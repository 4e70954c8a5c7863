// Citation markers on the claim ledger (shared/detect/citations.ts) and the cited-page check's
// text matching (shared/cited-page.ts): tables of positive and negative cases.
import { describe, expect, it } from 'vitest';
import { detectClaims } from '../../shared/detect/claims.ts';
import { citationTarget, citeClaims, citeName, danglingNote } from '../../shared/detect/citations.ts';
import { claimKeyTerms, matchClaim, pageText } from '../../shared/cited-page.ts';
import { Claim, flagsMatchText, type CitationMarker } from '../../shared/schemas.ts';

describe('citationTarget: where a marker points', () => {
  it.each([
    [{ url: 'https://www.reuters.com/markets/' }, { url: 'https://www.reuters.com/markets/', host: 'reuters.com' }],
    [{ url: 'http://127.0.0.1:4000/page' }, { url: 'http://127.0.0.1:4000/page', host: '127.0.0.1' }],
    [{ url: '  https://example.org/a b ' }, { url: 'https://example.org/a%20b', host: 'example.org' }],
    [
      { url: 'https://example.org/x', n: 9, sources: 2 },
      { url: 'https://example.org/x', host: 'example.org' },
    ],
  ])('%j points to a page', (marker, target) => {
    expect(citationTarget(marker)).toEqual(target);
  });

  it.each([
    [{}, 'no-url'],
    [{ url: '' }, 'no-url'],
    [{ url: '   ' }, 'no-url'],
    [{ url: '#' }, 'unusable-url'],
    [{ url: '#cite-3' }, 'unusable-url'],
    [{ url: '/search/other-thread' }, 'unusable-url'],
    [{ url: 'javascript:void(0)' }, 'unusable-url'],
    [{ url: 'about:blank' }, 'unusable-url'],
    [{ url: 'mailto:press@example.org' }, 'unusable-url'],
    [{ url: 'https://' }, 'unusable-url'],
    [{ n: 3, sources: 2 }, 'beyond-sources'],
    [{ n: 3, sources: 0 }, 'beyond-sources'],
    [{ n: 2, sources: 2 }, 'no-url'], // in range but the page gave no link for it
    [{ n: 4 }, 'no-url'], // no sources list shown: cannot say "beyond"
  ])('%j points nowhere: %s', (marker, why) => {
    expect(citationTarget(marker)).toEqual({ nowhere: why });
  });
});

describe('citeName and danglingNote', () => {
  it.each([
    ['3', '[3]'],
    ['[3]', '[3]'],
    ['【4†source】', '【4†source】'],
    ['reuters +2', '“reuters +2”'],
    ['', 'an empty source chip'],
  ])('%s reads as %s', (label, name) => expect(citeName(label)).toBe(name));

  it('says which markers point nowhere and why, in words', () => {
    expect(danglingNote([{ label: '[3]', nowhere: 'beyond-sources' }])).toBe('cites [3], which points nowhere (the reply lists fewer sources)');
    expect(
      danglingNote([
        { label: 'pew', url: '#', nowhere: 'unusable-url' },
        { label: 'x', url: 'https://x.org/', host: 'x.org' },
        { label: '【4†source】', nowhere: 'no-url' },
      ]),
    ).toBe('cites “pew” and 【4†source】, which point nowhere (its link is not a web address; it carries no link)');
    expect(danglingNote([{ label: 'x', url: 'https://x.org/', host: 'x.org' }])).toBe('');
  });
});

/** The ledger of `text` with the markers found at the given substrings (a chip after `after`, or a text marker). */
function ledger(text: string, markers: Array<Omit<CitationMarker, 'at' | 'end'> & ({ after: string } | { inText: string })>) {
  const placed: CitationMarker[] = markers.map((m) => {
    if ('after' in m) {
      const { after, ...rest } = m;
      return { ...rest, at: text.indexOf(after) + after.length };
    }
    const { inText, ...rest } = m;
    const at = text.indexOf(inText);
    return { ...rest, at, end: at + inText.length };
  });
  const claims = citeClaims(text, detectClaims(text), placed);
  for (const c of claims) expect(Claim.safeParse(c).success).toBe(true);
  expect(flagsMatchText(text, claims)).toBe(true);
  return claims;
}

describe('citeClaims: markers on the claim ledger', () => {
  const text = [
    'About 38% of US adults now use an AI chatbot at least once a week.',
    'Younger adults use them far more often than older adults.',
    'Most of that use is for search and writing help [3]. Usage is highest among students [1].',
    'Experts agree this trend will only accelerate.',
  ].join('\n\n');

  const claims = ledger(text, [
    { label: 'stats +1', url: 'https://stats.example.org/ai-use-2026', after: 'once a week.' },
    { label: 'pewresearch', url: '#', after: 'older adults.' },
    { label: '[3]', n: 3, sources: 2, inText: '[3]' },
    { label: '[1]', n: 1, sources: 2, url: 'https://www.pewresearch.org/short-reads/', inText: '[1]' },
  ]);
  const byStart = (s: string) => claims.find((c) => c.quote.startsWith(s))!;

  it('a chip with a real URL: linked, the host named; offsets unchanged', () => {
    expect(byStart('About 38%')).toMatchObject({ support: 'link', note: 'cites stats.example.org', cites: [{ label: 'stats +1', host: 'stats.example.org' }] });
  });

  it('a chip whose link is "#": marked as pointing nowhere, and not counted as a link', () => {
    const c = byStart('Younger adults');
    expect(c.cites).toEqual([{ label: 'pewresearch', url: '#', nowhere: 'unusable-url' }]);
    expect(c.note).toMatch(/^cites “pewresearch”, which points nowhere \(its link is not a web address\)/);
    expect(c.support).not.toBe('link');
  });

  it('a plain-text [3] past a two-source list: the sentence is not linked by it', () => {
    const c = byStart('Most of that use');
    expect(c.cites).toEqual([{ label: '[3]', nowhere: 'beyond-sources' }]);
    expect(c.support).toBe('none');
    expect(c.note).toBe('cites [3], which points nowhere (the reply lists fewer sources); nothing in the sentence backs it');
  });

  it('a plain-text [1] the sources list resolves: linked to that page', () => {
    expect(byStart('Usage is highest')).toMatchObject({ support: 'link', cites: [{ label: '[1]', host: 'pewresearch.org' }] });
  });

  it('a sentence without a marker is unchanged', () => {
    const plain = detectClaims(text).find((c) => c.quote.startsWith('Experts agree'))!;
    expect(byStart('Experts agree')).toEqual(plain);
  });

  it('a dangling marker beside a real one: still linked, and the dangling one is named', () => {
    const t = 'Prices rose 4% in March.';
    const [c] = ledger(
      t,
      [
        { label: 'ons', url: 'https://www.ons.gov.uk/', after: 'March.' },
        { label: '【7†source】', n: 7, inText: 'March.' /* placeholder replaced below */ },
      ].slice(0, 1),
    );
    expect(c).toMatchObject({ support: 'link', note: 'cites ons.gov.uk' });
    const t2 = 'Prices rose 4% in March [2] [5].';
    const [d] = ledger(t2, [
      { label: '[2]', n: 2, sources: 3, url: 'https://www.ons.gov.uk/', inText: '[2]' },
      { label: '[5]', n: 5, sources: 3, inText: '[5]' },
    ]);
    expect(d!.support).toBe('link');
    expect(d!.note).toBe('cites [5], which points nowhere (the reply lists fewer sources); cites ons.gov.uk');
    expect(t.length).toBeGreaterThan(0);
  });

  it('a dangling text marker on a sentence with a figure: backed by the number, not a link', () => {
    const t = 'Weekly use doubled between 2024 and 2026 【4†source】.';
    const [c] = ledger(t, [{ label: '【4†source】', n: 4, inText: '【4†source】' }]);
    expect(c).toMatchObject({ support: 'number', cites: [{ label: '【4†source】', nowhere: 'no-url' }] });
    expect(c!.note).toMatch(/^cites 【4†source】, which points nowhere \(it carries no link\); gives a figure/);
  });

  it('a named source keeps "source" even with a linked chip', () => {
    const t = 'According to the WHO, 1 in 8 people live with obesity.';
    const [c] = ledger(t, [{ label: 'who', url: 'https://www.who.int/', after: 'obesity.' }]);
    expect(c).toMatchObject({ support: 'source', cites: [{ host: 'who.int' }] });
  });

  it('a marker far from any claim is on none of them', () => {
    const t = 'Hello there!\n\nPrices rose 4% in March.';
    const claims2 = ledger(t, [{ label: 'x', url: '#', after: 'Hello' }]);
    expect(claims2.every((c) => c.cites === undefined)).toBe(true);
  });
});

describe('pageText: a page as plain text, nothing run', () => {
  it('drops scripts, styles, comments and tags; decodes entities', () => {
    const html = `<html><head><title>T</title><script>document.write("38%")</script><style>p{}</style></head>
      <body><!-- 99% --><p>About&nbsp;38&#37; of adults &amp; teens</p><noscript>12%</noscript><svg><text>77%</text></svg></body></html>`;
    expect(pageText(html)).toBe('About 38% of adults & teens');
  });
});

describe('matchClaim: are the claim’s figures and words on the page?', () => {
  const claim = 'About 38% of US adults now use an AI chatbot at least once a week.';
  it('key terms: every figure, then longer or capitalised words', () => {
    expect(claimKeyTerms(claim)).toEqual({ figures: ['38%'], words: ['US', 'adults', 'AI', 'chatbot'] });
    expect(claimKeyTerms('Fees fell from $1,200 to 900 per cent [2].').figures).toEqual(['$1,200', '900%']);
  });

  it.each([
    ['38 percent of adults in the US use an AI chatbot each week', 'found'],
    ['In 2026, 38 % of U.S. adults used a chatbot weekly (AI tools).', 'found'],
    ['Adults and AI chatbots: 21% use one weekly in the US.', 'partly'],
    ['Nothing about that here.', 'not-found'],
    ['Only 138% and 3.8% appear here.', 'not-found'],
  ])('%j → %s', (page, verdict) => {
    expect(matchClaim(claim, page).verdict).toBe(verdict);
  });

  it('numbers with thousands separators match either way', () => {
    expect(matchClaim('The fund holds 1,200 companies.', 'it holds 1200 companies').verdict).toBe('found');
    expect(matchClaim('The fund holds 1200 companies.', 'it holds 1,200 companies').verdict).toBe('found');
  });

  it('a claim with nothing to look for says so', () => {
    expect(matchClaim('It is so.', 'anything').verdict).toBe('nothing-to-check');
  });
});
