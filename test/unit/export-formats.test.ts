// Export formats and the manifest: CSV quoting and formula guard, Markdown, ShareGPT, canonical
// JSONL lines, manifest counts and file hashes.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportScore, newRecord } from '#shared/export/build';
import { MOVE_IDS } from '#shared/schemas';
import { MOVES_BY_ID } from '#shared/taxonomy';
import { CSV_COLUMNS, csvCell, csvHeader, csvRows, toJsonlLine, toMarkdown, toShareGpt } from '#shared/export/formats';
import { buildManifest, createExportStats, createFileHasher, ExportManifest, sha256HexOfBuffer } from '#shared/export/manifest';
import { EXPORT_SCHEMA_VERSION, type ExportRecord } from '#shared/export/record';
import type { Flag } from '#shared/schemas';

const REPLY = 'Great question! =SUM(A1) "quoted", and\nEveryone knows it.';
const flag = (quote: string, extra: Partial<Flag> = {}): Flag => {
  const start = REPLY.indexOf(quote);
  return {
    move: 'flattery',
    start,
    end: start + quote.length,
    quote,
    severity: 2,
    support: 'unsupported',
    rationale: 'Praises, instead of answering.',
    source: 'detector',
    ...extra,
  };
};

function sampleRecord(): ExportRecord {
  const record = newRecord({
    id: 'conv-1',
    site: 'chatgpt',
    title: 'A, "title"',
    createdAt: Date.UTC(2025, 0, 2),
    source: 'chatgpt-export',
    method: 'import',
    completeness: 'complete',
    messages: [
      { id: 'u1', index: 0, role: 'user', text: 'Is it true?', created_at: '2025-01-02T00:00:00.000Z', capture_method: 'import' },
      {
        id: 'a1',
        parent_id: 'u1',
        index: 1,
        role: 'assistant',
        text: REPLY,
        created_at: '2025-01-02T00:00:05.000Z',
        model: 'gpt-4o',
        model_source: 'api',
        capture_method: 'import',
      },
    ],
  });
  const score = exportScore(
    {
      score: 42,
      flags: [
        flag('Great question!'),
        flag('=SUM(A1) "quoted", and\nEveryone', { move: 'unsupported-claim', rationale: '-1 reasons, @all', wouldSupport: '+ a source' }),
      ],
      judge: { kind: 'anthropic', model: 'claude-haiku', promptVersion: 'judge-3', taxonomyVersion: '2026-11-23.1' },
    },
    REPLY,
    Date.UTC(2025, 0, 3),
  );
  score.flags[0]!.label = { verdict: 'disagree', note: 'it was, a good question', labeled_at: '2025-01-04T00:00:00.000Z' };
  record.messages[1] = { ...record.messages[1]!, scores: [score] };
  return record;
}

