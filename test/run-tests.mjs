#!/usr/bin/env node
// `npm test`: builds the extension (the e2e tests load the real build), runs `npm run check`,
// runs every vitest project, and ends with the plain line CI reads: `N passed, N failed, N skipped`.
import { spawn, spawnSync } from 'node:child_process';
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
const vitestArgs = args.filter((a) => a !== '--no-build' && a !== '--no-check');

// The two projects run as two vitest processes at once. In one process, a project without file
// parallelism (e2e: one browser at a time) runs as its own group AFTER the parallel group, and
// vitest gives the unit project one worker on a 2-core machine: the browser tests waited for the
// last unit test while a core idled. A run narrowed to one project (`--project x`) stays one process.
const projects = vitestArgs.some((a) => a === '--project' || a.startsWith('--project=')) ? [null] : ['unit', 'e2e'];
const vitest = (project) =>
  new Promise((resolve) => {
    const report = join(dir, `vitest-${project ?? 'all'}.json`);
    const projectArgs = project ? ['--project', project, '--passWithNoTests'] : [];
    const child = spawn('npx', ['vitest', 'run', ...projectArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs], {
      stdio: 'inherit',
    });
    child.on('error', () => resolve({ status: 1, report }));
    child.on('close', (code) => resolve({ status: code ?? 1, report }));
  });
const runs = await Promise.all(projects.map(vitest));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const { status, report } of runs) {
  let counted = 0;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    counted = json.numFailedTests;
    skipped += json.numPendingTests + json.numTodoTests;
    // A file that fails to load (no tests) or whose beforeAll throws (its tests reported as skipped,
    // e.g. no Firefox installed) must still count as a failure.
    counted += json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed')).length;
  } catch {
    counted = Math.max(counted, 1);
  }
  // A process that failed without a failing test in its report (a crash, a config error) fails the run.
  failed += status !== 0 && counted === 0 ? 1 : counted;
}
rmSync(dir, { recursive: true, force: true });
passed += checkPassed;
failed += checkFailed;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
