// What every CLI here shares at the process edge: file checks, readable fs errors, and running
// its main function as the process with an honest exit code.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface ProcessIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

/** Whether two paths name the same file (through symlinks), so a run never overwrites its input. */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return code ?? String(error);
}

/** Runs a CLI's main as this process: its result is the exit code; a crash is exit 1 with one line. */
export function runAsProcess(name: string, main: (io: ProcessIo) => Promise<number>): void {
  let settled = false;
  // If a bug ever left the run waiting on nothing, Node would exit 0 with partial output: refuse.
  process.once('beforeExit', () => {
    if (!settled) {
      process.stderr.write(`${name}: stopped before finishing (internal error); the output is incomplete\n`);
      process.exitCode = 1;
    }
  });
  main({ argv: process.argv.slice(2), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => {
      settled = true;
      process.stderr.write(`${name}: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
