// The Anthropic judge: one SDK client, one request per reply (plus at most one repair request),
// three ways to get a structured verdict, every quote anchored to the reply, score computed here.
//
//   structured  messages.parse + output_config.format = zodOutputFormat(Verdict)  (default)
//   tool        forced tool use, input_schema = JSON Schema of Verdict, thinking disabled
//               (forced tool use and thinking do not mix)
//   text        "answer only with JSON" for Anthropic-compatible local servers (Ollama, vLLM,
//               llama.cpp) that support neither; extract the first JSON object, validate
//
// The reply score is not asked of the model: it is computed from the anchored flags with the same
// deterministic function as the offline detector (shared/detect/score.ts: unsupported moves weigh
// most, supported and requested ones little, saturating), so scores from both judges compare.
// All three validate with the same zod schema. An invalid answer gets ONE repair request (the
// validation problem sent back), then a JudgeOutputError. Retries on 408/409/429/5xx are the SDK's
// (maxRetries, honouring retry-after); on top there is one overall deadline per request and no
// second retry layer.
import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlock,
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { zodOutputFormat } from '@anthropic-ai/sdk/helpers/zod';
import { anchorQuote } from '#shared/anchor';
import { detect } from '#shared/detect/index';
import { scoreFlags } from '#shared/detect/score';
import { needsAskBack } from '#shared/ask-back';
import type { Claim, Flag, ScoreRequest, Usage } from '#shared/schemas';
import { taxonomyVersion } from '#shared/taxonomy';
import { costUsd } from './pricing.ts';
import { type Judge, JUDGE_MODES, type JudgeMode, type JudgeVerdict } from '../judge-interface.ts';
import { JudgeOutputError, toUpstreamError, UpstreamError } from './errors.ts';
import { type AnyVerdict, parseVerdictText, validateVerdict, type VerdictOutcome } from './parse.ts';
import { buildSystemPrompt, buildUserMessage, DEFAULT_PROMPT_VARIANT, hasLedger, PROMPT_VERSIONS, textModeInstructions, type PromptVariant } from './prompt.ts';
import { type VerdictClaim, VERDICT_TOOL_NAME, verdictJsonSchema, verdictSchema } from './verdict.ts';

export const DEFAULT_MODEL = 'claude-haiku-5-5';
export { JUDGE_MODES, type JudgeMode };
export type Effort = 'low' | 'medium' | 'high';

/** Most flags we keep for one reply; beyond this a verdict is noise, not help. */
export const MAX_FLAGS = 50;

export interface AnthropicJudgeOptions {
  /** Sent as the key. Pass this OR authToken, never both. */
  apiKey?: string;
  authToken?: string;
  /** An Anthropic-compatible endpoint; default https://api.anthropic.com. */
  baseURL?: string;
  model?: string;
  mode?: JudgeMode;
  /** One overall deadline per score() call, SDK retries and the repair request included. */
  deadlineMs?: number;
  /** The SDK's own retries (408/409/429/5xx, honouring retry-after). */
  maxRetries?: number;
  /** Which judge prompt (default v5, DEFAULT_PROMPT_VARIANT); v1 to v4 reproduce the prompts measured before it (prompt.ts). */
  promptVariant?: PromptVariant;
  /** Give the offline detector's candidate spans to the judge as hints (hybrid mode). */
  hints?: boolean;
  /** Output budget per call; thinking tokens count toward it on models that think. */
  maxTokens?: number;
  /**
   * output_config.effort. Default 'low' in structured and tool modes (a classification task; effort
   * is the main lever on output tokens); not sent in text mode unless set, since local servers may
   * not know it. null: never send it.
   */
  effort?: Effort | null;
  /** Injected fetch (tests). */
  fetch?: typeof fetch;
  /** Called once per score() with what happened, for /v1/stats (judge calls, failures, drops, tokens). */
  onStats?: (stats: JudgeCallStats) => void;
}

