// The judge prompt's dev evaluation through the API (issue 14): the same sample, prompts, anchoring
// and metrics as the no-API path (judge-prompt.ts), with the Anthropic judge (or any
// Anthropic-compatible endpoint named by ANTHROPIC_BASE_URL, e.g. a local model) writing the verdicts.
//
//   npm run eval -- --judge anthropic --judge-prompt-dump DIR --sample N --max-usd X [--prompt v1..v5] [--seed S] [--with-turns N]
//                   [--judge-mode structured|tool|text]   (text: a local server with neither structured output nor tools)
//
// DIR is dumped exactly as without an API (system prompt, items, key). Then each item without a
// verdict goes to the judge with that variant's system prompt and that item's user message (the
// requests are byte for byte the dumped files), and its verdict is written to DIR/verdicts/ in the
// same format a model playing the judge writes, plus what the API said about it (`api`: model,
// usage, quotes dropped by anchoring). Finally --judge-verdicts' scoring reads the folder, so both
// paths report the same table. The cost is estimated before any call and nothing is sent above
// --max-usd; a rerun on the same DIR sends only the items still without a verdict (free when done),
// which also makes v1 and v2 on the same sample a matter of two folders with the same --sample and --seed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScoreRequest } from '#shared/schemas';
import { resolveJudgeSettings } from '../../proxy/config.ts';
import {
  type AnthropicVerdict,
  costUsd,
  createAnthropicJudge,
  DEFAULT_MODEL,
  JUDGE_MODES,
  type JudgeMode,
  JudgeOutputError,
} from '../../proxy/judges/anthropic/index.ts';
import {
  buildSystemPrompt,
  buildUserMessage,
  estimateTokens,
  PROMPT_VARIANTS,
  PROMPT_VERSIONS,
  type PromptVariant,
} from '../../proxy/judges/anthropic/prompt.ts';
import { ESTIMATED_OUTPUT_TOKENS } from './judge-eval.ts';
import {
  DEFAULT_SEED,
  dumpJudgePrompts,
  formatVerdictReport,
  type JudgeKey,
  KEY_FILE,
  type KeyItem,
  requestOf,
  scoreJudgeVerdicts,
  type VerdictReport,
} from './judge-prompt.ts';
import { EVAL_DIR } from './paths.ts';

export interface JudgePromptApiOptions {
  dir: string;
  dataDir: string;
  /** Items to draw when DIR holds no dump yet (default 120); on a rerun, if given, it must match the dump. */
  sample?: number;
  maxUsd: number;
  seed?: string;
  /** The cross-turn stratum (--with-turns N, read from corpusDir, test/corpus by default); on a rerun, if given, it must match. */
  withTurns?: number;
  corpusDir?: string;
  /** Default: the variant of an existing dump in DIR, else the default prompt. */
  variant?: PromptVariant;
  /** How the verdict is asked for (default structured output); `text` for local servers with neither structured output nor tools. */
  mode?: JudgeMode;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
  /** ../shared/eval by default (the scorers). */
  evalDir?: string;
}

export interface JudgePromptApiResult {
  key: JudgeKey;
  estimatedUsd: number;
  realUsd: number;
  calls: number;
  /** Items that already had a verdict (a rerun sends nothing for them). */
  reused: number;
  refused: boolean;
  /** Items whose answer never became a verdict (after the judge's one repair request); a rerun tries them again. */
  failed: { item: string; problem: string }[];
  /** Set when the run stopped early (the spending limit, or an upstream error that would fail every item). */
  stopped?: string;
  report: VerdictReport;
}

/** What the API path records beside each verdict, so a rerun's report keeps the counts of the first run. */
interface ApiNote {
  model: string;
  promptVersion: string;
  usage: AnthropicVerdict['usage'];
  droppedQuotes: number;
  droppedClaims?: number;
  repaired: boolean;
}

const DEFAULT_SAMPLE = 120;

const verdictPath = (dir: string, item: KeyItem) => join(dir, 'verdicts', `${item.item}.json`);

