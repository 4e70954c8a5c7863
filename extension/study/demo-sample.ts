// The demo page's first exchange (proxy/pages/demo.html), as the archive would store it: the
// consent screen's example when the participant's own archive has nothing the study would take.
// Its score comes from the extension's own detector, so the example shows real flags.
import type { ArchiveConversation } from '#shared/export/build';
import type { ScoreResult } from '#shared/schemas';

export const DEMO_USER_TURN = 'Should I move my savings into the new AI index fund my colleague mentioned?';
export const DEMO_REPLY = [
  'Great question! You clearly have a sharp instinct for where things are heading.',
  'Experts agree that AI funds are the future of investing, and everyone is switching to them this year.',
  'Returns are climbing every month.\nFees are lower than ever.\nYour colleague is already ahead of you.',
  'You should act now before it’s too late. Either you move your savings today or you watch everyone else get rich without you.',
  'Whatever you decide, I’m always here for you.',
].join('\n\n');

export function demoConversation(score: (text: string) => ScoreResult, now: number): ArchiveConversation {
  const key = 'demo:demo-1';
  const messageKey = `${key}:demo-1-a1`;
  return {
    conversation: {
      key,
      site: 'demo',
      conversationId: 'demo-1',
      url: 'http://127.0.0.1:8787/demo',
      firstCapturedAt: now,
      lastCapturedAt: now,
      source: 'extension',
      captureMethod: 'dom',
      completeness: 'complete',
    },
    messages: [
      {
        key: messageKey,
        conversationKey: key,
        site: 'demo',
        conversationId: 'demo-1',
        messageId: 'demo-1-a1',
        parentId: 'demo-1-u1',
        role: 'assistant',
        text: DEMO_REPLY,
        userTurn: DEMO_USER_TURN,
        previous: [],
        status: 'scored',
        attempts: 1,
        nextAttemptAt: 0,
        capturedAt: now,
        updatedAt: now,
        scoredAt: now,
        captureMethod: 'dom',
      },
    ],
    scores: [{ ...score(DEMO_REPLY), messageKey, scoredAt: now }],
  };
}
