// One content script for every registered chat site: the manifest's matches are the union of the
// adapters' own patterns, and the adapter for this page is the one whose patterns match its URL.
// Adding a site never touches this file.
import { startSiteCapture } from '../capture/run-capture.ts';
import { SITES } from '../sites/index.ts';
import { adapterForUrl } from '../sites/match.ts';

const ADAPTERS = Object.values(SITES);

export default defineContentScript({
  matches: [...new Set(ADAPTERS.flatMap((a) => a.matches))],
  runAt: 'document_idle',
  main(ctx) {
    const adapter = adapterForUrl(ADAPTERS, location.href);
    if (adapter) startSiteCapture(ctx, adapter);
  },
});
