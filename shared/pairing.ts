// The pairing challenge, written once for both sides. Before the extension trusts a proxy with
// the replies it captures, the proxy must prove it holds the token from the pairing link without
// the token ever crossing the wire: the extension sends a fresh random nonce, the proxy answers
// HMAC-SHA256(token, context), where the context binds the nonce to the proxy's own origin (a
// proof made by one proxy cannot be relayed to pass for another address). A local program that
// merely answers 2xx JSON, or replays an earlier proof, cannot answer a new nonce.
// Web Crypto only (globalThis.crypto.subtle): the same code runs in the browser and in Node 20.
import { z } from 'zod';

/** Bumped if the proof's inputs ever change, so old and new sides fail clearly instead of silently. */
export const PAIRING_PROOF_VERSION = 'unspun-pair-v1';
/** 32 random bytes, base64url without padding. */
export const NONCE_BYTES = 32;

export const PairChallengeRequest = z.object({
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a nonce is 32 random bytes in base64url (43 characters)'),
});
export type PairChallengeRequest = z.infer<typeof PairChallengeRequest>;

export const PairChallengeResponse = z.object({
  service: z.literal('unspun'),
  version: z.string().max(64),
  proof: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});
export type PairChallengeResponse = z.infer<typeof PairChallengeResponse>;

/** The bytes that are signed: version, proxy origin and nonce, each on its own line. */
export function pairingContext(nonce: string, proxyOrigin: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${PAIRING_PROOF_VERSION}\n${new URL(proxyOrigin).origin}\n${nonce}`);
}

function hmacKey(token: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new TextEncoder().encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** A fresh nonce for one pairing attempt. */
export function createNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** The proxy's answer to a nonce: HMAC-SHA256(token, context), base64url. */
export async function pairingProof(token: string, nonce: string, proxyOrigin: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(token, 'sign'), pairingContext(nonce, proxyOrigin));
  return toBase64Url(new Uint8Array(signature));
}

/** Is `proof` the answer to `nonce` from the proxy at `proxyOrigin` holding `token`? (constant time) */
export async function verifyPairingProof(token: string, nonce: string, proxyOrigin: string, proof: string): Promise<boolean> {
  const bytes = fromBase64Url(proof);
  if (!bytes || bytes.length !== 32) return false;
  return crypto.subtle.verify('HMAC', await hmacKey(token, 'verify'), bytes, pairingContext(nonce, proxyOrigin));
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
