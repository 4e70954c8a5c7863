// Which extension install the proxy is paired with: its origin (chrome-extension://<id> or
// moz-extension://<uuid>), learned only from a pairing that proved the token (POST
// /v1/pair/confirm with the bearer token) and kept in <configDir>/paired-extension so it survives
// restarts. Requests from any other extension origin are then refused (middleware/paired-origin.ts).
// The file is created with mode 0600 by a write to a temp file and a rename; a symlink in its
// place is refused rather than followed.
import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const PAIRED_EXTENSION_FILE = 'paired-extension';

export interface PairedExtension {
  origin: string;
  pairedAt: string;
}

export interface PairedExtensionStore {
  get(): PairedExtension | null;
  set(origin: string, at: Date): PairedExtension;
}

const Stored = z.object({ origin: z.string().min(1).max(200), pairedAt: z.string().max(64) });

/** In memory only (the app's default; tests). */
export function createMemoryPairedExtension(initial: PairedExtension | null = null): PairedExtensionStore {
  let current = initial;
  return {
    get: () => current,
    set(origin, at) {
      current = { origin, pairedAt: at.toISOString() };
      return current;
    },
  };
}

/**
 * Backed by <dir>/paired-extension. A missing file means "not paired yet" (every extension origin
 * is accepted until one pairs); an unreadable or malformed one is reported through `onError` and
 * treated the same, so a bad file never takes the proxy down and a new pairing rewrites it.
 */
export function openPairedExtension(dir: string, onError: (message: string) => void = () => {}): PairedExtensionStore {
  const path = join(dir, PAIRED_EXTENSION_FILE);
  let current: PairedExtension | null = null;
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) onError(`${path} is a symbolic link; ignored (remove it, then pair the extension again)`);
    else {
      const parsed = Stored.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success) current = parsed.data;
      else onError(`${path} is not a paired-extension record; ignored until the extension pairs again`);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') onError(`Cannot read ${path} (${code ?? (error as Error).message}); ignored until the extension pairs again`);
  }
  return {
    get: () => current,
    set(origin, at) {
      const next = { origin, pairedAt: at.toISOString() };
      const temp = `${path}.${process.pid}.tmp`;
      try {
        if (isSymlink(path)) throw Object.assign(new Error('is a symbolic link'), { code: 'ESYMLINK' });
        writeFileSync(temp, `${JSON.stringify(next)}\n`, { mode: 0o600, flag: 'wx' });
        renameSync(temp, path);
      } catch (error) {
        rmSync(temp, { force: true });
        const code = (error as NodeJS.ErrnoException).code;
        // Still paired for this run; the next start accepts any extension until it pairs again.
        onError(`Cannot write ${path} (${code ?? (error as Error).message}): the pairing holds until the proxy stops`);
      }
      current = next;
      return next;
    },
  };
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