/** The dump in DIR (made now when there is none), after checking it is the one asked for. */
function dumpOrReuse(o: JudgePromptApiOptions): JudgeKey {
  const keyPath = join(o.dir, KEY_FILE);
  if (!existsSync(keyPath)) {
    return dumpJudgePrompts({
      dataDir: o.dataDir,
      outDir: o.dir,
      sample: o.sample ?? DEFAULT_SAMPLE,
      seed: o.seed ?? DEFAULT_SEED,
      ...(o.variant ? { variant: o.variant } : {}),
      ...(o.withTurns !== undefined ? { withTurns: o.withTurns } : {}),
      ...(o.corpusDir !== undefined ? { corpusDir: o.corpusDir } : {}),
    });
  }
  const key = JSON.parse(readFileSync(keyPath, 'utf8')) as JudgeKey;
  const mismatch = [
    o.variant !== undefined && o.variant !== key.promptVariant ? `--prompt ${o.variant} (the dump is ${key.promptVariant})` : '',
    o.sample !== undefined && o.sample !== key.sample ? `--sample ${o.sample} (the dump has ${key.sample})` : '',
    o.seed !== undefined && o.seed !== key.seed ? `--seed ${o.seed} (the dump used ${key.seed})` : '',
    o.withTurns !== undefined && o.withTurns !== key.withTurns ? `--with-turns ${o.withTurns} (the dump has ${key.withTurns ?? 'none'})` : '',
  ].filter(Boolean);
  if (mismatch.length > 0)
    throw new Error(`${o.dir} already holds a different dump: ${mismatch.join(', ')}. Use a new directory for another sample or prompt.`);
  if (!PROMPT_VARIANTS.includes(key.promptVariant) || PROMPT_VERSIONS[key.promptVariant] !== key.promptVersion) {
    throw new Error(
      `${o.dir} was dumped with prompt ${key.promptVariant} ${key.promptVersion}, which is not this code's ${key.promptVariant}: dump into a new directory`,
    );
  }
  return key;
}

/** The verdict file a model playing the judge would have written, from the API's anchored verdict. */
function verdictFile(v: AnthropicVerdict, note: ApiNote): string {
  const flags = v.flags.map((f) => ({
    quote: f.quote,
    move: f.move,
    reason: f.rationale,
    support: f.support,
    wouldSupport: f.wouldSupport ?? '',
    ...(f.askBack !== undefined ? { askBack: f.askBack } : {}),
    severity: f.severity,
  }));
  const claims = v.claims?.map((c) => ({ quote: c.quote, support: c.support, ...(c.note !== undefined ? { note: c.note } : {}) }));
  return `${JSON.stringify({ flags, ...(claims ? { claims } : {}), api: note }, null, 1)}\n`;
}

function apiNoteOf(file: string): ApiNote | undefined {
  try {
    const api = (JSON.parse(readFileSync(file, 'utf8')) as { api?: ApiNote }).api;
    return api && typeof api.droppedQuotes === 'number' ? api : undefined;
  } catch {
    return undefined;
  }
}

