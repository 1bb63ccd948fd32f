/**
 * Who signs a virtual tag's UID for READ_SIG. The signing itself (ECDSA on secp128r1, sim/tags/originality.ts) needs
 * Node; the tag models do not, so that the Espruino self-test image can carry them with signatures made beforehand.
 * originality.ts registers its signer when it loads, and sim/tags/index.ts loads it.
 */
import { HalError } from '../../hal/errors.js';
import { hexLiteral } from '../../hal/hex.js';

/** Signs `uid` with a 16-byte secp128r1 private key: 32 bytes r ‖ s, as NXP does. */
export type UidSigner = (uid: Uint8Array, privateKey: Uint8Array) => Uint8Array;

let signer: UidSigner | undefined;

export function setUidSigner(s: UidSigner): void {
  signer = s;
}

/** The signature of `uid`; throws when no signer is loaded (a tag without a given signature, off Node). */
export function signUidWith(uid: Uint8Array, privateKey: Uint8Array): Uint8Array {
  if (!signer) throw new HalError('UNMODELLED', 'no originality signer is loaded: import sim/tags/index.js, or give the tag its signature');
  return signer(uid, privateKey);
}

/**
 * The simulator's own originality private key: 16 bytes, a fixed test value (the first 16 bytes of
 * SHA-256("sealscan simulated NXP originality key"), which is below n; tests/sim/tags/originality.test.ts checks it).
 * Never a secret: virtual tags sign with it so that verifiers can be tested with SIM_ORIGINALITY_PUBLIC_KEY.
 */
export const SIM_ORIGINALITY_PRIVATE_KEY: Uint8Array = hexLiteral('09d09dc809de2f28acd809bbf7f01168');

/** Public key for {@link SIM_ORIGINALITY_PRIVATE_KEY}: 33 bytes, 04 ‖ X ‖ Y like the NXP keys (checked by the same test). */
export const SIM_ORIGINALITY_PUBLIC_KEY: Uint8Array = hexLiteral('04e2b55c78d6b73c0cb1980e4fd7bb9c1962e25e7c098ca305c1308b5780158178');
