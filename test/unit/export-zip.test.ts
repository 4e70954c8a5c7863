// The one-zip export the dashboard streams: a valid store-only zip (fflate's, checked by our reader
// with zlib's CRC-32, and by `unzip -t` where the machine has it), holding JSONL records that validate,
// the CSV, schema.json and a manifest whose SHA-256s match the files; failures named and counted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exportZip, ZIP_FILES } from '#shared/export/bundle';
import { exportScore } from '#shared/export/build';
import { findCuedNames } from '#shared/export/names';
import { ExportManifest } from '#shared/export/manifest';
import { ExportRecord, exportJsonSchema } from '#shared/export/record';
import { createZipWriter } from '#shared/export/zip';
import { importRecords } from '#shared/import/index';
import { detect } from '#shared/detect/index';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/exports');

async function sampleRecords(): Promise<ExportRecord[]> {
  const out: ExportRecord[] = [];
  for (const [format, file] of [
    ['chatgpt', 'chatgpt-conversations.json'],
    ['claude', 'claude-conversations.json'],
  ] as const) {
    for await (const o of importRecords(format, [readFileSync(resolve(FIXTURES, file), 'utf8')])) {
      if (!o.ok) continue;
      out.push({
        ...o.record,
        messages: o.record.messages.map((m) => {
          if (m.role !== 'assistant') return m;
          const d = detect(m.text);
          return { ...m, scores: [exportScore({ ...d, judge: { kind: 'offline', promptVersion: 'detector-1', taxonomyVersion: 't' } }, m.text, 0)] };
        }),
      });
    }
  }
  return out;
}

/** Reads a zip through its central directory: name -> stored bytes, checking each CRC-32. */
function readZip(zip: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(zip);
  const end = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBe(buf.length - 22);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(at)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(at + 16);
    const size = buf.readUInt32LE(at + 20);
    const nameLength = buf.readUInt16LE(at + 28);
    const offset = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(buf.readUInt32LE(offset)).toBe(0x04034b50);
    const dataStart = offset + 30 + buf.readUInt16LE(offset + 26);
    const data = buf.subarray(dataStart, dataStart + size);
    expect(zlib.crc32(data)).toBe(crc);
    expect(buf.readUInt32LE(dataStart + size)).toBe(0x08074b50);
    files.set(name, data);
    at += 46 + nameLength;
  }
  return files;
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('zip writer', () => {
  it('each call returns its own bytes at once; a file written in many chunks has the CRC-32 and size of the whole', () => {
    const data = Buffer.from('The quick brown fox ✓ '.repeat(100));
    const zip = createZipWriter();
    const parts = [zip.startFile('fox.txt')];
    for (let i = 0; i < data.length; i += 333) {
      const chunk = data.subarray(i, i + 333);
      parts.push(zip.write(chunk));
      // Stored, nothing held back for later: what came back so far ends with this chunk.
      expect(Buffer.concat(parts).subarray(-chunk.length)).toEqual(chunk);
    }
    parts.push(zip.write(new Uint8Array()), zip.endFile(), zip.finish());
    // readZip checks every CRC-32 against zlib's.
    expect(readZip(Buffer.concat(parts)).get('fox.txt')).toEqual(data);
  });

  it('writes files one after another; misuse throws', () => {
    const zip = createZipWriter();
    const parts = [
      zip.startFile('a/ü.txt', new Date(Date.UTC(2026, 10, 23, 12, 30, 10))),
      zip.write('hello '),
      zip.write(new TextEncoder().encode('world')),
      zip.endFile(),
      zip.startFile('empty.txt'),
      zip.endFile(),
      zip.finish(),
    ];
    const files = readZip(Buffer.concat(parts));
    expect([...files.keys()]).toEqual(['a/ü.txt', 'empty.txt']);
    expect(files.get('a/ü.txt')!.toString()).toBe('hello world');
    expect(files.get('empty.txt')!.length).toBe(0);
    const z = createZipWriter();
    expect(() => z.write('x')).toThrow('outside a file');
    z.startFile('x');
    expect(() => z.startFile('y')).toThrow('before endFile');
    expect(() => z.finish()).toThrow('before endFile');
    z.endFile();
    z.finish();
    expect(() => z.startFile('z')).toThrow('after finish');
    expect(() => z.finish()).toThrow('called twice');
  });
});

