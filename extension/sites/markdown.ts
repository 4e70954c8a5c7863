// Reads a rendered chat reply back as Markdown-faithful text: fenced code blocks with their
// language, tables as rows, math as its TeX source (never the three renderings KaTeX draws), and
// none of the site's chrome (copy buttons, code headers, screen-reader labels, our own UI).
import { extractText, joinTextMaps, type TextMap } from './extract.ts';
import { isUnspunElement } from './query.ts';
import { outermost } from './turns.ts';

export interface ReadOptions {
  /** Site chrome inside the body to leave out (e.g. a code block's language header). */
  skip?: readonly string[];
}

/** Hidden from readers, so not content: screen-reader-only labels, aria-hidden KaTeX HTML. */
const ALWAYS_SKIP = [
  '[aria-hidden="true"]',
  '.sr-only',
  '[hidden]',
  // A code block's header (language label, copy button) drawn inside its <pre>, around the <code>.
  'pre:has(code) :not(code, code *, :has(code))',
];

const TEX = 'annotation[encoding="application/x-tex"]';

function texOf(element: Element): string | null {
  // Gemini keeps the source in data-math on the math container.
  const dataMath = element.getAttribute('data-math');
  if (dataMath !== null) {
    const display = element.classList.contains('math-block') || element.tagName === 'DIV';
    return display ? `$$${dataMath}$$` : `$${dataMath}$`;
  }
  // KaTeX (ChatGPT, Claude, Le Chat): MathML with the TeX in an annotation.
  if (element.classList.contains('katex') || element.tagName.toLowerCase() === 'math') {
    const annotation = element.querySelector(TEX);
    if (!annotation) return null;
    const tex = (annotation.textContent ?? '').trim();
    const display = element.closest('.katex-display') !== null || element.getAttribute('display') === 'block';
    return display ? `$$${tex}$$` : `$${tex}$`;
  }
  return null;
}

function languageOf(pre: Element): string {
  const code = pre.querySelector('code');
  const fromClass = code && Array.from(code.classList).find((c) => c.startsWith('language-'));
  if (fromClass) return fromClass.slice('language-'.length);
  return pre.getAttribute('data-language') ?? code?.getAttribute('data-language') ?? '';
}

export function readMarkdown(body: Element, options: ReadOptions = {}): TextMap<Node> {
  const skip = [...ALWAYS_SKIP, ...(options.skip ?? [])].join(', ');
  return extractText<Node>(body, {
    skip: (node) => isUnspunElement(node) || (node.nodeType === 1 && (node as Element).matches(skip)),
    substitute: (node) => (node.nodeType === 1 ? texOf(node as Element) : null),
    codeLanguage: (pre) => languageOf(pre as Element),
    markdownTables: true,
  });
}

/**
 * A reply read from every block that holds it: the first selector of `selectors` (most stable
 * first) that matches inside `scope`, all its outermost matches, read in document order and
 * joined. A reply split over sibling or nested blocks (answer parts, text around a tool card)
 * is read whole, and offsets map back into whichever block holds them. Null when nothing matches.
 */
export function readBlocks(scope: Element, selectors: readonly string[], options: ReadOptions = {}): { body: Element; textMap: TextMap<Node> } | null {
  const skip = [...ALWAYS_SKIP, ...(options.skip ?? [])].join(', ');
  // A block inside chrome is not the reply, even when it looks like one: thinking rendered by the
  // same markdown component as the answer (Gemini's model-thoughts), a reasoning part (Le Chat).
  const inChrome = (block: Element): boolean => {
    const chrome = block.closest(skip);
    return chrome !== null && chrome !== scope && scope.contains(chrome);
  };
  for (const selector of selectors) {
    const found = Array.from(scope.querySelectorAll(selector)).filter((block) => !inChrome(block));
    if (scope.matches(selector)) found.unshift(scope);
    const blocks = outermost(found);
    if (blocks.length === 0) continue;
    const maps = blocks.map((block) => readMarkdown(block, options));
    return { body: blocks[maps.findIndex((m) => m.text.trim() !== '')] ?? blocks[0]!, textMap: maps.length === 1 ? maps[0]! : joinTextMaps(maps) };
  }
  return null;
}
