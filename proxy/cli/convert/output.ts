// An output file that hashes what it writes (for the manifest) and waits for the disk when asked to.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { relative } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ManifestFile } from '#shared/export/manifest';

export interface HashedOutput {
  write(text: string): Promise<void>;
  /** Ends the file; the manifest entry, or the write error that broke it. */
  close(): Promise<{ file: ManifestFile; error: Error | null }>;
}

/** Opens `path` for writing; the manifest names it relative to `manifestDir`. Throws a readable error. */
export async function openHashedOutput(path: string, role: string, manifestDir: string, option: string): Promise<HashedOutput> {
  const stream = createWriteStream(path);
  try {
    await once(stream, 'open');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw new Error(`Cannot write ${option} ${path}: ${why}`);
  }
  let error: Error | null = null;
  stream.on('error', (e) => {
    error ??= e;
  });
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    async write(text) {
      if (error) return;
      hash.update(text);
      bytes += Buffer.byteLength(text);
      if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]).catch(() => undefined);
    },
    async close() {
      stream.end();
      await finished(stream).catch(() => undefined);
      return { file: { name: relative(manifestDir, path) || path, role, bytes, sha256: hash.digest('hex') }, error };
    },
  };
}