describe('exportZip', () => {
  it('streams a zip with records, CSV, schema and a manifest that hashes them', async () => {
    const records = await sampleRecords();
    const progress: number[] = [];
    const zip = await collect(
      exportZip(records, {
        generator: { name: 'unspun dashboard', version: '0.1.0' },
        filters: { site: ['chatgpt', 'claude'], flaggedOnly: false },
        createdAt: new Date(Date.UTC(2026, 10, 23)),
        redaction: { texts: true, ids: true, salt: 'per-export-salt-0123', saltKind: 'per-export', findNames: findCuedNames },
        csv: true,
        onProgress: (n) => progress.push(n),
      }),
    );
    const files = readZip(zip);
    expect([...files.keys()]).toEqual([ZIP_FILES.records, ZIP_FILES.csv, ZIP_FILES.schema, ZIP_FILES.manifest]);
    const lines = files.get(ZIP_FILES.records)!.toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(records.length);
    for (const line of lines) expect(ExportRecord.safeParse(JSON.parse(line)).success).toBe(true);
    const text = files.get(ZIP_FILES.records)!.toString('utf8');
    for (const pii of ['jane.doe@example.org', 'Mark Stevens', 'Linda Park', '+1 415 555 0132']) expect(text).not.toContain(pii);
    expect(JSON.parse(files.get(ZIP_FILES.schema)!.toString('utf8'))).toEqual(exportJsonSchema());

    const manifest = ExportManifest.parse(JSON.parse(files.get(ZIP_FILES.manifest)!.toString('utf8')));
    for (const file of manifest.files) {
      const data = files.get(file.name)!;
      expect(file.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      expect(file.bytes).toBe(data.length);
    }
    expect(manifest.files.map((f) => f.role)).toEqual(['records', 'csv', 'schema']);
    expect(manifest.counts.conversations).toBe(records.length);
    expect(manifest.filters).toEqual({ site: ['chatgpt', 'claude'], flaggedOnly: false });
    expect(manifest.redaction).toMatchObject({ texts: true, ids: 'pseudonymous', salt: 'per-export' });
    expect(files.get(ZIP_FILES.csv)!.toString('utf8').split('\r\n').length - 2).toBe(manifest.counts.flags);
    expect(progress).toEqual(records.map((_, i) => i + 1));

    const unzip = spawnSync('unzip', ['-v'], { encoding: 'utf8' });
    if (unzip.status === 0) {
      const dir = mkdtempSync(join(tmpdir(), 'unspun-zip-'));
      try {
        writeFileSync(join(dir, 'export.zip'), zip);
        const test = spawnSync('unzip', ['-t', join(dir, 'export.zip')], { encoding: 'utf8' });
        expect(test.stdout).toContain('No errors detected');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('adds the PTC span files and the judge agreement table when asked, hashed in the manifest, redacted like the records', async () => {
    const records = (await sampleRecords()).map((r) => ({
      ...r,
      // A second judge on every reply, flagging the same as the first: kappa 1 where a move occurs.
      messages: r.messages.map((m) =>
        m.scores ? { ...m, scores: [...m.scores, { ...m.scores[0]!, judge: { ...m.scores[0]!.judge, kind: 'anthropic' as const, model: 'claude' } }] } : m,
      ),
    }));
    const zip = await collect(
      exportZip(records, {
        generator: { name: 'x', version: '1' },
        redaction: { texts: true, ids: true, salt: 'salt-0123456789abcdef', saltKind: 'per-export', findNames: findCuedNames },
        ptc: { techniques: 'ptc' },
        agreement: true,
      }),
    );
    const files = readZip(zip);
    const spans = files.get(ZIP_FILES.ptcSpans)!.toString('utf8');
    const articles = [...files.keys()].filter((n) => n.startsWith(ZIP_FILES.ptcArticles));
    expect(articles.length).toBe(records.flatMap((r) => r.messages).filter((m) => m.role === 'assistant' && m.text).length);
    for (const line of spans.trim().split('\n').filter(Boolean)) {
      const [id, technique, start, end] = line.split('\t');
      const article = files.get(`${ZIP_FILES.ptcArticles}article${id}.txt`)!.toString('utf8');
      expect(technique).not.toMatch(/^[a-z-]+$/); // SemEval names, not our ids
      expect(Number(end)).toBeGreaterThan(Number(start));
      expect(Array.from(article).length).toBeGreaterThanOrEqual(Number(end));
    }
    const allArticles = articles.map((n) => files.get(n)!.toString('utf8')).join('\n');
    for (const pii of ['jane.doe@example.org', 'Mark Stevens']) expect(allArticles).not.toContain(pii);
    const agreement = files.get(ZIP_FILES.agreement)!.toString('utf8').split('\r\n');
    expect(agreement[0]).toBe('judge_a,judge_b,move,n,both,only_a,only_b,neither,observed,kappa');
    expect(agreement.some((row) => /^anthropic:claude,offline,[a-z-]+,\d+,[1-9]\d*,0,0,\d+,1\.0000,1\.0000$/.test(row))).toBe(true);
    const manifest = ExportManifest.parse(JSON.parse(files.get(ZIP_FILES.manifest)!.toString('utf8')));
    for (const file of manifest.files) expect(file.sha256).toBe(createHash('sha256').update(files.get(file.name)!).digest('hex'));
    expect(manifest.files.map((f) => f.name)).toContain(ZIP_FILES.agreement);
  });

  it('a record that cannot be exported is named and counted as failed; the others go on', async () => {
    const [good, bad] = await sampleRecords();
    const broken = JSON.parse(JSON.stringify(bad)) as ExportRecord;
    broken.messages[1]!.scores![0]!.flags.push({
      ...broken.messages[1]!.scores![0]!.flags[0]!,
      quote: 'not in the text',
      end: broken.messages[1]!.scores![0]!.flags[0]!.start + 15,
    });
    const errors: string[] = [];
    const zip = await collect(
      exportZip([good!, broken], {
        generator: { name: 'x', version: '1' },
        redaction: { texts: false, ids: false, saltKind: 'none' },
        onError: (where, message) => errors.push(`${where}: ${message}`),
      }),
    );
    const files = readZip(zip);
    const manifest = ExportManifest.parse(JSON.parse(files.get(ZIP_FILES.manifest)!.toString('utf8')));
    expect(manifest.counts).toMatchObject({ conversations: 1, failed: 1 });
    expect(manifest.redaction).toEqual({ texts: false, ids: 'site', salt: 'none', counts: {} });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`conversation "${bad!.conversation.id}" (chatgpt)`);
    expect(errors[0]).toContain('quote must equal text.slice(start, end)');
  });

  it('stops when aborted', async () => {
    const records = await sampleRecords();
    const controller = new AbortController();
    const chunks = exportZip(records, {
      generator: { name: 'x', version: '1' },
      redaction: { texts: false, ids: false, saltKind: 'none' },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(collect(chunks)).rejects.toThrow();
  });
});