export async function runJudgePromptApi(o: JudgePromptApiOptions): Promise<JudgePromptApiResult> {
  if (o.sample !== undefined && (!Number.isInteger(o.sample) || o.sample < 1)) throw new Error('--sample must be a positive whole number');
  if (o.mode !== undefined && !JUDGE_MODES.includes(o.mode)) throw new Error(`--judge-mode must be one of ${JUDGE_MODES.join(', ')}`);
  if (!Number.isFinite(o.maxUsd) || o.maxUsd < 0) throw new Error('--judge anthropic needs --max-usd X (a dollar limit, 0 or more)');
  const settings = resolveJudgeSettings(o.env, 'anthropic');
  const model = settings.anthropic?.model ?? DEFAULT_MODEL;
  const key = dumpOrReuse(o);
  const variant = key.promptVariant;
  const todo = key.items.filter((item) => !existsSync(verdictPath(o.dir, item)));
  const systemTokens = estimateTokens(buildSystemPrompt(variant));
  const estimatedUsd = todo.reduce(
    (sum, item) =>
      sum + (costUsd(model, { inputTokens: systemTokens + estimateTokens(buildUserMessage(requestOf(item))), outputTokens: ESTIMATED_OUTPUT_TOKENS }) ?? 0),
    0,
  );
  o.log(
    `judge prompt ${variant} through ${model}: ${key.items.length} items in ${o.dir}, ${key.items.length - todo.length} with a verdict already; ` +
      `estimated cost of ${todo.length} calls: $${estimatedUsd.toFixed(4)} (limit $${o.maxUsd.toFixed(2)})`,
  );
  const result: Omit<JudgePromptApiResult, 'report'> = {
    key,
    estimatedUsd,
    realUsd: 0,
    calls: 0,
    reused: key.items.length - todo.length,
    refused: false,
    failed: [],
  };
  if (estimatedUsd > o.maxUsd) {
    o.log('judge prompt: the estimate is above --max-usd; nothing was sent. Use a smaller --sample or a higher --max-usd.');
    result.refused = true;
  } else {
    const { apiKey, baseURL } = settings.anthropic!;
    const judge = createAnthropicJudge({ apiKey, ...(baseURL ? { baseURL } : {}), model, promptVariant: variant, ...(o.mode ? { mode: o.mode } : {}) });
    for (const item of todo) {
      if (result.realUsd >= o.maxUsd) {
        result.stopped = `the --max-usd limit ($${result.realUsd.toFixed(4)} spent); the rest stays without a verdict until a rerun`;
        break;
      }
      const request: ScoreRequest = requestOf(item);
      let verdict: AnthropicVerdict;
      try {
        result.calls++;
        verdict = await judge.score(request);
      } catch (error) {
        // A bad answer for one reply is that reply's problem; anything else (key, network, rate) would fail them all.
        if (error instanceof JudgeOutputError) {
          result.failed.push({ item: item.item, problem: error.message });
          continue;
        }
        result.stopped = `${item.item}: ${error instanceof Error ? error.message : String(error)}`;
        break;
      }
      result.realUsd += verdict.usage.costUsd ?? 0;
      const note: ApiNote = {
        model,
        promptVersion: verdict.judge.promptVersion,
        usage: verdict.usage,
        droppedQuotes: verdict.droppedQuotes,
        ...(verdict.droppedClaims !== undefined ? { droppedClaims: verdict.droppedClaims } : {}),
        repaired: verdict.repaired,
      };
      writeFileSync(verdictPath(o.dir, item), verdictFile(verdict, note));
    }
    if (result.stopped) o.log(`judge prompt: stopped at ${result.stopped}`);
    for (const f of result.failed) o.log(`judge prompt: no verdict for ${f.item}: ${f.problem}`);
    o.log(`judge prompt: real cost $${result.realUsd.toFixed(4)} for ${result.calls} calls (${result.reused} items had a verdict already)`);
  }
  const report = await scoreJudgeVerdicts({ dir: o.dir, ...(o.evalDir ? { evalDir: o.evalDir } : {}) });
  // The API path anchored (and dropped) before the verdict was written: count those drops as given and dropped.
  // (v4's dropped claims stay in each verdict's api.droppedClaims: the judge counts schema and anchoring drops as one.)
  for (const item of key.items) {
    const note = existsSync(verdictPath(o.dir, item)) ? apiNoteOf(verdictPath(o.dir, item)) : undefined;
    if (!note) continue;
    report.flagsGiven += note.droppedQuotes;
    report.droppedQuotes += note.droppedQuotes;
  }
  return { ...result, report };
}

/** `npm run eval -- --judge anthropic --judge-prompt-dump DIR ...` (flags already checked by run-eval.ts); the exit code. */
export async function runJudgePromptApiCli(flags: Record<string, string | true>, root: string): Promise<number> {
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  if (str('judge') !== 'anthropic') {
    console.error(
      `eval: --judge ${str('judge')} is not supported with --judge-prompt-dump: use --judge anthropic, or leave --judge out to dump for a model you run yourself`,
    );
    return 2;
  }
  if (str('max-usd') === undefined) {
    console.error('eval: --judge anthropic needs --max-usd X (a dollar limit); nothing was sent');
    return 2;
  }
  try {
    const data = str('data');
    const prompt = str('prompt');
    const mode = str('judge-mode');
    const r = await runJudgePromptApi({
      dir: str('judge-prompt-dump')!,
      dataDir: data ? resolve(root, data) : join(EVAL_DIR, 'data'),
      ...(str('sample') !== undefined ? { sample: Number(str('sample')) } : {}),
      maxUsd: Number(str('max-usd')),
      ...(str('seed') ? { seed: str('seed') } : {}),
      ...(str('with-turns') !== undefined ? { withTurns: Number(str('with-turns')) } : {}),
      ...(str('corpus') !== undefined ? { corpusDir: resolve(root, str('corpus')!) } : {}),
      ...(prompt ? { variant: prompt as PromptVariant } : {}),
      ...(mode ? { mode: mode as JudgeMode } : {}),
      env: process.env,
      log: (line) => console.log(line),
    });
    console.log('');
    console.log(flags.json === true ? JSON.stringify(r.report, null, 1) : formatVerdictReport(r.report));
    return r.refused || r.stopped !== undefined || r.failed.length > 0 || r.report.scored === 0 ? 1 : 0;
  } catch (error) {
    console.error(`eval: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
