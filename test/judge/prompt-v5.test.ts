// Prompt v5 (issue 14, fourth round): v4 plus calibration against the kinds of false flag v3 and v4
// put on ordinary answers. v4 stays pinned byte for byte (its numbers must stay reproducible); v5
// gets its own version from its content, and its calibration is general: it quotes no dev reply.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALIBRATION_V2, CALIBRATION_V5 } from '../../proxy/judges/anthropic/guidance.ts';
import {
  buildSystemPrompt,
  buildUserMessage,
  DEFAULT_PROMPT_VARIANT,
  hasLedger,
  PROMPT_VERSIONS,
  promptVersionOf,
  textModeInstructions,
} from '../../proxy/judges/anthropic/prompt.ts';
import { createAnthropicJudge } from '../../proxy/judges/anthropic/judge.ts';
import { verdictJsonSchema } from '../../proxy/judges/anthropic/verdict.ts';
import { EVAL_DIR } from '../eval/paths.ts';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const v4 = buildSystemPrompt('v4');
const v5 = buildSystemPrompt('v5');
const LAYOUT = buildUserMessage(
  { reply: { text: 'REPLY' }, context: { user: 'USER', previous: [{ role: 'assistant', text: 'EARLIER' }] } },
  { hints: [{ move: 'vagueness', quote: 'HINT' }] },
);

describe('prompt v5', () => {
  it('leaves v4 byte for byte as measured on two blind samples (/work/wt/judge-run/v4, v4b)', () => {
    expect(sha(v4)).toBe('56092970616384a86dd622ae5687357f9f9e7bc37e2ff5c9d18984ef3e82c883');
  });

  it('is v4 with only the v5 calibration added, right after the v2 calibration', () => {
    expect(v5).not.toBe(v4);
    expect(v5.replace(`\n\n${CALIBRATION_V5}`, '')).toBe(v4);
    expect(v5.indexOf(CALIBRATION_V5)).toBe(v5.indexOf(CALIBRATION_V2) + CALIBRATION_V2.length + 2);
  });

  it('is pinned byte for byte as dumped for its blind run (/work/wt/judge-run/v5c)', () => {
    expect(sha(v5)).toBe('1883f5d465f78ac864e506353f3005836320b00086e18fd93e052d3e6845e45c');
  });

  it('gets its own version from its content, with the v4 verdict schema (askBack and claims)', () => {
    expect(hasLedger('v5')).toBe(true);
    expect(PROMPT_VERSIONS.v5).toBe(promptVersionOf(v5, LAYOUT, textModeInstructions(verdictJsonSchema({ ledger: true }))));
    expect(PROMPT_VERSIONS.v5).not.toBe(PROMPT_VERSIONS.v4);
    expect(PROMPT_VERSIONS.v5).not.toBe(
      promptVersionOf(v5.replace('Hedges are not borrowed authority', 'Hedges'), LAYOUT, textModeInstructions(verdictJsonSchema({ ledger: true }))),
    );
    expect(createAnthropicJudge({ apiKey: 'k', promptVariant: 'v5' }).promptVersion).toBe(PROMPT_VERSIONS.v5);
  });

  it('is the default since its blind run was no worse than v4 (judge-run/v5c beside v4c)', () => {
    expect(DEFAULT_PROMPT_VARIANT).toBe('v5');
  });

  it.each([
    ['what a subject says about itself, in a summary the user asked for, is reported content', /Reported content is not the assistant's push/],
    ['only a push the assistant adds on its own is flagged there', /Flag only when the assistant adds a push of its own beyond the request/],
    ['hedged framings of estimates are not unsourced authority', /Hedges are not borrowed authority/],
    ['explaining a concept in general terms is not a hasty generalisation', /Explaining a concept in general terms is not a generalisation from cases/],
    ['a doubtful passage in a plain answer is at most severity 1', /a doubtful passage is at most severity 1/],
  ])('calibrates: %s', (_name, pattern) => {
    expect(CALIBRATION_V5).toMatch(pattern);
    expect(v5).toMatch(pattern);
    expect(v4).not.toMatch(pattern);
  });

  // The calibration describes kinds of passage; it must not carry a dev reply's words into the prompt.
  it.skipIf(!existsSync(join(EVAL_DIR, 'data')))('quotes no four-word run of any dev-set reply', () => {
    const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    const runs = new Set<string>();
    const own = words(CALIBRATION_V5);
    for (let i = 0; i + 4 <= own.length; i++) runs.add(own.slice(i, i + 4).join(' '));
    const hits: string[] = [];
    for (const file of readdirSync(join(EVAL_DIR, 'data')).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(EVAL_DIR, 'data', file), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const w = words((JSON.parse(line) as { text?: string }).text ?? '');
        for (let i = 0; i + 4 <= w.length; i++) {
          const run = w.slice(i, i + 4).join(' ');
          if (runs.has(run)) hits.push(`${file}: ${run}`);
        }
      }
    }
    expect(hits).toEqual([]);
  });
});
