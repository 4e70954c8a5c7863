// The proxy's whole HTTP contract, one file per route group: each route's request and response
// schema. The proxy validates requests and shapes answers with these; the extension parses answers
// with them. Routes and their schemas:
//   GET  /health                       health.ts    HealthResponse
//   GET  /v1/taxonomy                  taxonomy.ts  TaxonomyResponse
//   POST /v1/score                     score.ts     ScoreRequest → ScoreResult
//   POST /v1/score/batch               batch.ts     BatchRequest → BatchCreated (202)
//   GET  /v1/batches                   batch.ts     BatchList
//   GET  /v1/batches/:id, POST …/cancel batch.ts    BatchView
//   DELETE /v1/batches/:id             batch.ts     BatchDeleted
//   GET  /v1/sites                     sites.ts     SitesResponse
//   GET  /v1/stats                     stats.ts     StatsResponse
//   POST /v1/pair/challenge|confirm|check  pairing.ts
//   every error                        errors.ts    ErrorBody
// The study server's routes (npm run study, /v1/studies/...): study.ts.
export * from './batch.ts';
export * from './errors.ts';
export * from './health.ts';
export * from './pairing.ts';
export * from './score.ts';
export * from './sites.ts';
export * from './stats.ts';
export * from './study.ts';
export * from './taxonomy.ts';
