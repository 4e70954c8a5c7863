// Person names for redaction, found with compromise's full build (`.people()`). The tokenizer-only
// build the detector uses has no tagger, and loading the full build into a JS realm makes the
// detector's tokenizer there ~20x slower (measured: 5 ms -> 107 ms per 4 KB reply; STACK.md says 9x).
// So nothing here imports compromise at module load: the caller passes the nlp function, or calls
// loadNameFinder() (a lazy import) in a realm that does not run the detector: a worker thread in
// the convert CLI, the dashboard page in the extension (the detector runs in other pages).

export interface NameSpan {
  start: number;
  end: number;
}

interface TermJson {
  offset?: { start: number; length: number };
}
interface PeopleView {
  json(options: unknown): { terms?: TermJson[] }[];
}
export type NlpFunction = (text: string) => { people(): PeopleView };

/** Texts longer than this are cut into paragraphs before tagging, so one huge text stays cheap. */
const MAX_PIECE = 20_000;

/** Spans (UTF-16 offsets) of person names compromise finds in `text`, plus names after a cue (findCuedNames). */
export function findNames(nlp: NlpFunction, text: string): NameSpan[] {
  const spans: NameSpan[] = findCuedNames(text);
  for (const piece of pieces(text)) {
    const people = nlp(piece.text)
      .people()
      .json({ offset: true, terms: { offset: true } });
    for (const person of people) {
      const terms = (person.terms ?? []).filter((t) => t.offset && t.offset.length > 0);
      const first = terms[0]?.offset;
      const last = terms[terms.length - 1]?.offset;
      if (!first || !last) continue;
      const start = piece.start + first.start;
      const end = piece.start + last.start + last.length;
      // A name has a capital letter; compromise sometimes tags lowercase words ("will", "may").
      if (end > start && /\p{Lu}/u.test(text.slice(start, end))) spans.push({ start, end });
    }
  }
  return spans;
}

// Names compromise misses ("My boss Linda Park says ...") often follow a cue: a greeting, a title,
// a relation, "my name is". One or two capitalised words after such a cue are taken as a name.
const CUE = String.raw`(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Cheers|Mr\.?|Mrs\.?|Ms\.?|Mx\.?|Dr\.?|Prof\.?|(?:[Mm]y|[Oo]ur|[Hh]is|[Hh]er|[Tt]heir) (?:boss|manager|wife|husband|partner|boyfriend|girlfriend|friend|son|daughter|mother|father|mom|mum|dad|brother|sister|colleague|coworker|co-worker|landlord|landlady|doctor|therapist|teacher|lawyer|neighbou?r|ex|name is)|named|called|[Nn]ame is|I am|I'm)`;
const NAME_WORD = String.raw`\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}?[\p{Ll}'’]+)*`;
const CUED_NAME_RE = new RegExp(String.raw`\b${CUE},?\s+(${NAME_WORD}(?:\s+${NAME_WORD})?)`, 'gu');

/** Capitalised words that follow cues but are not names ("I'm Sorry", "Hi There", "Dear Sir"). */
const NOT_NAMES = new Set(
  'Sir Madam All Everyone There Team Sorry Happy Glad Sure Not Just Going Thinking Trying Looking Here Still Also Very So Really Afraid Excited Writing Reaching Curious New Back Done Fine Well Good Great Okay Ok Thanks Thank Again Friend Friends Guys Folks'.split(
    ' ',
  ),
);

/** Names that follow a cue, found with a regex (no tagger needed). */
export function findCuedNames(text: string): NameSpan[] {
  const spans: NameSpan[] = [];
  CUED_NAME_RE.lastIndex = 0;
  for (let m = CUED_NAME_RE.exec(text); m !== null; m = CUED_NAME_RE.exec(text)) {
    const words = m[1]!.split(/\s+/);
    // Keep the leading words that are not on the stop list: "Dear Mark Thanks" -> "Mark".
    const kept: string[] = [];
    for (const word of words) {
      if (NOT_NAMES.has(word)) break;
      kept.push(word);
    }
    if (kept.length === 0) continue;
    const start = m.index + m[0].length - m[1]!.length;
    const name = text.slice(start).match(new RegExp(kept.map(escapeRegExp).join(String.raw`\s+`)))!;
    spans.push({ start, end: start + name[0].length });
  }
  return spans;
}

/**
 * A name found once is redacted everywhere in the same conversation: each found name, and each of
 * its capitalised words of 3+ letters ("Mark Stevens" also hides a later "Dear Mark"), wherever it
 * stands as a whole word in any of the texts. Returns the spans per text, found ones included.
 */
export function spreadNames(texts: readonly string[], found: readonly (readonly NameSpan[])[]): NameSpan[][] {
  const names = new Set<string>();
  texts.forEach((text, i) => {
    for (const span of found[i] ?? []) {
      const name = text.slice(span.start, span.end).trim();
      if (name.length < 2) continue;
      names.add(name);
      for (const word of name.split(/\s+/)) if (word.length >= 3 && /^\p{Lu}/u.test(word) && !NOT_NAMES.has(word) && !/\.$/.test(word)) names.add(word);
    }
  });
  if (names.size === 0) return texts.map((_, i) => [...(found[i] ?? [])]);
  const sorted = [...names].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const re = new RegExp(String.raw`(?<![\p{L}\p{N}_])(?:${sorted.join('|')})(?![\p{L}\p{N}_])`, 'gu');
  return texts.map((text, i) => {
    const spans = [...(found[i] ?? [])];
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) spans.push({ start: m.index, end: m.index + m[0].length });
    return spans;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function pieces(text: string): { start: number; text: string }[] {
  if (text.length <= MAX_PIECE) return [{ start: 0, text }];
  const out: { start: number; text: string }[] = [];
  const re = /\n\s*\n/g;
  let from = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push({ start: from, text: text.slice(from, m.index) });
    from = m.index + m[0].length;
  }
  out.push({ start: from, text: text.slice(from) });
  return out;
}

/** Imports the full compromise build on first use. Do not call in a realm that runs the detector. */
export async function loadNameFinder(): Promise<(text: string) => NameSpan[]> {
  const nlp = (await import('compromise')).default as unknown as NlpFunction;
  return (text) => findNames(nlp, text);
}
