// The Firefox build must pass Mozilla's addons-linter (what addons.mozilla.org runs on upload)
// with no errors. Warnings are printed, not failed: the linter's JS rules warn on bundled
// libraries we do not control (zod's JIT check uses `new Function`, guarded at runtime).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const FIREFOX_DIR = resolve('.output/firefox-mv3');

interface LintMessage {
  code: string;
  message: string;
  file?: string;
}
interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintMessage[];
  warnings: LintMessage[];
  metadata: { manifestVersion?: number; id?: string };
}

let report: LintReport;

beforeAll(() => {
  if (!existsSync(join(FIREFOX_DIR, 'manifest.json'))) {
    const built = spawnSync('npx', ['wxt', 'build', '-b', 'firefox'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('`npx wxt build -b firefox` failed');
  }
  const run = spawnSync('npx', ['addons-linter', '--output', 'json', FIREFOX_DIR], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  const json = run.stdout.slice(run.stdout.indexOf('{'));
  report = JSON.parse(json) as LintReport;
});

describe('Firefox build and addons-linter', () => {
  it('has no linter errors', () => {
    const lines = report.errors.map((e) => `${e.code} ${e.file ?? ''}: ${e.message}`);
    if (report.warnings.length)
      console.info(`addons-linter: ${report.warnings.length} warning(s): ${[...new Set(report.warnings.map((w) => w.code))].join(', ')}`);
    expect(lines).toEqual([]);
    expect(report.summary.errors).toBe(0);
  });

  it('lints an MV3 manifest with the gecko id', () => {
    expect(report.metadata.manifestVersion).toBe(3);
    expect(report.metadata.id).toBe('unspun@unspun.dev');
  });

  it('asks for Firefox 140+, the first with the CSS Custom Highlight API and data_collection_permissions', () => {
    const manifest = JSON.parse(readFileSync(join(FIREFOX_DIR, 'manifest.json'), 'utf8')) as {
      browser_specific_settings: { gecko: { strict_min_version: string } };
    };
    expect(Number.parseFloat(manifest.browser_specific_settings.gecko.strict_min_version)).toBeGreaterThanOrEqual(140);
    expect(report.warnings.map((w) => w.code)).not.toContain('KEY_FIREFOX_UNSUPPORTED_BY_MIN_VERSION');
  });

  it('gives Firefox the conversation panel as a sidebar, with no Chrome-only permission', () => {
    const manifest = JSON.parse(readFileSync(join(FIREFOX_DIR, 'manifest.json'), 'utf8')) as {
      permissions: string[];
      sidebar_action?: { default_panel: string };
      side_panel?: unknown;
    };
    expect(manifest.sidebar_action?.default_panel).toBe('sidepanel.html');
    expect(manifest.side_panel).toBeUndefined();
    expect(manifest.permissions).not.toContain('sidePanel');
    expect(manifest.permissions).toEqual(expect.arrayContaining(['contextMenus', 'activeTab', 'scripting']));
  });
});
