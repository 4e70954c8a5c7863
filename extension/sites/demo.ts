// The Unspun demo chat page served by the proxy at /demo (proxy/pages/demo.html). Shaped like a
// real site: turn containers with data-turn / data-message-id and a data-streaming flag.
import { extractText } from './extract.ts';
import { isUnspunElement, queryAllFirst, queryFirst } from './query.ts';
import { defineSiteAdapter, type ParsedTurn } from './types.ts';

const selectors = {
  thread: ['[data-thread]', 'main#chat .thread'],
  turn: ['[data-turn][data-message-id]', 'article.turn'],
  body: ['[data-message-body]', '.markdown', '.bubble'],
} as const;

export const demo = defineSiteAdapter({
  id: 'demo',
  name: 'Unspun demo chat',
  matches: ['http://127.0.0.1/demo*', 'http://localhost/demo*'],
  selectors,
  // The demo page shows a composer bar but has no box to type in: "Ask for it" copies instead.
  composer: { kind: 'textarea', selectors: ['[data-composer] textarea', 'textarea#composer-input'] },
  conversationId(url, doc) {
    const fromUrl = url.searchParams.get('c');
    if (fromUrl) return fromUrl;
    return doc.querySelector('[data-conversation-id]')?.getAttribute('data-conversation-id') || null;
  },
  parse(thread) {
    const turns: ParsedTurn[] = [];
    for (const element of queryAllFirst(thread, selectors.turn)) {
      const role = element.getAttribute('data-turn');
      const id = element.getAttribute('data-message-id');
      if ((role !== 'user' && role !== 'assistant') || !id) continue;
      const body = queryFirst(element, selectors.body) ?? element;
      const textMap = extractText<Node>(body, { skip: isUnspunElement });
      turns.push({ role, id, element, body, text: textMap.text, textMap });
    }
    return turns;
  },
  doneAttributes: ['data-streaming'],
  isDone(turn) {
    const flag = turn.getAttribute('data-streaming');
    if (flag === 'true') return false;
    if (flag === 'false') return true;
    return undefined;
  },
});
