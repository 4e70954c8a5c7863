// The studies page's consent screen (extension/study/page.ts) for a join link to another machine:
// the page as shipped (studies/index.html in linkedom), its messages answered by the real
// background study service (fake-indexeddb archive) over WXT's fake browser, and a stand-in study
// server reached through the service's fetch. What matters: the screen names the origin the
// extension will actually send to (the link's), never the origin the server claims for itself;
// a loopback link says "on this computer"; a remote origin without permission asks first and
// contacts nothing; the server's texts are shown as text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { parseHTML } from 'linkedom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { sha256Hex } from '../../shared/export/sha256.ts';
import { publicStudy } from '../study/records.ts';
import type { ScoreResult } from '../../shared/schemas.ts';
import type { Participation } from '../../extension/study/contract.ts';

/** Waits on a condition, never on the clock: generous for a loaded machine. */
const WAIT = { timeout: 15_000, interval: 10 };

// WXT's `browser` is read from globalThis when it loads: the fake browser goes there first.
(globalThis as { chrome?: unknown }).chrome = fakeBrowser;
const { createStudyService } = await import('../../extension/background/study-service.ts');
const { createDb } = await import('../../extension/db/schema.ts');
const { mountStudiesPage } = await import('../../extension/study/page.ts');

const PAGE = readFileSync(join(import.meta.dirname, '../../extension/entrypoints/studies/index.html'), 'utf8');
const CONSENT = 'You agree to donate redacted replies for research on persuasion.';
const STUDY_ID = 's_remotestudy0000001';
const JOINED = {
  participantId: 'p_participant0000000001',
  secret: 'usp_the-participant-secret-0123456789',
  studyId: STUDY_ID,
  consentSha256: sha256Hex(CONSENT),
  consentedAt: '2026-12-07T04:00:00.000Z',
};
const RESULT: ScoreResult = { score: 0, flags: [], judge: { kind: 'offline', promptVersion: 'p', taxonomyVersion: 't' }, cached: false, latencyMs: 1 };

interface Setup {
  joinUrl: string;
  hostAccess: boolean;
  title?: string;
  /** The origin the server's own description claims (a server can say anything). */
  claimedOrigin?: string;
  /** The study's status as the server reports it. */
  studyStatus?: 'open' | 'full' | 'closed' | 'ended';
  /** The server's answer to reading the study, when not 200 (a wrong or expired link). */
  infoStatus?: number;
}

