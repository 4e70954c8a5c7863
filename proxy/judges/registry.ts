// The judges the proxy knows, keyed by kind: each one's definition declares what it supports
// (caching, budget, upstream slots, upstream batches, its prompt version). The proxy core (scoring,
// the batch runner, the app) asks these capabilities and never tests which judge it holds, so
// adding a judge is its folder plus one line here (and its kind in shared/schemas.ts JUDGE_KINDS,
// the wire contract). A typed Record makes a kind without a definition a compile error.
import { JUDGE_KINDS, type JudgeKind } from '#shared/schemas';
import { anthropicJudge } from './anthropic/index.ts';
import type { Judge, JudgeCapabilities, JudgeDefinition, Judges, JudgeSettings } from './judge-interface.ts';
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
