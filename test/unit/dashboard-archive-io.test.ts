// Archive <-> export core: imported ChatGPT / Claude / Unspun records land in the archive (scores,
// labels and capture metadata kept; unscored replies wait for the import run), and the archive
// exports them again as records that validate, with the same texts, flags and labels.
import { readFileSync } from 'node:fs';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ExportRecord } from '../../shared/export/record.ts';
import { importRecords, type ImportFormat } from '../../shared/import/index.ts';
import { archiveRecords, storeImported, WAITING_FOR_IMPORT_RUN } from '../../extension/dashboard/archive-io.ts';
import { exportChunks, redactFor } from '../../extension/dashboard/export-pipeline.ts';
import { toJsonlLine } from '../../shared/export/formats.ts';
import { createDb, type UnspunDb } from '../../extension/db/schema.ts';
import { summarizeAsks } from '../../extension/dashboard/askback-data.ts';
import { askConversations } from '../../extension/dashboard/askback-view.ts';

let db: UnspunDb;
beforeEach(() => {
  db = createDb('io', { indexedDB: new IDBFactory(), IDBKeyRange });
});

async function importFile(format: ImportFormat, file: string, edit: (text: string) => string = (t) => t) {
  const ok: ExportRecord[] = [];
  const bad: string[] = [];
  for await (const outcome of importRecords(format, [edit(readFileSync(file, 'utf8'))])) {
    if (outcome.ok) ok.push(outcome.record);
    else bad.push(outcome.where);
  }
  const stored = [];
  for (const record of ok) stored.push(await storeImported(db, record, 1_700_000_000_000));
  return { ok, bad, stored };
}

describe('import into the archive', () => {
  it.each([
    ['chatgpt', 'test/fixtures/exports/chatgpt-conversations.json', 'chatgpt-export'],
    ['claude', 'test/fixtures/exports/claude-conversations.json', 'claude-export'],
  ] as const)('%s export: conversations and replies stored, replies waiting for the import run', async (format, file, source) => {
    const { ok, stored } = await importFile(format, file);
    expect(ok.length).toBeGreaterThan(0);
    expect(await db.conversations.count()).toBe(new Set(ok.map((r) => `${r.conversation.site}:${r.conversation.id}`)).size);
    const replies = ok.reduce((n, r) => n + r.messages.filter((m) => m.role === 'assistant' && m.text.trim()).length, 0);
    expect(await db.messages.count()).toBe(replies);
    const unscored = stored.flatMap((s) => s.unscored);
    expect(unscored).toHaveLength(replies);
    const m = await db.messages.get(unscored[0]!);
    expect(m).toMatchObject({ status: 'failed', lastError: WAITING_FOR_IMPORT_RUN, captureMethod: 'import' });
    const c = (await db.conversations.toArray())[0]!;
    expect(c).toMatchObject({ source, captureMethod: 'import', messageCount: expect.any(Number) });
    // Importing the same file again adds nothing.
    const again = await importFile(format, file);
    expect(again.stored.every((s) => s.added === 0)).toBe(true);
    expect(await db.messages.count()).toBe(replies);
  });

  it('unspun JSONL keeps scores, flags and labels, and exports again with the same content', async () => {
    const { ok, bad } = await importFile('unspun', 'test/fixtures/exports/unspun-export.jsonl');
    expect(bad).toEqual([]);
    expect(ok.length).toBeGreaterThan(0);
    const scored = ok.flatMap((r) => r.messages).filter((m) => m.scores?.length).length;
    expect(await db.scores.count()).toBe(scored);
    const out: ExportRecord[] = [];
    for await (const r of archiveRecords(
      db,
      (await db.conversations.toArray()).map((c) => c.key),
    ))
      out.push(ExportRecord.parse(r));
    expect(out).toHaveLength(ok.length);
    const flagsOf = (records: ExportRecord[]) =>
      records
        .flatMap((r) =>
          r.messages.flatMap((m) =>
            (m.scores ?? []).flatMap((s) => s.flags.map((f) => `${r.conversation.id}|${m.id}|${f.move}|${f.start}|${f.end}|${f.label?.verdict ?? ''}`)),
          ),
        )
        .sort();
    expect(flagsOf(out)).toEqual(flagsOf(ok));
    const replyTexts = (records: ExportRecord[]) => records.flatMap((r) => r.messages.filter((m) => m.role === 'assistant').map((m) => m.text)).sort();
    expect(replyTexts(out)).toEqual(replyTexts(ok));
  });
});

