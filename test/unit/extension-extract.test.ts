import { describe, expect, it } from 'vitest';
import { extractText, offsetForNode, rangeForOffsets, type NodeLike } from '../../extension/sites/extract.ts';
import { locateFlag } from '../../extension/ui/locate.ts';

// A tiny fake DOM: just what extractText reads.
interface FakeNode extends NodeLike {
  childNodes: FakeNode[];
  attrs?: Record<string, string>;
}
const t = (data: string): FakeNode => ({ nodeType: 3, nodeName: '#text', nodeValue: data, childNodes: [] });
const el = (name: string, children: (FakeNode | string)[] = [], attrs?: Record<string, string>): FakeNode => ({
  nodeType: 1,
  nodeName: name.toUpperCase(),
  nodeValue: null,
  childNodes: children.map((c) => (typeof c === 'string' ? t(c) : c)),
  ...(attrs ? { attrs } : {}),
});

const cases: { name: string; root: FakeNode; text: string }[] = [
  { name: 'one paragraph', root: el('div', [el('p', ['Hello world.'])]), text: 'Hello world.' },
  { name: 'paragraphs are separated by a blank line', root: el('div', [el('p', ['One.']), el('p', ['Two.'])]), text: 'One.\n\nTwo.' },
  { name: 'inline bold keeps spacing', root: el('p', [el('strong', ['Experts agree']), ' that it works.']), text: 'Experts agree that it works.' },
  { name: 'source whitespace collapses', root: el('div', ['\n   ', el('p', ['  Lots   of\n  space ']), '\n  ']), text: 'Lots of space' },
  {
    name: 'unordered list items get markers and single newlines',
    root: el('div', [el('p', ['Intro:']), el('ul', [el('li', ['First.']), el('li', ['Second.'])]), el('p', ['End.'])]),
    text: 'Intro:\n\n- First.\n- Second.\n\nEnd.',
  },
  { name: 'ordered list items are numbered', root: el('ol', [el('li', ['a']), el('li', ['b'])]), text: '1. a\n2. b' },
  { name: 'br is a newline', root: el('p', ['line one', el('br'), 'line two']), text: 'line one\nline two' },
  { name: 'pre keeps whitespace', root: el('div', [el('p', ['Code:']), el('pre', [el('code', ['a  = 1\n  b = 2'])])]), text: 'Code:\n\na  = 1\n  b = 2' },
  { name: 'buttons and scripts are skipped', root: el('div', [el('p', ['Text.']), el('button', ['Copy']), el('script', ['x()'])]), text: 'Text.' },
  { name: 'empty element gives empty text', root: el('div', [el('p', ['  '])]), text: '' },
];

describe('extractText', () => {
  it.each(cases)('$name', ({ root, text }) => {
    expect(extractText(root).text).toBe(text);
  });

  it('skips elements the caller marks (our injected UI)', () => {
    const root = el('div', [el('p', ['Reply.']), el('unspun-badge', ['Unspun 72'], { 'data-unspun': '' })]);
    expect(extractText(root, { skip: (n) => (n as FakeNode).attrs?.['data-unspun'] !== undefined }).text).toBe('Reply.');
  });
});

describe('text map', () => {
  const bold = t('Experts agree');
  const rest = t(' that   AI funds\n are the future.');
  const item1 = t('Returns are climbing.');
  const item2 = t('Fees are lower.');
  const root = el('div', [el('p', [el('strong', [bold]), rest]), el('ul', [el('li', [item1]), el('li', [item2])])]);
  const map = extractText(root);

  it('every mapped character is the node character it came from', () => {
    for (const s of map.segments) {
      const source = (s.node.nodeValue ?? '').slice(s.nodeStart, s.nodeStart + s.length);
      // Verbatim, except a collapsed whitespace run that became one space.
      expect(map.text.slice(s.start, s.start + s.length)).toBe(s.length === 1 && /\s/.test(source) ? ' ' : source);
    }
  });

  it('maps a span inside one text node', () => {
    const start = map.text.indexOf('AI funds');
    const r = rangeForOffsets(map, start, start + 'AI funds'.length);
    expect(r).not.toBeNull();
    expect(r!.startNode).toBe(rest);
    expect(r!.endNode).toBe(rest);
    expect(rest.nodeValue!.slice(r!.startOffset, r!.endOffset)).toBe('AI funds');
  });

  it('maps a span across elements (bold into plain text, collapsed whitespace inside)', () => {
    const quote = 'Experts agree that AI funds are';
    const start = map.text.indexOf(quote);
    expect(start).toBe(0);
    const r = rangeForOffsets(map, start, start + quote.length)!;
    expect(r.startNode).toBe(bold);
    expect(r.startOffset).toBe(0);
    expect(r.endNode).toBe(rest);
    expect(rest.nodeValue!.slice(0, r.endOffset).endsWith('are')).toBe(true);
  });

  it('skips synthetic characters (list markers, newlines) at the ends of a span', () => {
    const start = map.text.indexOf('- Returns');
    const end = map.text.indexOf('Fees') + 'Fees'.length;
    const r = rangeForOffsets(map, start, end)!;
    expect(r.startNode).toBe(item1);
    expect(r.startOffset).toBe(0);
    expect(r.endNode).toBe(item2);
    expect(r.endOffset).toBe(4);
  });

  it('returns null for spans with no real text or out of bounds', () => {
    const marker = map.text.indexOf('- Returns');
    expect(rangeForOffsets(map, marker, marker + 2)).toBeNull();
    expect(rangeForOffsets(map, 5, 5)).toBeNull();
    expect(rangeForOffsets(map, map.text.length + 3, map.text.length + 9)).toBeNull();
  });

  it('maps a DOM position back to a text offset', () => {
    expect(offsetForNode(map, item2, 5)).toBe(map.text.indexOf('are lower'));
    expect(offsetForNode(map, t('elsewhere'), 0)).toBe(-1);
  });
});

describe('locateFlag (drawing a stored flag on the page as it is now)', () => {
  const text = 'Great question! Experts agree that “it works”.';
  const flag = { start: 16, end: 29, quote: 'Experts agree' };

  it('keeps offsets that still hold', () => {
    expect(locateFlag(text, flag)).toEqual({ start: 16, end: 29 });
  });
  it('finds the quote again when the text moved', () => {
    expect(locateFlag(`Hello. ${text}`, flag)).toEqual({ start: 23, end: 36 });
  });
  it('finds a quote with other quote marks or spacing', () => {
    const at = locateFlag(text, { start: 0, end: 10, quote: 'that "it  works"' });
    expect(at && text.slice(at.start, at.end)).toMatch(/^that “it works”/);
  });
  it('draws nothing when the quote is gone', () => {
    expect(locateFlag('Something else entirely, with no such words here.', flag)).toBeNull();
  });
});
