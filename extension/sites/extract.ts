// Reply text from rendered chat HTML, plus a map from every text offset back to the DOM text
// node it came from, so a flag's [start, end) can become a DOM Range without touching the page.
//
// Written against a minimal node shape (real DOM nodes satisfy it) so it is unit-testable
// without a DOM implementation.

export interface NodeLike {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly nodeValue: string | null;
  readonly childNodes: ArrayLike<NodeLike>;
}

/** A run of output text copied from one text node (verbatim, except a collapsed whitespace run → ' '). */
export interface Segment<N> {
  node: N;
  /** Offset in the node's data. */
  nodeStart: number;
  /** Offset in the extracted text. */
  start: number;
  length: number;
}

export interface TextMap<N> {
  text: string;
  /** Ordered by `start`, non-overlapping. Text between segments is synthetic (newlines, list markers). */
  segments: Segment<N>[];
}

export interface ExtractOptions<N> {
  /** Elements to leave out entirely (our own injected UI, site chrome such as buttons). */
  skip?: (element: N) => boolean;
  /**
   * Elements read as a given text instead of their rendered content (KaTeX → its TeX source).
   * The substitute is synthetic: it maps to no DOM text, so no highlight is drawn on it.
   */
  substitute?: (element: N) => string | null | undefined;
  /**
   * Markdown-faithful output: a `pre` becomes a fenced block (```lang, the language from this
   * callback; '' for none) and tables become `| a | b |` rows with a `| --- |` rule under the head.
   */
  codeLanguage?: (pre: N) => string;
  markdownTables?: boolean;
}

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

const SKIPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'BUTTON', 'SVG', 'svg', 'IFRAME', 'TEXTAREA', 'INPUT', 'SELECT']);
/** Blocks separated by a blank line, as in Markdown. */
const PARAGRAPH_BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'TABLE', 'HR', 'FIGURE', 'DL']);
/** Blocks separated by a single newline. */
const LINE_BLOCKS = new Set([
  'DIV',
  'SECTION',
  'ARTICLE',
  'HEADER',
  'FOOTER',
  'MAIN',
  'ASIDE',
  'NAV',
  'LI',
  'TR',
  'TD',
  'TH',
  'DT',
  'DD',
  'FIGCAPTION',
  'DETAILS',
  'SUMMARY',
  'CAPTION',
]);

export function extractText<N extends NodeLike>(root: N, options: ExtractOptions<N> = {}): TextMap<N> {
  let text = '';
  const segments: Segment<N>[] = [];
  let pendingBreak = 0;
  let pendingSpace: { node: N; offset: number } | null = null;
  let preDepth = 0;
  let listDepth = 0;
  let liDepth = 0;
  let itemMarker = '- ';

  const trailingNewlines = (): number => {
    let n = 0;
    for (let i = text.length - 1; i >= 0 && text[i] === '\n'; i--) n++;
    return n;
  };

  const flush = (): void => {
    if (text.length === 0) {
      pendingBreak = 0;
      pendingSpace = null;
      return;
    }
    if (pendingBreak > 0) {
      const needed = pendingBreak - trailingNewlines();
      if (needed > 0) text += '\n'.repeat(needed);
      pendingBreak = 0;
      pendingSpace = null;
      return;
    }
    if (pendingSpace) {
      const space = pendingSpace;
      pendingSpace = null;
      if (!text.endsWith('\n') && !text.endsWith(' ')) append(space.node, space.offset, ' ');
    }
  };

  const append = (node: N, nodeStart: number, chunk: string): void => {
    const last = segments[segments.length - 1];
    const verbatim = (node.nodeValue ?? '').startsWith(chunk, nodeStart);
    if (verbatim && last && last.node === node && last.nodeStart + last.length === nodeStart && last.start + last.length === text.length) {
      last.length += chunk.length;
    } else {
      segments.push({ node, nodeStart, start: text.length, length: chunk.length });
    }
    text += chunk;
  };

  const synthetic = (chunk: string): void => {
    flush();
    text += chunk;
  };

  const requestBreak = (n: number): void => {
    pendingBreak = Math.max(pendingBreak, n);
  };

  const visitText = (node: N): void => {
    const data = node.nodeValue ?? '';
    if (preDepth > 0) {
      if (data.length === 0) return;
      flush();
      append(node, 0, data);
      return;
    }
    const token = /\s+|\S+/g;
    for (let m = token.exec(data); m; m = token.exec(data)) {
      if (/^\s/.test(m[0])) {
        // Map the collapsed space to a real space in the run when there is one (identity mapping).
        const space = m[0].indexOf(' ');
        pendingSpace ??= { node, offset: m.index + Math.max(0, space) };
      } else {
        flush();
        append(node, m.index, m[0]);
      }
    }
  };

  const visit = (node: N, listKind: 'UL' | 'OL' | null, itemIndex: number): void => {
    if (node.nodeType === TEXT_NODE) {
      visitText(node);
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) return;
    const name = node.nodeName.toUpperCase();
    if (SKIPPED.has(name) || options.skip?.(node)) return;
    const substitute = options.substitute?.(node);
    if (typeof substitute === 'string') {
      if (substitute.startsWith('$$')) {
        requestBreak(2);
        synthetic(substitute);
        requestBreak(2);
      } else {
        flush();
        text += substitute;
      }
      return;
    }
    if (name === 'TABLE' && options.markdownTables) {
      visitTable(node);
      return;
    }
    if (name === 'BR') {
      pendingSpace = null;
      synthetic('\n');
      return;
    }
    const isList = name === 'UL' || name === 'OL';
    // `<li><p>…</p></li>` (ChatGPT, Gemini): a paragraph in a list item stays on the marker's line.
    const inItem = liDepth > 0 && (name === 'P' || name === 'DIV');
    const breakSize = inItem
      ? text.endsWith(itemMarker)
        ? 0
        : 1
      : isList && listDepth > 0
        ? 1
        : PARAGRAPH_BLOCKS.has(name)
          ? 2
          : LINE_BLOCKS.has(name)
            ? 1
            : 0;
    if (breakSize) requestBreak(breakSize);
    if (name === 'LI') {
      itemMarker = listKind === 'OL' ? `${itemIndex}. ` : '- ';
      synthetic(itemMarker);
      liDepth++;
    }
    const fence = name === 'PRE' && options.codeLanguage ? options.codeLanguage(node) : null;
    if (fence !== null) synthetic('```' + fence + '\n');
    if (name === 'PRE') preDepth++;
    if (isList) listDepth++;
    let index = 0;
    const children = node.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as N;
      if (child.nodeType === ELEMENT_NODE && child.nodeName.toUpperCase() === 'LI') index++;
      visit(child, isList ? (name as 'UL' | 'OL') : listKind, index);
    }
    if (isList) listDepth--;
    if (name === 'LI') liDepth--;
    if (name === 'PRE') preDepth--;
    if (fence !== null) {
      if (!text.endsWith('\n')) text += '\n';
      text += '```';
    }
    if (breakSize) requestBreak(breakSize);
  };

  const elementChildren = (node: N): N[] => Array.from(node.childNodes as ArrayLike<N>).filter((c) => c.nodeType === ELEMENT_NODE);
  const rowsOf = (node: N): N[] =>
    elementChildren(node).flatMap((c) => {
      const n = c.nodeName.toUpperCase();
      return n === 'TR' ? [c] : n === 'THEAD' || n === 'TBODY' || n === 'TFOOT' ? rowsOf(c) : [];
    });

  /** A table as Markdown rows; cells are read inline (their block breaks become spaces). */
  const visitTable = (table: N): void => {
    requestBreak(2);
    rowsOf(table).forEach((row, rowIndex) => {
      const cells = elementChildren(row).filter((c) => /^T[DH]$/i.test(c.nodeName));
      if (rowIndex > 0) synthetic('\n');
      synthetic('|');
      for (const cell of cells) {
        synthetic(' ');
        visitInline(cell);
        pendingBreak = 0;
        pendingSpace = null;
        text += ' |';
      }
      if (rowIndex === 0) text += '\n|' + ' --- |'.repeat(Math.max(1, cells.length));
    });
    requestBreak(2);
  };
  const visitInline = (cell: N): void => {
    const children = cell.childNodes;
    for (let i = 0; i < children.length; i++) {
      const child = children[i] as N;
      if (child.nodeType === TEXT_NODE) visitText(child);
      else visit(child, null, 0);
      if (pendingBreak > 0) {
        pendingBreak = 0;
        pendingSpace ??= null;
        if (!text.endsWith(' ') && !text.endsWith('| ')) text += ' ';
      }
    }
  };

  visit(root, null, 0);
  return { text, segments };
}

