// Learned-tier numbers on data the model did not train on. The shipped model trains on the
// sahai sets, argotario, both spiral files and the project's corpus, so measuring it there would
// measure training data. Instead:
//   spiral-*                       a model trained on everything shipped except that file (cross-file);
//   sahai-*, argotario, corpus     k-fold cross-validation over all shipped data at once: each
//                                  unit is predicted by the model trained without its fold;
//   every other set                the shipped model itself (never trained on).
// Fold models run the same trainer and loader as the shipped one (test/train).
import { join } from 'node:path';
import { parseModel, type LearnedModel } from '#shared/detect/learned/model';
import { CORPUS_LICENCE, loadCorpus, loadEvalSet, SHIPPABLE, type TrainUnit } from '../train/data.ts';
import { foldOf, groupKey } from '../train/folds.ts';
import { prepare, train, type Prepared } from '../train/trainer.ts';

export type HeldOutKind = 'cross-file' | 'cross-validation' | 'not trained on';

export interface HeldOutPlan {
  kind: HeldOutKind;
  /** Model for each unit id of the set (a fold's or the file's held-out model). */
  modelFor(id: string): LearnedModel;
  note: string;
}

const SEED = 1;

export class HeldOut {
  private prepared: Prepared | undefined;
  private readonly cache = new Map<string, LearnedModel>();
  private groups: Map<string, string> | undefined;

  constructor(
    private readonly corpusDir: string,
    private readonly folds = 3,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Every unit the shipped model trains on, with its features (computed once). */
  private data(): Prepared {
    if (!this.prepared) {
      const units: TrainUnit[] = [...Object.keys(SHIPPABLE).flatMap((s) => loadEvalSet(s)), ...loadCorpus(this.corpusDir)];
      this.prepared = prepare(units);
    }
    return this.prepared;
  }

  private trainWithout(key: string, leaveOut: (u: TrainUnit, i: number) => boolean): LearnedModel {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const p = this.data();
    const units = p.units.map((_, i) => i).filter((i) => !leaveOut(p.units[i]!, i));
    const t0 = performance.now();
    const { model } = train(p, { seed: SEED, units, trainedOn: [{ name: `held-out:${key}`, licence: CORPUS_LICENCE, units: units.length, source: 'eval' }] });
    const loaded = parseModel(model);
    if (!loaded.ok) throw new Error(`held-out model ${key}: ${loaded.error}`);
    this.log(`  held-out model ${key}: ${Object.keys(model.moves).length} moves, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    this.cache.set(key, loaded.model);
    return loaded.model;
  }

  /** The fold key of a unit id (see groupKey); ids the shipped data does not hold stand alone. */
  private groupOf(id: string): string {
    if (!this.groups) this.groups = new Map(this.data().units.map((u) => [u.id, groupKey(u)]));
    return this.groups.get(id) ?? id;
  }

  /** How `set` is measured held-out; undefined model means the shipped one applies (never trained on). */
  plan(set: string, shipped: LearnedModel): HeldOutPlan {
    if (set.startsWith('spiral-')) {
      return {
        kind: 'cross-file',
        note: `trained without ${set}`,
        modelFor: () => this.trainWithout(`without-${set}`, (u) => u.set === set),
      };
    }
    if (set in SHIPPABLE || set === 'corpus') {
      // One k-fold split over everything shipped (not per set): k trainings serve every set.
      return {
        kind: 'cross-validation',
        note: `${this.folds}-fold cross-validation over all shipped training data`,
        modelFor: (id) => {
          const k = foldOf(this.groupOf(id), this.folds);
          return this.trainWithout(`fold-${k}-of-${this.folds}`, (u) => foldOf(groupKey(u), this.folds) === k);
        },
      };
    }
    return { kind: 'not trained on', note: 'shipped model', modelFor: () => shipped };
  }
}

export const defaultCorpusDir = (root: string) => join(root, 'test', 'corpus');
