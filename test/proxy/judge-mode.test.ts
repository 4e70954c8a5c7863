// UNSPUN_JUDGE_MODE: how the Anthropic judge asks for its verdict (structured output, forced tool
// use, or JSON text). The text mode is what a local Anthropic-compatible model with neither
// structured output nor tool use needs, as the README and the judge's 400 hint promise. Proved with
// the real SDK against the local fake Messages API, through the running proxy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScoreResult } from '#shared/schemas';
import { ConfigError, loadConfig } from '../../proxy/config.ts';
import { errorResponse, type FakeAnthropic, startFakeAnthropic } from '../fake-anthropic/server.ts';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';

const REPLY = 'Experts agree this diet works for everyone. You must start today.';
const running: TestProxy[] = [];
const fakes: FakeAnthropic[] = [];
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'unspun-judge-mode-'));
});
afterEach(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(running.splice(0).map((p) => p.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A local endpoint like an older Ollama: plain messages only, no output_config and no tools. */
const plainMessagesOnly = (body: any) =>
  body?.output_config !== undefined || body?.tools !== undefined ? errorResponse(400, 'output_config and tools are not supported by this server') : undefined;

async function proxyWith(env: Record<string, string>, fakeOptions: Parameters<typeof startFakeAnthropic>[0] = {}) {
  const fake = await startFakeAnthropic(fakeOptions);
  fakes.push(fake);
  const proxy = await startTestProxy({ env: { ANTHROPIC_API_KEY: 'local', ANTHROPIC_BASE_URL: fake.url, UNSPUN_JUDGE: 'anthropic', ...env } });
  running.push(proxy);
  const score = () => proxy.request('/v1/score', { method: 'POST', body: JSON.stringify({ reply: { text: REPLY } }) });
  return { fake, proxy, score };
}

const systemText = (body: any): string => (body.system as { text: string }[]).map((b) => b.text).join('\n');

describe('UNSPUN_JUDGE_MODE picks how the judge asks for its verdict', () => {
  it('text: no output_config, no tools, the JSON-text instructions in the system prompt, and a verdict from the plain answer', async () => {
    const { fake, score } = await proxyWith({ UNSPUN_JUDGE_MODE: 'text' }, { respond: plainMessagesOnly });
    const res = await score();
    expect(res.status).toBe(200);
    const result = ScoreResult.parse(await res.json());
    expect(result.judge.kind).toBe('anthropic');
    expect(result.flags.length).toBeGreaterThan(0);
    const body = fake.messageRequests()[0]!.body as any;
    expect(body.output_config).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.tool_choice).toBeUndefined();
    expect(systemText(body)).toContain('Answer with ONLY the JSON verdict object');
  });

  it('unset: structured output, which that same local endpoint refuses, with the hint to use text mode', async () => {
    const { fake, score } = await proxyWith({}, { respond: plainMessagesOnly });
    const res = await score();
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/text mode/);
    expect((fake.messageRequests()[0]!.body as any).output_config).toBeDefined();
  });

  it('tool: forced tool use', async () => {
    const { fake, score } = await proxyWith({ UNSPUN_JUDGE_MODE: 'tool' });
    expect((await score()).status).toBe(200);
    const body = fake.messageRequests()[0]!.body as any;
    expect(body.tool_choice?.type).toBe('tool');
    expect(body.output_config?.format).toBeUndefined();
  });

  it('is kept in the anthropic settings, and a wrong value fails at start with one line naming the allowed values', () => {
    expect(loadConfig({ UNSPUN_CONFIG_DIR: dir, ANTHROPIC_API_KEY: 'k', UNSPUN_JUDGE_MODE: 'text' }, []).anthropic?.mode).toBe('text');
    expect(loadConfig({ UNSPUN_CONFIG_DIR: dir, ANTHROPIC_API_KEY: 'k', UNSPUN_JUDGE_MODE: ' ' }, []).anthropic?.mode).toBeUndefined();
    // Without a key too: a typo must not wait until a key is added.
    for (const env of [{ UNSPUN_JUDGE_MODE: 'json' }, { UNSPUN_JUDGE_MODE: 'json', ANTHROPIC_API_KEY: 'k' }]) {
      let error: unknown;
      try {
        loadConfig({ UNSPUN_CONFIG_DIR: dir, ...env }, []);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        'UNSPUN_JUDGE_MODE="json" is not a judge mode: use structured, tool, text (text for a local model with neither structured output nor tool use)',
      );
    }
  });
});
