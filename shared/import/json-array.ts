// Splits a top-level JSON array into its elements' text as the chunks arrive, so a data export of
// hundreds of MB (ChatGPT's conversations.json) is parsed one conversation at a time: memory is
// bounded by the largest conversation, not the file. Works on any async iterable of strings (a
// Node read stream with setEncoding, or a browser File's stream through TextDecoderStream).

export class JsonArrayError extends Error {
  override name = 'JsonArrayError';
}

export interface ArrayElement {
  /** 0-based position in the array. */
  index: number;
  /** The element's JSON text, to JSON.parse (a broken element fails alone). */
  text: string;
}

/** Far above any real conversation; stops one runaway element eating memory. */
export const DEFAULT_MAX_ELEMENT_CHARS = 512 * 1024 * 1024;

export async function* splitJsonArray(
  chunks: AsyncIterable<string> | Iterable<string>,
  maxElementChars = DEFAULT_MAX_ELEMENT_CHARS,
): AsyncGenerator<ArrayElement> {
  let state: 'before' | 'between' | 'element' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let partsLength = 0;
  let index = 0;
  let sawComma = true;
  let position = 0;

  for await (const chunk of chunks) {
    let elementFrom = state === 'element' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (state === 'element') {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
          continue;
        }
        if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          if (depth === 0) {
            // the array's own closing bracket
            parts.push(chunk.slice(elementFrom, i));
            const text = parts.join('').trim();
            parts = [];
            partsLength = 0;
            state = 'after';
            yield { index: index++, text };
            continue;
          }
          depth--;
        } else if (ch === ',' && depth === 0) {
          parts.push(chunk.slice(elementFrom, i));
          // The pieces are dropped before the yield: the element is held once, not twice.
          const text = parts.join('').trim();
          parts = [];
          partsLength = 0;
          state = 'between';
          sawComma = true;
          yield { index: index++, text };
        }
        continue;
      }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\uFEFF') continue;
      if (state === 'before') {
        if (ch === 'P' && chunk[i + 1] === 'K') throw new JsonArrayError('this is a ZIP archive: unzip it and give the conversations.json inside');
        if (ch !== '[') throw new JsonArrayError(`expected the file to be a JSON array ("[" first), found ${JSON.stringify(ch)} at character ${position + i}`);
        state = 'between';
        sawComma = true;
        continue;
      }
      if (state === 'between') {
        if (ch === ']') {
          if (!sawComma || index === 0) {
            state = 'after';
            continue;
          }
          throw new JsonArrayError(`trailing comma before "]" at character ${position + i}`);
        }
        if (ch === ',') {
          if (sawComma) throw new JsonArrayError(`empty element at character ${position + i}`);
          sawComma = true;
          continue;
        }
        state = 'element';
        sawComma = false;
        elementFrom = i;
        depth = 0;
        inString = false;
        escaped = false;
        i--; // read this character again as the element's first
        continue;
      }
      // after the closing bracket: only whitespace may follow
      throw new JsonArrayError(`unexpected ${JSON.stringify(ch)} after the end of the array at character ${position + i}`);
    }
    if (state === 'element') {
      const rest = chunk.slice(elementFrom);
      parts.push(rest);
      partsLength += rest.length;
      if (partsLength > maxElementChars) throw new JsonArrayError(`element ${index} is longer than ${maxElementChars} characters`);
    }
    position += chunk.length;
  }
  if (state === 'before') throw new JsonArrayError('the file is empty: expected a JSON array');
  if ((state as string) !== 'after') {
    throw new JsonArrayError(`the file ends inside the array, in element ${index}: it is truncated, or that element's brackets do not balance`);
  }
}
