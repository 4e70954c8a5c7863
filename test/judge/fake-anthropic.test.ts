// The fake Messages API behaves like the real one where our tests rely on it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic, { AuthenticationError, BadRequestError } from '@anthropic-ai/sdk';
import { firstSentence, replyFromRequest, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/server.ts';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const client = () => new Anthropic({ apiKey: 'sk-ant-fake-0123456789', baseURL: fake.url, maxRetries: 0, logLevel: 'off' });

describe('fake Anthropic server', () => {
  it('listens on 127.0.0.1 and answers a real-shaped Message', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const message = await client().messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hello' }],
    });
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-haiku-5-5', stop_reason: 'end_turn' });
    expect(message.content[0]?.type).toBe('text');
    expect(message.usage).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('refuses requests without credentials (401) and assistant prefill (400), like the real API', async () => {
    const res = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    await expect(
      client().messages.create({
        model: 'm',
        max_tokens: 10,
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: '{' },
        ],
      }),
    ).rejects.toBeInstanceOf(BadRequestError);
    fake.enqueue({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
    await expect(client().messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('simulates prompt caching for the block marked with cache_control', async () => {
    const params = {
      model: 'claude-haiku-5-5',
      max_tokens: 10,
      system: [{ type: 'text' as const, text: 'x'.repeat(40_000), cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'hi' }],
    };
    const first = await client().messages.create(params);
    const second = await client().messages.create(params);
    expect(first.usage.cache_creation_input_tokens).toBe(10_000);
    expect(second.usage.cache_read_input_tokens).toBe(10_000);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('reads the reply out of the judge delimiters and quotes its first sentence', () => {
    const body = { messages: [{ role: 'user', content: 'ctx\n<reply_to_judge>\nFirst one! Second.\n</reply_to_judge>\nend' }] };
    expect(replyFromRequest(body)).toBe('First one! Second.');
    expect(firstSentence('First one! Second.')).toBe('First one!');
    expect(firstSentence('no punctuation at all')).toBe('no punctuation at all');
    expect(replyFromRequest({ messages: [] })).toBeNull();
  });

  it('ends a batch after the configured number of polls and serves results as JSONL', async () => {
    const slow = await startFakeAnthropic({ batchPollsUntilEnded: 2 });
    try {
      const c = new Anthropic({ apiKey: 'k-123456', baseURL: slow.url, maxRetries: 0, logLevel: 'off' });
      const batch = await c.messages.batches.create({
        requests: [{ custom_id: 'a', params: { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] } }],
      });
      expect((await c.messages.batches.retrieve(batch.id)).processing_status).toBe('in_progress');
      const ended = await c.messages.batches.retrieve(batch.id);
      expect(ended.processing_status).toBe('ended');
      expect(ended.results_url).toContain(batch.id);
      const lines = [];
      for await (const line of await c.messages.batches.results(batch.id)) lines.push(line);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ custom_id: 'a', result: { type: 'succeeded' } });
    } finally {
      await slow.close();
    }
  });
});