export interface NodeRange<N> {
  startNode: N;
  startOffset: number;
  endNode: N;
  endOffset: number;
}

/**
 * Maps [start, end) of the extracted text to DOM positions. Synthetic characters at either end
 * (list markers, newlines) are skipped. Null when the span covers no real text.
 */
export function rangeForOffsets<N>(map: TextMap<N>, start: number, end: number): NodeRange<N> | null {
  if (!(end > start) || start < 0) return null;
  const first = map.segments.find((s) => s.start + s.length > start);
  let last: Segment<N> | undefined;
  for (let i = map.segments.length - 1; i >= 0; i--) {
    const s = map.segments[i]!;
    if (s.start < end) {
      last = s;
      break;
    }
  }
  if (!first || !last || first.start >= end || last.start + last.length <= start) return null;
  return {
    startNode: first.node,
    startOffset: first.nodeStart + Math.max(0, start - first.start),
    endNode: last.node,
    endOffset: last.nodeStart + Math.min(end - last.start, last.length),
  };
}

/** Text offset of a DOM position (e.g. from caretPositionFromPoint), or -1 when not in the map. */
export function offsetForNode<N>(map: TextMap<N>, node: N, nodeOffset: number): number {
  for (const s of map.segments) {
    if (s.node === node && nodeOffset >= s.nodeStart && nodeOffset <= s.nodeStart + s.length) {
      return s.start + (nodeOffset - s.nodeStart);
    }
  }
  return -1;
}

/**
 * Several blocks read as one text (a reply whose answer is split over sibling or nested blocks),
 * separated by a blank line; every segment still points at its own text node, so offsets into the
 * joined text map back into whichever block holds them. Empty parts are left out.
 */
export function joinTextMaps<N>(maps: readonly TextMap<N>[], separator = '\n\n'): TextMap<N> {
  let text = '';
  const segments: Segment<N>[] = [];
  for (const map of maps) {
    const trimmedEnd = map.text.replace(/\s+$/, '').length;
    if (trimmedEnd === 0) continue;
    if (text) text += separator;
    const shift = text.length;
    for (const s of map.segments) {
      if (s.start >= trimmedEnd) continue;
      segments.push({ ...s, start: s.start + shift, length: Math.min(s.length, trimmedEnd - s.start) });
    }
    text += map.text.slice(0, trimmedEnd);
  }
  return { text, segments };
}
