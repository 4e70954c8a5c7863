// Every 4xx/5xx the proxy sends: `{error: {code, message, issues?}}`. The message says what to fix;
// `issues` names each invalid field of a request body (`{path: "reply.text", message}`).
import { z } from 'zod';

export const ErrorIssue = z.object({ path: z.string(), message: z.string() });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

export const ErrorBody = z.object({
  error: z.object({ code: z.string().min(1).max(64), message: z.string().min(1), issues: z.array(ErrorIssue).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
