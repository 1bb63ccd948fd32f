// NXP originality signatures (NTAG21x, MIFARE Ultralight EV1): ECDSA over secp128r1 on the raw UID, which
// OpenSSL does not offer, so @noble/curves does it. Parameters and traps: shared/reference/mfrc522-iso14443a.md §6.
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { OriginalityVerifier } from '../crypto.js';

/** SEC 2 secp128r1 (h = 1). */
const secp128r1 = weierstrass({
  p: 0xfffffffdffffffffffffffffffffffffn,
  n: 0xfffffffe0000000075a30d1b9038a115n,
  h: 1n,
  a: 0xfffffffdfffffffffffffffffffffffcn,
  b: 0xe87579c11079f43dd824993c2cee5ed3n,
  Gx: 0x161ff7528b899b2d0c28607ca52c5b86n,
  Gy: 0xcf5ac8395bafeb13c02da292dded7a83n,
});

/** ECDSA on secp128r1; the hash is used only for signing test tags (k generation), never for verifying UIDs. */
export const secp128r1Ecdsa = ecdsa(secp128r1, sha256);

/** NXP public keys from AN11350 (NTAG21x) and AN11341 (Ultralight EV1), 04 || X || Y. */
export const NXP_ORIGINALITY_KEYS = {
  ntag21x: '04494e1a386d3d3cfe3dc10e5de68a499b1c202db5b132393e89ed19fe5be8bc61',
  ultralightEv1: '0490933bdcd6e99b4e255e3da55389a827564e11718e017292faf23226a96614b8',
} as const;

/**
 * Verifies r || s over the raw UID: `prehash: false` because NXP signs the UID itself, `lowS: false` because NXP
 * signatures are not normalised. Never throws.
 */
export const nxpOriginality: OriginalityVerifier = {
  verify(publicKey, uid, signature) {
    if (signature.length !== 32 || publicKey.length !== 33) return false;
    try {
      return secp128r1Ecdsa.verify(signature, uid, publicKey, { prehash: false, lowS: false, format: 'compact' });
    } catch {
      return false;
    }
  },
};

/**
 * Why `key` cannot be an originality public key, or undefined: anything but 33 bytes 04 || X || Y, or a point that
 * is not on secp128r1 (a typo in a key given on the command line would otherwise make every tag a clone suspect).
 */
export function originalityPublicKeyProblem(key: Uint8Array): string | undefined {
  if (key.length !== 33 || key[0] !== 0x04) return 'must be 33 bytes, 04 || X || Y (uncompressed), as 66 hex digits';
  try {
    secp128r1Ecdsa.Point.fromBytes(key).assertValidity();
  } catch {
    return 'is not a point on secp128r1';
  }
  return undefined;
}
