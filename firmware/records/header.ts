// The header of a record read straight from its bytes: device id, seq and boot count, the three things a device needs
// from its own newest record at boot. Keys 1 to 6 are fixed by DESIGN.md and come first in every payload (a
// deterministic map sorts its keys), so they sit at known places behind the envelope's head; nothing else is decoded.
// The full parser (cose.ts, record.ts) stays the judge of a record: this reads only what it needs and refuses
// whatever is not where it must be, and tests/records/header.test.ts holds it to the full parser. Its heads go through
// the decoder's own readHead, just as strict; on Espruino the rest of the decoder stays off the device image.
import { isDeviceId } from '../../hal/keys.js';
import { COSE_MAC0_TAG, COSE_SIGN1_TAG } from './cose.js';
import { CborError, RecordError, type RecordErrorCode } from './errors.js';
import { readHead, type HeadCursor } from './cbor-decode.js';
import { decodeUtf8 } from './utf8.js';
import { fieldRule } from './record.js';

export interface RecordHeaderFields {
  device: string;
  seq: number;
  boot: number;
}

/** A read position in `b`, read by the decoder's own head reader. */
class At implements HeadCursor {
  pos = 0;
  start = 0;
  major = 0;
  /** `code`: what a layout error is, NOT_COSE in the envelope and BAD_PAYLOAD in the payload. */
  constructor(
    readonly b: Uint8Array,
    private readonly code: RecordErrorCode,
  ) {}

  broken(why: string): RecordError {
    return new RecordError(this.code, 'record header: ' + why);
  }

  /** The argument of the head at the read position, which must be of major type `major`. */
  head(major: number, what: string): number {
    let n: number;
    try {
      n = readHead(this);
    } catch (e) {
      if (e instanceof CborError) throw new RecordError('CBOR', 'record header, ' + what + ': ' + e.message);
      throw e;
    }
    if (this.major !== major) throw this.broken(what + ': major type ' + this.major + ', expected ' + major);
    return n;
  }

  /** The bytes of the byte or text string (major 2 or 3) at the read position. */
  string(major: number, what: string): Uint8Array {
    const n = this.head(major, what);
    if (this.pos + n > this.b.length) throw this.broken(what + ': runs past the end');
    const s = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Checks that the next item is the unsigned integer key `k`. */
  key(k: number): void {
    if (this.head(0, 'payload key') !== k) throw this.broken('payload key ' + k + ' is not where it must be');
  }
}

/**
 * Device id, seq and boot count of the COSE record `cose` (COSE_Sign1 or COSE_Mac0 as cose.ts builds it). Throws
 * RecordError when the bytes do not have the record's layout up to key 6; does not check the signature, the rest of
 * the payload, or anything after it.
 */
export function readRecordHeader(cose: Uint8Array): RecordHeaderFields {
  const at = new At(cose, 'NOT_COSE');
  const tag = at.head(6, 'tag');
  if (tag !== COSE_SIGN1_TAG && tag !== COSE_MAC0_TAG) throw new RecordError('NOT_TAGGED', 'a record must be a tagged COSE_Sign1 (18) or COSE_Mac0 (17)');
  if (at.head(4, 'envelope') !== 4) throw at.broken('the envelope is not an array of 4');
  at.string(2, 'protected header');
  if (at.head(5, 'unprotected header') !== 0) throw new RecordError('UNPROTECTED_NOT_EMPTY', 'the unprotected header must be empty');
  const p = new At(at.string(2, 'payload'), 'BAD_PAYLOAD');
  if (p.head(5, 'payload') < 6) throw p.broken('the payload map has fewer than 6 keys');
  p.key(1);
  const id = p.string(3, 'device');
  let device: string;
  try {
    device = decodeUtf8(id, 0, id.length);
  } catch (e) {
    throw p.broken('device is not UTF-8');
  }
  if (!isDeviceId(device)) throw new RecordError('BAD_PAYLOAD', 'key 1 (device) ' + fieldRule('device-id'));
  p.key(2);
  const seq = p.head(0, 'seq');
  p.key(3);
  if (p.string(2, 'prev').length !== 32) throw new RecordError('BAD_PAYLOAD', 'key 3 (prev) ' + fieldRule('hash'));
  p.key(4);
  p.string(3, 'kind');
  p.key(5);
  p.head(0, 'time');
  p.key(6);
  const boot = p.head(0, 'boot');
  return { device: device, seq: seq, boot: boot };
}
