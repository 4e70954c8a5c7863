// The only runtime globals shared/ may use: web standards that Node 20 and every MV3 browser both
// have. Anything else (node:*, DOM, chrome.*, fetch) belongs at the edges, in proxy/ or extension/.
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
}
declare const crypto: {
  getRandomValues<T extends Uint8Array | Uint32Array>(array: T): T;
  subtle: {
    digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  };
};
