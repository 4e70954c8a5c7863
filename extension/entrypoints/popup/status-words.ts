// The popup's first lines: each connection state gets its own words and one action, so "not paired
// yet", "the proxy isn't running" and "the token was rejected" no longer look alike. Pure, so a
// table test pins every state's words (test/unit/popup-status-words.test.ts).
import type { ConnectionState } from '../../messages.ts';

export interface PopupWords {
  /** One short sentence: what is the matter. */
  headline: string;
  /** The one thing to do about it (empty when nothing is needed). */
  action: string;
  tone: 'ok' | 'bad' | 'wait';
  /** Offer the "Settings" link as the place to act (the address is wrong). */
  settings?: boolean;
}

export interface PopupStatus {
  enabled: boolean;
  connection: ConnectionState;
  proxyUrl: string;
  proxyVersion?: string;
  /** The background's own detail, shown only for states without words of their own. */
  detail?: string;
}

export function popupWords(s: PopupStatus): PopupWords {
  if (!s.enabled)
    return { headline: 'Switched off: no moves are shown on chat pages.', action: 'Tick “Show persuasive moves” below to switch it back on.', tone: 'bad' };
  switch (s.connection) {
    case 'ok':
      return {
        headline: `Paired with the Unspun proxy${s.proxyVersion ? ` ${s.proxyVersion}` : ''} at ${s.proxyUrl}.`,
        action: 'Replies on supported chat sites are scored as they arrive.',
        tone: 'ok',
      };
    case 'not-paired':
      return {
        headline: 'Not paired yet.',
        action: 'Run npm start in the Unspun folder, then open the pairing link it prints in this browser.',
        tone: 'wait',
      };
    case 'proxy-down':
      return {
        headline: `The Unspun proxy isn’t running (not reachable at ${s.proxyUrl}).`,
        action: 'Start it with npm start in the Unspun folder. Replies are kept and scored when it is back.',
        tone: 'bad',
      };
    case 'token-rejected':
      return {
        headline: 'The proxy rejected this extension’s token.',
        action: 'Open the pairing link again: npm start prints it in its terminal. Replies are kept until then.',
        tone: 'bad',
      };
    case 'other-install':
      return {
        headline: 'The proxy is paired with another browser or Unspun install.',
        action: 'To use it here, open the pairing link it printed in this browser. Replies are kept until then.',
        tone: 'bad',
      };
    case 'not-unspun':
      return {
        headline: `Something other than the Unspun proxy answers at ${s.proxyUrl}.`,
        action: 'Check the proxy address in Settings, or open the pairing link npm start prints.',
        tone: 'bad',
        settings: true,
      };
    case 'error':
      return { headline: 'The proxy answered with an error.', action: s.detail ?? 'See the proxy’s terminal for what went wrong.', tone: 'bad' };
  }
}
