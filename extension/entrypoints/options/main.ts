import { sendToBackground, type CheckOutcome } from '../../messages.ts';
import { isLocalProxyUrl, loadSettings, saveSettings } from '../../settings.ts';
import { mountReadingSettings } from '../../ui/reading-settings-form.ts';
import { mountSitesSection } from './sites-section.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const proxyUrl = $<HTMLInputElement>('proxyUrl');
const token = $<HTMLInputElement>('token');
const enabled = $<HTMLInputElement>('enabled');
const saved = $('saved');
const report = $('report');

function line(label: string, outcome: CheckOutcome): HTMLParagraphElement {
  const p = document.createElement('p');
  p.className = outcome.ok ? 'ok' : 'bad';
  p.textContent = `${outcome.ok ? '✓' : '✗'} ${label}: ${outcome.detail}`;
  return p;
}

async function load(): Promise<void> {
  const s = await loadSettings();
  proxyUrl.value = s.proxyUrl;
  token.value = s.token;
  enabled.checked = s.enabled;
}

$('form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const url = proxyUrl.value.trim().replace(/\/+$/, '');
  if (!isLocalProxyUrl(url)) {
    saved.textContent = 'The proxy must be on 127.0.0.1 or localhost.';
    return;
  }
  const current = await loadSettings();
  const pasted = token.value.trim();
  if (url === current.proxyUrl && pasted === current.token) {
    saved.textContent = 'Saved.';
    setTimeout(() => (saved.textContent = ''), 2000);
    return;
  }
  if (!pasted) {
    saved.textContent = 'Paste the token the proxy printed (the part of its pairing link after #).';
    return;
  }
  // A new address or token is a new pairing: the background checks the proxy's proof of the token
  // before it stores either (background/pairing.ts), as for the pairing link.
  saved.textContent = 'Checking the proxy…';
  const answer = await sendToBackground({ type: 'pair', proxyUrl: url, token: pasted }).catch((error: unknown) => ({
    ok: false as const,
    error: error instanceof Error ? error.message : String(error),
  }));
  if (answer.ok) saved.textContent = `Saved: paired with ${answer.proxy.proxyUrl}${answer.proxy.version ? ` (Unspun proxy ${answer.proxy.version})` : ''}.`;
  else saved.textContent = 'error' in answer ? `Not saved. ${answer.error}` : 'Not saved.';
  saved.dataset.state = answer.ok ? 'ok' : 'bad';
});

// Not part of the connection form: it saves as soon as it changes, like the popup's switch.
enabled.addEventListener('change', async () => {
  await saveSettings({ enabled: enabled.checked });
  const note = $('enabled-saved');
  note.textContent = enabled.checked ? 'Saved: shown.' : 'Saved: hidden.';
  setTimeout(() => (note.textContent = ''), 2000);
});

$('test').addEventListener('click', async () => {
  report.replaceChildren(Object.assign(document.createElement('p'), { textContent: 'Testing…' }));
  try {
    const r = await sendToBackground({ type: 'test-connection', proxyUrl: proxyUrl.value.trim(), token: token.value.trim() });
    report.replaceChildren(line('Proxy (/health)', r.health), line('Token (/v1/taxonomy)', r.auth));
  } catch (error) {
    report.replaceChildren(line('Test', { ok: false, detail: error instanceof Error ? error.message : String(error) }));
  }
});

void load();
mountReadingSettings(document.getElementById('reading')!);
mountSitesSection(document.body);
