// The re-check of keys already in the store when the ingest opens it: a key registered before registration
// refused weak keys must not go on being trusted (docs/ingest-api.md, "Keys").
import { ed25519 } from '@noble/curves/ed25519.js';
import type { DeviceRow } from './store.js';

/** Why `d`'s registered key cannot be trusted, or undefined. */
export function storedKeyProblem(d: DeviceRow): string | undefined {
  if (d.alg === 'hmac-sha256') {
    if (d.key.length < 32) return `an HMAC key of ${d.key.length} bytes (at least 32)`;
    if (d.key.every((b) => b === 0)) return 'an all-zero HMAC key';
    return undefined;
  }
  try {
    const p = ed25519.Point.fromBytes(d.key, false);
    if (p.isSmallOrder()) return 'a small-order Ed25519 point';
    if (!p.isTorsionFree()) return 'an Ed25519 point outside the prime-order subgroup';
  } catch {
    return 'not a canonical Ed25519 point';
  }
  return undefined;
}