describe('askBack through export and import', () => {
  it('an exported follow-up question comes back on its flag, and "Did asking help?" counts it in the imported archive', async () => {
    const question = 'Which study is this based on: who ran it, when, and with how many people?';
    const judge = { kind: 'offline' as const, promptVersion: 'p', taxonomyVersion: 't' };
    const reply = (messageId: string, text: string, userTurn: string, at: number) => ({
      key: `chatgpt:k1:${messageId}`,
      conversationKey: 'chatgpt:k1',
      site: 'chatgpt',
      conversationId: 'k1',
      messageId,
      role: 'assistant' as const,
      text,
      userTurn,
      previous: [],
      status: 'scored' as const,
      attempts: 1,
      nextAttemptAt: 0,
      capturedAt: at,
      updatedAt: at,
    });
    await db.conversations.add({ key: 'chatgpt:k1', site: 'chatgpt', conversationId: 'k1', firstCapturedAt: 1_000, lastCapturedAt: 2_000 });
    await db.messages.bulkAdd([
      reply('q1', 'Experts agree index funds win.', 'Should I pick stocks?', 1_000),
      reply('q2', 'SPIVA 2024 (S&P Dow Jones Indices) found most active funds trailed their index.', question, 2_000),
    ]);
    const experts = {
      move: 'unsourced-authority' as const,
      start: 0,
      end: 13,
      quote: 'Experts agree',
      severity: 2,
      rationale: 'r',
      source: 'detector' as const,
    };
    await db.scores.bulkAdd([
      {
        messageKey: 'chatgpt:k1:q1',
        score: 40,
        flags: [
          { ...experts, support: 'unsupported', askBack: question },
          // A question on a supported flag is not one a reader is offered: not stored back.
          { ...experts, move: 'bandwagon', support: 'supported', askBack: 'Who else?' },
        ],
        judge,
        cached: false,
        latencyMs: 0,
        scoredAt: 1_500,
      },
      { messageKey: 'chatgpt:k1:q2', score: 0, flags: [], judge, cached: false, latencyMs: 0, scoredAt: 2_500 },
    ]);
    const lines: string[] = [];
    for await (const record of archiveRecords(db, ['chatgpt:k1'])) lines.push(toJsonlLine(record));
    expect(lines.join('')).toContain('"ask_back":"Which study is this based on');
    const fresh = createDb('io-ask', { indexedDB: new IDBFactory(), IDBKeyRange });
    for await (const outcome of importRecords('unspun', [lines.join('')])) if (outcome.ok) await storeImported(fresh, outcome.record, 1_700_000_000_000);
    const stored = (await fresh.scores.toArray()).find((s) => s.flags.length > 0)!;
    expect(stored.flags.map((f) => [f.move, f.askBack])).toEqual([
      ['unsourced-authority', question],
      ['bandwagon', undefined],
    ]);
    expect(summarizeAsks(await askConversations(fresh))).toMatchObject({ asked: 1, answered: 1, gotSupport: 1 });
  });
});

