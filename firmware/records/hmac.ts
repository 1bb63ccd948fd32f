// HMAC-SHA256 (RFC 2104) on the platform's SHA-256, so it runs on Espruino, whose firmware has SHA-256 but no HMAC.
import type { Sha256 } from '../../hal/crypto.js';

const BLOCK = 64;

/** The key's inner and outer padded blocks (K xor ipad, K xor opad): what every HMAC under that key starts from. */
export interface HmacPads {
  inner: Uint8Array;
  outer: Uint8Array;
}

/** The pads of `key` (a key longer than the 64-byte block is hashed first, as RFC 2104 says). */
export function hmacPads(hash: Sha256, key: Uint8Array): HmacPads {
  const k = key.length > BLOCK ? hash.sha256(key) : key;
  const inner = new Uint8Array(BLOCK);
  const outer = new Uint8Array(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? k[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  return { inner: inner, outer: outer };
}

/** HMAC-SHA256 of `message` under the key `pads` were made from (a signer makes them once, not per record). */
export function hmacWithPads(hash: Sha256, pads: HmacPads, message: Uint8Array): Uint8Array {
  const inner = new Uint8Array(BLOCK + message.length);
  const outer = new Uint8Array(BLOCK + 32);
  inner.set(pads.inner);
  inner.set(message, BLOCK);
  outer.set(pads.outer);
  outer.set(hash.sha256(inner), BLOCK);
  return hash.sha256(outer);
}

/**
 * HMAC-SHA256 of `message` under `key` (any length; keys longer than the 64-byte block are hashed first, as RFC 2104
 * says). Returns the full 32-byte tag (COSE alg 5, HMAC 256/256).
 */
export function hmacSha256(hash: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmacWithPads(hash, hmacPads(hash, key), message);
}
