// Redacting whole export records: flags moved onto the redacted text with every quote re-sliced
// from it, pseudonymous ids (stable for one salt, different for another), URL dropped, titles and
// label notes redacted, counts; and names (cue finder, spreading, the compromise-based finder).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportScore } from '#shared/export/build';
import { findCuedNames, findNames, type NlpFunction, spreadNames } from '#shared/export/names';
import { ExportRecord } from '#shared/export/record';
import {
  findNamesInRecord,
  pseudonymousConversationId,
  pseudonymousMessageId,
  redactableTexts,
  redactRecord,
  reviewRedaction,
} from '#shared/export/redact-record';
import { importRecords } from '#shared/import/index';
import { detect } from '#shared/detect/index';
import type { Flag } from '#shared/schemas';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');

async function imported(): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  for (const [format, file] of [
    ['chatgpt', 'chatgpt-conversations.json'],
    ['claude', 'claude-conversations.json'],
  ] as const) {
    for await (const o of importRecords(format, [readFileSync(resolve(FIXTURES, file), 'utf8')])) if (o.ok) records.push(o.record);
  }
  return records;
}

const JUDGE = { kind: 'anthropic' as const, model: 'm', promptVersion: 'p', taxonomyVersion: 't' };

/** Scores with the detector, plus one flag per word (so many flags touch redacted spans). */
function scoredEverywhere(record: ExportRecord): ExportRecord {
  return {
    ...record,
    messages: record.messages.map((m) => {
      if (m.role !== 'assistant') return m;
      const words: Flag[] = [...m.text.matchAll(/\S+(?:\s+\S+)?/g)].map((w) => ({
        move: 'vagueness',
        start: w.index,
        end: w.index + w[0].length,
        quote: w[0],
        severity: 1,
        support: 'weak',
        rationale: 'test',
        source: 'judge',
      }));
      const flags = [...detect(m.text).flags, ...words];
      return {
        ...m,
        scores: [
          exportScore({ score: 50, flags, judge: JUDGE }, m.text, 0, (f) => (f.start === 0 ? { verdict: 'agree', note: 'Agree, says jane@x.org' } : undefined)),
        ],
      };
    }),
  };
}

const nameSpans = (text: string) => spreadNames([text], [findCuedNames(text)])[0]!;

describe('redactRecord', () => {
  it('every flag quote equals the redacted text at its new offsets, and touched quotes are marked', async () => {
    let touched = 0;
    for (const record of (await imported()).map(scoredEverywhere)) {
      const out = redactRecord(record, { texts: true, ids: true, salt: 's3cret-salt', names: nameSpans });
      expect(ExportRecord.safeParse(out).success).toBe(true);
      for (const message of out.messages) {
        for (const flag of message.scores?.flatMap((s) => s.flags) ?? []) {
          expect(message.text.slice(flag.start, flag.end)).toBe(flag.quote);
          if (flag.quote_redacted) {
            touched++;
            expect(flag.quote).toMatch(/\[(EMAIL|PHONE|URL|NAME|SECRET|IP|CARD)\]/);
          }
        }
        for (const item of message.redactions ?? []) expect(message.text.slice(item.start, item.end)).toBe(`[${item.type}]`);
      }
    }
    expect(touched).toBeGreaterThan(5);
  });

  it('replaces PII in texts, title and label notes, and counts it', async () => {
    const record = scoredEverywhere((await imported())[0]!);
    const before = JSON.stringify(record);
    const out = redactRecord(
      { ...record, conversation: { ...record.conversation, title: 'Letter for jane.doe@example.org' } },
      { texts: true, ids: false, names: nameSpans },
    );
    expect(JSON.stringify(record)).toBe(before); // the input is not changed
    const all = JSON.stringify(out);
    for (const pii of ['jane.doe@example.org', '(555) 201-3344', 'Mark Stevens', 'jane@x.org']) expect(all).not.toContain(pii);
    expect(out.conversation.title).toBe('Letter for [EMAIL]');
    expect(out.messages[1]!.text).toContain('Dear [NAME],');
    expect(out.messages[1]!.scores![0]!.flags.find((f) => f.label)!.label!.note).toBe('Agree, says [EMAIL]');
    // Emails: the title, three in messages, one in each label note. Names: the cue finder's three
    // ("Jane" alone at the end of a letter has no cue: a full name finder is needed for that).
    const notes = record.messages.flatMap((m) => m.scores?.flatMap((sc) => sc.flags.filter((f) => f.label?.note)) ?? []).length;
    expect(notes).toBeGreaterThan(1);
    expect(out.redaction).toEqual({ redacted: true, ids: 'site', counts: { EMAIL: 1 + 3 + notes, PHONE: 2, NAME: 3 } });
    // What must stay: dates and order ids are not phones.
    expect(out.messages[3]!.text).toContain('order #555-123-4567 (dated 2024-03-15)');
  });

  it('pseudonymous ids: stable for one salt, different for another, parent links kept, URL dropped', async () => {
    const record = (await imported())[0]!;
    const a = redactRecord(record, { texts: false, ids: true, salt: 'salt-one' });
    const b = redactRecord(record, { texts: false, ids: true, salt: 'salt-one' });
    const c = redactRecord(record, { texts: false, ids: true, salt: 'salt-two' });
    expect(a).toEqual(b);
    expect(a.conversation.id).not.toBe(c.conversation.id);
    expect(a.conversation.id).toBe(pseudonymousConversationId('salt-one', 'chatgpt', record.conversation.id));
    expect(a.conversation.id).toMatch(/^c_[0-9a-f]{32}$/);
    expect(a.conversation.url).toBeUndefined();
    expect(JSON.stringify(a)).not.toContain(record.conversation.id);
    expect(a.messages.map((m) => m.id)).toEqual(record.messages.map((m) => pseudonymousMessageId('salt-one', 'chatgpt', record.conversation.id, m.id)));
    for (let i = 1; i < a.messages.length; i++) expect(a.messages[i]!.parent_id).toBe(a.messages[i - 1]!.id);
    expect(a.redaction).toEqual({ redacted: false, ids: 'pseudonymous', counts: {} });
    expect(a.messages.map((m) => m.text)).toEqual(record.messages.map((m) => m.text));
    expect(() => redactRecord(record, { texts: false, ids: true })).toThrow('salt');
  });

  it('the content hash follows the exported texts', async () => {
    const record = (await imported())[0]!;
    const out = redactRecord(record, { texts: true, ids: false });
    expect(out.conversation.content_hash).not.toBe(record.conversation.content_hash);
    expect(redactRecord(out, { texts: true, ids: false }).conversation.content_hash).toBe(out.conversation.content_hash);
  });

  it('redactableTexts lists the title, every message and every label note', async () => {
    const record = scoredEverywhere((await imported())[0]!);
    const texts = redactableTexts(record);
    expect(texts[0]).toBe(record.conversation.title);
    expect(texts).toContain(record.messages[3]!.text);
    expect(texts).toContain('Agree, says jane@x.org');
  });
});

