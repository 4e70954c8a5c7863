// A streaming, store-only (no compression) ZIP writer: the dashboard puts the JSONL, manifest.json
// and schema.json of an export into one .zip without holding the files. Pure: it returns the bytes
// to emit (to a Blob's parts, a WritableStream, a file), with CRC-32 and sizes in a data descriptor
// after each file, so nothing is known in advance. Limits: no ZIP64, so each file and the whole
// archive must stay under 4 GiB, and at most 65,535 files; names are UTF-8 (flag bit 11).

// Int32 (not Uint32) entries and arithmetic: V8 keeps them unboxed in the hot loop below.
const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** Continues a CRC-32 (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const LIMIT = 0xffffffff;
const FLAGS = 0x0008 | 0x0800; // data descriptor follows; UTF-8 names
const VERSION = 20;

interface Entry {
  name: Uint8Array;
  offset: number;
  crc: number;
  size: number;
  dosTime: number;
  dosDate: number;
}

export interface ZipWriter {
  /** Starts a file; returns its local header. */
  startFile(name: string, modified?: Date): Uint8Array;
  /** Bytes of the current file; returns them to emit as they are (stored). */
  write(chunk: Uint8Array | string): Uint8Array;
  /** Ends the current file; returns its data descriptor. */
  endFile(): Uint8Array;
  /** The central directory and end record; the archive is complete after these bytes. */
  finish(): Uint8Array;
}

export class ZipLimitError extends Error {
  override name = 'ZipLimitError';
}

function dosDateTime(date: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    dosTime: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

export function createZipWriter(): ZipWriter {
  const encoder = new TextEncoder();
  const entries: Entry[] = [];
  let current: Entry | undefined;
  let offset = 0;
  let finished = false;

  const advance = (bytes: Uint8Array) => {
    offset += bytes.length;
    if (offset > LIMIT) throw new ZipLimitError('the archive is larger than 4 GiB (ZIP64 is not supported)');
    return bytes;
  };

  return {
    startFile(name, modified = new Date()) {
      if (finished) throw new Error('zip: startFile after finish');
      if (current) throw new Error('zip: startFile before endFile');
      if (entries.length >= 0xffff) throw new ZipLimitError('more than 65,535 files');
      const encoded = encoder.encode(name);
      current = { name: encoded, offset, crc: 0, size: 0, ...dosDateTime(modified) };
      const header = new Uint8Array(30 + encoded.length);
      const v = new DataView(header.buffer);
      v.setUint32(0, 0x04034b50, true);
      v.setUint16(4, VERSION, true);
      v.setUint16(6, FLAGS, true);
      v.setUint16(8, 0, true); // stored
      v.setUint16(10, current.dosTime, true);
      v.setUint16(12, current.dosDate, true);
      // CRC and sizes (offsets 14..25) are zero here: they follow in the data descriptor.
      v.setUint16(26, encoded.length, true);
      v.setUint16(28, 0, true);
      header.set(encoded, 30);
      return advance(header);
    },
    write(chunk) {
      if (!current) throw new Error('zip: write outside a file');
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      current.crc = crc32(bytes, current.crc);
      current.size += bytes.length;
      if (current.size > LIMIT) throw new ZipLimitError('a file is larger than 4 GiB (ZIP64 is not supported)');
      return advance(bytes);
    },
    endFile() {
      if (!current) throw new Error('zip: endFile outside a file');
      const descriptor = new Uint8Array(16);
      const v = new DataView(descriptor.buffer);
      v.setUint32(0, 0x08074b50, true);
      v.setUint32(4, current.crc, true);
      v.setUint32(8, current.size, true);
      v.setUint32(12, current.size, true);
      entries.push(current);
      current = undefined;
      return advance(descriptor);
    },
    finish() {
      if (current) throw new Error('zip: finish before endFile');
      if (finished) throw new Error('zip: finish called twice');
      finished = true;
      const size = entries.reduce((sum, e) => sum + 46 + e.name.length, 0);
      const out = new Uint8Array(size + 22);
      const v = new DataView(out.buffer);
      let at = 0;
      for (const e of entries) {
        v.setUint32(at, 0x02014b50, true);
        v.setUint16(at + 4, VERSION, true);
        v.setUint16(at + 6, VERSION, true);
        v.setUint16(at + 8, FLAGS, true);
        v.setUint16(at + 10, 0, true);
        v.setUint16(at + 12, e.dosTime, true);
        v.setUint16(at + 14, e.dosDate, true);
        v.setUint32(at + 16, e.crc, true);
        v.setUint32(at + 20, e.size, true);
        v.setUint32(at + 24, e.size, true);
        v.setUint16(at + 28, e.name.length, true);
        // extra, comment, disk, internal attributes: 0; external attributes: 0 (regular file)
        v.setUint32(at + 42, e.offset, true);
        out.set(e.name, at + 46);
        at += 46 + e.name.length;
      }
      v.setUint32(at, 0x06054b50, true);
      v.setUint16(at + 8, entries.length, true);
      v.setUint16(at + 10, entries.length, true);
      v.setUint32(at + 12, size, true);
      v.setUint32(at + 16, offset, true);
      return advance(out);
    },
  };
}
