// The judges the proxy knows, keyed by kind: each one's definition declares what it supports
// (caching, budget, upstream slots, upstream batches, its prompt version). The proxy core (scoring,
// the batch runner, the app) asks these capabilities and never tests which judge it holds, so
// adding a judge is its folder plus one line here (and its kind in shared/schemas.ts JUDGE_KINDS,
// the wire contract). A typed Record makes a kind without a definition a compile error.
import type { UnavailableJudge } from '#shared/api/health';
import { type JudgeChoice, JUDGE_KINDS, type JudgeKind } from '#shared/schemas';
import { anthropicJudge } from './anthropic/index.ts';
import {
  type Judge,
  type JudgeCapabilities,
  type JudgeDefinition,
  type Judges,
  type JudgeSettings,
  JudgeUnavailableError,
  type UpstreamBatchClient,
} from './judge-interface.ts';
import { offlineJudge } from './offline.ts';

export type JudgeRegistry = Readonly<Record<JudgeKind, JudgeDefinition>>;

export const JUDGES: JudgeRegistry = Object.freeze({
  offline: offlineJudge,
  anthropic: anthropicJudge,
});

/** What the core may do with this judge: its definition's capabilities, as the instance overrides them. */
export function capabilitiesOf(judge: Judge, registry: JudgeRegistry = JUDGES): JudgeCapabilities {
  return { ...registry[judge.kind].capabilities, ...judge.capabilities };
}

/** The version its results are keyed by: the judge's own, else its definition's. */
export function promptVersionOf(judge: Judge, registry: JudgeRegistry = JUDGES): string {
  return judge.promptVersion ?? registry[judge.kind].promptVersion;
}

/** Its upstream as messages name it ("Anthropic API"). */
export function upstreamNameOf(judge: Judge, registry: JudgeRegistry = JUDGES): string {
  return registry[judge.kind].upstreamName ?? `${judge.kind} judge's upstream`;
}

/** The judges these settings allow: offline always, every other one its definition can build. */
export function createJudges(settings: JudgeSettings, registry: JudgeRegistry = JUDGES): Judges {
  const judges: Judges = { offline: registry.offline.create(settings) ?? offlineJudge.create(settings)! };
  for (const kind of JUDGE_KINDS) {
    if (kind === 'offline') continue;
    const judge = registry[kind].create(settings);
    if (judge) judges[kind] = judge;
  }
  return judges;
}

/**
 * The upstream batch API batch jobs go through: the first definition, in registry order, that
 * declares batches and can build a client from these settings; null when none can (no key).
 * One client: the batch runner sends every batching job through it.
 */
export function createBatchClient(settings: JudgeSettings, registry: JudgeRegistry = JUDGES): UpstreamBatchClient | null {
  for (const kind of JUDGE_KINDS) {
    const definition = registry[kind];
    if (!definition.capabilities.batches) continue;
    const client = definition.createBatchClient?.(settings);
    if (client) return client;
  }
  return null;
}

/** The kinds this process has, in registry order (GET /health, GET /v1/stats). */
export function availableKinds(judges: Judges): JudgeKind[] {
  return JUDGE_KINDS.filter((kind) => judges[kind] !== undefined);
}

/** The model the process's upstream judge asks, if any (GET /v1/stats). */
export function upstreamModel(judges: Judges): string | undefined {
  return availableKinds(judges)
    .map((kind) => judges[kind]?.model)
    .find((model) => typeof model === 'string');
}

/**
 * The judge a choice means. `offline` is always there; `auto` is the first judge past offline, in
 * registry order, that this process has (anthropic when a key is configured), else offline; a named
 * kind this process lacks is a JudgeUnavailableError that says what its definition needs.
 */
export function selectJudge(judges: Judges, choice: JudgeChoice = 'auto', registry: JudgeRegistry = JUDGES): Judge {
  if (choice === 'auto') {
    const upstream = availableKinds(judges).find((kind) => kind !== 'offline');
    return upstream ? judges[upstream]! : judges.offline;
  }
  const judge = judges[choice];
  if (judge) return judge;
  const setup = registry[choice].setup ?? 'configure it and restart';
  throw new JudgeUnavailableError(`The ${choice} judge is not configured: ${setup}, or ask for judge "offline" or "auto".`);
}

/** The kinds the registry knows that this process has no judge for, and why (GET /health: names and reasons, never a key). */
export function unavailableJudges(judges: Judges, registry: JudgeRegistry = JUDGES): UnavailableJudge[] {
  return JUDGE_KINDS.filter((kind) => judges[kind] === undefined).map((kind) => ({
    kind,
    reason: 'not_configured',
    message: registry[kind].notConfigured ?? `The proxy has no ${kind} judge: ${registry[kind].setup ?? 'configure it and restart the proxy'}.`,
  }));
}
