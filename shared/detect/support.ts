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
    '\\b(?:journal|proceedings|lancet|bmj|jama|nejm|cochrane|meta-analysis|systematic review|randomi[sz]ed (?:controlled )?trial|peer-reviewed|survey of \\d)',
    '\\d+(?:[.,]\\d+)? ?(?:%|percent|per cent|per \\d+|times|fold)',
    '\\b(?:in|since|by|from|of) (?:19|20)\\d\\d\\b',
    '\\b(?:19|20)\\d\\d (?:study|review|report|survey|trial|paper|analysis|census)',
    '\\b(?:n ?= ?\\d+|\\d[\\d,]* (?:participants|patients|subjects|respondents|adults|children|people|cases|trials|studies))',
    '\\b(?:see|source|sources|ref|reference|cited in):',
  ].join('|'),
  'gi',
  false,
);

/** Named sources: case matters here (an acronym, a capitalised name). */
const NAMED_SOURCE = compilePattern(
  [
    '\\([A-Z][A-Za-z-]+(?: et al\\.?| and [A-Z][A-Za-z-]+)?,? (?:19|20)\\d\\d[a-z]?\\)',
    '\\b[A-Z][A-Za-z-]+ et al\\.?',
    '\\b(?:published|reported|appeared) in (?:the )?[A-Z][\\w&-]+',
    '\\b(?:University|Institute|Department|Ministry|Agency|Bureau|Academy|Foundation|Commission) (?:of|for) [A-Z]\\w+',
    '\\b(?:WHO|CDC|NIH|NHS|FDA|EPA|IPCC|OECD|IMF|UNICEF|NASA|NOAA|BLS|ONS|Pew|Gallup|Eurostat|Nature|Science|Lancet)\\b',
    '\\baccording to (?:the )?[A-Z][\\w-]+',
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
  const checkable = has(EVIDENCE, window) || has(NAMED_SOURCE, window);
  if (check === 'evidence' && checkable) return 'supported';
  if (check === 'reason' && (checkable || has(REASON, window))) return 'supported';
  if (has(HEDGE, window)) return 'weak';
  return 'unsupported';
}
