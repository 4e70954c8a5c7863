// Drift detection for one site adapter on one page. Chat sites redesign without notice; when our
// selectors stop matching, or match the wrong thing, we must say so (popup) and capture nothing,
// rather than store and score garbage.
//
// Checks, each given `graceMs` after page load / navigation to settle (pages render late):
// - thread-missing:  a conversation page, and no `thread` selector matches;
// - turns-missing:   the thread is there, and no `turn` selector matches;
// - body-missing:    turns are there, and the adapter reads none of them (its `body` selectors fail);
// - empty-reply:     the site says a reply is finished, and we read no text from it;
// - chrome-captured: a finished reply's text is site chrome ("ChatGPT said:"): sticky for the page's life.
// Pure (time is passed in), so it is unit-tested without a DOM.

export type HealthCheck = 'thread-missing' | 'turns-missing' | 'body-missing' | 'empty-reply' | 'chrome-captured';
export type HealthState = 'healthy' | 'unhealthy';

const REASONS: Record<HealthCheck, string> = {
  'thread-missing': 'The conversation container was not found on this page: the site has probably changed its layout.',
  'turns-missing': 'No messages were found in the conversation: the site has probably changed its layout.',
  'body-missing': 'Messages were found but their text could not be read: the site has probably changed its layout.',
  'empty-reply': 'A finished reply read as empty: the site has probably changed its layout.',
  'chrome-captured': 'The page’s own labels were read as reply text: the site has probably changed its layout.',
};

export interface SiteHealthOptions {
  report(state: HealthState, check?: HealthCheck, reason?: string): void;
  graceMs?: number;
  now?: number;
}

/** Whether a reply's text, or its first line, is the site's own chrome ("ChatGPT said:"). */
export function readsAsChrome(text: string, chromeText: readonly RegExp[]): boolean {
  const trimmed = text.trim();
  const firstLine = trimmed.split('\n')[0]!.trim();
  return chromeText.some((re) => re.test(trimmed) || re.test(firstLine));
}

export function createSiteHealth({ report, graceMs = 10_000, now = Date.now() }: SiteHealthOptions) {
  let since = now;
  let state: HealthState | 'unknown' = 'unknown';
  let sticky: HealthCheck | null = null;
  /** A problem seen, not yet for long enough to call: the check and when it was first seen. */
  let pending: { check: HealthCheck; at: number } | null = null;
  let threadSeen = false;

  const set = (next: HealthState, check?: HealthCheck): void => {
    if (next === state) return;
    state = next;
    report(next, check, check ? REASONS[check] : undefined);
  };
  const problem = (check: HealthCheck, at: number): void => {
    if (!pending || pending.check !== check) pending = { check, at };
    evaluate(at);
  };
  const evaluate = (at: number): void => {
    if (sticky) return;
    // Both the page's settling time and the problem's own age must pass.
    if (pending && at - since >= graceMs && at - pending.at >= Math.min(graceMs, 2_000)) set('unhealthy', pending.check);
  };
  const fine = (): void => {
    pending = null;
    if (!sticky) set('healthy');
  };

  return {
    threadFound(found: boolean, isConversation: boolean, at: number): void {
      if (found) threadSeen = true;
      else if (isConversation) problem('thread-missing', at);
    },
    /** After a full read: how many elements the turn selector matched, and how many turns were read. */
    turnsRead(turnElements: number, parsed: number, at: number): void {
      threadSeen = true;
      if (turnElements === 0) problem('turns-missing', at);
      else if (parsed === 0) problem('body-missing', at);
      else fine();
    },
    emptyFinishedReply(at: number): void {
      problem('empty-reply', at);
    },
    /** Sanity of a finished reply's text; returns the failed check (then nothing may be sent). */
    checkReply(text: string, chromeText: readonly RegExp[]): HealthCheck | null {
      const trimmed = text.trim();
      const check: HealthCheck | null = trimmed === '' ? 'empty-reply' : readsAsChrome(trimmed, chromeText) ? 'chrome-captured' : null;
      if (check === 'chrome-captured') {
        sticky = check;
        state = 'unknown';
        set('unhealthy', check);
      }
      return check;
    },
    /** Called on the poll timer: turns a lasting problem into "unhealthy". */
    tick(isConversation: boolean, at: number): void {
      if (!threadSeen && !isConversation) return; // a new-chat page may have no thread yet
      evaluate(at);
    },
    /** A new page (SPA navigation, site switched back on): problems must be seen again. */
    restart(at: number): void {
      since = at;
      pending = null;
      threadSeen = false;
    },
    isUnhealthy(): boolean {
      return state === 'unhealthy';
    },
    get state(): HealthState | 'unknown' {
      return state;
    },
  };
}

export type SiteHealthMonitor = ReturnType<typeof createSiteHealth>;
