// Which Ed25519 public keys sealscan accepts. OpenSSL (node:crypto) verifies RFC 8032 signatures under any 32 bytes
// that decode to a curve point, including the eight points of small order: under the identity key (01 00 … 00),
// R = identity and S = 0 verify for every message, so a device or issuer registered with such a key can be
// impersonated by anyone, without a private key. The curve maths is @noble/curves; OpenSSL offers no check for it.
import { ed25519 } from '@noble/curves/ed25519.js';
import { SealscanError } from '../errors.js';

/** An Ed25519 public key refused by {@link ed25519PublicKeyProblem} (code `WEAK_KEY`); `reason` is its answer. */
export class Ed25519KeyError extends SealscanError {
  declare readonly code: 'WEAK_KEY';
  readonly reason: string;
  constructor(reason: string) {
    super('WEAK_KEY', 'Ed25519 public key refused: ' + reason);
    this.name = 'Ed25519KeyError';
    this.reason = reason;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Why `publicKey` is not an acceptable raw Ed25519 public key, or undefined when it is. The answer is a phrase that
 * follows a field name ("publicKey: is a small-order Ed25519 point ..."). Refused, in this order:
 * - not 32 bytes;
 * - no curve point has this y (even taken mod p);
 * - a point of small order (1, 2, 4 or 8), in any encoding, canonical or not: no private key exists for it and
 *   signatures under it can be forged without one (libsodium refuses the same set);
 * - a non-canonical encoding (RFC 8032 §5.1.3: y >= p, or x = 0 with the sign bit set), i.e. bytes that do not
 *   re-encode to themselves: one key must have one spelling, or key ids and registrations can be duplicated;
 * - a point outside the prime-order subgroup (mixed order: an honest key plus a small-order component). Honest key
 *   generation (a scalar times the base point) never makes one.
 *
 * Costs about 2 ms (a scalar multiplication in JavaScript): check a key once where it enters, or keep the verdict
 * with the key (as hal/node/crypto.ts does), never once per signature. Keys that passed once pass forever, so a
 * store that re-checks its keys when it opens (e.g. the ingest database) refuses only keys registered before this
 * rule existed.
 */
export function ed25519PublicKeyProblem(publicKey: Uint8Array): string | undefined {
  if (publicKey.length !== 32) return `must be 32 bytes, not ${publicKey.length}`;
  let point;
  try {
    // Lenient (ZIP 215) decoding first, so a non-canonical spelling of a small-order point is named as what it is.
    point = ed25519.Point.fromBytes(publicKey, true);
  } catch {
    return 'is not a point on Ed25519 (no x for this y)';
  }
  if (point.isSmallOrder()) return 'is a small-order Ed25519 point (no private key can sign for it)';
  if (!sameBytes(point.toBytes(), publicKey)) return 'is a non-canonical encoding of an Ed25519 point (y >= p, or x = 0 with the sign bit set)';
  if (!point.isTorsionFree()) return 'is not in the prime-order subgroup of Ed25519 (it has a small-order component; honest key generation never makes one)';
  return undefined;
}
