// Per-flag support status: does the reply back this move up where it makes it?
//
// We look at the sentence holding the move and the one after it (where a source usually follows
// "studies show ..."). A checkable source, figure or link makes an evidence move `supported`;
// a hedge makes it `weak`; otherwise it is `unsupported`. When the user asked for persuasion,
// every flag is `requested` (decided by the caller, see requested.ts).
import type { Support } from '../schemas.ts';
import { compilePattern } from './pattern.ts';
import { HEDGES } from './lexicon.ts';
import type { SupportCheck } from './rules.ts';

/** Things a reader could check: links, citations, named publications, figures, dates. */
const EVIDENCE = compilePattern(
  [
    'https?://\\S+',
    'www\\.\\S+',
    'doi:? ?\\S+',
    '\\[\\d+\\]',
    '\\([A-Z][A-Za-z-]+(?: et al\\.?| and [A-Z][A-Za-z-]+)?,? (?:19|20)\\d\\d[a-z]?\\)',
    '[A-Z][A-Za-z-]+ et al\\.?',
    '(?:published|reported|appeared) in (?:the )?[A-Z][\\w&-]+',
    '(?:journal|proceedings|lancet|nature|science|bmj|jama|nejm|cochrane|meta-analysis|systematic review|randomi[sz]ed (?:controlled )?trial|peer-reviewed)',
    '(?:university|institute|department|ministry|agency|bureau|office|administration|academy|foundation|organi[sz]ation|commission) of [A-Z]\\w+',
    '(?:WHO|CDC|NIH|NHS|FDA|EPA|IPCC|OECD|IMF|UN|UNICEF|NASA|NOAA|BLS|ONS|Pew|Gallup|Eurostat)',
    '\\d+(?:[.,]\\d+)? ?(?:%|percent|per cent|per \\d+|times|fold)',
    '(?:in|since|by|from) (?:19|20)\\d\\d',
    '(?:n ?= ?\\d+|\\d[\\d,]* (?:participants|patients|subjects|respondents|adults|children|people|cases))',
    'according to (?:the )?[A-Z][\\w-]+(?: [A-Z][\\w-]+)*',
    '(?:see|source|sources|ref|reference|cited in):',
  ].join('|'),
  'g',
  false,
);

/** "because/since/the reason is": a stated argument, for moves that need a reason, not a source. */
const REASON = compilePattern(
  "\\b(?:because|since|the reason is|given that|as shown by|for example|for instance|e\\.g\\.|which means|that's why|the data|the evidence)\\b",
  'gi',
  false,
);

const HEDGE = compilePattern(`\\b(?:${HEDGES.join('|')})\\b`, 'gi', false);

function has(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}

/**
 * Support for one move given the text around it (the holding sentence plus the next one).
 * `requested` is decided by the caller from the user's turn, never from the reply.
 */
export function supportFor(check: SupportCheck, window: string, requested: boolean): Support {
  if (requested) return 'requested';
  if (check === 'none') return 'unsupported';
  if (check === 'evidence' && has(EVIDENCE, window)) return 'supported';
  if (check === 'reason' && (has(REASON, window) || has(EVIDENCE, window))) return 'supported';
  if (has(HEDGE, window)) return 'weak';
  return 'unsupported';
}
