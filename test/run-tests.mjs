#!/usr/bin/env node
// `npm test`: builds the extension (the e2e tests load the real build), runs `npm run check`,
// runs every vitest project, and ends with the plain line CI reads: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const run = (cmd, cmdArgs, env = {}) => spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

if (!args.includes('--no-build')) {
  const built = run('npx', ['wxt', 'build']) === 0 && run('npx', ['wxt', 'build', '-b', 'firefox']) === 0;
  if (!built) {
    console.error('extension build failed');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

// One style and types that hold (npm run check: Biome's formatter and linter, tsc for the whole
// project and for shared/ alone): counted as one test, so a broken check fails CI like a test.
let checkPassed = 0;
let checkFailed = 0;
if (!args.includes('--no-check')) {
  if (run('npm', ['run', '--silent', 'check']) === 0) checkPassed = 1;
  else {
    console.error('npm run check failed (formatting, lint or types): run `npm run format` and `npm run check`');
    checkFailed = 1;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'unspun-test-'));
const report = join(dir, 'vitest.json');
const vitestArgs = args.filter((a) => a !== '--no-build' && a !== '--no-check');
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A file that fails to load (no tests) or whose beforeAll throws (its tests reported as skipped,
  // e.g. no Firefox installed) must still count as a failure.
  failed += json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (status !== 0 && failed === 0) failed = 1;
passed += checkPassed;
failed += checkFailed;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
