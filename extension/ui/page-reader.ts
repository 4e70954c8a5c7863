// The reader's side of a chat page's content script: reading settings applied live, labels
// bound to this site and conversation, and answers to the conversation panel. Hangs off the
// content script's `ctx`, like everything else there.
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { browser } from 'wxt/browser';
import type { Flag, ScoreResult } from '#shared/schemas';
import type { LabelRecord } from '../db/labels.ts';
import { PanelToContent, sendReaderMessage, type PageConversation, type ShowFlagResponse } from '../reader-messages.ts';
import type { CardLabels } from './card.ts';
import { drawingKey, EMPTY_CALIBRATION, type CalibrationTable } from '#shared/detect/calibration';
import { calibrationFromChange, loadCalibration } from '../db/calibration-store.ts';
import { applyReading, DEFAULT_READING, isPausedHost, loadReading, readingFromChange, type ReadingSettings } from './reading-settings.ts';

export interface PageReaderOptions {
  site: { id: string; name: string };
  conversationId(): string | null;
  /** Settings changed: redraw everything (or take it all down when paused). */
  onChange(): void;
  /** Scroll to a flag of a reply and open its card; false when it is not on the page. */
  showFlag(messageId: string, flag: Pick<Flag, 'move' | 'start' | 'end' | 'quote'>): boolean;
}

export function createPageReader(ctx: ContentScriptContext, options: PageReaderOptions) {
  let reading: ReadingSettings = DEFAULT_READING;
  /** What the reader's labels do to the detector's rules (db/calibration-store.ts), applied live too. */
  let calibration: CalibrationTable = EMPTY_CALIBRATION;
  const host = location.hostname;
  /** Labels of the current conversation, fetched once per conversation. */
  let labelCache: { conversationId: string; labels: Promise<LabelRecord[]> } | null = null;

  const labelsOfConversation = (conversationId: string): Promise<LabelRecord[]> => {
    if (labelCache?.conversationId !== conversationId) {
      labelCache = {
        conversationId,
        labels: sendReaderMessage({ type: 'get-labels', site: options.site.id, conversationId }).then(
          (r) => r?.labels ?? [],
          () => [],
        ),
      };
    }
    return labelCache.labels;
  };

  const labels: CardLabels = {
    async load(messageId, flag) {
      const conversationId = options.conversationId();
      if (!conversationId) return undefined;
      const found = (await labelsOfConversation(conversationId)).find(
        (l) => l.messageId === messageId && l.flag.move === flag.move && l.flag.start === flag.start && l.flag.end === flag.end,
      );
      return found ? { verdict: found.verdict, ...(found.note ? { note: found.note } : {}) } : undefined;
    },
    async save(messageId, flag, verdict, note) {
      const conversationId = options.conversationId();
      if (!conversationId) throw new Error('no conversation on this page');
      const response = await sendReaderMessage({
        type: 'label-flag',
        site: options.site.id,
        conversationId,
        messageId,
        flag,
        verdict,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      if (!response?.ok) throw new Error(response?.error ?? 'the extension did not answer');
      labelCache = null; // read again next time
    },
  };

  void loadReading(browser.storage.local).then((r) => {
    if (ctx.isInvalid) return;
    const changed = JSON.stringify(r) !== JSON.stringify(reading);
    reading = r;
    if (changed) options.onChange();
  });
  void loadCalibration(browser.storage.local).then((c) => {
    if (ctx.isInvalid) return;
    const redraw = drawingKey(c) !== drawingKey(calibration);
    calibration = c;
    if (redraw) options.onChange();
  });
  const onStorage = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (ctx.isInvalid) return;
    const next = readingFromChange(changes, area);
    const nextCalibration = calibrationFromChange(changes, area);
    if (!next && !nextCalibration) return;
    // Redraw only when the page would look different: every label rewrites the table's counts,
    // and a redraw then would take down the very card the reader is labelling in.
    const redraw = Boolean(next) || (nextCalibration !== undefined && drawingKey(nextCalibration) !== drawingKey(calibration));
    if (next) reading = next;
    if (nextCalibration) calibration = nextCalibration;
    if (redraw) options.onChange();
  };
  browser.storage.onChanged.addListener(onStorage);

  // The panel asks which conversation this is, and to show one of its flags.
  const onMessage = (raw: unknown, _sender: unknown, sendResponse: (response: unknown) => void): boolean | undefined => {
    const parsed = PanelToContent.safeParse(raw);
    if (!parsed.success || ctx.isInvalid) return undefined;
    if (parsed.data.type === 'panel-get-conversation') {
      const answer: PageConversation = { site: options.site.id, siteName: options.site.name, conversationId: options.conversationId(), host };
      sendResponse(answer);
    } else {
      const answer: ShowFlagResponse = { ok: options.showFlag(parsed.data.messageId, parsed.data.flag) };
      sendResponse(answer);
    }
    return false;
  };
  browser.runtime.onMessage.addListener(onMessage);

  ctx.onInvalidated(() => {
    browser.storage.onChanged.removeListener(onStorage);
    browser.runtime.onMessage.removeListener(onMessage);
  });

  return {
    labels,
    get reading(): ReadingSettings {
      return reading;
    },
    /** Paused on this site by the reader: capture nothing, draw nothing. */
    get paused(): boolean {
      return isPausedHost(reading, host);
    },
    /** The flags of a result the reader wants drawn. */
    visible(result: ScoreResult): Flag[] {
      return applyReading(result, reading, calibration).shown;
    },
    /** How many of a result's flags the reader's labels hide (they still count in the score). */
    hiddenByLabels(result: ScoreResult): number {
      return applyReading(result, reading, calibration).hiddenByLabels;
    },
  };
}

export type PageReader = ReturnType<typeof createPageReader>;
