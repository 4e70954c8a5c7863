import { sendToBackground } from '../../messages.ts';
import { popupWords } from './status-words.ts';
import { saveSettings } from '../../settings.ts';
import { mountSiteHealth } from './site-rows.ts';
import { mountOpenPanelLink } from '../../ui/open-panel.ts';
import { mountHostAccess } from './host-access.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function refresh(): Promise<void> {
  const status = $('status');
  try {
    const s = await sendToBackground({ type: 'get-status' });
    $<HTMLInputElement>('enabled').checked = s.enabled;
    $('pending').textContent = String(s.counts.pending);
    $('scored').textContent = String(s.counts.scored);
    $('failed').textContent = String(s.counts.failed);
    const words = popupWords({
      enabled: s.enabled,
      connection: s.connection ?? 'error',
      proxyUrl: s.proxyUrl,
      ...(s.proxyVersion ? { proxyVersion: s.proxyVersion } : {}),
      detail: s.detail,
    });
    status.textContent = words.headline;
    status.dataset.state = words.tone;
    status.dataset.connection = s.enabled ? (s.connection ?? 'error') : 'off';
    const since = s.paired && s.pairedAt !== undefined ? ` Paired on ${new Date(s.pairedAt).toLocaleString()}.` : '';
    // "npm start" set as a command, so it reads as something to type.
    $('detail').replaceChildren(
      ...`${words.action}${since}`
        .split(/(npm start)/)
        .map((part) => (part === 'npm start' ? Object.assign(document.createElement('code'), { textContent: part }) : document.createTextNode(part))),
    );
  } catch (error) {
    status.textContent = `Could not ask the extension: ${error instanceof Error ? error.message : String(error)}`;
    status.dataset.state = 'bad';
  }
}

$<HTMLInputElement>('enabled').addEventListener('change', async (event) => {
  await saveSettings({ enabled: (event.target as HTMLInputElement).checked });
  await refresh();
});
$('options').addEventListener('click', (event) => {
  event.preventDefault();
  void browser.runtime.openOptionsPage();
});

void refresh();
mountHostAccess(document.querySelector('main')!, document.querySelector('main dl'));
mountSiteHealth(document.querySelector('main')!);
mountOpenPanelLink(document.querySelector('main')!);