export interface JudgeCallStats {
  /** output_error: no usable verdict; upstream_error: the API failed; error: a bug on our side. */
  outcome: 'ok' | 'output_error' | 'upstream_error' | 'error';
  /** Requests we made (1, or 2 with a repair); the SDK's retries are not counted here. */
  calls: number;
  repaired: boolean;
  droppedQuotes: number;
  usage?: Usage;
  /** The error code when outcome is not ok. */
  code?: string;
}

export interface AnthropicVerdict extends JudgeVerdict {
  usage: Usage;
  /** Flags the judge gave whose quote could not be found in the reply (dropped, never shown). */
  droppedQuotes: number;
  /** v4: claims that did not anchor or fit the schema, and askBack questions that did not fit it (dropped, never shown). */
  droppedClaims?: number;
  /** True when the first answer was invalid and the repair request produced this verdict. */
  repaired: boolean;
}

export interface AnthropicJudge extends Judge {
  readonly kind: 'anthropic';
  readonly model: string;
  readonly mode: JudgeMode;
  /** The prompt's version (the cache keys on it, so v1 and v2 results never mix). */
  readonly promptVersion: string;
  score(request: ScoreRequest, signal?: AbortSignal): Promise<AnthropicVerdict>;
  /** The Messages API body for one request (also what a Message Batches item needs as `params`). */
  buildParams(request: ScoreRequest): MessageCreateParamsNonStreaming;
  /**
   * A verdict from a finished Message (e.g. a batch result), with no repair request.
   * Throws JudgeOutputError when the message holds no valid verdict.
   */
  verdictFromMessage(request: ScoreRequest, message: Message, options?: { batch?: boolean }): AnthropicVerdict;
}

// The structured path's format: the SDK's zod format for the schema, with a parse that reports a
// problem instead of throwing, so an invalid answer keeps its usage and can be repaired.
function structuredFormatFor(ledger: boolean) {
  const base = zodOutputFormat(verdictSchema({ ledger }));
  return { type: base.type, schema: base.schema, parse: (content: string): VerdictOutcome => parseVerdictText(content, { ledger }) };
}

function toolDefinitionFor(ledger: boolean) {
  return {
    name: VERDICT_TOOL_NAME,
    description: ledger
      ? "Record the verdict on the reply: one entry per passage that makes a persuasive move (an empty list when there are none), and the reply's factual claims."
      : 'Record the verdict on the reply: one entry per passage that makes a persuasive move (an empty list when there are none).',
    input_schema: verdictJsonSchema({ ledger }) as { type: 'object'; [key: string]: unknown },
  };
}

