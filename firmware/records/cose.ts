// COSE_Sign1 (tag 18, Ed25519) and COSE_Mac0 (tag 17, HMAC-SHA256) for records, RFC 9052, in one strict profile:
// protected header exactly {1: alg, 4: kid}, unprotected header empty, payload embedded. Off-the-shelf COSE
// libraries accept an alg that is only unprotected; this verifier refuses it, and any non-deterministic encoding.
import type { Ed25519, Sha256 } from '../../hal/crypto.js';
import type { CoseAlg, RecordSigner } from '../../hal/keys.js';
import { CborError, CborMap, CborTag, decodeCbor, encodeCbor, type CborValue } from './cbor.js';
import { RecordError } from './errors.js';
import { decodeUtf8, encodeUtf8 } from './utf8.js';
import { Writer } from './cbor-encode.js';
import { constantTimeEqual } from './bytes.js';
import { hmacSha256 } from './hmac.js';
import { hmacKeyProblem } from '../../hal/keys.js';

export const COSE_SIGN1_TAG = 18;
export const COSE_MAC0_TAG = 17;
export const ALG_EDDSA: CoseAlg = -8;
export const ALG_HMAC_256: CoseAlg = 5;

const LABEL_ALG = 1;
const LABEL_KID = 4;
const EMPTY = new Uint8Array(0);

/** A record envelope whose structure has been checked, not yet its signature. */
export interface CoseMessage {
  alg: CoseAlg;
  /** The kid as text: the device id. */
  kid: string;
  /** The protected header exactly as received (it is signed as bytes). */
  protectedBytes: Uint8Array;
  payload: Uint8Array;
  /** Ed25519 signature (64 bytes) or HMAC tag (32 bytes). */
  signature: Uint8Array;
}

/** A verifier's key for one device. The alg is part of the key so a record cannot choose how it is checked. */
export type VerifyKey = { alg: -8; publicKey: Uint8Array } | { alg: 5; hmacKey: Uint8Array };

/** The crypto verification needs: SHA-256 always, Ed25519 where the platform has it. */
export interface CoseCrypto extends Sha256 {
  ed25519?: Ed25519;
}

function tagFor(alg: CoseAlg): number {
  return alg === ALG_EDDSA ? COSE_SIGN1_TAG : COSE_MAC0_TAG;
}

function sigLength(alg: CoseAlg): number {
  return alg === ALG_EDDSA ? 64 : 32;
}

/** The bytes a signature or MAC covers: Sig_structure / MAC_structure with empty external AAD (RFC 9052 §4.4, §6.3). */
export function toBeSigned(alg: CoseAlg, protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  // [context, protected, external_aad, payload], written directly: the same bytes encodeCbor gives that array.
  const w = new Writer();
  w.head(4, 4);
  w.text(alg === ALG_EDDSA ? 'Signature1' : 'MAC0');
  w.byteString(protectedBytes);
  w.byteString(EMPTY);
  w.byteString(payload);
  return w.done();
}

// A device signs every record with the same alg and kid: the last protected header is kept, not encoded again.
let lastHeader: { alg: CoseAlg; kid: string; bytes: Uint8Array } | null = null;

/** The protected header {1: alg, 4: kid}, encoded (the same bytes for the same alg and kid; callers only read it). */
function protectedHeader(alg: CoseAlg, kid: string): Uint8Array {
  if (!lastHeader || lastHeader.alg !== alg || lastHeader.kid !== kid) {
    lastHeader = { alg: alg, kid: kid, bytes: encodeCbor(new CborMap([[LABEL_ALG, alg], [LABEL_KID, encodeUtf8(kid)]])) };
  }
  return lastHeader.bytes;
}

/**
 * The complete tagged COSE_Sign1 (alg -8) or COSE_Mac0 (alg 5) around `payload`, authenticated by `signer`, with
 * `kid` = UTF-8 of the device id. Deterministic: the same inputs give the same bytes.
 */
export function buildCose(signer: RecordSigner, kid: string, payload: Uint8Array): Uint8Array {
  const alg = signer.coseAlg;
  if (alg !== ALG_EDDSA && alg !== ALG_HMAC_256) throw new RecordError('ALG_NOT_ALLOWED', 'signer alg ' + alg + ' is not -8 or 5');
  const protectedBytes = protectedHeader(alg, kid);
  const signature = signer.sign(toBeSigned(alg, protectedBytes, payload));
  if (signature.length !== sigLength(alg)) {
    throw new RecordError('BAD_SIGNATURE_LENGTH', 'signer returned ' + signature.length + ' bytes for alg ' + alg);
  }
  // tag([protected, {}, payload, signature]), written directly: the same bytes encodeCbor gives that value.
  const w = new Writer();
  w.head(6, tagFor(alg));
  w.head(4, 4);
  w.byteString(protectedBytes);
  w.head(5, 0);
  w.byteString(payload);
  w.byteString(signature);
  return w.done();
}

// An envelope is a tag, an array and four items; a protected header a map of two pairs. A few more are allowed so
// that a small unprotected header is still refused by its rule (ALG_UNPROTECTED, ...); anything larger is refused
// before it is read further, so a record stuffed with junk costs no more than a real one.
const ENVELOPE_ITEMS = 16;
const HEADER_ITEMS = 16;

function cbor(bytes: Uint8Array, what: string, maxItems: number): CborValue {
  try {
    return decodeCbor(bytes, { maxItems: maxItems });
  } catch (e) {
    if (e instanceof CborError) throw new RecordError('CBOR', what + ': ' + e.message);
    throw e;
  }
}

