// The bench's way into the dashboard's export (test/bench/dashboard.ts): a page bundled only for
// the bench into a copy of the built extension (withExportPage), never into the extension itself.
// It runs the same pipeline the Export button runs (archive-io's records into export-pipeline's
// chunks, research zip, not redacted) into a byte counter, and exposes that as
// globalThis.unspunBench.measureExport for page.evaluate.
import { archiveRecords } from '../../extension/dashboard/archive-io.ts';
import { exportChunks, type ExportFormat } from '../../extension/dashboard/export-pipeline.ts';
import { createDb } from '../../extension/db/schema.ts';

const db = createDb();

/** Exports the newest `limit` conversations into a byte counter (no file); the bench samples the page's heap from outside. */
export async function measureExport(limit: number, format: ExportFormat = 'zip'): Promise<{ ms: number; bytes: number; records: number }> {
  const keys = await db.conversations.orderBy('lastCapturedAt').reverse().limit(limit).primaryKeys();
  const started = performance.now();
  let bytes = 0;
  let records = 0;
  for await (const chunk of exportChunks(
    archiveRecords(db, keys),
    format,
    { texts: false, ids: false, salt: 'bench' },
    { onProgress: (n) => (records = n), onError: () => {}, filters: {}, version: 'bench' },
  )) {
    bytes += typeof chunk === 'string' ? chunk.length : chunk.byteLength;
  }
  return { ms: performance.now() - started, bytes, records };
}

Object.assign(globalThis, { unspunBench: { measureExport } });