export function createAnthropicJudge(options: AnthropicJudgeOptions): AnthropicJudge {
  const {
    apiKey,
    authToken,
    baseURL,
    model = DEFAULT_MODEL,
    mode = 'structured',
    deadlineMs = 30_000,
    maxRetries = 2,
    hints = false,
    maxTokens = 8_192,
    promptVariant = DEFAULT_PROMPT_VARIANT,
    onStats,
  } = options;
  const promptVersion = PROMPT_VERSIONS[promptVariant];
  const ledger = promptVariant in PROMPT_VERSIONS && hasLedger(promptVariant);
  const structuredFormat = structuredFormatFor(ledger);
  const toolDefinition = toolDefinitionFor(ledger);
  if (!JUDGE_MODES.includes(mode)) throw new TypeError(`mode must be one of ${JUDGE_MODES.join(', ')}`);
  if (apiKey && authToken) throw new TypeError('Pass apiKey or authToken, not both.');
  if (!apiKey && !authToken) throw new TypeError('The anthropic judge needs an apiKey or an authToken.');
  const effort = options.effort === undefined ? (mode === 'text' ? null : 'low') : options.effort;
  const secrets = [apiKey, authToken];
  // A compatible local server that lacks structured output or tools answers 400: say what to do.
  const badRequestHint =
    baseURL && mode !== 'text'
      ? `(If ${baseURL} is a local Anthropic-compatible server without ${mode === 'tool' ? 'tool use' : 'structured output'}, use the judge's text mode.)`
      : undefined;

  // Exactly one credential, passed explicitly (null keeps the SDK from reading other env vars for
  // the other one); baseURL explicit too, so the judge does what its options say, not the env.
  const client = new Anthropic({
    ...(apiKey ? { apiKey, authToken: null } : { authToken: authToken ?? null, apiKey: null }),
    baseURL: baseURL ?? null,
    maxRetries,
    // The SDK's per-attempt timeout never outlives our overall deadline.
    timeout: deadlineMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // The SDK's own log lines may name URLs and retries; they never contain the key, but keep the
    // proxy's log ours.
    logLevel: 'off',
  });

  const systemBlocks: TextBlockParam[] = [{ type: 'text', text: buildSystemPrompt(promptVariant), cache_control: { type: 'ephemeral' } }];
  if (mode === 'text') systemBlocks.push({ type: 'text', text: textModeInstructions(verdictJsonSchema({ ledger })) });

  function buildParams(request: ScoreRequest): MessageCreateParamsNonStreaming {
    const hintFlags = hints ? detect(request.reply.text, { context: request.context, ...(request.site ? { site: request.site } : {}) }).flags : undefined;
    const params: MessageCreateParamsNonStreaming = {
      model,
      max_tokens: maxTokens,
      system: systemBlocks,
      messages: [{ role: 'user', content: buildUserMessage(request, hintFlags ? { hints: hintFlags } : {}) }],
    };
    if (mode === 'structured') {
      params.output_config = { format: { type: structuredFormat.type, schema: structuredFormat.schema }, ...(effort ? { effort } : {}) };
    } else {
      if (effort) params.output_config = { effort };
      if (mode === 'tool') {
        params.tools = [toolDefinition];
        params.tool_choice = { type: 'tool', name: VERDICT_TOOL_NAME };
        params.thinking = { type: 'disabled' };
      }
    }
    return params;
  }

  async function call(params: MessageCreateParamsNonStreaming, signal: AbortSignal): Promise<{ message: Message; outcome: VerdictOutcome | null }> {
    if (mode === 'structured') {
      const message = await client.messages.parse({ ...params, output_config: { ...params.output_config, format: structuredFormat } }, { signal });
      return { message, outcome: message.parsed_output };
    }
    const message = await client.messages.create(params, { signal });
    return { message, outcome: null };
  }

  /** What the message says, as a verdict or a problem; null outcome from parse means "no text block". */
  function extract(message: Message, parsed: VerdictOutcome | null): VerdictOutcome {
    if (mode === 'structured' && parsed) return parsed;
    if (mode === 'tool') {
      const use = message.content.find((b) => b.type === 'tool_use' && b.name === VERDICT_TOOL_NAME);
      if (use?.type === 'tool_use') return validateVerdict(use.input, { ledger });
      return { ok: false, problem: `The answer did not call the ${VERDICT_TOOL_NAME} tool.` };
    }
    const text = textOf(message);
    return parseVerdictText(text, { ledger });
  }

  function finish(request: ScoreRequest, outcome: Extract<VerdictOutcome, { ok: true }>, usage: Usage, repaired: boolean): AnthropicVerdict {
    const { verdict } = outcome;
    const { flags, dropped } = anchorFlags(request.reply.text, verdict);
    const ledgerPart = verdict.claims ? anchorClaims(request.reply.text, verdict.claims) : undefined;
    const droppedClaims = (outcome.droppedParts ?? 0) + (ledgerPart?.dropped ?? 0);
    return {
      flags,
      score: scoreFlags(flags),
      judge: { kind: 'anthropic', model, promptVersion, taxonomyVersion },
      usage,
      droppedQuotes: dropped,
      ...(ledgerPart ? { claims: ledgerPart.claims } : {}),
      ...(ledger ? { droppedClaims } : {}),
      repaired,
    };
  }

  // Stats are a side channel: a failing callback must not turn a verdict into an error.
  function report(stats: JudgeCallStats): void {
    try {
      onStats?.(stats);
    } catch {
      // ignored
    }
  }

  async function score(request: ScoreRequest, signal?: AbortSignal): Promise<AnthropicVerdict> {
    const deadline = AbortSignal.timeout(deadlineMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const stats: JudgeCallStats = { outcome: 'ok', calls: 0, repaired: false, droppedQuotes: 0 };
    let usage: Usage | undefined;
    try {
      const params = buildParams(request);
      stats.calls++;
      let { message, outcome: parsed } = await call(params, combined);
      usage = addUsage(usage, message);
      let outcome = extract(message, parsed);
      if (!outcome.ok) {
        failIfFinal(message, outcome.problem);
        stats.calls++;
        stats.repaired = true;
        ({ message, outcome: parsed } = await call(repairParams(params, message, outcome.problem), combined));
        usage = addUsage(usage, message);
        outcome = extract(message, parsed);
        if (!outcome.ok) {
          failIfFinal(message, outcome.problem);
          throw new JudgeOutputError(
            'parse_failed',
            `The judge model's answer was not a valid verdict, also after one repair request: ${truncate(outcome.problem, 400)}`,
          );
        }
      }
      const verdict = finish(request, outcome, usage, stats.repaired);
      stats.droppedQuotes = verdict.droppedQuotes;
      stats.usage = usage;
      report(stats);
      return verdict;
    } catch (error) {
      const mapped = toUpstreamError(error, { deadline, caller: signal, deadlineMs, model, secrets, badRequestHint });
      stats.outcome = mapped instanceof JudgeOutputError ? 'output_error' : mapped instanceof UpstreamError ? 'upstream_error' : 'error';
      if (mapped instanceof Error && 'code' in mapped && typeof mapped.code === 'string') stats.code = mapped.code;
      if (usage) stats.usage = usage;
      report(stats);
      throw mapped;
    }
  }

  function verdictFromMessage(request: ScoreRequest, message: Message, opts: { batch?: boolean } = {}): AnthropicVerdict {
    const outcome = extract(message, mode === 'structured' ? parseVerdictText(textOf(message), { ledger }) : null);
    if (!outcome.ok) {
      failIfFinal(message, outcome.problem);
      throw new JudgeOutputError('parse_failed', `The judge model's answer was not a valid verdict: ${truncate(outcome.problem, 400)}`);
    }
    return finish(request, outcome, addUsage(undefined, message, opts.batch), false);
  }

  function addUsage(previous: Usage | undefined, message: Message, batch = false): Usage {
    const u = message.usage;
    const tokens = {
      inputTokens: (previous?.inputTokens ?? 0) + (u?.input_tokens ?? 0),
      outputTokens: (previous?.outputTokens ?? 0) + (u?.output_tokens ?? 0),
      cacheReadInputTokens: (previous?.cacheReadInputTokens ?? 0) + (u?.cache_read_input_tokens ?? 0),
      cacheCreationInputTokens: (previous?.cacheCreationInputTokens ?? 0) + (u?.cache_creation_input_tokens ?? 0),
    };
    // Priced per call (a long-prompt band applies per request), then summed.
    const cost = costUsd(
      model,
      {
        inputTokens: u?.input_tokens ?? 0,
        outputTokens: u?.output_tokens ?? 0,
        cacheReadInputTokens: u?.cache_read_input_tokens ?? 0,
        cacheCreationInputTokens: u?.cache_creation_input_tokens ?? 0,
      },
      { batch },
    );
    const total = cost === undefined ? undefined : Math.round(((previous?.costUsd ?? 0) + cost) * 1e8) / 1e8;
    return total === undefined ? tokens : { ...tokens, costUsd: total };
  }

  return { kind: 'anthropic', model, mode, promptVersion, score, buildParams, verdictFromMessage };
}

/** Refusals and truncated answers are final: asking again the same way would not help. */
function failIfFinal(message: Message, problem: string): void {
  if (message.stop_reason === 'refusal') {
    throw new JudgeOutputError('refused', 'The judge model declined to judge this reply (stop_reason "refusal").');
  }
  if (message.stop_reason === 'max_tokens') {
    throw new JudgeOutputError('truncated', `The judge model's answer was cut off at max_tokens before the verdict was complete (${truncate(problem, 200)}).`);
  }
}

function textOf(message: Message): string {
  return message.content
    .filter((b): b is Extract<ContentBlock, { type: 'text' }> => b.type === 'text')
    .map((b) => b.text)
    .join('');
}

/** The assistant's answer as a prior turn (never as a prefill: the conversation ends with the user). */
function echoAssistant(content: readonly ContentBlock[]): ContentBlockParam[] {
  const out: ContentBlockParam[] = [];
  for (const block of content) {
    if (block.type === 'text') out.push({ type: 'text', text: block.text });
    else if (block.type === 'tool_use') out.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
    else if (block.type === 'thinking') out.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    else if (block.type === 'redacted_thinking') out.push({ type: 'redacted_thinking', data: block.data });
  }
  if (out.length === 0) out.push({ type: 'text', text: '(empty answer)' });
  return out;
}

function repairParams(params: MessageCreateParamsNonStreaming, message: Message, problem: string): MessageCreateParamsNonStreaming {
  const ask = `Your verdict could not be used:\n${truncate(problem, 1500)}\nAnswer again with the complete verdict for the same reply, following the schema exactly (move ids from the taxonomy, support one of supported/weak/unsupported/requested, severity 1, 2 or 3, quotes copied exactly from inside <reply_to_judge>).`;
  const toolUse = message.content.find((b) => b.type === 'tool_use');
  const next: MessageParam =
    toolUse?.type === 'tool_use'
      ? {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: toolUse.id, is_error: true, content: ask },
            { type: 'text', text: `Call ${VERDICT_TOOL_NAME} again with the corrected verdict.` },
          ],
        }
      : { role: 'user', content: ask };
  return { ...params, messages: [...params.messages, { role: 'assistant', content: echoAssistant(message.content) }, next] };
}

