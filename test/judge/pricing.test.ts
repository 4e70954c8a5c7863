// The price table and the one cost function.
import { describe, expect, it } from 'vitest';
import { BATCH_DISCOUNT, costUsd, PRICES, priceFor } from '../../proxy/judges/anthropic/pricing.ts';
import { DEFAULT_MODEL } from '../../proxy/judges/anthropic/judge.ts';

describe('costUsd', () => {
  it.each([
    // [what, tokens, expected USD] for claude-haiku-5-5: $0.10 in, $0.50 out, $0.125 cache write, $0.01 cache read
    ['input only', { inputTokens: 10_000, outputTokens: 0 }, 0.1 / 100],
    ['output only', { inputTokens: 0, outputTokens: 1_000_000 }, 0.5],
    ['cache write', { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 10_000 }, 0.125 / 100],
    ['cache read', { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 10_000 }, 0.01 / 100],
    ['a typical cached judge call', { inputTokens: 600, outputTokens: 250, cacheReadInputTokens: 8_200 }, (600 * 0.1 + 250 * 0.5 + 8_200 * 0.01) / 1e6],
    ['a first (cache-writing) call', { inputTokens: 600, outputTokens: 250, cacheCreationInputTokens: 8_200 }, (600 * 0.1 + 250 * 0.5 + 8_200 * 0.125) / 1e6],
  ])('%s', (_what, tokens, expected) => {
    expect(costUsd('claude-haiku-5-5', tokens)).toBeCloseTo(expected, 9);
  });

  it('bills a whole request at the long-prompt band once its prompt passes 100k tokens', () => {
    const below = costUsd('claude-haiku-5-5', { inputTokens: 100_000, outputTokens: 1_000 })!;
    const above = costUsd('claude-haiku-5-5', { inputTokens: 90_000, outputTokens: 1_000, cacheReadInputTokens: 10_001 })!;
    expect(below).toBeCloseTo((100_000 * 0.1 + 1_000 * 0.5) / 1e6, 9);
    expect(above).toBeCloseTo((90_000 * 0.5 + 1_000 * 2.5 + 10_001 * 0.05) / 1e6, 9);
  });

  it('batches cost half', () => {
    const tokens = { inputTokens: 5_000, outputTokens: 700, cacheReadInputTokens: 8_000 };
    expect(costUsd('claude-haiku-5-5', tokens, { batch: true })).toBeCloseTo(costUsd('claude-haiku-5-5', tokens)! * BATCH_DISCOUNT, 9);
  });

  it('is undefined for a model with no known price (never a guess), including prototype names', () => {
    expect(costUsd('llama3.2:3b', { inputTokens: 10, outputTokens: 10 })).toBeUndefined();
    expect(priceFor('constructor')).toBeUndefined();
    expect(priceFor('__proto__')).toBeUndefined();
  });

  it('prices the default judge model, and every entry is sane', () => {
    expect(priceFor(DEFAULT_MODEL)).toBeDefined();
    for (const [model, p] of Object.entries(PRICES)) {
      expect(p.output, model).toBeGreaterThan(p.input);
      expect(p.cacheRead, model).toBeLessThan(p.input);
      expect(p.cacheWrite, model).toBeGreaterThan(p.input);
    }
  });
});
