// HMAC-SHA256 (RFC 2104) on the platform's SHA-256, so it runs on Espruino, whose firmware has SHA-256 but no HMAC.
import type { Sha256 } from '../../hal/crypto.js';

const BLOCK = 64;

/**
 * HMAC-SHA256 of `message` under `key` (any length; keys longer than the 64-byte block are hashed first, as RFC 2104
 * says). Returns the full 32-byte tag (COSE alg 5, HMAC 256/256).
 */
export function hmacSha256(hash: Sha256, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > BLOCK ? hash.sha256(key) : key;
  const inner = new Uint8Array(BLOCK + message.length);
  const outer = new Uint8Array(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? k[i] : 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  inner.set(message, BLOCK);
  outer.set(hash.sha256(inner), BLOCK);
  return hash.sha256(outer);
}
