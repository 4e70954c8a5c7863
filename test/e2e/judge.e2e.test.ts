// The extension end to end with the Anthropic judge: the real SDK inside the proxy talks to a local
// server that speaks the Messages API; the judge's flags (with their support status) reach the page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../proxy/app.ts';
import { loadConfig } from '../../proxy/config.ts';
import { startServer, type RunningServer } from '../../proxy/server.ts';
import { replyFromRequest, startFakeAnthropic, textResponse, toolUseResponse, type FakeAnthropic } from '../fake-anthropic/server.ts';
import { closedRoot, highlightCount, launchExtension, pair, readArchive, RESULTS, until, type LaunchedExtension } from './harness.ts';

// What the fake judge says about the demo's persuasive reply. One quote is not in the reply at
// all: the proxy must drop it rather than draw it somewhere.
const VERDICT_FOR_PUSHY_REPLY = {
  flags: [
    {
      quote: 'Experts agree that AI funds are the future of investing',
      move: 'unsourced-authority',
      reason: 'Leans on unnamed experts instead of evidence.',
      support: 'unsupported',
      wouldSupport: 'Name the experts or cite a study with its numbers.',
      severity: 2,
    },
    {
      quote: 'everyone is switching',
      move: 'bandwagon',
      reason: 'Popularity offered as a reason to follow.',
      support: 'unsupported',
      wouldSupport: 'Actual flows into these funds, with a source.',
      severity: 2,
    },
    {
      quote: 'This sentence is nowhere in the reply.',
      move: 'unsupported-claim',
      reason: 'Invented quote; must be dropped.',
      support: 'unsupported',
      wouldSupport: 'n/a',
      severity: 1,
    },
  ],
};

let fake: FakeAnthropic;
let server: RunningServer;
let browser: LaunchedExtension;
let configDir: string;

beforeAll(async () => {
  fake = await startFakeAnthropic({
    respond(body) {
      const reply = replyFromRequest(body) ?? '';
      const verdict = reply.includes('Experts agree') ? VERDICT_FOR_PUSHY_REPLY : { flags: [] };
      const forced = body?.tool_choice?.type === 'tool' ? (body.tool_choice.name as string) : undefined;
      return forced ? toolUseResponse(forced, verdict) : textResponse(JSON.stringify(verdict));
    },
  });
  configDir = mkdtempSync(join(tmpdir(), 'unspun-e2e-judge-'));
  const config = loadConfig(
    {
      UNSPUN_PORT: '0',
      UNSPUN_CONFIG_DIR: configDir,
      UNSPUN_JUDGE: 'auto',
      ANTHROPIC_API_KEY: `${'sk-ant'}-e2e-test-key-not-real`,
      ANTHROPIC_BASE_URL: fake.url,
    },
    [],
  );
  server = await startServer({ config, logger: silentLogger });
  browser = await launchExtension();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

describe('Unspun with the Anthropic judge behind the proxy', () => {
  it('shows the judge flags, with their support status, on the demo page', async () => {
    expect(await pair(browser.context, server.url, server.token)).toBe(true);
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/demo?c=judge-1&ms=10`);

    const badge = page.locator('unspun-badge[data-message-id="judge-1-a1"][data-state="scored"]');
    await badge.waitFor({ timeout: 30_000 });
    await expect.poll(() => highlightCount(page)).toBe(2);

    const stored = await until('the judge score in the archive', async () => {
      const archive = await readArchive(browser.sw);
      const message = archive.messages.find((m) => m.messageId === 'judge-1-a1');
      const score = message && archive.scores.find((s) => s.messageKey === message.key);
      return message && score ? { message, score } : undefined;
    });
    expect(stored.score.judge).toMatchObject({ kind: 'anthropic', model: expect.any(String), promptVersion: expect.any(String) });
    expect(stored.score.flags.map((f) => [f.move, f.support, f.source])).toEqual([
      ['unsourced-authority', 'unsupported', 'judge'],
      ['bandwagon', 'unsupported', 'judge'],
    ]);
    for (const f of stored.score.flags) expect(stored.message.text.slice(f.start, f.end)).toBe(f.quote);

    // The upstream saw the reply as delimited data and the key only in its auth header.
    const judged = fake.messageRequests();
    expect(judged.length).toBeGreaterThanOrEqual(1);
    expect(replyFromRequest(judged[0]!.body)).toBe(stored.message.text);
    expect(JSON.stringify(judged.map((r) => r.body))).not.toContain(`${'sk-ant'}-e2e-test-key-not-real`);

    // The card says which judge made the flag and what would support it.
    await badge.locator('button').click();
    await closedRoot(page, 'unspun-card').locator('.card').waitFor({ state: 'visible', timeout: 5_000 });
    await page.screenshot({ path: join(RESULTS, 'judge-flagged-reply.png') });
    await page.close();
  });
});
