import type { Sha256 } from '../../hal/crypto.js';
import type { Pcd, RadioError } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { Type2Reader, type TamperReading } from '../tags/type2-read.js';
import type { Type2Spec } from '../tags/type2-catalog.js';
import { decodeConfig } from '../tags/type2-config.js';
import { concatBytes } from '../records/bytes.js';
import { encodeUtf8 } from '../records/utf8.js';

/** Everything one tap of a Type 2 tag gave, for the verdict and as evidence. */
export interface Type2Reading {
  kind: 'type2';
  activation: Activation;
  /** GET_VERSION answer; null when the tag has none (MIFARE Ultralight MF0ICU1). */
  version: Uint8Array | null;
  /** Catalog entry for the version; null for a version we do not know. */
  spec: Type2Spec | null;
  /** The whole memory map (PWD/PACK as zeros); absent when it could not be read. */
  memory?: Uint8Array;
  /** READ_SIG answer, when the tag type has one and it was read. */
  signature?: Uint8Array;
  tamper?: TamperReading;
  /** NFC counter, read only when the tag has it enabled (a disabled counter NAKs and resets the tag). */
  counter?: number;
  /** The first exchange that failed; the fields after it are missing. */
  error?: RadioError;
  /** Which step failed: 'version', 'memory', 'signature', 'tamper', 'counter'. */
  failedStep?: string;
}

/** A tag that is not Type 2 (or not identified as such). */
export interface OtherReading {
  kind: 'other';
  activation: Activation;
}

export type TagReading = Type2Reading | OtherReading;

/** SAK 00h (with the UID complete) is a Type 2 tag: NTAG21x, MIFARE Ultralight (reference section 4.3). */
export function isType2(activation: Activation): boolean {
  return (activation.sak & 0x7f) === 0x00;
}

/**
 * Reads what the seal check needs from a selected Type 2 tag, in an order that keeps the tag ACTIVE: GET_VERSION
 * first (it also sends other READY tags back to IDLE), then READ_SIG and READ_TT_STATUS, the memory with FAST_READ,
 * and the NFC counter last and only when enabled (a NAK resets the tag). Stops at the first failed exchange.
 */
export function readType2(pcd: Pcd, activation: Activation): Type2Reading {
  const tag = new Type2Reader(pcd, activation);
  const out: Type2Reading = { kind: 'type2', activation: activation, version: null, spec: null };
  const fail = (step: string, error: RadioError): Type2Reading => {
    out.error = error;
    out.failedStep = step;
    return out;
  };
  const id = tag.getVersion();
  if (!id.ok) return fail('version', id);
  out.version = id.value.version;
  out.spec = id.value.spec;
  const spec = id.value.spec;
  if (id.value.kind === 'unknown' || !spec) return out;
  if (id.value.kind === 'no-version') return out; // an MF0ICU1 dropped to IDLE: nothing more without re-activation
  if (spec.capabilities.readSig) {
    const sig = tag.readSignature();
    if (!sig.ok) return fail('signature', sig);
    out.signature = sig.value;
  }
  if (spec.capabilities.tamper) {
    const tt = tag.readTamperStatus();
    if (!tt.ok) return fail('tamper', tt);
    out.tamper = tt.value;
  }
  const mem = tag.readAll();
  if (!mem.ok) return fail('memory', mem);
  out.memory = mem.value;
  if (spec.capabilities.counter === 'nfc' && spec.cfg0Page >= 0) {
    const m = mem.value;
    const cfg = decodeConfig(m.subarray(spec.cfg0Page * 4, spec.cfg0Page * 4 + 4), m.subarray(spec.cfg1Page * 4, spec.cfg1Page * 4 + 4));
    if (cfg.nfcCounterEnabled && !cfg.nfcCounterPasswordProtected) {
      const c = tag.readCounter(2);
      if (!c.ok) return fail('counter', c);
      out.counter = c.value;
    }
  }
  return out;
}

/** One field of {@link readingDigest}'s input: a tag byte, a 16-bit big-endian length, the bytes. */
function field(tag: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(3 + bytes.length);
  out[0] = tag;
  out[1] = (bytes.length >> 8) & 0xff;
  out[2] = bytes.length & 0xff;
  out.set(bytes, 3);
  return out;
}

/**
 * SHA-256 over a canonical encoding of everything in `reading` that the verdict looks at: the activation (UID,
 * ATQA, SAK), the GET_VERSION answer, the memory, the READ_SIG answer, the TT status and message, and where a read
 * failed. Two taps with equal digests read the same bytes, so the scanner can tell a repeat from a magic clone with
 * the same UID (see firmware/app/repeat.ts) without keeping a kilobyte per tap. Each field is tagged and
 * length-prefixed, and a field the tap did not give is left out, so no two different readings encode alike (absent
 * differs from empty). The NFC counter is left out: it counts the reads themselves, so it would differ on every tap
 * of a tag that has it enabled, and no verdict depends on it.
 */
export function readingDigest(reading: TagReading, h: Sha256): Uint8Array {
  const a = reading.activation;
  const parts: Uint8Array[] = [field(0, encodeUtf8(reading.kind)), field(1, a.uid), field(2, a.atqa), field(3, new Uint8Array([a.sak & 0xff]))];
  if (reading.kind === 'type2') {
    if (reading.version) parts.push(field(4, reading.version));
    if (reading.memory) parts.push(field(5, reading.memory));
    if (reading.signature) parts.push(field(6, reading.signature));
    if (reading.tamper) parts.push(field(7, reading.tamper.message), field(8, encodeUtf8(reading.tamper.status)));
    if (reading.error) parts.push(field(9, encodeUtf8(reading.error.reason)), field(10, encodeUtf8(reading.failedStep || '')));
  }
  return h.sha256(concatBytes(parts));
}
