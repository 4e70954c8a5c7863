// Files the proxy keeps in its config dir (token, key, cache, spend, batch jobs) hold secrets or
// quotes of the user's conversations. They are created with their mode (0600 files, 0700 dirs) at
// open/mkdir time, so nothing is ever chmod-ed afterwards: an existing dir is the user's choice
// (UNSPUN_CONFIG_DIR=/tmp must leave /tmp at 1777), and chmod would follow a symlink to a file that
// is not ours. Secrets are never read through a symlink, nor when others can read them.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

const POSIX = process.platform !== 'win32';
/** O_NOFOLLOW where the platform has it (0 elsewhere: Windows has no symlinks of this kind). */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export class UnsafeFileError extends Error {
  override name = 'UnsafeFileError';
}

/** Creates the dir (and missing parents) as 0700; an existing dir keeps its mode. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/**
 * Writes a whole file through `<path>.tmp` and a rename, so a crash never leaves half a file.
 * The temp file is created new (O_EXCL: never through a symlink or into someone else's file) as 0600.
 */
export function writePrivateFileAtomic(path: string, data: string): void {
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true }); // a leftover from a crash; unlink never follows a symlink
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * writePrivateFileAtomic for many values, one JSON line each, written in slices of about 10 ms with
 * a turn of the event loop between them (a 28 MB batch must not hold up the requests meanwhile).
 */
export async function writePrivateLinesAtomic(path: string, values: readonly unknown[]): Promise<void> {
  const tmp = `${path}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    let chunk = '';
    let sliceStart = performance.now();
    for (const value of values) {
      chunk += `${JSON.stringify(value)}\n`;
      if (chunk.length >= 256 * 1024) {
        writeAll(fd, chunk);
        chunk = '';
      }
      if (performance.now() - sliceStart >= 10) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    writeAll(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Appends to a file, creating it 0600; refuses (ELOOP) when the file is a symlink. */
export function appendPrivateFile(path: string, data: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, 0o600);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Creates a new file 0600 with this content; throws EEXIST when it is already there. */
export function createPrivateFile(path: string, data: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a secret the user or an earlier start left in the config dir. Returns undefined when there
 * is none. Throws UnsafeFileError (a one-line message naming the file, never its content) when it is
 * a symlink, not a regular file, owned by another user, or readable or writable by others.
 */
export function readPrivateFile(path: string, what: string): string | undefined {
  let link;
  try {
    link = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (link.isSymbolicLink()) {
    throw new UnsafeFileError(
      `${what} ${path} is a symbolic link: the proxy does not follow links for its secrets; put the file itself there (mode 0600), or remove the link`,
    );
  }
  if (!link.isFile()) throw new UnsafeFileError(`${what} ${path} is not a file: remove it, or put the file itself there`);
  // O_NOFOLLOW: a link swapped in after the lstat is refused too (ELOOP).
  const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (POSIX) {
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
        throw new UnsafeFileError(
          `${what} ${path} belongs to another user (uid ${stat.uid}): remove it and start again, or set UNSPUN_CONFIG_DIR to a dir of your own`,
        );
      }
      if ((stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new UnsafeFileError(
          `${what} ${path} is readable or writable by others (mode ${mode}): run chmod 600 ${path} (the proxy does not change modes of files it did not create)`,
        );
      }
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: string): void {
  const buffer = Buffer.from(data, 'utf8');
  let written = 0;
  while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
}
