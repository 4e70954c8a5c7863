// The registry of site adapters. Typed by SiteId, so a missing adapter is a compile error.
import { chatgpt } from './chatgpt.ts';
import { claude } from './claude.ts';
import { copilot } from './copilot.ts';
import { deepseek } from './deepseek.ts';
import { demo } from './demo.ts';
import { gemini } from './gemini.ts';
import { grok } from './grok.ts';
import { lechat } from './lechat.ts';
import { perplexity } from './perplexity.ts';
import { poe } from './poe.ts';
import type { SiteAdapter, SiteId } from './types.ts';

export const SITES: Record<SiteId, SiteAdapter> = {
  demo,
  chatgpt,
  claude,
  gemini,
  lechat,
  copilot,
  perplexity,
  deepseek,
  grok,
  poe,
};

export type { SiteAdapter, SiteId } from './types.ts';
