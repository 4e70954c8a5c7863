// One export as one .zip, streamed: records in (from the archive, one at a time), zip bytes out.
// The dashboard calls this; the convert CLI writes the same files side by side instead.
//   conversations.jsonl  the records (redacted as asked), one a line
//   conversations.csv    one row per flag (optional)
//   schema.json          the record's JSON Schema
//   ptc/                 SemEval-2020 Task 11 spans + one text per reply (optional; see research-formats.ts)
//   agreement.csv        Cohen's kappa per move for each pair of judges that scored the same replies (optional)
//   manifest.json        counts, filters, judges, redaction counts, date range, SHA-256 of the files above
// Memory: one record at a time, plus the CSV rows (a few hundred bytes per flag) until the JSONL
// is done, since a store-only zip is written one file after another.
import { csvHeader, csvRows, toJsonlLine } from './formats.ts';
import { buildManifest, createExportStats, createFileHasher, type ExportManifest, type ManifestFile } from './manifest.ts';
import type { NameSpan } from './names.ts';
import { exportJsonSchema, type ExportRecord } from './record.ts';
import { agreementCsv, judgeAgreement, judgePairs, type PtcOptions, toPtc } from './research-formats.ts';
import { findNamesInRecord, redactRecord } from './redact-record.ts';
import { createZipWriter } from './zip.ts';

export interface ZipExportOptions {
  generator: { name: string; version: string };
  /** The filters the user chose, recorded in the manifest as they are. */
  filters?: Record<string, unknown>;
  createdAt?: Date;
  redaction: {
    texts: boolean;
    ids: boolean;
    /** Required when ids is true. */
    salt?: string;
    saltKind: ExportManifest['redaction']['salt'];
    /** A name finder (loadNameFinder()); without it names are not redacted. */
    findNames?: (text: string) => readonly NameSpan[];
  };
  csv?: boolean;
  /** Add the PTC span format (ptc/spans.txt, ptc/index.tsv, ptc/articles/*.txt). */
  ptc?: Pick<PtcOptions, 'techniques'>;
  /** Add agreement.csv: per-move kappa for every pair of judges that scored the same replies. */
  agreement?: boolean;
  /** Called after each record with the number done so far (for a progress bar). */
  onProgress?: (done: number) => void;
  /** A record that cannot be exported: named, counted in the manifest as failed, and left out. */
  onError?: (where: string, message: string) => void;
  signal?: AbortSignal;
}

export const ZIP_FILES = {
  records: 'conversations.jsonl',
  csv: 'conversations.csv',
  schema: 'schema.json',
  manifest: 'manifest.json',
  ptcSpans: 'ptc/spans.txt',
  ptcIndex: 'ptc/index.tsv',
  ptcArticles: 'ptc/articles/',
  agreement: 'agreement.csv',
} as const;

export async function* exportZip(records: AsyncIterable<ExportRecord> | Iterable<ExportRecord>, options: ZipExportOptions): AsyncGenerator<Uint8Array> {
  const createdAt = options.createdAt ?? new Date();
  const zip = createZipWriter();
  const encoder = new TextEncoder();
  const stats = createExportStats();
  const files: ManifestFile[] = [];
  const csvParts: string[] = options.csv ? [csvHeader()] : [];
  // The research formats need every exported record at the end (as exported: redacted when asked).
  const kept: ExportRecord[] | undefined = options.ptc || options.agreement ? [] : undefined;
  const { redaction } = options;

  const jsonl = createFileHasher(ZIP_FILES.records, 'records');
  yield zip.startFile(ZIP_FILES.records, createdAt);
  let done = 0;
  for await (const input of records) {
    options.signal?.throwIfAborted();
    const where = `conversation ${JSON.stringify(input.conversation.id)} (${input.conversation.site})`;
    try {
      let record = input;
      if (redaction.texts || redaction.ids) {
        record = redactRecord(record, {
          texts: redaction.texts,
          ids: redaction.ids,
          ...(redaction.salt !== undefined ? { salt: redaction.salt } : {}),
          ...(redaction.texts && redaction.findNames ? { names: findNamesInRecord(record, redaction.findNames) } : {}),
        });
      }
      // Encoded once: the same bytes are hashed for the manifest and stored in the zip.
      const line = encoder.encode(toJsonlLine(record));
      stats.add(record);
      if (options.csv) csvParts.push(csvRows(record));
      kept?.push(record);
      jsonl.update(line);
      yield zip.write(line);
    } catch (error) {
      stats.fail();
      options.onError?.(where, error instanceof Error ? error.message : String(error));
    }
    options.onProgress?.(++done);
  }
  yield zip.endFile();
  files.push(jsonl.file());

  if (options.csv) {
    const csv = createFileHasher(ZIP_FILES.csv, 'csv');
    yield zip.startFile(ZIP_FILES.csv, createdAt);
    for (const part of csvParts.splice(0)) {
      const bytes = encoder.encode(part);
      csv.update(bytes);
      yield zip.write(bytes);
    }
    yield zip.endFile();
    files.push(csv.file());
  }

  const addFile = function* (name: string, role: string, text: string) {
    const hasher = createFileHasher(name, role);
    const bytes = encoder.encode(text);
    hasher.update(bytes);
    yield zip.startFile(name, createdAt);
    yield zip.write(bytes);
    yield zip.endFile();
    files.push(hasher.file());
  };
  if (kept && options.ptc) {
    const ptc = toPtc(kept, { techniques: options.ptc.techniques });
    yield* addFile(ZIP_FILES.ptcSpans, 'ptc', ptc.labels);
    yield* addFile(ZIP_FILES.ptcIndex, 'ptc', ptc.index);
    for (const article of ptc.articles) yield* addFile(`${ZIP_FILES.ptcArticles}${article.fileName}`, 'ptc', article.text);
  }
  if (kept && options.agreement) {
    const tables = judgePairs(kept).map((pair) => judgeAgreement(kept, pair.judgeA, pair.judgeB));
    yield* addFile(ZIP_FILES.agreement, 'agreement', agreementCsv(tables));
  }

  const schemaText = `${JSON.stringify(exportJsonSchema(), null, 2)}\n`;
  const schema = createFileHasher(ZIP_FILES.schema, 'schema');
  schema.update(schemaText);
  yield zip.startFile(ZIP_FILES.schema, createdAt);
  yield zip.write(schemaText);
  yield zip.endFile();
  files.push(schema.file());

  const manifest = buildManifest({
    stats,
    files,
    generator: options.generator,
    createdAt,
    filters: options.filters ?? {},
    redaction: { texts: redaction.texts, ids: redaction.ids ? 'pseudonymous' : 'site', salt: redaction.ids ? redaction.saltKind : 'none' },
  });
  yield zip.startFile(ZIP_FILES.manifest, createdAt);
  yield zip.write(`${JSON.stringify(manifest, null, 2)}\n`);
  yield zip.endFile();
  yield zip.finish();
}
