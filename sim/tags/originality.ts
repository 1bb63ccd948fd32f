/**
 * NXP originality signatures (reference §6): ECDSA over secp128r1, the raw UID used as the "hash" value (not hashed),
 * signature r ‖ s (16 + 16 bytes, big-endian), s not normalised. Public keys are 33 bytes, 04 ‖ X ‖ Y (16 bytes each),
 * the encoding NXP and Proxmark3 print; a signature check never throws.
 */
// The curve lives once in the project: hal/node/originality.ts builds secp128r1 with @noble/curves 2.x
// (`weierstrass` + `ecdsa` with SHA-256, which only seeds RFC 6979 nonces when signing with prehash off).
import { NXP_ORIGINALITY_KEYS, secp128r1Ecdsa as ECDSA, nxpOriginality } from '../../hal/node/originality.js';
import { hexLiteral } from '../../hal/hex.js';
import { SIM_ORIGINALITY_PRIVATE_KEY, SIM_ORIGINALITY_PUBLIC_KEY, setUidSigner } from './uid-signer.js';

/**
 * NXP's options: the UID is the hash value (prehash false), and genuine signatures have s > n/2 about half the time,
 * which the default lowS policy would reject (reference §6, trap 2).
 */
const NXP_OPTS = { prehash: false, lowS: false } as const;


/** NXP originality key for NTAG21x (AN11350), 04 ‖ X ‖ Y. */
export const NXP_NTAG21X_PUBLIC_KEY: Uint8Array = hexLiteral(NXP_ORIGINALITY_KEYS.ntag21x);
/** NXP originality key for MIFARE Ultralight EV1 (AN11341), 04 ‖ X ‖ Y. */
export const NXP_ULTRALIGHT_EV1_PUBLIC_KEY: Uint8Array = hexLiteral(NXP_ORIGINALITY_KEYS.ultralightEv1);

/** A UID and the genuine NXP signature over it. */
export interface OriginalityVector {
  uid: Uint8Array;
  signature: Uint8Array;
}

/** Genuine NTAG21x UID/signature pairs (PM3 `tools/recover_pk.py` self-tests, reference §6). */
export const NXP_NTAG21X_VECTORS: readonly OriginalityVector[] = [
  { uid: hexLiteral('04E10CDA993C80'), signature: hexLiteral('8B76052EE42F5567BEB53238B3E3F9950707C0DCC956B5C5EFCFDB709B2D82B3') },
  { uid: hexLiteral('04DB0BDA993C80'), signature: hexLiteral('6048EFD9417CD10F6B7F1818D471A7FE5B46868D2EABDC6307A1E0AAE139D8D0') },
];

/** Genuine Ultralight EV1 UID/signature pairs (same source). */
export const NXP_ULTRALIGHT_EV1_VECTORS: readonly OriginalityVector[] = [
  { uid: hexLiteral('04C1285A373080'), signature: hexLiteral('CEA2EB0B3C95D0844A95B824A7553703B3702378033BF0987899DB70151A19E7') },
  { uid: hexLiteral('04C2285A373080'), signature: hexLiteral('A561506723D422D29ED9F93E60D20B9ED1E05CC1BF81DA19FE500CA0B81CC0ED') },
];

export { SIM_ORIGINALITY_PRIVATE_KEY, SIM_ORIGINALITY_PUBLIC_KEY };

/** The 33-byte public key (04 ‖ X ‖ Y) of a 16-byte secp128r1 private key. */
export function originalityPublicKey(privateKey: Uint8Array): Uint8Array {
  return ECDSA.getPublicKey(privateKey, false);
}

/**
 * Signs a UID the way NXP does: 32 bytes r ‖ s, raw UID as the hash value. Deterministic (RFC 6979), so a virtual
 * tag's signature is the same in every run.
 */
export function signUid(uid: Uint8Array, privateKey: Uint8Array = SIM_ORIGINALITY_PRIVATE_KEY): Uint8Array {
  return ECDSA.sign(uid, privateKey, NXP_OPTS);
}

// Virtual tags sign their UIDs with this, once this module has loaded (sim/tags/index.ts loads it).
setUidSigner(signUid);

/** True when `signature` (32 bytes) is a valid NXP-style signature of `uid` under `publicKey`; never throws. */
export function verifyUidSignature(uid: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return nxpOriginality.verify(publicKey, uid, signature);
}

/**
 * The same check with SHA-256 prehashing — what a careless verifier does. Exported so tests can show that genuine
 * NXP signatures fail it.
 */
export function verifyUidSignaturePrehashed(uid: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ECDSA.verify(signature, uid, publicKey, { prehash: true, lowS: false });
  } catch {
    return false;
  }
}
