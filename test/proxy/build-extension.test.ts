// npm start's build step: quiet when it works (the links come first), the whole output when it fails.
import { describe, expect, it } from 'vitest';
import { buildExtension } from '../../proxy/build-extension.ts';

const WXT_OUTPUT = [
  'WXT 0.20.27',
  'ℹ Building chrome-mv3 for production with Vite 8.3.0',
  '  ├─ .output/chrome-mv3/manifest.json  1.2 kB',
  '✔ Finished in 13.6 s',
].join('\n');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { log: (l: string) => out.push(l), error: (l: string) => err.push(l) } };
}

describe('buildExtension', () => {
  it('a build that works prints one line and none of the build output', () => {
    const { out, err, io } = capture();
    expect(buildExtension('/repo', io, () => ({ ok: true, output: WXT_OUTPUT }))).toBe(true);
    expect(out).toEqual(['Building the extension (.output/chrome-mv3)...']);
    expect(err).toEqual([]);
    expect([...out, ...err].join('\n')).not.toMatch(/Finished|manifest\.json|Vite/);
  });

  it('a build that fails prints its output, then says it failed', () => {
    const { err, io } = capture();
    const output = `${WXT_OUTPUT.split('\n')[0]}\n✖ extension/popup.ts:3:1: Expected ";"\n`;
    expect(buildExtension('/repo', io, () => ({ ok: false, output }))).toBe(false);
    expect(err[0]).toContain('Expected ";"');
    expect(err.at(-1)).toBe('The extension build failed; see the output above.');
  });

  it('passes the project folder to the build', () => {
    let seen = '';
    buildExtension('/some/project', capture().io, (cwd) => ((seen = cwd), { ok: true, output: '' }));
    expect(seen).toBe('/some/project');
  });
});