const globals = ['document', 'window', 'location', 'history', 'HTMLElement'] as const;
const saved = new Map<string, unknown>();
beforeEach(() => {
  fakeBrowser.reset();
  for (const name of globals) saved.set(name, (globalThis as Record<string, unknown>)[name]);
  vi.useFakeTimers({ toFake: ['setInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
  for (const name of globals) (globalThis as Record<string, unknown>)[name] = saved.get(name);
});

async function openConsent(setup: Setup) {
  const requests: string[] = [];
  const credentials: string[] = [];
  let participations: Record<string, Participation> = {};
  const study = publicStudy(STUDY_ID, CONSENT, setup.claimedOrigin ?? new URL(setup.joinUrl).origin, {
    title: setup.title ?? 'Persuasion in the wild',
    researcher: 'Dr. R <r@lab.example.org>',
    reviewHours: 24,
    status: setup.studyStatus ?? 'open',
  });
  const service = createStudyService({
    db: createDb(`study-page-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    loadParticipations: async () => structuredClone(participations),
    saveParticipations: async (all) => {
      participations = structuredClone(all);
    },
    hasHostAccess: async () => setup.hostAccess,
    scoreLocally: () => RESULT,
    fetch: async (input, init) => {
      const method = init?.method ?? 'GET';
      requests.push(method === 'GET' ? String(input) : `${method} ${String(input)}`);
      const headers = (init?.headers ?? {}) as Record<string, string>;
      for (const [name, value] of Object.entries(headers)) if (!['accept', 'content-type'].includes(name)) credentials.push(`${name}: ${value}`);
      if (method === 'POST' && String(input) === `${new URL(setup.joinUrl).origin}/v1/studies/${STUDY_ID}/participants`)
        return new Response(JSON.stringify(JOINED), { status: 201, headers: { 'content-type': 'application/json' } });
      if (setup.infoStatus !== undefined) return new Response('{"error":{"code":"study_not_found","message":"No study"}}', { status: setup.infoStatus });
      if (String(input) === `${new URL(setup.joinUrl).origin}/v1/studies/${STUDY_ID}`)
        return new Response(JSON.stringify(study), { headers: { 'content-type': 'application/json' } });
      return new Response('{"error":{"code":"not_found","message":"no"}}', { status: 404 });
    },
  });
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => service.handleMessage(message) as Promise<unknown>);

  const { document, window } = parseHTML(PAGE) as unknown as { document: Document; window: Window & typeof globalThis };
  (window.HTMLElement.prototype as { scrollIntoView?: () => void }).scrollIntoView = () => {};
  Object.assign(globalThis, {
    document,
    window,
    HTMLElement: window.HTMLElement,
    location: { hash: `#join=${encodeURIComponent(setup.joinUrl)}`, pathname: '/studies.html' },
    history: { replaceState() {} },
  });
  mountStudiesPage();
  const consent = document.getElementById('consent')!;
  const status = document.getElementById('join-status')!;
  await vi.waitFor(() => {
    if (consent.hidden && !/permission|Nothing was sent|No open study/.test(status.textContent ?? '')) throw new Error('the study is still being read');
  }, WAIT);
  return { document, consent, status, requests, credentials, participations: () => participations };
}

/** A click as the browser delivers it to the page's listeners. */
function click(element: Element | null): void {
  if (!element) throw new Error('nothing to click');
  element.dispatchEvent(new (globalThis as unknown as { window: typeof globalThis }).window.Event('click'));
}

describe('the consent screen says where donations go', () => {
  it('a join link to another machine: the link’s origin, in the warning box, not the origin the server claims', async () => {
    const { consent, requests } = await openConsent({
      joinUrl: `https://lab.example.org/join/${STUDY_ID}`,
      hostAccess: true,
      claimedOrigin: 'https://trusted-university.example.edu',
    });
    expect(consent.hidden).toBe(false);
    const box = consent.querySelector('#foreign-origin');
    expect(box).not.toBeNull();
    expect(box!.querySelector('code')!.textContent).toBe('https://lab.example.org');
    expect(box!.textContent).toContain('another machine: everything you donate is sent there');
    expect(consent.textContent).not.toContain('trusted-university.example.edu');
    expect(consent.querySelector('.origin.local')).toBeNull();
    // Reading the study is one GET to that origin; nothing is joined or sent before the click.
    expect(requests).toEqual([`https://lab.example.org/v1/studies/${STUDY_ID}`]);
    expect((consent.querySelector('#join-study') as HTMLButtonElement).disabled).toBe(true);
  });

  it('a join link on this computer: the origin, marked as this computer', async () => {
    const { consent } = await openConsent({ joinUrl: `http://127.0.0.1:8788/join/${STUDY_ID}`, hostAccess: true });
    expect(consent.querySelector('#foreign-origin')).toBeNull();
    expect(consent.querySelector('.origin.local')!.textContent).toBe('Study server: http://127.0.0.1:8788 (on this computer).');
  });

  it('another machine without permission yet: asks to contact that one origin, contacts nothing, shows no consent', async () => {
    const { consent, status, requests } = await openConsent({ joinUrl: `https://lab.example.org/join/${STUDY_ID}`, hostAccess: false });
    expect(consent.hidden).toBe(true);
    expect(status.textContent).toContain('Unspun needs your permission to contact https://lab.example.org.');
    expect(status.querySelector('#allow-origin')!.textContent).toBe('Allow Unspun to contact https://lab.example.org');
    expect(requests).toEqual([]);
  });

  it('the study’s title and researcher are shown as text, never as markup', async () => {
    const { consent } = await openConsent({
      joinUrl: `https://lab.example.org/join/${STUDY_ID}`,
      hostAccess: true,
      title: 'Persuasion <img src=x onerror="alert(1)">',
    });
    expect(consent.querySelector('#consent-title')!.textContent).toBe('Persuasion <img src=x onerror="alert(1)">');
    expect(consent.textContent).toContain('Researcher: Dr. R <r@lab.example.org>');
    expect(consent.querySelector('img')).toBeNull();
  });
});

describe('a study that takes no one: clear words, and no way to join', () => {
  for (const [infoStatus, why] of [
    [404, 'a wrong link'],
    [410, 'an expired link'],
  ] as const) {
    it(`${why} (${infoStatus}): says there is no open study at this link, shows no consent`, async () => {
      const { consent, status } = await openConsent({ joinUrl: `https://lab.example.org/join/${STUDY_ID}`, hostAccess: true, infoStatus });
      expect(consent.hidden).toBe(true);
      expect(status.textContent).toContain('No open study at this link (the server at https://lab.example.org does not know it, or it has ended)');
      expect(status.className).toContain('bad');
    });
  }

  for (const [studyStatus, words] of [
    ['full', 'This study is full: it has all the participants it asked for. You cannot join it.'],
    ['closed', 'The researcher has closed this study. You cannot join it.'],
    ['ended', 'This study has ended. You cannot join it.'],
  ] as const) {
    it(`a ${studyStatus} study: the consent screen says so and the agree box cannot be ticked`, async () => {
      const { consent } = await openConsent({ joinUrl: `https://lab.example.org/join/${STUDY_ID}`, hostAccess: true, studyStatus });
      expect(consent.querySelector('[data-closed]')!.textContent).toBe(words);
      expect((consent.querySelector('#agree') as HTMLInputElement).disabled).toBe(true);
      expect((consent.querySelector('#join-study') as HTMLButtonElement).disabled).toBe(true);
    });
  }
});

describe('joining a study on another machine from the page, then its card', () => {
  it('tick, Join: the participant is kept in the extension; Pause, Resume and Leave act on it; only the secret ever goes to the server', async () => {
    const { document, consent, requests, credentials, participations } = await openConsent({
      joinUrl: `https://lab.example.org/join/${STUDY_ID}`,
      hostAccess: true,
    });
    const agree = consent.querySelector('#agree') as HTMLInputElement;
    agree.checked = true;
    agree.dispatchEvent(new (globalThis as unknown as { window: typeof globalThis }).window.Event('change'));
    expect((consent.querySelector('#join-study') as HTMLButtonElement).disabled).toBe(false);
    click(consent.querySelector('#join-study'));
    const card = () => document.querySelector(`[data-study="${STUDY_ID}"]`) as HTMLElement | null;
    await vi.waitFor(() => expect(card()).not.toBeNull(), WAIT);
    expect(participations()[STUDY_ID]).toMatchObject({
      state: 'active',
      apiBase: 'https://lab.example.org',
      participantId: JOINED.participantId,
      secret: JOINED.secret,
    });
    expect(card()!.textContent).toContain(`Study server https://lab.example.org · you are participant ${JOINED.participantId}`);

    click(card()!.querySelector('[data-control="pause"]'));
    await vi.waitFor(() => expect(card()!.dataset.state).toBe('paused'), WAIT);
    expect(participations()[STUDY_ID]!.state).toBe('paused');
    expect(card()!.textContent).toContain('Paused: nothing is collected or sent until you resume.');
    click(card()!.querySelector('[data-control="resume"]'));
    await vi.waitFor(() => expect(card()!.dataset.state).toBe('active'), WAIT);
    click(card()!.querySelector('[data-control="leave"]'));
    await vi.waitFor(() => expect(card()!.dataset.state).toBe('left'), WAIT);
    expect(participations()[STUDY_ID]!.state).toBe('left');
    expect(card()!.textContent).toContain('You left this study: nothing more is collected or sent.');

    expect(document.body.textContent).not.toContain(JOINED.secret);
    // Read the study (on opening, and again just before joining), then join: nothing else, no credential.
    expect(requests).toEqual([
      `https://lab.example.org/v1/studies/${STUDY_ID}`,
      `https://lab.example.org/v1/studies/${STUDY_ID}`,
      `POST https://lab.example.org/v1/studies/${STUDY_ID}/participants`,
    ]);
    expect(credentials).toEqual([]);
  });
});