describe('reviewRedaction (what will leave, before an export)', () => {
  it('lists each find with its place, type, original and redacted context; agrees with the counts', async () => {
    const record = (await imported())[0]!;
    const names = findNamesInRecord(record, findCuedNames);
    const items = reviewRedaction(record, { names });
    expect(items[0]).toEqual({
      where: 'message',
      message: 0,
      type: 'NAME',
      original: 'Mark Stevens',
      context: '…help me write to my landlord, [NAME]? My email is [EMAIL] and my p…',
    });
    expect(items.filter((i) => i.type === 'EMAIL').map((i) => i.original)).toEqual(['jane.doe@example.org', 'jane.doe@example.org', 'jane.doe@example.org']);
    const counts: Record<string, number> = {};
    for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;
    expect(counts).toEqual(redactRecord(record, { texts: true, ids: false, names }).redaction.counts);
  });
});

describe('names', () => {
  it.each([
    ['Dear Mark Stevens, thank you.', ['Mark Stevens']],
    ['My boss Linda Park says no.', ['Linda Park']],
    ['Hi Sam, here it is.', ['Sam']],
    ['Dr. Priya Natarajan wrote it.', ['Priya Natarajan']],
    ['my name is Jürgen Müller-Lüdenscheidt', ['Jürgen Müller-Lüdenscheidt']],
    ["I'm Sorry to hear it. Dear Sir, hello There.", []],
    ['The boss said so; my friend said hi.', []],
  ])('cued names in %j', (text, names) => {
    expect(findCuedNames(text).map((s) => text.slice(s.start, s.end))).toEqual(names);
  });

  it('a name found once is found everywhere in the conversation, first names included', () => {
    const texts = ['Dear Mark Stevens, hello.', 'Mark said the deposit is late. Stevens agreed. remark, Markus.'];
    const spread = spreadNames(texts, texts.map(findCuedNames));
    expect(spread[1]!.map((s) => texts[1]!.slice(s.start, s.end))).toEqual(['Mark', 'Stevens']);
  });

  it('findNames keeps capitalised people only and maps offsets of long texts cut into paragraphs', () => {
    // A stand-in for compromise's people() view, which also (wrongly) tags the verb "may".
    const fake: NlpFunction = (text) => ({
      people: () => ({
        json: () =>
          [...text.matchAll(/\b(?:Ada Lovelace|may)\b/g)].map((m) => ({
            terms: m[0].split(' ').map((w, i) => ({ offset: { start: m.index + (i === 0 ? 0 : m[0].indexOf(w)), length: w.length } })),
          })),
      }),
    });
    const paragraph = `${'Filler words here. '.repeat(700)}Then Ada Lovelace may come.`;
    const text = `${paragraph}\n\n${paragraph}`;
    const spans = findNames(fake, text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Ada Lovelace', 'Ada Lovelace']);
  });
});
