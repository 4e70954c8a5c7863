// Progress of a long convert run on stderr: how much of the input is read, and how many
// conversations are written, replies scored and texts searched for names. One line at most every
// `everyMs` of the clock it is given (a test injects one); on a terminal the line is redrawn in
// place, elsewhere (a log file, CI) each report is its own line.
import type { Writable } from 'node:stream';

export interface ConvertProgress {
  read(bytes: number): void;
  scored(replies: number): void;
  named(texts: number): void;
  written(conversations: number): void;
  /** Clears a redrawn line before the summary. */
  end(): void;
}

export const NO_PROGRESS: ConvertProgress = { read() {}, scored() {}, named() {}, written() {}, end() {} };

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);

export function createProgress(stderr: Writable & { isTTY?: boolean }, options: { totalBytes?: number; now: () => number; everyMs?: number }): ConvertProgress {
  const everyMs = options.everyMs ?? 1000;
  const tty = stderr.isTTY === true;
  let last = options.now();
  let drawn = false;
  const counts = { bytes: 0, replies: 0, texts: 0, conversations: 0 };
  const report = () => {
    const at = options.now();
    if (at - last < everyMs) return;
    last = at;
    const total = options.totalBytes;
    const read = total
      ? `${mb(counts.bytes)} of ${mb(total)} MB read (${Math.min(100, Math.floor((100 * counts.bytes) / total))}%)`
      : `${mb(counts.bytes)} MB read`;
    const line = `progress: ${read}, ${counts.conversations.toLocaleString('en-US')} conversation${counts.conversations === 1 ? '' : 's'} written, ${counts.replies.toLocaleString('en-US')} replies scored${counts.texts ? `, ${counts.texts.toLocaleString('en-US')} texts searched for names` : ''}`;
    stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    drawn = tty;
  };
  return {
    read(bytes) {
      counts.bytes += bytes;
      report();
    },
    scored(replies) {
      counts.replies += replies;
      report();
    },
    named(texts) {
      counts.texts += texts;
      report();
    },
    written(conversations) {
      counts.conversations += conversations;
      report();
    },
    end() {
      if (drawn) stderr.write('\r\u001b[K');
      drawn = false;
    },
  };
}
