// `npm start`'s extension build: the build's own output (about 25 lines) is kept back and shown only
// when the build fails, so a newcomer's console opens with the links, not with a bundle listing.
import { spawnSync } from 'node:child_process';

export interface BuildOutcome {
  ok: boolean;
  /** The build's stdout and stderr, interleaved as far as pipes allow. */
  output: string;
}

export type RunBuild = (cwd: string) => BuildOutcome;

export const runWxtBuild: RunBuild = (cwd) => {
  const build = spawnSync('npx', ['wxt', 'build'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `\n${build.error.message}` : ''}`;
  return { ok: build.status === 0, output };
};

/** Builds, saying one line; on failure prints the build's output and says so. Returns whether it worked. */
export function buildExtension(cwd: string, io: { log(line: string): void; error(line: string): void }, run: RunBuild = runWxtBuild): boolean {
  io.log('Building the extension (.output/chrome-mv3)...');
  const outcome = run(cwd);
  if (outcome.ok) return true;
  io.error(outcome.output.trimEnd());
  io.error('The extension build failed; see the output above.');
  return false;
}
