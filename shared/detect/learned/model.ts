// The learned tier's model file: per-move logistic regression over the hashed features of
// features.ts, stored compactly (pruned, int8-quantised weights; bucket ids delta+varint coded;
// both base64) so the extension bundle stays small. `version` is a hash of everything else in the
// file, so a changed model can never be served from an old cache entry, and a damaged file is
// caught on load (parseModel names what is wrong in one line; the detector then runs rules only).
import { MOVE_IDS, type MoveId } from '../../schemas.ts';
import { BITS, type FeatureVector } from './features.ts';

/**
 * The file format, which includes the feature set: /2 since rule hits stopped being features
 * (features.ts). A /1 file would be read with features it was not trained on, so it is refused.
 */
export const MODEL_FORMAT = 'unspun-learned/2';

export interface TrainingSet {
  name: string;
  licence: string;
  units: number;
  source: string;
}

export interface StoredMove {
  bias: number;
  /** Weight = int8 × scale. */
  scale: number;
  /** The tier adds a flag of this move (where `add`) when a sentence's probability reaches this. */
  threshold: number;
  /** A rule flag of this move is shown when its sentence's probability reaches this (0 keeps all). */
  keep: number;
  /** Whether the tier may add flags of this move where no rule fired (else it only keeps or drops rule flags). */
  add: boolean;
  /** Base64 of the bucket ids, ascending, as LEB128 varint deltas. */
  idx: string;
  /** Base64 of the int8 weights, one per bucket id. */
  w: string;
  positives: number;
  negatives: number;
}

export interface StoredModel {
  format: string;
  version: string;
  bits: number;
  seed: number;
  trainedOn: TrainingSet[];
  hyper: Record<string, number>;
  moves: Partial<Record<MoveId, StoredMove>>;
}

export interface MoveModel {
  move: MoveId;
  bias: number;
  threshold: number;
  keep: number;
  add: boolean;
}

/** A loaded model: an inverted index from bucket to (move, weight) postings. */
export interface LearnedModel {
  version: string;
  moves: MoveModel[];
  offsets: Int32Array;
  postMove: Uint8Array;
  postWeight: Float32Array;
}

// ---- hashing and codecs (pure; no Buffer, no atob) ----

/** 64-bit-ish content hash as 16 hex digits: two FNV-1a passes with different seeds. */
export function contentHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The version a model file must carry: a hash of the file without its version field. */
export function versionOf(model: Omit<StoredModel, 'version'> & { version?: string }): string {
  const { version: _v, ...rest } = model;
  return `learned-${contentHash(JSON.stringify(rest))}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const v = code < 128 ? B64_INDEX[code]! : -1;
    if (v < 0) throw new Error(`bad base64 character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

export function encodeIds(ids: readonly number[]): Uint8Array {
  const bytes: number[] = [];
  let prev = 0;
  for (const id of ids) {
    let d = id - prev;
    prev = id;
    while (d >= 0x80) {
      bytes.push((d & 0x7f) | 0x80);
      d >>>= 7;
    }
    bytes.push(d);
  }
  return Uint8Array.from(bytes);
}

export function decodeIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let prev = 0;
  for (let i = 0; i < bytes.length; ) {
    let d = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) throw new Error('truncated bucket ids');
      d |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    prev += d;
    ids.push(prev);
  }
  return ids;
}

// ---- loading ----

export type ModelLoad = { ok: true; model: LearnedModel } | { ok: false; error: string };

const isMove = (m: string): m is MoveId => (MOVE_IDS as readonly string[]).includes(m);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Checks and decodes a model file's JSON (an object, or its text). Never throws: a missing,
 * corrupt, tampered or foreign file gives `{ok: false, error}` with one readable line.
 */
export function parseModel(raw: unknown): ModelLoad {
  try {
    const data = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    if (data === undefined || data === null) return { ok: false, error: 'no model' };
    if (typeof data !== 'object') return { ok: false, error: 'not a JSON object' };
    const m = data as StoredModel;
    if (m.format !== MODEL_FORMAT) return { ok: false, error: `format is ${JSON.stringify(m.format)}, expected ${MODEL_FORMAT}` };
    if (m.bits !== BITS) return { ok: false, error: `hash bits ${m.bits}, this detector uses ${BITS}` };
    if (typeof m.moves !== 'object' || m.moves === null) return { ok: false, error: 'no moves' };
    const expected = versionOf(m);
    if (m.version !== expected) return { ok: false, error: `content does not match its version (${String(m.version)}; content hashes to ${expected})` };
    const moves: MoveModel[] = [];
    const perMove: { ids: number[]; w: Int8Array; scale: number }[] = [];
    for (const [id, sm] of Object.entries(m.moves)) {
      if (!isMove(id)) return { ok: false, error: `unknown move ${id}` };
      if (!sm || !finite(sm.bias) || !finite(sm.scale) || !finite(sm.threshold) || !finite(sm.keep)) return { ok: false, error: `move ${id}: bad numbers` };
      const ids = decodeIds(fromBase64(sm.idx));
      const w = new Int8Array(fromBase64(sm.w).buffer.slice(0));
      if (ids.length !== w.length) return { ok: false, error: `move ${id}: ${ids.length} bucket ids but ${w.length} weights` };
      if (ids.some((x) => x < 0 || x >= 1 << BITS)) return { ok: false, error: `move ${id}: bucket id out of range` };
      moves.push({ move: id, bias: sm.bias, threshold: sm.threshold, keep: sm.keep, add: sm.add === true });
      perMove.push({ ids, w, scale: sm.scale });
    }
    if (moves.length > 255) return { ok: false, error: 'too many moves' };
    // Counting sort into postings by bucket.
    const size = 1 << BITS;
    const offsets = new Int32Array(size + 1);
    for (const p of perMove) for (const id of p.ids) offsets[id + 1]!++;
    for (let i = 0; i < size; i++) offsets[i + 1]! += offsets[i]!;
    const total = offsets[size]!;
    const postMove = new Uint8Array(total);
    const postWeight = new Float32Array(total);
    const fill = offsets.slice(0, size);
    perMove.forEach((p, mi) => {
      p.ids.forEach((id, k) => {
        const at = fill[id]!++;
        postMove[at] = mi;
        postWeight[at] = p.w[k]! * p.scale;
      });
    });
    return { ok: true, model: { version: m.version, moves, offsets, postMove, postWeight } };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Probability per model move (same order as model.moves) for one sentence. */
export function predict(model: LearnedModel, f: FeatureVector, out = new Float64Array(model.moves.length)): Float64Array {
  for (let m = 0; m < model.moves.length; m++) out[m] = model.moves[m]!.bias;
  const { offsets, postMove, postWeight } = model;
  for (let k = 0; k < f.idx.length; k++) {
    const id = f.idx[k]!;
    const v = f.val[k]!;
    for (let p = offsets[id]!, e = offsets[id + 1]!; p < e; p++) out[postMove[p]!]! += postWeight[p]! * v;
  }
  for (let m = 0; m < out.length; m++) out[m] = 1 / (1 + Math.exp(-out[m]!));
  return out;
}