describe('round trip: a site export imported, then exported from the archive', () => {
  it.each([
    ['chatgpt', 'test/fixtures/exports/chatgpt-conversations.json', 'chatgpt-export', 'chatgpt-export@1', (t: string) => t],
    // The Claude fixture names no model; the importer reads one from the conversation when present.
    [
      'claude',
      'test/fixtures/exports/claude-conversations.json',
      'claude-export',
      'claude-export@1',
      (t: string) => JSON.stringify(JSON.parse(t).map((c: object, i: number) => (i === 0 ? { ...c, model: 'claude-sonnet-4-5' } : c))),
    ],
  ] as const)('%s: source, method, completeness, title, times, models and per-message capture method survive', async (format, file, source, adapter, edit) => {
    const { ok } = await importFile(format, file, edit);
    expect(ok.some((r) => r.conversation.title)).toBe(true);
    const out = new Map<string, ExportRecord>();
    for await (const r of archiveRecords(
      db,
      (await db.conversations.toArray()).map((c) => c.key),
    ))
      out.set(r.conversation.id, ExportRecord.parse(r));
    expect(out.size).toBe(ok.length);
    for (const original of ok) {
      const exported = out.get(original.conversation.id)!;
      expect(exported.capture).toEqual({ source, method: 'import', adapter_version: adapter, completeness: original.capture.completeness, warnings: [] });
      const pick = ({ id, site, url, title, created_at, updated_at, models }: ExportRecord['conversation']) => ({
        id,
        site,
        url,
        title,
        created_at,
        updated_at,
        models,
      });
      expect(pick(exported.conversation)).toEqual(pick(original.conversation));
      expect(exported.conversation.first_captured_at).toBeUndefined();
      // The archive keeps the replies and the user turn each answers: those come back as they were.
      const kept = original.messages.filter((m, i) => m.role === 'assistant' || original.messages[i + 1]?.role === 'assistant');
      const view = (m: ExportRecord['messages'][number]) => ({
        id: m.id,
        role: m.role,
        text: m.text,
        capture_method: m.capture_method,
        model: m.model,
        model_source: m.model_source,
        ...(m.role === 'assistant' ? { created_at: m.created_at } : {}),
      });
      expect(exported.messages.map(view)).toEqual(kept.map(view));
      for (const m of exported.messages) {
        expect(m.capture_method).toBe('import');
        expect(m.captured_at).toBeUndefined();
      }
    }
    // The fixtures name models (ChatGPT per message, Claude per conversation): the comparison above saw them.
    expect([...out.values()].some((r) => r.messages.some((m) => m.model && m.model_source === 'api'))).toBe(true);
  });

  it("conversations the extension captured still export as the extension's (dom, partial, no title), and a network capture says so", async () => {
    const base = { site: 'chatgpt', firstCapturedAt: 1_700_000_000_000, lastCapturedAt: 1_700_000_001_000 };
    await db.conversations.bulkAdd([
      { key: 'chatgpt:old', conversationId: 'old', ...base, title: 'What should I do' }, // written before provenance fields existed
      { key: 'chatgpt:net', conversationId: 'net', ...base, title: 'Hello', source: 'extension', captureMethod: 'network', completeness: 'partial' },
    ]);
    const reply = (conversationId: string, captureMethod?: 'dom' | 'network') => ({
      key: `chatgpt:${conversationId}:r1`,
      conversationKey: `chatgpt:${conversationId}`,
      site: 'chatgpt',
      conversationId,
      messageId: 'r1',
      role: 'assistant' as const,
      text: 'Sure.',
      userTurn: 'What should I do',
      previous: [],
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: 0,
      capturedAt: 1_700_000_000_500,
      updatedAt: 1_700_000_000_500,
      model: 'GPT-5',
      ...(captureMethod ? { captureMethod } : {}),
    });
    await db.messages.bulkAdd([reply('old'), reply('net', 'network')]);
    const out = new Map<string, ExportRecord>();
    for await (const r of archiveRecords(db, ['chatgpt:old', 'chatgpt:net'])) out.set(r.conversation.id, ExportRecord.parse(r));
    const old = out.get('old')!;
    expect(old.capture).toMatchObject({ source: 'extension', method: 'dom', completeness: 'partial' });
    expect(old.conversation.title).toBeUndefined();
    expect(old.conversation.first_captured_at).toBe('2023-11-14T22:13:20.000Z');
    expect(old.messages.map((m) => [m.role, m.capture_method, m.model_source, m.captured_at !== undefined])).toEqual([
      ['user', 'dom', undefined, false],
      ['assistant', 'dom', 'dom', true],
    ]);
    const net = out.get('net')!;
    expect(net.capture).toMatchObject({ source: 'extension', method: 'network' });
    expect(net.messages.map((m) => [m.capture_method, m.model_source])).toEqual([
      ['network', undefined],
      ['network', 'api'],
    ]);
  });
});

