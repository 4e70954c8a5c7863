// The Anthropic judge's public surface: its registry definition (judges/registry.ts), and what the
// server, the CLI, tests and benches use. The proxy core never imports this folder's other files.
import type { JudgeDefinition } from '../judge-interface.ts';
import { createAnthropicJudge } from './judge.ts';
import { createMessageBatchClient } from './message-batches.ts';
import { promptVersion } from './prompt.ts';

export const anthropicJudge: JudgeDefinition = {
  kind: 'anthropic',
  // Every call is paid for and goes over the network: cache it, count it against the budget, queue
  // it for an upstream slot; batch jobs go through the Message Batches API at half price.
  capabilities: { cache: true, budget: true, upstream: true, batches: true },
  promptVersion,
  upstreamName: 'Anthropic API',
  setup: 'set ANTHROPIC_API_KEY (or the key file; UNSPUN_JUDGE=anthropic or auto makes it the default) and restart',
  notConfigured: 'The proxy has no Anthropic API key: set ANTHROPIC_API_KEY and restart the proxy to use the judge model.',
  create(settings) {
    if (!settings.anthropic) return undefined;
    const { apiKey, baseURL, model, mode } = settings.anthropic;
    return createAnthropicJudge({
      apiKey,
      ...(baseURL ? { baseURL } : {}),
      ...(model ? { model } : {}),
      ...(mode ? { mode } : {}),
      ...(settings.deadlineMs !== undefined ? { deadlineMs: settings.deadlineMs } : {}),
    });
  },
  createBatchClient(settings) {
    if (!settings.anthropic) return undefined;
    const { apiKey, baseURL, model } = settings.anthropic;
    return createMessageBatchClient({ apiKey, baseURL, model, ...(settings.batchTimeoutMs !== undefined ? { timeoutMs: settings.batchTimeoutMs } : {}) });
  },
};

export {
  createAnthropicJudge,
  anchorClaims,
  anchorFlags,
  DEFAULT_MODEL,
  JUDGE_MODES,
  MAX_FLAGS,
  type AnthropicJudge,
  type AnthropicJudgeOptions,
  type AnthropicVerdict,
  type Effort,
  type JudgeCallStats,
  type JudgeMode,
} from './judge.ts';
export { JudgeOutputError, UpstreamError, redactSecrets, type JudgeOutputCode, type UpstreamCode, type UpstreamStatus } from './errors.ts';
export { createMessageBatchClient, type MessageBatchClient, type MessageBatchClientOptions } from './message-batches.ts';
export { BATCH_DISCOUNT, costUsd, PRICES, priceFor } from './pricing.ts';
export { buildSystemPrompt, buildUserMessage, estimateTokens, hasLedger, neutralizeDelimiters, PROMPT_VERSIONS, promptVersion } from './prompt.ts';
export { Verdict, VerdictClaim, VerdictFlag, VerdictFlagV4, VerdictV4, VERDICT_TOOL_NAME, verdictJsonSchema, verdictSchema } from './verdict.ts';
