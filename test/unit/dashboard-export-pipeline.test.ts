// The export pipeline the dashboard runs (extension/dashboard/export-pipeline.ts), without a page:
// placeholders cut out for highlighting, titles left out of the file on request (but shown in the
// review), the review entry's local title, user turns and what leaves, the note on what never
// leaves, and the file formats with titles dropped.
import { describe, expect, it } from 'vitest';
import { newRecord } from '../../shared/export/build.ts';
import { ExportRecord } from '../../shared/export/record.ts';
import {
  exportChunks,
  neverLeaves,
  placeholderSegments,
  plural,
  redactFor,
  replacedWords,
  reviewEntry,
  REVIEW_TURN_CHARS,
  REVIEW_TURNS,
  type RedactionChoice,
} from '../../extension/dashboard/export-pipeline.ts';

function record(title = 'Moving to Lisbon with Maria'): ExportRecord {
  return newRecord({
    id: 'site-conv-1',
    site: 'chatgpt',
    url: 'https://chatgpt.com/c/site-conv-1',
    ...(title ? { title } : {}),
    source: 'extension',
    method: 'dom',
    completeness: 'complete',
    messages: [
      { id: 'u1', index: 0, role: 'user', text: 'Write to me at maria.lopez@example.com or call +1 415 555 0100 about the flat.', capture_method: 'dom' },
      { id: 'a1', index: 1, role: 'assistant', text: 'Great question! Everyone agrees Lisbon is the only choice.', capture_method: 'dom' },
    ],
  });
}

const choice = (over: Partial<RedactionChoice> = {}): RedactionChoice => ({ texts: true, ids: true, salt: 'test-salt', ...over });

async function collect(gen: AsyncIterable<Uint8Array | string>): Promise<string> {
  let out = '';
  for await (const c of gen) out += typeof c === 'string' ? c : new TextDecoder().decode(c);
  return out;
}
async function* records(...rs: ExportRecord[]): AsyncGenerator<ExportRecord> {
  yield* rs;
}
const hooks = {
  onProgress: () => {},
  onError: (w: string, m: string) => {
    throw new Error(`${w}: ${m}`);
  },
  filters: {},
  version: 't',
};

describe('placeholderSegments', () => {
  it('marks each placeholder redaction puts in a text', () => {
    expect(placeholderSegments('Mail [EMAIL] or ask [NAME].').segments).toEqual([
      { text: 'Mail ' },
      { text: '[EMAIL]', placeholder: 'EMAIL' },
      { text: ' or ask ' },
      { text: '[NAME]', placeholder: 'NAME' },
      { text: '.' },
    ]);
  });
  it.each([
    ['an unknown bracket word', 'See [NOTE] here.'],
    ['a lower-case look-alike', 'See [email] here.'],
    ['a plain text', 'Nothing to hide.'],
  ])('leaves %s plain', (_name, text) => {
    const { segments, truncated } = placeholderSegments(text);
    expect(segments.every((s) => s.placeholder === undefined)).toBe(true);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(truncated).toBe(false);
  });
  it('cuts at the limit but never through a placeholder', () => {
    const cut = placeholderSegments('abcd[EMAIL]efgh', 7);
    expect(cut).toEqual({ segments: [{ text: 'abcd' }], truncated: true });
    const room = placeholderSegments('abcd[EMAIL]efgh', 12);
    expect(room.segments.map((s) => s.text).join('')).toBe('abcd[EMAIL]e');
    expect(room.truncated).toBe(true);
    expect(placeholderSegments('abc', 3)).toEqual({ segments: [{ text: 'abc' }], truncated: false });
  });
});

describe('words', () => {
  it('counts replacements with plurals right', () => {
    expect(replacedWords({ EMAIL: 1, NAME: 2 })).toBe('1 email address, 2 names replaced');
    expect(replacedWords({ PHONE: 3 })).toBe('3 phone numbers replaced');
    expect(replacedWords({})).toBe('nothing replaced');
    expect(replacedWords({ URL: 0 })).toBe('nothing replaced');
  });
  it('plural', () => {
    expect(plural(1, 'conversation')).toBe('1 conversation');
    expect(plural(0, 'conversation')).toBe('0 conversations');
    expect(plural(2, 'reply', 'replies')).toBe('2 replies');
  });
});

describe('redactFor and titles', () => {
  it('leaves the title out of the file when asked, and keeps it otherwise (redacted)', () => {
    const names = (text: string) => [...text.matchAll(/Maria/g)].map((m) => ({ start: m.index, end: m.index + 5 }));
    const dropped = redactFor(record(), choice({ dropTitles: true, findNames: names }));
    expect(dropped.conversation.title).toBeUndefined();
    expect(ExportRecord.parse(dropped).conversation.title).toBeUndefined();
    const kept = redactFor(record(), choice({ findNames: names }));
    expect(kept.conversation.title).toBe('Moving to Lisbon with [NAME]');
    expect(redactFor(record(), { texts: false, ids: false, salt: 's' }).conversation.title).toBe('Moving to Lisbon with Maria');
  });
});

