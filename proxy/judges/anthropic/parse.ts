// Turning what a model said into a validated Verdict, for all three paths. Text from local models
// comes with fences, prose, or trailing commentary around the JSON: we take the first balanced JSON
// object, parse it, and validate it with the same zod schema as the other paths. The outcome is a
// whole verdict or a readable problem (sent back to the model once as a repair request), never a
// partial verdict.
import type { z } from 'zod';
import { isValidAskBack, LedgerClaim, Verdict, type VerdictClaim, type VerdictFlagV4, VerdictV4 } from './verdict.ts';

/** A verdict of any prompt variant: v4's flags may carry askBack, and v4 lists claims. */
export interface AnyVerdict {
  flags: VerdictFlagV4[];
  claims?: VerdictClaim[];
}

/**
 * `droppedParts` (v4 only): claims and askBack questions that failed their schema and were left out,
 * so the rest of the verdict is kept whole.
 */
export type VerdictOutcome = { ok: true; verdict: AnyVerdict; droppedParts?: number } | { ok: false; problem: string };

export interface ValidateOptions {
  /** The v4 schema: askBack on flags and a claims list, checked item by item. */
  ledger?: boolean;
}

/**
 * The first balanced `{...}` in the text (string-aware, so braces inside strings do not count),
 * preferring the content of a ```json fence when there is one. Null when there is none.
 */
export function extractJsonObject(text: string): string | null {
  const fence = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fence?.[1] !== undefined) {
    const inside = firstBalancedObject(fence[1]);
    if (inside !== null) return inside;
  }
  return firstBalancedObject(text);
}

function firstBalancedObject(text: string): string | null {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    const end = balancedEnd(text, start);
    if (end !== -1) {
      const candidate = text.slice(start, end + 1);
      try {
        JSON.parse(candidate);
        return candidate;
      } catch {
        // A brace in prose ("{like this}"): try the next one.
      }
    }
  }
  return null;
}

function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Zod issues in a short form a model can act on: `flags.0.move: Invalid option ...`. */
export function describeIssues(error: z.ZodError, max = 8): string {
  const lines = error.issues.slice(0, max).map((i) => `- ${i.path.join('.') || '(root)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`- ... and ${error.issues.length - max} more`);
  return lines.join('\n');
}

/** Validates an already-parsed value (structured output, tool input). */
export function validateVerdict(value: unknown, options: ValidateOptions = {}): VerdictOutcome {
  if (options.ledger) return validateLedgerVerdict(value);
  const result = Verdict.safeParse(value);
  if (result.success) return { ok: true, verdict: result.data };
  return { ok: false, problem: `The verdict does not match the schema:\n${describeIssues(result.error)}` };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * v4: the flags must be valid as a whole (a bad flag asks for a repair, as before), but a bad claim
 * or a bad askBack is left out and counted: never shown half-parsed, never costing the flags.
 */
function validateLedgerVerdict(value: unknown): VerdictOutcome {
  if (!isRecord(value)) return { ok: false, problem: 'The verdict does not match the schema:\n- (root): expected an object' };
  let dropped = 0;
  const flags = Array.isArray(value.flags)
    ? value.flags.map((flag) => {
        if (!isRecord(flag) || !('askBack' in flag)) return flag;
        const { askBack, ...rest } = flag;
        // askBack belongs on weak and unsupported flags only, as one short line.
        if (askBack === undefined) return rest;
        if (isValidAskBack(askBack) && (rest.support === 'weak' || rest.support === 'unsupported')) return { ...rest, askBack: askBack.trim() };
        dropped++;
        return rest;
      })
    : value.flags;
  const claims: VerdictClaim[] = [];
  if (Array.isArray(value.claims)) {
    for (const item of value.claims) {
      const claim = LedgerClaim.safeParse(item);
      if (claim.success) claims.push(claim.data);
      else dropped++;
    }
  } else if (value.claims !== undefined) dropped++;
  const result = VerdictV4.safeParse({ flags, claims });
  if (!result.success) return { ok: false, problem: `The verdict does not match the schema:\n${describeIssues(result.error)}` };
  // A verdict with no claims field lists no ledger (not an empty one).
  const verdict: AnyVerdict = value.claims === undefined ? { flags: result.data.flags } : result.data;
  return { ok: true, verdict, droppedParts: dropped };
}

/** Extracts, parses and validates a verdict from model text (text-JSON path, structured output text). */
export function parseVerdictText(text: string, options: ValidateOptions = {}): VerdictOutcome {
  const json = extractJsonObject(text);
  if (json === null) {
    return { ok: false, problem: text.trim() === '' ? 'The answer was empty.' : 'The answer contains no complete JSON object.' };
  }
  return validateVerdict(JSON.parse(json) as unknown, options);
}