describe('reading the archive for an export', () => {
  it("scores are read by key prefix, yet a conversation whose id extends another one's (a vs a:b) gets only its own", async () => {
    const base = { site: 'chatgpt', firstCapturedAt: 1, lastCapturedAt: 2 };
    await db.conversations.bulkAdd([
      { key: 'chatgpt:a', conversationId: 'a', ...base },
      { key: 'chatgpt:a:b', conversationId: 'a:b', ...base },
    ]);
    const reply = (conversationId: string, messageId: string) => ({
      key: `chatgpt:${conversationId}:${messageId}`,
      conversationKey: `chatgpt:${conversationId}`,
      site: 'chatgpt',
      conversationId,
      messageId,
      role: 'assistant' as const,
      text: `Reply ${messageId}.`,
      previous: [],
      status: 'scored' as const,
      attempts: 1,
      nextAttemptAt: 0,
      capturedAt: 5,
      updatedAt: 5,
    });
    await db.messages.bulkAdd([reply('a', 'y'), reply('a:b', 'x')]);
    const score = (messageKey: string, value: number) => ({
      messageKey,
      score: value,
      flags: [],
      judge: { kind: 'offline' as const, promptVersion: 'p', taxonomyVersion: 't' },
      cached: false,
      latencyMs: 0,
      scoredAt: 7,
    });
    // a:b's score key "chatgpt:a:b:x" starts with "chatgpt:a:" too: it lies in the range read for a.
    await db.scores.bulkAdd([score('chatgpt:a:b:x', 11), score('chatgpt:a:y', 22)]);
    const out = new Map<string, ExportRecord>();
    for await (const r of archiveRecords(db, ['chatgpt:a', 'chatgpt:a:b'])) out.set(r.conversation.id, r);
    const scoresOf = (id: string) =>
      out
        .get(id)!
        .messages.filter((m) => m.role === 'assistant')
        .map((m) => `${m.id}=${m.scores?.[0]?.score ?? '-'}`);
    expect(scoresOf('a')).toEqual(['y=22']);
    expect(scoresOf('a:b')).toEqual(['x=11']);
  });
});

describe('export chunks', () => {
  it.each(['csv', 'markdown', 'sharegpt'] as const)('%s streams one record at a time, redacted when asked', async (format) => {
    await importFile('unspun', 'test/fixtures/exports/unspun-export.jsonl');
    const keys = (await db.conversations.toArray()).map((c) => c.key);
    let progress = 0;
    const parts: string[] = [];
    for await (const chunk of exportChunks(
      archiveRecords(db, keys),
      format,
      { texts: true, ids: true, salt: 'salt' },
      { onProgress: (n) => (progress = n), onError: (w, m) => parts.push(`ERROR ${w} ${m}`), filters: {}, version: 't' },
    )) {
      parts.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
    }
    const text = parts.join('');
    expect(progress).toBe(keys.length);
    expect(text).not.toContain('ERROR');
    if (format === 'sharegpt') {
      const parsed = JSON.parse(text) as { id: string; conversations: unknown[] }[];
      expect(parsed).toHaveLength(keys.length);
      expect(parsed.every((c) => c.id.startsWith('c_'))).toBe(true);
    }
    if (format === 'csv') expect(text.split('\n')[0]).toContain('conversation_id');
  });

  it('the research zip holds the JSONL, CSV, schema and manifest', async () => {
    await importFile('unspun', 'test/fixtures/exports/unspun-export.jsonl');
    const keys = (await db.conversations.toArray()).map((c) => c.key);
    const bytes: Uint8Array[] = [];
    for await (const chunk of exportChunks(
      archiveRecords(db, keys),
      'zip',
      { texts: false, ids: false, salt: 's' },
      { onProgress: () => {}, onError: () => {}, filters: { site: 'x' }, version: 't' },
    ))
      bytes.push(chunk as Uint8Array);
    const zip = Buffer.concat(bytes).toString('latin1');
    for (const name of ['conversations.jsonl', 'conversations.csv', 'schema.json', 'manifest.json']) expect(zip).toContain(name);
  });
});