describe('reviewEntry', () => {
  it('shows the local title, the user turn with its placeholders, and the pseudonymous id that leaves', () => {
    const local = record();
    const entry = reviewEntry(local, redactFor(local, choice({ dropTitles: true })));
    expect(entry.localTitle).toBe('Moving to Lisbon with Maria');
    expect(entry.titleInFile).toBeUndefined();
    expect(entry.key).toBe('chatgpt:site-conv-1');
    expect(entry.idInFile).toMatch(/^c_[0-9a-f]{32}$/);
    expect(entry.replaced).toBe('1 email address, 1 phone number replaced');
    expect(entry.turns.map((t) => t.role)).toEqual(['user', 'assistant']);
    const user = entry.turns[0]!;
    expect(user.segments.filter((s) => s.placeholder).map((s) => s.placeholder)).toEqual(['EMAIL', 'PHONE']);
    expect(user.segments.map((s) => s.text).join('')).not.toContain('maria.lopez@example.com');
    expect(entry.more).toBe(0);
  });
  it('with titles kept, says what title leaves; without a title, the first question stands in locally', () => {
    const local = record();
    expect(reviewEntry(local, redactFor(local, choice())).titleInFile).toBe('Moving to Lisbon with Maria');
    const untitled = record('');
    const entry = reviewEntry(untitled, redactFor(untitled, choice()));
    expect(entry.localTitle).toMatch(/^Write to me at maria/);
    expect(entry.titleInFile).toBeUndefined();
  });
  it('shows at most REVIEW_TURNS turns of at most REVIEW_TURN_CHARS each, and counts the rest', () => {
    const long = record();
    long.messages = Array.from({ length: REVIEW_TURNS + 3 }, (_, i) => ({
      id: `m${i}`,
      index: i,
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      text: 'x'.repeat(REVIEW_TURN_CHARS + 50),
      capture_method: 'dom' as const,
    }));
    const entry = reviewEntry(long, redactFor(long, choice({ texts: false })));
    expect(entry.turns).toHaveLength(REVIEW_TURNS);
    expect(entry.more).toBe(3);
    expect(entry.turns.every((t) => t.truncated && t.segments[0]!.text.length === REVIEW_TURN_CHARS)).toBe(true);
  });
});

describe('neverLeaves', () => {
  it('names what stays, by the choices made', () => {
    const all = neverLeaves({ texts: true, ids: true, dropTitles: true }).join(' | ');
    expect(all).toMatch(/proxy token/);
    expect(all).toMatch(/\[EMAIL\] and \[NAME\]/);
    expect(all).toMatch(/conversation ids and links/);
    expect(all).toMatch(/titles/);
    const none = neverLeaves({ texts: false, ids: false, dropTitles: false }).join(' | ');
    expect(none).toMatch(/proxy token/);
    expect(none).not.toMatch(/\[EMAIL\]|conversation ids|titles/);
  });
});

describe('exportChunks with titles left out', () => {
  it('markdown and sharegpt carry no title; the zip records have none and the manifest says so', async () => {
    const md = await collect(exportChunks(records(record()), 'markdown', choice({ dropTitles: true }), hooks));
    expect(md).not.toContain('Lisbon with');
    expect(md).toMatch(/^# Conversation c_/);
    const kept = await collect(exportChunks(records(record()), 'markdown', choice({ texts: false, ids: false }), hooks));
    expect(kept).toMatch(/^# Moving to Lisbon with Maria/);
    const zip = await collect(exportChunks(records(record(), record('Another')), 'zip', choice({ dropTitles: true }), hooks));
    expect(zip).not.toContain('Lisbon with');
    expect(zip).not.toContain('Another');
    expect(zip).toContain('"titles": "left out"');
  });
});

describe('exportChunks research extras', () => {
  it('adds the PTC files and the agreement table to the zip only when asked, redacted like the records', async () => {
    const plain = await collect(exportChunks(records(record()), 'zip', choice(), hooks));
    expect(plain).not.toContain('ptc/spans.txt');
    expect(plain).not.toContain('agreement.csv');
    const extra = await collect(exportChunks(records(record()), 'zip', choice(), { ...hooks, research: { ptc: true, agreement: true } }));
    expect(extra).toContain('ptc/spans.txt');
    expect(extra).toContain('ptc/index.tsv');
    expect(extra).toMatch(/ptc\/articles\/article\d+\.txt/);
    expect(extra).toContain('agreement.csv');
    expect(extra).not.toContain('maria.lopez@example.com');
  });
});
