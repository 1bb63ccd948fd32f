import type { Ed25519, Sha256 } from '../../hal/crypto.js';
import { copyBytes } from '../../hal/bytes.js';

// The seal's codec and its signature check live beside the record format because a scan record carries the seal
// bytes as read (payload key 12): the scanner's judge and the ingest's re-judgement check them with this one code.

/**
 * The seal record a packaging station writes next to the package's Digital Link: who sealed (issuer key id), when,
 * and an Ed25519 signature binding the tag's UID to the link. Byte layout in docs/seal-format.md.
 *
 *   offset  size  field
 *   0       1     format version (01h)
 *   1       4     issuer key id: the first 4 bytes of SHA-256 of the issuer's Ed25519 public key (a lookup
 *                 hint; the signature decides)
 *   5       4     sealing time, seconds since 1970-01-01T00:00:00Z, unsigned big-endian
 *   9       64    Ed25519 signature over sealMessage(uid, link, time, key id)
 *
 * 73 bytes in all, so that a seal with a 50-character link fits the 144 bytes of an NTAG213 (beside its factory
 * Lock Control TLV) and one with a short link fits the 128 bytes of an Ultralight EV1 MF0UL21.
 */
export const SEAL_VERSION = 1;
export const SEAL_PAYLOAD_SIZE = 73;
export const KEY_ID_SIZE = 4;
/** NFC Forum external type (TNF 4) of the seal record. */
export const SEAL_RECORD_TYPE = 'sealscan.org:s';

export interface Seal {
  keyId: Uint8Array;
  /** Seconds since the Unix epoch. */
  sealedAt: number;
  signature: Uint8Array;
}

export type SealFindingCode = 'SEAL_LENGTH' | 'SEAL_VERSION';

export type SealDecodeResult = { ok: true; seal: Seal } | { ok: false; code: SealFindingCode; message: string };

/** Domain separation: a seal signature can never be mistaken for a signature over anything else. */
const CONTEXT = 'sealscan seal v1';

export function encodeSeal(seal: Seal): Uint8Array {
  if (seal.keyId.length !== KEY_ID_SIZE) throw new Error('seal key id must be ' + KEY_ID_SIZE + ' bytes, got ' + seal.keyId.length);
  if (seal.signature.length !== 64) throw new Error('seal signature must be 64 bytes, got ' + seal.signature.length);
  if (!(seal.sealedAt >= 0 && seal.sealedAt <= 0xffffffff && Math.floor(seal.sealedAt) === seal.sealedAt)) {
    throw new Error('sealing time ' + seal.sealedAt + ' is not a whole number of seconds in 0..2^32-1');
  }
  const out = new Uint8Array(SEAL_PAYLOAD_SIZE);
  out[0] = SEAL_VERSION;
  out.set(seal.keyId, 1);
  writeU32(out, 1 + KEY_ID_SIZE, seal.sealedAt);
  out.set(seal.signature, 5 + KEY_ID_SIZE);
  return out;
}

export function decodeSeal(payload: Uint8Array): SealDecodeResult {
  if (payload.length < 1) return { ok: false, code: 'SEAL_LENGTH', message: 'the seal record is empty' };
  if (payload[0] !== SEAL_VERSION) {
    return { ok: false, code: 'SEAL_VERSION', message: 'seal format version ' + payload[0] + ' is not supported (this scanner reads version ' + SEAL_VERSION + ')' };
  }
  if (payload.length !== SEAL_PAYLOAD_SIZE) {
    return { ok: false, code: 'SEAL_LENGTH', message: 'the seal record has ' + payload.length + ' bytes; version 1 has ' + SEAL_PAYLOAD_SIZE };
  }
  return {
    ok: true,
    seal: {
      keyId: copyBytes(payload, 1, 1 + KEY_ID_SIZE),
      sealedAt: readU32(payload, 1 + KEY_ID_SIZE),
      signature: copyBytes(payload, 5 + KEY_ID_SIZE, SEAL_PAYLOAD_SIZE),
    },
  };
}

/**
 * The bytes the issuer signs: a context string, then the tag UID, the Digital Link (ASCII) and the key id, each
 * with its length, and the sealing time. Lengths make the concatenation unambiguous.
 */
export function sealMessage(uid: Uint8Array, link: string, sealedAt: number, keyId: Uint8Array): Uint8Array {
  const out = new Uint8Array(CONTEXT.length + 1 + uid.length + 2 + link.length + 4 + 1 + keyId.length);
  let p = 0;
  for (let i = 0; i < CONTEXT.length; i++) out[p++] = CONTEXT.charCodeAt(i);
  out[p++] = uid.length;
  out.set(uid, p);
  p += uid.length;
  out[p++] = link.length >> 8;
  out[p++] = link.length & 0xff;
  for (let i = 0; i < link.length; i++) {
    const c = link.charCodeAt(i);
    if (c > 0x7e || c < 0x20) throw new Error('a Digital Link is printable ASCII; character ' + i + ' is not');
    out[p++] = c;
  }
  writeU32(out, p, sealedAt);
  p += 4;
  out[p++] = keyId.length;
  out.set(keyId, p);
  return out;
}

/** True when `link` can be signed: printable ASCII only (a Digital Link is). */
export function isPrintableAscii(link: string): boolean {
  for (let i = 0; i < link.length; i++) {
    const c = link.charCodeAt(i);
    if (c > 0x7e || c < 0x20) return false;
  }
  return true;
}

/** The 4-byte key id of an issuer's Ed25519 public key. */
export function issuerKeyId(publicKey: Uint8Array, crypto: Sha256): Uint8Array {
  return copyBytes(crypto.sha256(publicKey), 0, KEY_ID_SIZE);
}

/** The trusted keys whose key id is the seal's. Key ids are short lookup hints: every match is a candidate. */
export function sealCandidates<T extends { publicKey: Uint8Array }>(trusted: readonly T[], keyId: Uint8Array, crypto: Sha256): T[] {
  const out: T[] = [];
  for (let i = 0; i < trusted.length; i++) {
    const id = issuerKeyId(trusted[i].publicKey, crypto);
    let same = id.length === keyId.length;
    for (let k = 0; same && k < id.length; k++) same = id[k] === keyId[k];
    if (same) out.push(trusted[i]);
  }
  return out;
}

/**
 * The first of `candidates` whose Ed25519 signature the seal carries over sealMessage(uid, link, sealing time, key
 * id), or null. Null too for a link no packaging station signs (not printable ASCII, or longer than 65535
 * characters): such a tag was written by something else.
 */
export function sealSigner<T extends { publicKey: Uint8Array }>(candidates: readonly T[], uid: Uint8Array, link: string, seal: Seal, ed25519: Pick<Ed25519, 'verify'>): T | null {
  if (!isPrintableAscii(link) || link.length > 0xffff) return null;
  const msg = sealMessage(uid, link, seal.sealedAt, seal.keyId);
  for (let i = 0; i < candidates.length; i++) {
    if (ed25519.verify(candidates[i].publicKey, msg, seal.signature)) return candidates[i];
  }
  return null;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}
