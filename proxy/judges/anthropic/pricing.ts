// Anthropic list prices in one place, and the one function that turns a response's token counts
// into US dollars. Update this file, and only this file, when prices change.
// Source: platform.claude.com model overview and pricing pages, checked 2026-11-23. USD per million
// tokens (MTok). Cache writes are the 5-minute TTL rate (`cache_control: {type: 'ephemeral'}`),
// the only TTL the judge uses. The Message Batches API bills every category at half price.

export interface Rates {
  input: number;
  output: number;
  /** 5-minute cache write. */
  cacheWrite: number;
  cacheRead: number;
}

export interface ModelPrice extends Rates {
  /** Some models price a whole request higher once its prompt passes a length. */
  longPrompt?: { aboveTokens: number; rates: Rates };
}

export const PRICES_CHECKED = '2026-11-23';

/** Batch jobs cost this share of the list price. */
export const BATCH_DISCOUNT = 0.5;

export const PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  // The default judge. Prompts over 100k tokens (input + cache reads + cache writes) are billed at
  // the higher band on every token of that request, output included.
  'claude-haiku-5-5': {
    input: 0.1,
    output: 0.5,
    cacheWrite: 0.125,
    cacheRead: 0.01,
    longPrompt: { aboveTokens: 100_000, rates: { input: 0.5, output: 2.5, cacheWrite: 0.625, cacheRead: 0.05 } },
  },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-haiku-4-5-20251001': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  // Sonnet 5.5 cache reads were cut from $0.20 to $0.10 on 2026-10-07.
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  'claude-sonnet-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
});

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number | undefined;
  cacheCreationInputTokens?: number | undefined;
}

export interface CostOptions {
  /** Priced through the Message Batches API (half price). */
  batch?: boolean;
}

/** The price entry for a model id; undefined when we do not know it (a local model, a new id). */
export function priceFor(model: string): ModelPrice | undefined {
  return Object.hasOwn(PRICES, model) ? PRICES[model] : undefined;
}

/**
 * Cost of one response in USD, or undefined for a model with no known price: a local model behind
 * ANTHROPIC_BASE_URL costs nothing we can know, and a guessed figure would be worse than none.
 * `inputTokens` is the uncached part only, as the Messages API reports it.
 */
export function costUsd(model: string, tokens: TokenCounts, options: CostOptions = {}): number | undefined {
  const price = priceFor(model);
  if (!price) return undefined;
  const cacheRead = tokens.cacheReadInputTokens ?? 0;
  const cacheWrite = tokens.cacheCreationInputTokens ?? 0;
  const promptTokens = tokens.inputTokens + cacheRead + cacheWrite;
  const rates = price.longPrompt && promptTokens > price.longPrompt.aboveTokens ? price.longPrompt.rates : price;
  const perMillion = tokens.inputTokens * rates.input + tokens.outputTokens * rates.output + cacheWrite * rates.cacheWrite + cacheRead * rates.cacheRead;
  const usd = (perMillion / 1_000_000) * (options.batch ? BATCH_DISCOUNT : 1);
  // Round to a millionth of a cent: sums of many tiny costs stay exact enough, JSON stays short.
  return Math.round(usd * 1e8) / 1e8;
}
