// Study mode end to end: the real extension in real Chromium, the real proxy (offline judge) and
// its demo page, and the real study server (`proxy/study/main.ts`, embedded PGlite) in its own
// process. A researcher creates a study with its CLI; the participant opens the join link →
// consent screen → joins → a conversation is captured on the demo page → review → sent → the
// researcher's export holds it, redacted. Then the server is killed (-9): a new conversation stays
// queued, the server comes back and it is sent once. Then "delete everything I gave" → gone.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { launchExtension, pair, readArchive, RESULTS, storageGet, until, type LaunchedExtension } from './harness.ts';

const EMAIL = 'advisor.kim@example.com';
/** The study server's entry (`npm run study`); UNSPUN_STUDY_MAIN runs another checkout's. */
const STUDY_MAIN = process.env.UNSPUN_STUDY_MAIN ?? 'proxy/study/main.ts';
const STUDY = {
  title: 'Persuasion in everyday chat assistants',
  researcher: 'Dr. A. Researcher, Example University <a.researcher@example.edu>',
  consent:
    'We study how chat assistants persuade. If you join, Unspun sends us the assistant replies in which it flagged a persuasive move, with your question before each, after removing emails, phone numbers and other personal details on your computer.\n\nYou can leave at any time and ask us to delete everything you gave.',
  collect: 'flagged',
  includeUserTurns: true,
  sites: ['demo'],
  reviewHours: 1,
};

let proxy: TestProxy;
let browser: LaunchedExtension;
let context: BrowserContext;
let sw: Worker;
let studyDir: string;
let studyPort: number;
let studyServer: ChildProcess | null = null;
let studyUrl: string;
let created: { studyId: string; joinUrl: string; researcherToken: string };
let studies: Page;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

const studyEnv = () => ({
  ...process.env,
  UNSPUN_CONFIG_DIR: studyDir,
  UNSPUN_STUDY_PORT: String(studyPort),
  UNSPUN_STUDY_HOST: '127.0.0.1',
  DATABASE_URL: '',
});

async function startStudyServer(): Promise<void> {
  // One process (node --import tsx), so kill -9 stops the server itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', STUDY_MAIN], { env: studyEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  studyServer = child;
  // Start-up is slow on a loaded 2-core machine (tsx compiles, PGlite starts and migrates).
  await until(
    `the study server on ${studyUrl}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`the study server exited (${child.exitCode}): ${output}`);
      return fetch(`${studyUrl}/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    300_000,
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its output: ${output}`);
  });
}

function killStudyServer(): Promise<void> {
  const child = studyServer;
  studyServer = null;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

/** The researcher's export: consent and conversation lines (the manifest line left out). */
async function researcherExport(): Promise<Record<string, any>[]> {
  const response = await fetch(`${studyUrl}/v1/studies/${created.studyId}/export`, { headers: { authorization: `Bearer ${created.researcherToken}` } });
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((r) => r.record_type !== 'manifest');
}
const conversationsExported = async () => (await researcherExport()).filter((r) => r.record_type === 'conversation');

/** The demo page with an email address in its first reply (route: the proxy's page, one line changed). */
async function openDemo(conversationId: string): Promise<Page> {
  const page = await context.newPage();
  const html = readFileSync(resolve('proxy/pages/demo.html'), 'utf8').replace("'Whatever you decide, I", `'Whatever you decide, write to ${EMAIL}. I`);
  expect(html).toContain(EMAIL);
  await page.route(`${proxy.url}/demo*`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(`${proxy.url}/demo?c=${conversationId}&ms=5`);
  await page.waitForFunction(() => document.documentElement.dataset.demoDone === 'true', null, { timeout: 30_000 });
  await until(
    `both replies of ${conversationId} scored`,
    async () => (await readArchive(sw)).scores.filter((s) => s.messageKey.startsWith(`demo:${conversationId}:`)).length === 2,
    30_000,
  );
  await page.close();
  return page;
}

const card = () => studies.locator(`[data-study="${created.studyId}"]`);
const item = (state: string) => card().locator(`li.item[data-state="${state}"]`);

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  studyDir = mkdtempSync(join(tmpdir(), 'unspun-e2e-study-'));
  studyPort = await freePort();
  studyUrl = `http://127.0.0.1:${studyPort}`;
  await startStudyServer();
  const file = join(studyDir, 'study.json');
  writeFileSync(file, JSON.stringify(STUDY));
  const cli = spawnSync(process.execPath, ['--import', 'tsx', STUDY_MAIN, 'create', file], { env: studyEnv(), encoding: 'utf8' });
  if (cli.status !== 0) throw new Error(`study create failed: ${cli.stderr}${cli.stdout}`);
  created = JSON.parse(cli.stdout);
  browser = await launchExtension();
  ({ context, sw } = browser);
  expect(await pair(context, proxy.url, proxy.token)).toBe(true);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await killStudyServer();
  await proxy?.close();
  if (studyDir) rmSync(studyDir, { recursive: true, force: true });
});