/**
 * Checks the envelope's structure strictly and returns its parts. Throws RecordError: `CBOR` (not deterministic
 * CBOR, trailing bytes), `NOT_TAGGED`, `NOT_COSE`, `ALG_UNPROTECTED`, `KID_UNPROTECTED`, `UNPROTECTED_NOT_EMPTY`,
 * `BAD_PROTECTED`, `ALG_NOT_ALLOWED` (missing, unknown, or not the tag's alg), `BAD_KID`, `BAD_SIGNATURE_LENGTH`.
 */
export function parseCose(bytes: Uint8Array): CoseMessage {
  const top = cbor(bytes, 'record', ENVELOPE_ITEMS);
  if (!(top instanceof CborTag) || (top.tag !== COSE_SIGN1_TAG && top.tag !== COSE_MAC0_TAG)) {
    throw new RecordError('NOT_TAGGED', 'a record must be a tagged COSE_Sign1 (18) or COSE_Mac0 (17)');
  }
  const a = top.value;
  if (!Array.isArray(a) || a.length !== 4) throw new RecordError('NOT_COSE', 'a COSE message is an array of exactly 4 elements');
  const prot = a[0];
  const unprot = a[1];
  const payload = a[2];
  const signature = a[3];
  if (!(prot instanceof Uint8Array) || !(unprot instanceof CborMap) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw new RecordError('NOT_COSE', 'expected [protected bstr, unprotected map, payload bstr, signature bstr]');
  }
  if (unprot.has(LABEL_ALG)) throw new RecordError('ALG_UNPROTECTED', 'alg in the unprotected header');
  if (unprot.has(LABEL_KID)) throw new RecordError('KID_UNPROTECTED', 'kid in the unprotected header');
  if (unprot.size !== 0) throw new RecordError('UNPROTECTED_NOT_EMPTY', 'the unprotected header must be empty');
  const header = cbor(prot, 'protected header', HEADER_ITEMS);
  if (!(header instanceof CborMap)) throw new RecordError('BAD_PROTECTED', 'the protected header is not a map');
  const alg = header.get(LABEL_ALG);
  if (alg === undefined) throw new RecordError('ALG_NOT_ALLOWED', 'no alg in the protected header');
  if (alg !== -8 && alg !== 5) {
    throw new RecordError('ALG_NOT_ALLOWED', 'alg ' + String(alg) + ' is not allowed (only -8 and 5)');
  }
  if (tagFor(alg) !== top.tag) throw new RecordError('ALG_NOT_ALLOWED', 'alg ' + alg + ' does not go with tag ' + top.tag);
  const kid = header.get(LABEL_KID);
  if (!(kid instanceof Uint8Array)) throw new RecordError('BAD_PROTECTED', 'no kid byte string in the protected header');
  if (header.size !== 2) throw new RecordError('BAD_PROTECTED', 'the protected header holds labels other than alg and kid');
  let kidText: string;
  try {
    kidText = decodeUtf8(kid, 0, kid.length);
  } catch (e) {
    throw new RecordError('BAD_KID', 'kid is not UTF-8 text');
  }
  if (signature.length !== sigLength(alg)) {
    throw new RecordError('BAD_SIGNATURE_LENGTH', 'signature of ' + signature.length + ' bytes, alg ' + alg + ' needs ' + sigLength(alg));
  }
  return { alg, kid: kidText, protectedBytes: prot, payload, signature };
}

/**
 * True when `msg`'s signature or MAC verifies under `key`. Throws RecordError `ALG_NOT_ALLOWED` when the key is for
 * another alg than the message uses, `WEAK_KEY` for an HMAC key that hmacKeyProblem refuses, and `NO_KEY` when the
 * platform lacks Ed25519. The MAC compare is constant-time. Weak Ed25519 keys are the platform's to refuse: its
 * `verify` answers false for them (hal/node/crypto.ts), since the curve check needs BigInt maths Espruino lacks.
 */
export function checkCose(msg: CoseMessage, key: VerifyKey, crypto: CoseCrypto): boolean {
  if (key.alg !== msg.alg) throw new RecordError('ALG_NOT_ALLOWED', 'device ' + msg.kid + ' has a key for alg ' + key.alg + ', the record uses ' + msg.alg);
  const tbs = toBeSigned(msg.alg, msg.protectedBytes, msg.payload);
  if (key.alg === 5) {
    const weak = hmacKeyProblem(key.hmacKey);
    if (weak !== undefined) throw new RecordError('WEAK_KEY', 'the hmacKey of device ' + msg.kid + ' ' + weak);
    return constantTimeEqual(hmacSha256(crypto, key.hmacKey, tbs), msg.signature);
  }
  if (!crypto.ed25519) throw new RecordError('NO_KEY', 'this platform cannot verify Ed25519');
  return crypto.ed25519.verify(key.publicKey, tbs, msg.signature);
}

/**
 * Strict verification of one record envelope: structure ({@link parseCose}), kid equal to `expectedKid`
 * (`WRONG_KID`), then the signature (`BAD_SIGNATURE`). Returns the payload bytes.
 */
export function verifyCose(bytes: Uint8Array, expectedKid: string, key: VerifyKey, crypto: CoseCrypto): Uint8Array {
  const msg = parseCose(bytes);
  if (msg.kid !== expectedKid) throw new RecordError('WRONG_KID', 'kid ' + JSON.stringify(msg.kid) + ' is not device ' + JSON.stringify(expectedKid));
  if (!checkCose(msg, key, crypto)) throw new RecordError('BAD_SIGNATURE', (msg.alg === ALG_EDDSA ? 'signature' : 'MAC') + ' does not verify');
  return msg.payload;
}
