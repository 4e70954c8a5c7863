// The readable report for one reply scored from plain text on stdin.
import type { Flag } from '#shared/schemas';
import { MOVES_BY_ID } from '#shared/taxonomy';
import type { JudgeVerdict } from '../judges/judge-interface.ts';

const SUPPORT_WORDS: Record<Flag['support'], string> = {
  supported: 'supported: the reply backs it up',
  weak: 'weakly supported',
  unsupported: 'unsupported',
  requested: 'requested by the user',
};

export function formatReport(verdict: Pick<JudgeVerdict, 'score' | 'flags' | 'judge'>): string {
  const { judge } = verdict;
  const judgeName = [judge.kind, judge.model].filter(Boolean).join(' ');
  const lines = [`Score: ${Math.round(verdict.score)}/100`, `Judge: ${judgeName} (prompt ${judge.promptVersion}, taxonomy ${judge.taxonomyVersion})`, ''];
  if (verdict.flags.length === 0) {
    lines.push('No persuasive moves flagged.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${verdict.flags.length} move${verdict.flags.length === 1 ? '' : 's'} flagged:`);
  const ordered = [...verdict.flags].sort((a, b) => a.start - b.start || a.end - b.end);
  ordered.forEach((flag, index) => {
    const name = MOVES_BY_ID[flag.move]?.name ?? flag.move;
    lines.push('');
    lines.push(`${index + 1}. ${name} (${flag.move}), ${SUPPORT_WORDS[flag.support]}, severity ${flag.severity}/3`);
    lines.push(`   "${oneLine(flag.quote)}"  [chars ${flag.start}-${flag.end}]`);
    if (flag.rationale) lines.push(`   Why: ${oneLine(flag.rationale)}`);
    if (flag.wouldSupport) lines.push(`   Would support it: ${oneLine(flag.wouldSupport)}`);
  });
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
