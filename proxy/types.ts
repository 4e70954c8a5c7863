// Types the proxy's parts share (app, scoring, batch runner, server, CLI). They live here, not in
// app.ts, so that scoring and the batch runner do not import the app that imports them.

/** One line per event; never bodies or tokens (UNSPUN_LOG_TEXT=1 alone allows reply text). */
export interface Logger {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
