// What the popup and the options page say about each site: on and reading, switched off (by the
// reader or by the proxy), or not reading its pages any more (drift). Pure: unit-tested.
import { SITES } from './index.ts';
import { siteOffReason, type SiteState } from './site-settings.ts';

export type SiteStatusKind = 'ok' | 'unhealthy' | 'off' | 'unseen';

export interface SiteStatus {
  id: string;
  name: string;
  kind: SiteStatusKind;
  /** One line for a reader. */
  detail: string;
  /** When the last health report came (epoch ms). */
  at?: number;
}

/** Every chat site (not the demo page), in registry order. */
export function siteStatuses(
  state: SiteState,
  sites: readonly { id: string; name: string }[] = Object.values(SITES).filter((s) => s.id !== 'demo'),
): SiteStatus[] {
  return sites.map(({ id, name }) => {
    const off = siteOffReason(state, id);
    if (off) return { id, name, kind: 'off', detail: off };
    const health = state.siteHealth[id];
    if (health?.state === 'unhealthy') {
      return {
        id,
        name,
        kind: 'unhealthy',
        detail: `${health.reason ?? 'Unspun cannot read this site’s pages.'} Nothing is captured there until it is fixed.`,
        at: health.at,
      };
    }
    if (health?.state === 'healthy') return { id, name, kind: 'ok', detail: 'Reading replies.', at: health.at };
    return { id, name, kind: 'unseen', detail: 'Not visited yet.' };
  });
}

export const STATUS_LABEL: Record<SiteStatusKind, string> = { ok: 'working', unhealthy: 'not working', off: 'off', unseen: 'not seen yet' };
