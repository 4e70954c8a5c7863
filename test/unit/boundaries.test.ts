// The architecture as a test: shared/ is the pure core (no proxy/, no extension/, no Node
// built-ins, no browser APIs); proxy/ and extension/ meet only through shared/.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(?:ts|mts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every module specifier a file imports or re-exports, static or dynamic. */
function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const re = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of code.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Which top-level part a specifier imported from `file` lands in (or the package name). */
function target(file: string, spec: string): string {
  if (spec.startsWith('#shared/')) return 'shared';
  if (spec.startsWith('@/') || spec.startsWith('~/')) return 'extension';
  if (spec.startsWith('.')) return relative(ROOT, resolve(ROOT, dirname(file), spec)).split('/')[0]!;
  return spec;
}

function violations(part: string, allowed: (t: string, spec: string) => boolean): string[] {
  return sourceFiles(part).flatMap((file) =>
    importsOf(readFileSync(join(ROOT, file), 'utf8'))
      .filter((spec) => !allowed(target(file, spec), spec))
      .map((spec) => `${file} imports ${spec}`),
  );
}

// Browser globals shared/ must not touch (web standards both sides have are fine: see shared/platform.d.ts).
const BROWSER_API = /\b(?:window|document|navigator|localStorage|sessionStorage|indexedDB|chrome|browser|fetch|XMLHttpRequest)\s*[.(]/;

describe('module boundaries', () => {
  it('reads import specifiers of every shape', () => {
    const src = `import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nimport './side.ts';\nconst d = await import('node:fs');\n// import x from 'commented';`;
    expect(importsOf(src)).toEqual(['./a.ts', '../b.ts', './c.ts', './side.ts', 'node:fs']);
  });

  it('shared/ imports only shared/ and pure packages', () => {
    const bad = violations('shared', (t, spec) => t === 'shared' || (!NODE_BUILTINS.has(spec) && t !== 'proxy' && t !== 'extension' && t !== 'test'));
    expect(bad).toEqual([]);
  });

  it('shared/ uses no browser API', () => {
    const bad = sourceFiles('shared').filter((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .some((line) => !/^\s*(?:\/\/|\*)/.test(line) && BROWSER_API.test(line.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, ''))),
    );
    expect(bad).toEqual([]);
  });

  it('proxy/ and extension/ do not import each other', () => {
    expect(violations('proxy', (t) => t !== 'extension' && t !== 'test')).toEqual([]);
    expect(violations('extension', (t) => t !== 'proxy' && t !== 'test')).toEqual([]);
  });

  // A page or content script that parks its internals on globalThis ships that door to every user:
  // the dashboard once set globalThis.unspunDashboard = {db, measureExport} for the bench, which now
  // bundles its own page (test/bench/export-page.ts). Only the service worker keeps hooks (the e2e
  // harness drives it through sw.evaluate).
  const GLOBAL_HOOK = /Object\.assign\(\s*globalThis\b|\bglobalThis\.\w+\s*=(?!=)/;
  const isBackground = (file: string) => file.startsWith('extension/background/') || file === 'extension/entrypoints/background.ts';

  it('reads a globalThis hook of either shape, not a read or a comparison', () => {
    expect(GLOBAL_HOOK.test(`Object.assign(globalThis, { unspunDashboard: { db } });`)).toBe(true);
    expect(GLOBAL_HOOK.test('globalThis.unspunDashboard = { db };')).toBe(true);
    expect(GLOBAL_HOOK.test('const f = globalThis.fetch.bind(globalThis);')).toBe(false);
    expect(GLOBAL_HOOK.test('if (globalThis.x === undefined) return;')).toBe(false);
  });

  it('extension pages and content scripts put nothing on globalThis (only the background does)', () => {
    const hooks = sourceFiles('extension')
      .filter((file) => !isBackground(file))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(?:\/\/|\*)/.test(line) && GLOBAL_HOOK.test(line))
          .map((line) => `${file}: ${line.trim()}`),
      );
    expect(hooks).toEqual([]);
  });

  it('extension/ imports no Node built-in', () => {
    expect(violations('extension', (_t, spec) => !NODE_BUILTINS.has(spec))).toEqual([]);
  });

  it('shared/ type-checks without Node or DOM types (shared/tsconfig.json)', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'shared', 'tsconfig.json')], { encoding: 'utf8', cwd: ROOT });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out).toBe('');
  }, 120_000);

  // The proxy core asks the judge registry about capabilities; it never names one judge's files or SDK.
  const PROXY_CORE = (file: string) =>
    file === 'proxy/scoring.ts' || file === 'proxy/app.ts' || file.startsWith('proxy/batch/') || file.startsWith('proxy/routes/');
  const resolved = (file: string, spec: string) => (spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec);

  function proxyImports(keep: (file: string) => boolean): Array<[string, string]> {
    return sourceFiles('proxy')
      .filter(keep)
      .flatMap((file) => importsOf(readFileSync(join(ROOT, file), 'utf8')).map((spec): [string, string] => [file, resolved(file, spec)]));
  }

  it('the proxy core (scoring, app, batch/, routes/) reaches judges only through judges/judge-interface.ts, registry.ts and upstream-error.ts', () => {
    const core = proxyImports(PROXY_CORE);
    expect(core.length).toBeGreaterThan(20);
    const bad = core.filter(
      ([, to]) =>
        (to.startsWith('proxy/judges/') && !['proxy/judges/judge-interface.ts', 'proxy/judges/registry.ts', 'proxy/judges/upstream-error.ts'].includes(to)) ||
        to.startsWith('@anthropic-ai/'),
    );
    expect(bad.map(([from, to]) => `${from} imports ${to}`)).toEqual([]);
  });

  it('outside its folder, the anthropic judge is reached only through its public surface (index.ts) or the registry', () => {
    const outside = proxyImports((file) => !file.startsWith('proxy/judges/anthropic/'));
    const bad = outside.filter(([, to]) => to.startsWith('proxy/judges/anthropic/') && to !== 'proxy/judges/anthropic/index.ts');
    expect(bad.map(([from, to]) => `${from} imports ${to}`)).toEqual([]);
  });

  it('in proxy/, only judges/registry.ts imports the anthropic judge: the server, the CLIs and the core build judges and batch clients through the registry', () => {
    const importers = proxyImports((file) => !file.startsWith('proxy/judges/anthropic/'))
      .filter(([, to]) => to.startsWith('proxy/judges/anthropic/'))
      .map(([from]) => from);
    expect(importers).toEqual(['proxy/judges/registry.ts']);
  });

  it('nothing in the proxy core imports app.ts (shared types live in proxy/types.ts: no app ↔ scoring ↔ runner cycle)', () => {
    const bad = proxyImports((file) => PROXY_CORE(file) && file !== 'proxy/app.ts').filter(([, to]) => to === 'proxy/app.ts');
    expect(bad).toEqual([]);
  });
});