describe('study mode in Chromium against the real study server', () => {
  it('the join link opens the consent screen: title, researcher, origin, consent, what leaves, an example', async () => {
    expect(created.joinUrl).toBe(`${studyUrl}/join/${created.studyId}`);
    studies = await context.newPage();
    await studies.goto(created.joinUrl);
    await studies.waitForURL(/^chrome-extension:\/\/.*\/studies\.html#join=/, { timeout: 15_000 });
    const consent = studies.locator('#consent');
    await consent.locator('h2').waitFor({ timeout: 15_000 });
    expect(await consent.locator('h2').textContent()).toBe(STUDY.title);
    const text = (await consent.textContent())!;
    expect(text).toContain(STUDY.researcher);
    expect(text).toContain(studyUrl);
    expect(text).toContain('We study how chat assistants persuade.');
    expect(text).toMatch(/Unspun demo chat/);
    expect(text).toMatch(/Only the assistant replies in which Unspun flagged/);
    expect(text).toMatch(/Your own messages to the assistant/);
    expect(text).toMatch(/waits 1 hour in your review list/);
    // The archive is empty: the example is the demo's conversation, prepared like a donation.
    expect(text).toMatch(/demo chat’s conversation/);
    expect(await consent.locator('.example .msg').count()).toBeGreaterThanOrEqual(2);
    expect(await consent.locator('#join-study').isDisabled()).toBe(true);
    await studies.screenshot({ path: join(RESULTS, 'study-consent.png'), fullPage: true });
  });

  it('a wrong join link says so and stores nothing; a local page that is not a join page is left alone', async () => {
    const wrong = `${studyUrl}/join/s_thisstudydoesnotexist`;
    // The server's "no such study" page names no study: the extension leaves it to say so.
    const page = await context.newPage();
    await page.goto(wrong);
    await page.waitForLoadState('load');
    expect(page.url()).toBe(wrong);
    expect(await page.locator('h1').textContent()).toMatch(/No such study/);
    // Pasted on the studies page: the background asks the server and says what is wrong.
    await page.goto(`chrome-extension://${browser.extensionId}/studies.html`);
    await page.locator('#join-url').fill(wrong);
    await page.locator('#join-form button[type="submit"]').click();
    await until('the error', async () => /No open study at this link/.test((await page.locator('#join-status').textContent()) ?? ''));
    expect(await page.locator('#consent').isVisible()).toBe(false);
    await page.close();
    const other = await context.newPage();
    await other.goto(`${proxy.url}/join/s_thisstudydoesnotexist`);
    await other.waitForLoadState('load');
    expect(other.url()).toMatch(/^http:/);
    await other.close();
    expect((await storageGet(sw, ['studyParticipations'])).studyParticipations ?? {}).toEqual({});
  });

  it('joining stores the participant id and secret in the extension only', async () => {
    await studies.locator('#agree').check();
    await studies.locator('#join-study').click();
    await card().waitFor({ timeout: 15_000 });
    const stored = (await storageGet(sw, ['studyParticipations'])).studyParticipations[created.studyId];
    expect(stored).toMatchObject({ state: 'active', participantId: expect.stringMatching(/^p_/), secret: expect.any(String) });
    expect(await studies.evaluate(() => document.body.innerText)).not.toContain(stored.secret);
  });

  it('a conversation on the demo page → review list → send now → sent → in the researcher’s export, redacted', async () => {
    await openDemo('study-e2e-1');
    await studies.bringToFront();
    await item('review').waitFor({ timeout: 30_000 });
    const row = item('review');
    expect(await row.textContent()).toMatch(/Sent in (1 h|\d+ min) unless you hold or exclude it/);
    await row.locator('summary').first().click();
    expect(await row.locator('.example').textContent()).toContain('[EMAIL]');
    await studies.screenshot({ path: join(RESULTS, 'study-review.png'), fullPage: true });
    expect(await conversationsExported()).toHaveLength(0);

    await row.locator('[data-action="send-now"]').click();
    await item('sent').first().waitFor({ state: 'attached', timeout: 30_000 });
    await until('the progress line', async () => /1 conversation sent/.test((await card().locator('[data-progress]').textContent()) ?? ''));
    await studies.screenshot({ path: join(RESULTS, 'study-progress.png'), fullPage: true });

    const exported = await conversationsExported();
    expect(exported).toHaveLength(1);
    const record = exported[0]!;
    const texts = record.messages.map((m: { text: string }) => m.text).join('\n');
    expect(texts).toContain('[EMAIL]');
    expect(JSON.stringify(exported)).not.toContain(EMAIL);
    expect(record.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(record.conversation.id).toMatch(/^c_/);
    expect(JSON.stringify(record)).not.toContain('study-e2e-1');
    expect(record.messages[1].scores[0].flags.length).toBeGreaterThan(0);
    const consents = (await researcherExport()).filter((r) => r.record_type === 'consent');
    expect(consents).toHaveLength(1);
  });

  it('server killed (-9): the next conversation stays queued; server back: sent once', async () => {
    await killStudyServer();
    await openDemo('study-e2e-2');
    await studies.bringToFront();
    await item('review').waitFor({ timeout: 30_000 });
    await card().locator('[data-control="send-now"]').click();
    await until('a failed try recorded', async () => /did not answer/.test((await card().textContent()) ?? ''), 30_000);
    await item('queued').waitFor({ timeout: 10_000 });
    await studies.screenshot({ path: join(RESULTS, 'study-server-away.png'), fullPage: true });

    await startStudyServer();
    // The backoff timer (5 s, 10 s, ...) tries again by itself.
    await until(
      'sent after the server came back',
      async () =>
        (await card().locator('li.item[data-state="queued"]').count()) === 0 &&
        (await card().locator('[data-progress]').textContent())?.includes('2 conversations sent'),
      90_000,
    );
    const exported = await conversationsExported();
    expect(exported).toHaveLength(2);
    expect(new Set(exported.map((r) => r.conversation.id)).size).toBe(2);
  }, 600_000);

  it('"delete everything I gave": the server deletes it all and the receipt is shown', async () => {
    // The final "yes" shows only after the first click.
    expect(await card().locator('[data-control="delete-yes"]').isVisible()).toBe(false);
    await card().locator('[data-control="delete"]').click();
    await card().locator('[data-control="delete-yes"]').click();
    const receipt = card().locator('[data-receipt]');
    await receipt.waitFor({ timeout: 20_000 });
    const text = (await receipt.textContent())!;
    expect(text).toMatch(/deleted what you gave/);
    expect(text).toMatch(/Conversations deleted\s*2/);
    await studies.screenshot({ path: join(RESULTS, 'study-withdrawn.png'), fullPage: true });
    expect(await conversationsExported()).toHaveLength(0);
    expect((await researcherExport()).filter((r) => r.record_type === 'consent')).toHaveLength(0);
    const stored = (await storageGet(sw, ['studyParticipations'])).studyParticipations[created.studyId];
    expect(stored.state).toBe('withdrawn');
    expect(stored.secret).toBeUndefined();
  });
});
