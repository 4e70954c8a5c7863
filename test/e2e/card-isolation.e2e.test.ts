// The flag card on a chat page is out of the page's reach: its shadow root is closed (also when
// the page patches attachShadow before Unspun runs), so the page cannot read the reader's note
// or earlier verdict, and a label is saved only from a trusted event: a click the page
// synthesises, even on the very button, records nothing.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../helpers/proxy.ts';
import { closedRoot, inClosedRoot, launchExtension, pair, until, type LaunchedExtension } from './harness.ts';

let ext: LaunchedExtension;
let proxy: TestProxy;
let page: Page;
const NOTE = 'private note: my employer would not like this';

type Label = { messageId: string; verdict: string; note?: string };
const labels = () =>
  ext.sw.evaluate(async () =>
    (globalThis as unknown as { unspun: { db: { labels: { toArray(): Promise<unknown[]> } } } }).unspun.db.labels.toArray(),
  ) as Promise<Label[]>;

/** A hostile page: before any extension code runs, it tries to keep every shadow root it can. */
const STEAL_ROOTS = () => {
  const stolen: ShadowRoot[] = [];
  (window as unknown as { __stolen: ShadowRoot[] }).__stolen = stolen;
  const original = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = original.call(this, { ...init, mode: 'open' });
    stolen.push(root);
    return root;
  };
};

/** Everything the page's own scripts can find of the card and of the note. */
const whatThePageSees = (p: Page, note: string) =>
  p.evaluate((n) => {
    const host = document.querySelector('unspun-card') as HTMLElement;
    const stolen = (window as unknown as { __stolen: ShadowRoot[] }).__stolen;
    const texts = [...document.querySelectorAll('textarea, input')].map((el) => (el as HTMLTextAreaElement).value);
    return {
      shadowRoot: host.shadowRoot === null ? 'none' : 'visible',
      stolenCardRoots: stolen.filter((r) => r.host === host).length,
      noteInDom: texts.some((t) => t.includes(n)) || document.body.innerText.includes(n) || stolen.some((r) => r.innerHTML.includes(n)),
      verdictButtons: document.querySelectorAll('button.agree, button.disagree').length,
    };
  }, note);

beforeAll(async () => {
  proxy = await startTestProxy({ env: { UNSPUN_JUDGE: 'offline' } });
  ext = await launchExtension();
  expect(await pair(ext.context, proxy.url, proxy.token)).toBe(true);
  page = await ext.context.newPage();
  await page.addInitScript(STEAL_ROOTS);
  await page.goto(`${proxy.url}/demo?c=iso-1&ms=5`);
  await page.locator('unspun-badge[data-message-id="iso-1-a1"][data-state="scored"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await ext?.close();
  await proxy?.close();
});

describe('the flag card on a chat page', () => {
  it('cannot be read or labelled by the page', async () => {
    await page.locator('unspun-badge[data-message-id="iso-1-a1"] button').click();
    const card = page.locator('unspun-card');
    const inCard = closedRoot(page, 'unspun-card');
    await expect.poll(() => card.getAttribute('data-kind')).toBe('summary');
    await inCard.locator('li button').first().click();
    await expect.poll(() => card.getAttribute('data-kind')).toBe('flag');
    await inCard.locator('button.agree').waitFor();

    // The page's view: no root (even with attachShadow patched first), no buttons, no note.
    expect(await whatThePageSees(page, NOTE)).toEqual({ shadowRoot: 'none', stolenCardRoots: 0, noteInDom: false, verdictButtons: 0 });
    // Clicks it can synthesise on the host do nothing.
    await page.evaluate(() => {
      const host = document.querySelector('unspun-card') as HTMLElement;
      host.click();
      host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    });

    // Even given the buttons themselves (here through the test's DevTools access), an untrusted
    // click or change is ignored.
    await inClosedRoot(
      page,
      'unspun-card',
      (root: ShadowRoot) => {
        (root.querySelector('button.agree') as HTMLButtonElement).click();
        (root.querySelector('button.disagree') as HTMLButtonElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
        const note = root.querySelector('textarea') as HTMLTextAreaElement;
        note.value = 'typed by the page';
        note.dispatchEvent(new Event('change'));
      },
      null,
    );
    expect(await inCard.locator('.status').textContent()).toBe('');
    expect((await inCard.locator('.verdict').getAttribute('data-verdict')) ?? '').toBe('');
    expect((await labels()).filter((l) => l.messageId === 'iso-1-a1')).toEqual([]);

    // The reader: a real click and real typing are saved.
    await inCard.locator('textarea').fill(NOTE);
    await inCard.locator('button.disagree').click();
    await expect.poll(() => inCard.locator('.status').textContent()).toBe('Saved: you disagree.');
    const stored = await until('the reader’s label', async () => (await labels()).find((l) => l.messageId === 'iso-1-a1'));
    expect(stored).toMatchObject({ verdict: 'disagree', note: NOTE });
    expect((await labels()).filter((l) => l.messageId === 'iso-1-a1')).toHaveLength(1);

    // Typed and saved, the note is still nowhere the page can read it.
    expect(await whatThePageSees(page, NOTE)).toEqual({ shadowRoot: 'none', stolenCardRoots: 0, noteInDom: false, verdictButtons: 0 });
  });
});
