// The Anthropic judge's public surface, for the app, the CLI and the batch runner.
export {
  createAnthropicJudge,
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
export { buildSystemPrompt, buildUserMessage, estimateTokens, neutralizeDelimiters, promptVersion } from './prompt.ts';
export { Verdict, VerdictFlag, VERDICT_TOOL_NAME, verdictJsonSchema } from './verdict.ts';
