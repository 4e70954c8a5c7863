import { sendToBackground } from '../../messages.ts';
import { saveSettings } from '../../settings.ts';
import { mountSiteHealth } from './site-health.ts';
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
    if (!s.enabled) {
      status.textContent = 'Switched off.';
      status.dataset.state = 'bad';
    } else if (s.reachable && s.paired) {
      status.textContent = `Paired with the Unspun proxy${s.proxyVersion ? ` ${s.proxyVersion}` : ''} at ${s.proxyUrl}.`;
      status.dataset.state = 'ok';
    } else if (s.reachable) {
      status.textContent = `Proxy reachable at ${s.proxyUrl}, not paired.`;
      status.dataset.state = 'bad';
    } else {
      status.textContent = `Proxy not reachable at ${s.proxyUrl}. Replies are kept and scored when it is back.`;
      status.dataset.state = 'bad';
    }
    const since = s.pairedAt !== undefined ? ` Paired on ${new Date(s.pairedAt).toLocaleString()}.` : '';
    $('detail').textContent = `${s.detail}${s.paired ? since : ''}`;
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
