// A streaming, store-only (no compression) ZIP writer: the dashboard puts the JSONL, manifest.json
// and schema.json of an export into one .zip without holding the files. The format is fflate's
// (maintained, no dependencies; `npm run bench` found it as fast as our own writer that it replaced
// in 2026-12: test/bench/export-libs.ts); this file keeps the pull-style shape the export code uses,
// where each call returns the bytes to emit (to a Blob's parts, a WritableStream, a file), with
// CRC-32 and sizes in a data descriptor after each file, so nothing is known in advance.
// Limits, checked here since fflate writes no ZIP64: each file and the whole archive under 4 GiB,
// at most 65,535 files. Names are UTF-8.
import { Zip, ZipPassThrough } from 'fflate';

const LIMIT = 0xffffffff;

export interface ZipWriter {
  /** Starts a file; returns its local header (or nothing yet: then the header comes with the first write). */
  startFile(name: string, modified?: Date): Uint8Array;
  /** Bytes of the current file; returns them to emit as they are (stored), never held back. */
  write(chunk: Uint8Array | string): Uint8Array;
  /** Ends the current file; returns its data descriptor. */
  endFile(): Uint8Array;
  /** The central directory and end record; the archive is complete after these bytes. */
  finish(): Uint8Array;
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

export function createZipWriter(): ZipWriter {
  const encoder = new TextEncoder();
  // fflate hands a store-only archive's bytes to this callback synchronously, during each call below.
  const emitted: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure ??= error;
    else emitted.push(data);
  });
  let current: { file: ZipPassThrough; size: number } | undefined;
  let files = 0;
  let offset = 0;
  let finished = false;

  /** The bytes emitted since the last call, as one array. */
  const take = (): Uint8Array => {
    if (failure) throw failure;
    const parts = emitted.splice(0);
    const bytes = parts.length === 1 ? parts[0]! : concat(parts);
    offset += bytes.length;
    if (offset > LIMIT) throw new ZipLimitError('the archive is larger than 4 GiB (ZIP64 is not supported)');
    return bytes;
  };

  return {
    startFile(name, modified = new Date()) {
      if (finished) throw new Error('zip: startFile after finish');
      if (current) throw new Error('zip: startFile before endFile');
      if (files >= 0xffff) throw new ZipLimitError('more than 65,535 files');
      const file = new ZipPassThrough(name);
      file.mtime = modified;
      zip.add(file);
      files++;
      current = { file, size: 0 };
      return take();
    },
    write(chunk) {
      if (!current) throw new Error('zip: write outside a file');
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      current.size += bytes.length;
      if (current.size > LIMIT) throw new ZipLimitError('a file is larger than 4 GiB (ZIP64 is not supported)');
      current.file.push(bytes);
      return take();
    },
    endFile() {
      if (!current) throw new Error('zip: endFile outside a file');
      current.file.push(new Uint8Array(0), true);
      current = undefined;
      return take();
    },
    finish() {
      if (current) throw new Error('zip: finish before endFile');
      if (finished) throw new Error('zip: finish called twice');
      finished = true;
      zip.end();
      return take();
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
