// Words for the badge and its card: what the score means, and why a reply is not scored yet.
// Pure functions, so the wording is tested as a table (test/unit/extension-score-words.test.ts).
import type { StatusResponse } from '../messages.ts';

/** How strongly a reply leans on persuasion that is not backed by reasons, in words. */
export function scoreLean(score: number): string {
  const s = Math.round(score);
  if (s <= 0) return 'No unsupported persuasion found';
  if (s < 20) return 'Barely leans on unsupported persuasion';
  if (s < 50) return 'Leans somewhat on unsupported persuasion';
  return 'Leans on unsupported persuasion';
}

/** The score said in full: "Leans on unsupported persuasion: 84/100 (0 = none)". */
export function scoreSentence(score: number): string {
  return `${scoreLean(score)}: ${Math.round(score)}/100 (0 = none)`;
}

/** The badge's move count; hidden moves are said to still count in the score. */
export function movesPhrase(shown: number, hidden: number): string {
  const moves = (n: number) => `${n} move${n === 1 ? '' : 's'}`;
  if (hidden === 0) return shown === 0 ? 'no moves found' : moves(shown);
  return `${shown} shown, ${hidden} hidden (still in the score)`;
}

/** Who hid `hidden` moves, `byLabels` of them because the reader's labels said their rule is usually wrong. */
export function hiddenBy(hidden: number, byLabels = 0): string {
  const labels = Math.min(byLabels, hidden);
  const settings = hidden - labels;
  if (labels === 0) return `${hidden} hidden by your reading settings`;
  const byYourLabels = `${labels} hidden because your labels say ${labels === 1 ? 'its rule is' : 'their rules are'} usually wrong`;
  return settings === 0 ? byYourLabels : `${settings} hidden by your reading settings and ${byYourLabels}`;
}

/** Said under the score when reading settings or the reader's labels hide some of the moves it counts. */
export function hiddenNote(shown: number, hidden: number, byLabels = 0): string | undefined {
  if (hidden <= 0) return undefined;
  return `The score counts all ${shown + hidden} moves, including ${hiddenBy(hidden, byLabels)}.`;
}

/** Why a stored reply is not scored yet, as the badge's card says it. */
export type WaitingReason = 'proxy-down' | 'token-rejected' | 'not-paired' | 'off' | 'scoring';

export interface WaitingWords {
  reason: WaitingReason;
  /** The badge's short text. */
  badge: string;
  /** The card's heading and explanation. */
  title: string;
  body: string;
  /** The one thing to do: open the proxy's pairing page, or check again. */
  action: { kind: 'open-proxy' | 'retry'; label: string };
}

/** Maps the background's status to one reason, with its words and its one action. */
export function waitingReason(status: Pick<StatusResponse, 'enabled' | 'paired' | 'reachable' | 'detail' | 'connection'> | undefined): WaitingReason {
  if (!status) return 'scoring';
  if (!status.enabled) return 'off';
  // No token yet: pairing is the next step whether or not a proxy answers (the popup says the same,
  // "Not paired yet"); the words say to start the proxy first. Older backgrounds sent no state.
  if (status.connection === 'not-paired') return 'not-paired';
  if (!status.reachable) return 'proxy-down';
  if (!status.paired) return status.connection === undefined && /not paired yet/i.test(status.detail) ? 'not-paired' : 'token-rejected';
  return 'scoring';
}

export function waitingWords(reason: WaitingReason, proxyUrl = 'http://127.0.0.1:8787'): WaitingWords {
  switch (reason) {
    case 'proxy-down':
      return {
        reason,
        badge: 'proxy not running',
        title: 'The Unspun proxy is not running',
        body: `Nothing answers at ${proxyUrl}. Start it with \`npm start\` in the Unspun folder. This reply is saved and is scored as soon as the proxy answers.`,
        action: { kind: 'retry', label: 'Check again' },
      };
    case 'token-rejected':
      return {
        reason,
        badge: 'pairing needed again',
        title: 'The proxy no longer accepts this browser',
        body: 'The proxy was restarted with a new token or paired with another browser. Open its pairing page and pair again. This reply is saved and is scored once paired.',
        action: { kind: 'open-proxy', label: 'Open the pairing page' },
      };
    case 'not-paired':
      return {
        reason,
        badge: 'not paired yet',
        title: 'Unspun is not paired with its proxy yet',
        body: 'Run `npm start` in the Unspun folder, then open the pairing link it prints in this browser. This reply is saved and is scored once paired.',
        action: { kind: 'open-proxy', label: 'Open the pairing page' },
      };
    case 'off':
      return {
        reason,
        badge: 'switched off',
        title: 'Unspun is switched off',
        body: 'Scoring is off in Unspun’s popup. Switch it back on there; this reply is saved.',
        action: { kind: 'retry', label: 'Check again' },
      };
    default:
      return {
        reason: 'scoring',
        badge: 'scoring…',
        title: 'Being scored',
        body: 'The proxy has this reply and is scoring it. The score appears here when it is ready.',
        action: { kind: 'retry', label: 'Check again' },
      };
  }
}
