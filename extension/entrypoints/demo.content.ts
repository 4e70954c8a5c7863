// Capture and draw on the Unspun demo chat page (served by the proxy at /demo).
import { startSiteCapture } from '../capture/run-capture.ts';
import { SITES } from '../sites/index.ts';

export default defineContentScript({
  matches: ['http://127.0.0.1/demo*', 'http://localhost/demo*'],
  main(ctx) {
    startSiteCapture(ctx, SITES.demo);
  },
});
