// `npm start`: the whole product on one command, offline by default.
// Builds the extension when its sources are newer than the build, starts the proxy, and opens a
// Chromium with the extension loaded on the pairing link and the demo page. Without a usable
// browser (or with --no-browser) it prints how to load the extension by hand.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExtension } from './build-extension.ts';
import { loadConfig } from './config.ts';
import { runProxy } from './main.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const extensionDir = join(root, '.output', 'chrome-mv3');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsStale(): boolean {
  const manifest = join(extensionDir, 'manifest.json');
  if (!existsSync(manifest)) return true;
  const built = statSync(manifest).mtimeMs;
  const sources = [join(root, 'extension'), join(root, 'shared')].map(newestMtime);
  return Math.max(statSync(join(root, 'wxt.config.ts')).mtimeMs, ...sources) > built;
}

/** Chromium-family browsers that still honour --load-extension (branded Chrome ≥ 137 does not). */
function findBrowser(): string | undefined {
  const fromEnv = process.env.UNSPUN_BROWSER;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
  return candidates.find((path) => existsSync(path));
}

function hasDisplay(): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function printManualSteps(pairLink: string, reason: string): void {
  console.log(`
${reason}
Load the extension by hand:
  Chrome/Chromium: open chrome://extensions, turn on "Developer mode", "Load unpacked",
                   choose ${extensionDir}
  Firefox:         open about:debugging#/runtime/this-firefox, "Load Temporary Add-on...",
                   choose ${join(root, '.output', 'firefox-mv3', 'manifest.json')}
                   (build it first with: npm run build:firefox)
Then open the pairing link in that browser:
  ${pairLink}`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const noBrowser = argv.includes('--no-browser');
  try {
    loadConfig(process.env, argv); // fail fast on bad settings, before a slow build
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }

  if (buildIsStale()) {
    if (!buildExtension(root, console)) process.exit(1);
  }

  let proxy: Awaited<ReturnType<typeof runProxy>>;
  try {
    proxy = await runProxy({ argv, handleSignals: false, printPairLink: false });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
  const { pairUrl: pairLink, demoUrl } = proxy;

  let browser: ReturnType<typeof spawn> | undefined;
  const browserPath = findBrowser();
  if (noBrowser) {
    printManualSteps(pairLink, 'Started without a browser (--no-browser).');
  } else if (!browserPath) {
    printManualSteps(pairLink, 'No Chromium found (set UNSPUN_BROWSER to its path to have it opened).');
  } else if (!hasDisplay()) {
    printManualSteps(pairLink, `Found ${browserPath}, but there is no display to open it on.`);
  } else {
    // A profile of our own, so the user's everyday profile is untouched.
    const profile = join(proxy.config.configDir, 'browser-profile');
    mkdirSync(profile, { recursive: true, mode: 0o700 }); // cookies and history of the pages opened in it
    browser = spawn(
      browserPath,
      [
        `--user-data-dir=${profile}`,
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        '--no-first-run',
        '--no-default-browser-check',
        pairLink,
        demoUrl,
      ],
      { stdio: 'ignore' },
    );
    // Either event, never both: the pairing link is printed once.
    browser.once('spawn', () => console.log(`Opened ${browserPath} with the extension, the demo page and the pairing link:\n  ${pairLink}`));
    browser.once('error', (error) => printManualSteps(pairLink, `Could not open ${browserPath}: ${error.message}`));
  }
  console.log('Press Ctrl+C to stop.');

  const stop = async () => {
    browser?.kill();
    await proxy.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