/**
 * Anchors every quote in the reply. Kept flags get exact offsets (quote === text.slice(start, end));
 * a flag whose quote is nowhere in the reply is dropped and counted. A repeated (move, quote) pair
 * moves on to the next occurrence of the quote, or is dropped as a duplicate (not counted).
 */
export function anchorFlags(text: string, verdict: Pick<AnyVerdict, 'flags'>): { flags: Flag[]; dropped: number } {
  const flags: Flag[] = [];
  const taken = new Set<string>();
  let dropped = 0;
  for (const f of verdict.flags) {
    const anchor = anchorQuote(text, f.quote);
    if (!anchor) {
      dropped++;
      continue;
    }
    const span = text.slice(anchor.start, anchor.end);
    let start = anchor.start;
    while (start !== -1 && taken.has(`${f.move}:${start}:${span.length}`)) start = text.indexOf(span, start + 1);
    if (start === -1) continue;
    taken.add(`${f.move}:${start}:${span.length}`);
    if (flags.length >= MAX_FLAGS) continue;
    flags.push({
      move: f.move,
      start,
      end: start + span.length,
      quote: span,
      severity: f.severity,
      support: f.support,
      rationale: f.reason,
      wouldSupport: f.wouldSupport,
      ...(f.askBack !== undefined && needsAskBack(f) ? { askBack: f.askBack } : {}),
      source: 'judge',
    });
  }
  flags.sort((a, b) => a.start - b.start || a.end - b.end);
  return { flags, dropped };
}

/** Most claims kept for one reply. */
export const MAX_CLAIMS = 200;

/**
 * Anchors the claim ledger like flags: exact offsets for each claim found in the reply; a claim whose
 * quote is nowhere in the reply is dropped and counted; the same span listed twice is kept once.
 */
export function anchorClaims(text: string, claims: readonly VerdictClaim[]): { claims: Claim[]; dropped: number } {
  const out: Claim[] = [];
  const taken = new Set<string>();
  let dropped = 0;
  for (const c of claims) {
    const anchor = anchorQuote(text, c.quote);
    if (!anchor) {
      dropped++;
      continue;
    }
    const key = `${anchor.start}:${anchor.end}`;
    if (taken.has(key) || out.length >= MAX_CLAIMS) continue;
    taken.add(key);
    const note = c.note?.trim();
    out.push({ start: anchor.start, end: anchor.end, quote: text.slice(anchor.start, anchor.end), support: c.support, ...(note ? { note } : {}) });
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end);
  return { claims: out, dropped };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
