// POST /v1/score (shared/api/score.ts): one reply scored by the judge the request names, or the
// proxy's default. Mounted at /v1/score by createApp, after its auth, Origin and body-limit checks.
import { Hono } from 'hono';
import { DROPPED_FLAGS_HEADER, ScoreRequest, type ScoreResult } from '#shared/api/score';
import { ApiError } from '../middleware/errors.ts';
import { issueSummary, jsonBody } from '../middleware/json-body.ts';
import type { Scorer } from '../scoring.ts';

const validScoreRequest = jsonBody(ScoreRequest, {
  send: 'a ScoreRequest such as {"reply":{"text":"..."}}',
  invalid: (issues) => new ApiError(400, 'invalid_request', `The ScoreRequest is invalid: ${issueSummary(issues)}.`, { issues }),
});

export function scoreRoutes(scorer: Scorer) {
  return new Hono()
    .post('/', validScoreRequest, async (c) => {
      const { result, dropped } = await scorer.score(c.req.valid('json'), { signal: c.req.raw.signal });
      if (dropped > 0) c.header(DROPPED_FLAGS_HEADER, String(dropped));
      return c.json(result satisfies ScoreResult);
    })
    .all('/', (c) => {
      throw new ApiError(405, 'method_not_allowed', `${c.req.method} /v1/score is not supported: use POST with a ScoreRequest body.`, {
        headers: { Allow: 'POST' },
      });
    });
}
