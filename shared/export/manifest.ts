// manifest.json of an export: what is in it (counts), how it was made (filters, judge, redaction,
// generator) and how to check it (SHA-256 and size of each file). Stats are gathered record by
// record while the export streams, so nothing has to be held.
import { z } from 'zod';
import { addCounts, type PlaceholderType } from '../redact.ts';
import { EXPORT_SCHEMA_ID, EXPORT_SCHEMA_VERSION, type ExportRecord, IsoTime, RedactionCounts } from './record.ts';
import { Sha256 } from './sha256.ts';

export const ManifestFile = z.object({
  name: z.string().min(1),
  /** What the file holds: records (JSONL), schema, csv, markdown, sharegpt. */
  role: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const ExportManifest = z.object({
  schema: z.string(),
  schema_version: z.string(),
  generator: z.object({ name: z.string(), version: z.string() }),
  created_at: IsoTime,
  source: z.object({ format: z.string(), file: z.string().optional(), sha256: z.string().optional() }).optional(),
  /** The filters the export was made with (dashboard filters, or the CLI's options). */
  filters: z.record(z.string(), z.unknown()),
  counts: z.object({
    conversations: z.number().int().nonnegative(),
    messages: z.number().int().nonnegative(),
    assistant_messages: z.number().int().nonnegative(),
    scored_messages: z.number().int().nonnegative(),
    flags: z.number().int().nonnegative(),
    flags_by_move: z.record(z.string(), z.number().int().nonnegative()),
    labels: z.number().int().nonnegative(),
    /** Records that could not be read or scored and are not in the export. */
    failed: z.number().int().nonnegative(),
  }),
  judges: z.array(z.object({ kind: z.string(), model: z.string().optional(), prompt_version: z.string(), taxonomy_version: z.string() })),
  redaction: z.object({
    texts: z.boolean(),
    ids: z.enum(['site', 'pseudonymous']),
    /** per-export: ids cannot be joined with another export; per-user: they can, with the same salt. */
    salt: z.enum(['none', 'per-export', 'per-user']),
    counts: RedactionCounts,
  }),
  /** Earliest and latest message time (created, else captured) in the export. */
  date_range: z.object({ from: IsoTime, to: IsoTime }).nullable(),
  files: z.array(ManifestFile),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

export interface ExportStats {
  add(record: ExportRecord): void;
  fail(): void;
  readonly counts: ExportManifest['counts'];
  readonly judges: ExportManifest['judges'];
  readonly redactionCounts: Partial<Record<PlaceholderType, number>>;
  readonly dateRange: ExportManifest['date_range'];
}

export function createExportStats(): ExportStats {
  const counts: ExportManifest['counts'] = {
    conversations: 0,
    messages: 0,
    assistant_messages: 0,
    scored_messages: 0,
    flags: 0,
    flags_by_move: {},
    labels: 0,
    failed: 0,
  };
  const judges: ExportManifest['judges'] = [];
  const redactionCounts: Partial<Record<PlaceholderType, number>> = {};
  let from: string | undefined;
  let to: string | undefined;
  return {
    counts,
    judges,
    redactionCounts,
    get dateRange() {
      return from && to ? { from, to } : null;
    },
    add(record) {
      counts.conversations++;
      addCounts(redactionCounts, record.redaction.counts);
      for (const message of record.messages) {
        counts.messages++;
        const time = message.created_at ?? message.captured_at;
        if (time) {
          if (!from || time < from) from = time;
          if (!to || time > to) to = time;
        }
        if (message.role !== 'assistant') continue;
        counts.assistant_messages++;
        if (message.scores && message.scores.length > 0) counts.scored_messages++;
        for (const score of message.scores ?? []) {
          const j = score.judge;
          if (
            !judges.some((k) => k.kind === j.kind && k.model === j.model && k.prompt_version === j.prompt_version && k.taxonomy_version === j.taxonomy_version)
          ) {
            judges.push({ ...j });
          }
          for (const flag of score.flags) {
            counts.flags++;
            counts.flags_by_move[flag.move] = (counts.flags_by_move[flag.move] ?? 0) + 1;
            if (flag.label) counts.labels++;
          }
        }
      }
    },
    fail() {
      counts.failed++;
    },
  };
}

export interface ManifestInput {
  stats: ExportStats;
  files: ManifestFile[];
  generator: { name: string; version: string };
  createdAt: Date | number;
  filters?: Record<string, unknown>;
  source?: ExportManifest['source'];
  redaction: Omit<ExportManifest['redaction'], 'counts'>;
}

export function buildManifest(input: ManifestInput): ExportManifest {
  const sortedMoves = Object.fromEntries(Object.entries(input.stats.counts.flags_by_move).sort(([a], [b]) => a.localeCompare(b)));
  return ExportManifest.parse({
    schema: EXPORT_SCHEMA_ID,
    schema_version: EXPORT_SCHEMA_VERSION,
    generator: input.generator,
    created_at: new Date(input.createdAt).toISOString(),
    ...(input.source ? { source: input.source } : {}),
    filters: input.filters ?? {},
    counts: { ...input.stats.counts, flags_by_move: sortedMoves },
    judges: input.stats.judges,
    redaction: { ...input.redaction, counts: { ...input.stats.redactionCounts } },
    date_range: input.stats.dateRange,
    files: input.files,
  });
}

/** Hashes a file as it is written: feed it every chunk, then `file()` gives its manifest entry. */
export function createFileHasher(name: string, role: string): { update(chunk: string | Uint8Array): void; file(): ManifestFile } {
  const hash = new Sha256();
  const encoder = new TextEncoder();
  let bytes = 0;
  return {
    update(chunk) {
      const data = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      bytes += data.length;
      hash.update(data);
    },
    file: () => ({ name, role, bytes, sha256: hash.digestHex() }),
  };
}

/** SHA-256 of a whole buffer with Web Crypto (Node 20 and browsers), for files already in memory. */
export async function sha256HexOfBuffer(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