/** A small RFC 4180 reader, to check the CSV round-trips through a real parser's rules. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1 555', "'+1 555"],
    ['-cmd', "'-cmd"],
    ['@import', "'@import"],
    ['\tTAB', "'\tTAB"],
    ['=HYPERLINK("http://x", "y")', `"'=HYPERLINK(""http://x"", ""y"")"`],
    ['', ''],
  ])('cell %j -> %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('writes numbers and booleans as they are (a negative number is not a formula)', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(undefined)).toBe('');
  });

  it('one row per flag, every column, and a parser reads back the same cells', () => {
    const text = csvHeader() + csvRows(sampleRecord());
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const byName = (row: string[]) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, row[i]]));
    const first = byName(rows[1]!);
    const second = byName(rows[2]!);
    expect(first).toMatchObject({
      conversation_id: 'conv-1',
      message_id: 'a1',
      move: 'flattery',
      quote: 'Great question!',
      judge_kind: 'anthropic',
      judge_model: 'claude-haiku',
      reply_score: '42',
      label: 'disagree',
      label_note: 'it was, a good question',
      quote_redacted: 'false',
    });
    expect(second.quote).toBe(`'=SUM(A1) "quoted", and\nEveryone`);
    expect(second.rationale).toBe("'-1 reasons, @all");
    expect(second.would_support).toBe("'+ a source");
    expect(text.endsWith('\r\n')).toBe(true);
  });
});

describe('JSONL line', () => {
  it('is one line, valid, in the schema key order whatever order the object had', () => {
    const record = sampleRecord();
    const reordered = {
      messages: record.messages,
      redaction: record.redaction,
      capture: record.capture,
      conversation: record.conversation,
      record_type: record.record_type,
      schema_version: record.schema_version,
    } as ExportRecord;
    const line = toJsonlLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line.startsWith(`{"schema_version":"${EXPORT_SCHEMA_VERSION}","record_type":"conversation"`)).toBe(true);
    expect(toJsonlLine(reordered)).toBe(line);
  });

  it('refuses an invalid record instead of writing it', () => {
    const record = sampleRecord();
    record.messages[1]!.scores![0]!.flags[0]!.quote = 'Not the text';
    expect(() => toJsonlLine(record)).toThrow(/quote must equal/);
  });
});

describe('Markdown report', () => {
  it('lists messages, the judge with its versions, and each flag with its support and label', () => {
    const md = toMarkdown(sampleRecord());
    expect(md).toContain('# A, "title"');
    expect(md).toContain('## 2. Assistant (gpt-4o)');
    expect(md).toContain('> Great question! =SUM(A1) "quoted", and\n> Everyone knows it.');
    expect(md).toContain('**Score 42/100** by anthropic claude-haiku (prompt judge-3, taxonomy 2026-11-23.1): 2 flags');
    expect(md).toContain(
      '- **Flattery** (not backed up, severity 2 of 3): “Great question!” — Praises, instead of answering. — you disagreed: it was, a good question',
    );
    expect(md).toContain('_Would support it:_ + a source');
  });

  it('names every move by its human name, never by its raw id', () => {
    for (const move of MOVE_IDS) {
      const record = sampleRecord();
      const flag = record.messages[1]!.scores![0]!.flags[0]!;
      flag.move = move;
      const md = toMarkdown(record);
      expect(md).toContain(`- **${MOVES_BY_ID[move].name.replace(/([\\`*_[\]<>|])/g, '\\$1')}** (`);
      if (move.includes('-')) expect(md).not.toContain(move);
    }
  });
});

describe('ShareGPT view', () => {
  it('maps roles to human/gpt and keeps the text only', () => {
    expect(toShareGpt(sampleRecord())).toEqual({
      id: 'conv-1',
      site: 'chatgpt',
      model: 'gpt-4o',
      conversations: [
        { from: 'human', value: 'Is it true?' },
        { from: 'gpt', value: REPLY },
      ],
    });
  });
});

describe('manifest', () => {
  it('counts conversations, messages, flags by move, labels, failures and redactions; hashes files', async () => {
    const stats = createExportStats();
    const record = sampleRecord();
    const redacted = { ...record, redaction: { redacted: true, ids: 'pseudonymous' as const, counts: { EMAIL: 2, NAME: 1 } } };
    stats.add(record);
    stats.add(redacted);
    stats.fail();
    const hasher = createFileHasher('conversations.jsonl', 'records');
    const lines = [toJsonlLine(record), toJsonlLine(redacted)];
    for (const line of lines) hasher.update(line);
    const manifest = buildManifest({
      stats,
      files: [hasher.file()],
      generator: { name: 'unspun', version: '0.1.0' },
      createdAt: Date.UTC(2026, 10, 23),
      filters: { flaggedOnly: true },
      redaction: { texts: true, ids: 'pseudonymous', salt: 'per-export' },
    });
    expect(ExportManifest.parse(manifest)).toEqual(manifest);
    expect(manifest.counts).toEqual({
      conversations: 2,
      messages: 4,
      assistant_messages: 2,
      scored_messages: 2,
      flags: 4,
      flags_by_move: { flattery: 2, 'unsupported-claim': 2 },
      labels: 2,
      failed: 1,
    });
    expect(manifest.redaction.counts).toEqual({ EMAIL: 2, NAME: 1 });
    expect(manifest.judges).toEqual([{ kind: 'anthropic', model: 'claude-haiku', prompt_version: 'judge-3', taxonomy_version: '2026-11-23.1' }]);
    expect(manifest.date_range).toEqual({ from: '2025-01-02T00:00:00.000Z', to: '2025-01-02T00:00:05.000Z' });
    expect(manifest.created_at).toBe('2026-11-23T00:00:00.000Z');
    const body = lines.join('');
    expect(manifest.files[0]).toEqual({
      name: 'conversations.jsonl',
      role: 'records',
      bytes: Buffer.byteLength(body),
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(await sha256HexOfBuffer(body)).toBe(manifest.files[0]!.sha256);
  });

  it('has no date range when no message has a time', () => {
    expect(createExportStats().dateRange).toBeNull();
  });
});
