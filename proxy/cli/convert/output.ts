// An output file that hashes what it writes (for the manifest), waits for the disk when asked to,
// and appears under its real name only when the run commits it: it is written to a temp file
// beside its destination and renamed at the end, so a run that stops on a bad input (or a full
// disk) leaves no partial file and never clobbers the output of an earlier run.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ManifestFile } from '#shared/export/manifest';

export interface HashedOutput {
  write(text: string): Promise<void>;
  /** Ends the temp file; the manifest entry, or the write error that broke it. */
  close(): Promise<{ file: ManifestFile; error: Error | null }>;
  /** Moves the closed temp file to its real name. */
  commit(): void;
  /** Ends and removes the temp file (the real name is left as it was). */
  discard(): Promise<void>;
}

/** `.name.tmp-<random>` in the destination's directory: a rename there is atomic. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
}

/**
 * Resolves when the stream has drained, or has closed or failed (then writing is pointless anyway).
 * The listeners are removed whichever comes first: a long run waits for drain thousands of times,
 * and `events.once` on 'close' left one listener behind each time (MaxListenersExceededWarning).
 */
export function waitForDrain(stream: WriteStream): Promise<void> {
  if (stream.destroyed || stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

/** Opens a temp file for `path`; the manifest names it relative to `manifestDir`. Throws a readable error. */
export async function openHashedOutput(path: string, role: string, manifestDir: string, option: string): Promise<HashedOutput> {
  const why = (code: string | undefined, fallback: unknown) =>
    code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(fallback));
  // The rename at the end would fail on a directory: say so now, before any work is done.
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`Cannot write ${option} ${path}: ${why('EISDIR', '')}`);
  const temp = tempPathFor(path);
  const stream = createWriteStream(temp, { flags: 'wx' });
  try {
    await once(stream, 'open');
  } catch (error) {
    throw new Error(`Cannot write ${option} ${path}: ${why((error as NodeJS.ErrnoException).code, error)}`);
  }
  let error: Error | null = null;
  stream.on('error', (e) => {
    error ??= e;
  });
  const hash = createHash('sha256');
  let bytes = 0;
  let closed = false;
  const end = async () => {
    if (closed) return;
    closed = true;
    stream.end();
    await finished(stream).catch(() => undefined);
  };
  return {
    async write(text) {
      if (error) return;
      hash.update(text);
      bytes += Buffer.byteLength(text);
      if (!stream.write(text)) await waitForDrain(stream);
    },
    async close() {
      await end();
      return { file: { name: relative(manifestDir, path) || path, role, bytes, sha256: hash.digest('hex') }, error };
    },
    commit() {
      renameSync(temp, path);
    },
    async discard() {
      await end();
      rmSync(temp, { force: true });
    },
  };
}
