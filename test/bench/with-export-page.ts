// A copy of the built extension (.output/chrome-mv3) with one extra page, bench-export.html, that
// bundles test/bench/export-page.ts: the bench measures the dashboard's export there, and the
// extension that ships has no global door into its archive.
import { build } from 'esbuild';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt, EXTENSION_DIR } from '../e2e/harness.ts';

export const EXPORT_PAGE = 'bench-export.html';

export async function withExportPage(): Promise<string> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'unspun-bench-ext-'));
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  await build({
    entryPoints: [resolve('test/bench/export-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(dir, 'bench-export.js'),
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, EXPORT_PAGE),
    '<!doctype html><meta charset="utf-8"><title>Unspun export bench</title><script type="module" src="bench-export.js"></script>\n',
  );
  return dir;
}
