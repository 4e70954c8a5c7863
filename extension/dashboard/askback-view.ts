// "Did asking help?" on the Models tab: how often a question from "Ask for it" was asked, and how
// often the answer came with more support (askback-data.ts). Reads the newest ASK_REPLY_LIMIT
// replies and their primary scores.
import type { MessageRecord } from '#shared/records';
import type { UnspunDb } from '../db/schema.ts';
import { h } from '../ui/dom.ts';
import { moveName } from '../ui/move-names.ts';
import { type AskReply, summarizeAsks } from './askback-data.ts';
import { plural } from './export-pipeline.ts';

export const ASK_REPLY_LIMIT = 5_000;

/** The newest replies, grouped by conversation, oldest first within each, with their flags. */
export async function askConversations(db: UnspunDb, limit = ASK_REPLY_LIMIT): Promise<AskReply[][]> {
  const messages: MessageRecord[] = await db.messages.orderBy('capturedAt').reverse().limit(limit).toArray();
  const scores = await db.scores.bulkGet(messages.map((m) => m.key));
  const byConversation = new Map<string, { at: number; reply: AskReply }[]>();
  messages.forEach((m, i) => {
    const list = byConversation.get(m.conversationKey) ?? [];
    list.push({ at: m.capturedAt, reply: { key: m.key, userTurn: m.userTurn, flags: scores[i]?.flags, claims: scores[i]?.claims } });
    byConversation.set(m.conversationKey, list);
  });
  return [...byConversation.values()].map((list) => list.sort((a, b) => a.at - b.at).map((x) => x.reply));
}

const percent = (part: number, whole: number) => (whole === 0 ? '–' : `${Math.round((part / whole) * 100)}%`);

export async function mountAskSummary(box: HTMLElement, db: UnspunDb): Promise<void> {
  const summary = summarizeAsks(await askConversations(db));
  box.dataset.asked = String(summary.asked);
  box.dataset.gotSupport = String(summary.gotSupport);
  if (summary.asked === 0) {
    box.replaceChildren(
      h('h3', { text: 'Did asking help?' }),
      h('p', {
        class: 'muted',
        text: 'No follow-up questions asked yet. On a flag that is not backed up, “Ask for it” puts a question in the chat box; once you send it, this counts whether the answer came with more support.',
      }),
    );
    return;
  }
  box.replaceChildren(
    h('h3', { text: 'Did asking help?' }),
    h('p', {}, [
      h('strong', {
        text: `${summary.gotSupport} of ${plural(summary.answered, 'answer')} came with more support (${percent(summary.gotSupport, summary.answered)})`,
      }),
      h('span', {
        class: 'muted',
        text: ` · ${plural(summary.asked, 'question')} asked${summary.asked > summary.answered ? `, ${summary.asked - summary.answered} not scored yet` : ''}`,
      }),
    ]),
    h('p', {
      class: 'muted',
      text: 'An answer counts as more support when it has fewer weak or unsupported flags of the move you asked about than the reply you asked about, and at least one claim backed by a source, a link, a number or a reason (when its score lists claims).',
    }),
    h(
      'ul',
      {},
      summary.outcomes.slice(-5).map((o) =>
        h('li', {}, [
          h('span', { text: `${moveName(o.move)}: “${o.question}” → ` }),
          h('span', {
            class: o.gotSupport ? 'verdict-down' : 'verdict-same',
            text: !o.scored
              ? 'not scored yet'
              : o.gotSupport
                ? `more support (${o.before} → ${o.after})`
                : `no more support (${o.before} → ${o.after}${o.backedClaims === 0 ? ', no backed claim' : ''})`,
          }),
        ]),
      ),
    ),
  );
}