describe('citations through export and import (1.2.0)', () => {
  const TEXT = 'Rents in Lisbon rose 12% last year [1]. Mail jane.doe@example.org for the table. The council will vote in May [3].';
  const claim = (quote: string) => ({ start: TEXT.indexOf(quote), end: TEXT.indexOf(quote) + quote.length, quote, support: 'link' as const });
  const CLAIMS = [claim('Rents in Lisbon rose 12% last year [1].'), claim('The council will vote in May [3].')];
  const MARKERS = [
    { at: 39, label: 'reuters', url: 'https://www.reuters.com/lisbon?ref=jane.doe%40example.org#p2' },
    { at: TEXT.indexOf('[1]'), end: TEXT.indexOf('[1]') + 3, label: '[1]', url: 'https://ine.pt/rents', n: 1, sources: 2 },
    { at: TEXT.indexOf('@'), label: 'x' },
    { at: TEXT.indexOf('[3]'), end: TEXT.indexOf('[3]') + 3, label: '[3]', n: 3, sources: 2 },
  ];

  async function seed(target: UnspunDb): Promise<void> {
    await target.conversations.add({ key: 'perplexity:t1', site: 'perplexity', conversationId: 't1', firstCapturedAt: 1_000, lastCapturedAt: 1_000 });
    await target.messages.add({
      key: 'perplexity:t1:a1',
      conversationKey: 'perplexity:t1',
      site: 'perplexity',
      conversationId: 't1',
      messageId: 'a1',
      role: 'assistant',
      text: TEXT,
      userTurn: 'Rents?',
      previous: [],
      status: 'scored',
      attempts: 1,
      nextAttemptAt: 0,
      capturedAt: 1_000,
      updatedAt: 1_000,
      citations: MARKERS,
    });
    await target.scores.add({
      messageKey: 'perplexity:t1:a1',
      score: 10,
      flags: [],
      claims: CLAIMS,
      judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' },
      cached: false,
      latencyMs: 0,
      scoredAt: 1_500,
    });
  }

  async function exported(source: UnspunDb, redaction: { texts: boolean; ids: boolean; salt: string }): Promise<string> {
    // As the research zip writes conversations.jsonl: each record redacted as chosen, one line each.
    const lines: string[] = [];
    const keys = (await source.conversations.toArray()).map((c) => c.key);
    for await (const record of archiveRecords(source, keys)) lines.push(toJsonlLine(redactFor(record, redaction)));
    return lines.join('');
  }

  async function reimported(jsonl: string): Promise<UnspunDb> {
    const fresh = createDb('io-again', { indexedDB: new IDBFactory(), IDBKeyRange });
    for await (const outcome of importRecords('unspun', [jsonl])) {
      expect(outcome.ok).toBe(true);
      if (outcome.ok) await storeImported(fresh, outcome.record, 1_700_000_000_000);
    }
    return fresh;
  }

  it('an unredacted export imports back into MessageRecord.citations and the claims, and exports again the same', async () => {
    await seed(db);
    const first = await exported(db, { texts: false, ids: false, salt: 's' });
    const record = JSON.parse(first) as ExportRecord;
    expect(record.schema_version).toBe('1.2.0');
    expect(record.messages[1]!.citations).toHaveLength(4);
    expect(record.messages[1]!.scores![0]!.claims![1]!.cites).toEqual([{ citation: 3, label: '[3]', url: null, nowhere: 'beyond-sources' }]);
    const again = await reimported(first);
    const stored = (await again.messages.toArray())[0]!;
    expect(stored.citations).toEqual(MARKERS);
    expect((await again.scores.toArray())[0]!.claims).toEqual(CLAIMS);
    const second = await exported(again, { texts: false, ids: false, salt: 's' });
    const view = (r: ExportRecord) => r.messages.map((m) => ({ citations: m.citations, claims: m.scores?.[0]?.claims }));
    expect(view(JSON.parse(second))).toEqual(view(record));
  });

  it('a redacted export imports its redacted markers: the one in the email is gone, URLs keep no query', async () => {
    await seed(db);
    const jsonl = await exported(db, { texts: true, ids: false, salt: 's' });
    expect(jsonl).not.toContain('jane.doe');
    const stored = (await (await reimported(jsonl)).messages.toArray())[0]!;
    expect(stored.text).toContain('[EMAIL]');
    expect(stored.citations!.map((c) => [c.label, c.url])).toEqual([
      ['reuters', 'https://www.reuters.com/lisbon'],
      ['[1]', 'https://ine.pt/rents'],
      ['[3]', undefined],
    ]);
    for (const c of stored.citations!) if (c.end !== undefined) expect(stored.text.slice(c.at, c.end)).toBe(c.label);
  });
});
