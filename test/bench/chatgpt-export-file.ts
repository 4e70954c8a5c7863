// Writes a synthetic ChatGPT data export (conversations.json) for the convert bench and the
// convert tests: `conversations` conversations of `messages` messages each (user and assistant
// alternating, one linear branch), streamed to disk so a 100k-message file never sits in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

const REPLIES = [
  'Great question! Everyone agrees this is the only way forward, so you should act now before it is too late.',
  'The report lists three causes and cites its sources: the 2023 census, a Lancet review and the city budget.',
  'You are clearly smarter than most people who ask this. Experts say the answer is obvious.',
  'Either you switch today or you lose everything you have built. There is no middle ground here.',
];

function node(id: string, parent: string | null, child: string | null, role: string, text: string, time: number): string {
  return `${JSON.stringify(id)}:${JSON.stringify({
    id,
    message: {
      id,
      author: { role, name: null, metadata: {} },
      create_time: time,
      content: { content_type: 'text', parts: [text] },
      status: 'finished_successfully',
      metadata: {},
      recipient: 'all',
    },
    parent,
    children: child ? [child] : [],
  })}`;
}

export async function writeChatgptExport(path: string, options: { conversations: number; messages: number }): Promise<{ bytes: number; messages: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('[');
  for (let c = 0; c < options.conversations; c++) {
    const base = 1_732_260_000 + c * 100_000;
    await write(
      `${c ? ',' : ''}{"title":"Long chat ${c}","create_time":${base},"update_time":${base + options.messages},"conversation_id":"conv-${c}","current_node":"m${options.messages - 1}","mapping":{`,
    );
    for (let m = 0; m < options.messages; m++) {
      const user = m % 2 === 0;
      const text = user ? `Question ${m}: what should I do about plan ${m % 97}?` : `${REPLIES[m % REPLIES.length]} (${m})`;
      await write(
        `${m ? ',' : ''}${node(`m${m}`, m ? `m${m - 1}` : null, m + 1 < options.messages ? `m${m + 1}` : null, user ? 'user' : 'assistant', text, base + m)}`,
      );
    }
    await write('}}');
  }
  await write(']\n');
  out.end();
  await finished(out);
  return { bytes, messages: options.conversations * options.messages };
}
