// Line-by-line plumbing for the score CLI: memory stays bounded by the longest line (plus the
// replies in flight), however big the file.

export interface NumberedLine {
  /** 1-based, counting blank lines too, so errors point at the right line in an editor. */
  number: number;
  text: string;
  /** Set (and text left empty) when the line was longer than maxLineChars and was skipped unread. */
  tooLong?: true;
}

/** Far above any valid input line (a 200k-char reply plus context); stops one runaway line eating memory. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024 * 1024;

/** Splits a stream of text chunks into lines (LF or CRLF), without holding more than one line. */
export async function* splitLines(chunks: AsyncIterable<string>, maxLineChars = DEFAULT_MAX_LINE_CHARS): AsyncGenerator<NumberedLine> {
  let pending = '';
  let number = 0;
  let skipping = false;
  for await (const chunk of chunks) {
    pending += chunk;
    let from = 0;
    let newline: number;
    while ((newline = pending.indexOf('\n', from)) >= 0) {
      number++;
      if (skipping || newline - from > maxLineChars) yield { number, text: '', tooLong: true };
      else yield { number, text: stripCr(pending.slice(from, newline)) };
      skipping = false;
      from = newline + 1;
    }
    pending = pending.slice(from);
    if (pending.length > maxLineChars) {
      // Drop what we have of this line and remember to report it when its end arrives.
      skipping = true;
      pending = '';
    }
  }
  if (skipping) yield { number: ++number, text: '', tooLong: true };
  else if (pending.length > 0) yield { number: ++number, text: stripCr(pending) };
}

/** Re-emits chunks already read ahead of the rest of the stream. */
export async function* prepend(first: readonly string[], rest: AsyncIterator<string>): AsyncGenerator<string> {
  yield* first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

/**
 * Runs `work` on items with up to `concurrency` in flight and hands results to `emit` in input
 * order, so output order never depends on which reply finished first.
 */
export async function orderedPool<T, R>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
  emit: (result: R) => Promise<void> | void,
): Promise<void> {
  const inFlight: Promise<R>[] = [];
  for await (const item of items) {
    inFlight.push(work(item));
    if (inFlight.length >= concurrency) await emit(await inFlight.shift()!);
  }
  while (inFlight.length > 0) await emit(await inFlight.shift()!);
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
