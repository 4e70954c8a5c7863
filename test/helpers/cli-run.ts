// Runs a CLI's main (runScoreCli, runConvertCli) the two ways the CLI tests need: in this process
// through its injected io (fast: the modules load once per file), or as a real process through npm
// or node + tsx (stdin is a real pipe, the exit code is the process's own).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PassThrough, Writable } from 'node:stream';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  stdin: PassThrough;
  stdout: Writable;
  stderr: Writable;
}

function collector(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/**
 * `main` in this process, as `runAsProcess` would run it: argv, an env holding only `env` (nothing
 * from the machine's own Unspun or Anthropic setup), stdin that delivers `stdin` and ends.
 */
export async function runInProcess<Io extends CliIo>(
  main: (io: Io) => Promise<number>,
  argv: string[],
  options: { stdin?: string; env: Record<string, string>; extra?: Omit<Io, keyof CliIo> },
): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const stdin = new PassThrough();
  stdin.end(options.stdin ?? '');
  const io = { argv, env: { ...options.env }, stdin, stdout: stdout.stream, stderr: stderr.stream, ...options.extra } as Io;
  const code = await main(io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** `npm run --silent SCRIPT -- ...argv` as a real process in the repo, with `stdin` piped in. */
export function runNpmScript(script: string, argv: string[], options: { stdin?: string; env: Record<string, string> }): Promise<CliRun> {
  return runProcess(['npm', 'run', '--silent', script, '--', ...argv], options);
}

/** `node --import tsx FILE ...argv`: the script npm runs, without npm's own start-up (about half a second of CPU). */
export function runTsxScript(file: string, argv: string[], options: { stdin?: string; env: Record<string, string> }): Promise<CliRun> {
  return runProcess([process.execPath, '--import', 'tsx', file, ...argv], options);
}

function runProcess([command, ...args]: string[], options: { stdin?: string; env: Record<string, string> }): Promise<CliRun> {
  // Nothing from the machine's own Unspun/Anthropic setup, and never the user's config dir.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(UNSPUN_|ANTHROPIC_)/.test(k)));
  const child = spawn(command!, args, { cwd: ROOT, env: { ...base, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(options.stdin ?? '');
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        stdout,
        // npm itself may warn about the machine's npmrc; that is not the CLI's output.
        stderr: stderr
          .split('\n')
          .filter((l) => !l.startsWith('npm warn'))
          .join('\n'),
      }),
    );
  });
}
