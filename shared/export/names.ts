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

/** Spans (UTF-16 offsets) of person names compromise finds in `text`. */
export function findNames(nlp: NlpFunction, text: string): NameSpan[] {
  const spans: NameSpan[] = [];
  for (const piece of pieces(text)) {
    const people = nlp(piece.text).people().json({ offset: true, terms: { offset: true } });
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
