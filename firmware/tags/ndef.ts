/**
 * NDEF messages (NFC Forum NDEF 1.0; reference §5.5): a sequence of records, each
 * `header, TYPE_LENGTH, PAYLOAD_LENGTH (1 byte with SR, else 4 bytes big-endian), [ID_LENGTH], TYPE, [ID], PAYLOAD`.
 *
 * Decoding never throws and never reads outside `[start, end)`: malformed bytes give a finding whose offset is the
 * index in `bytes` where the offending field starts. Chunked records (CF) are refused: no profile we read or write
 * uses them, and accepting them would let a reader and a verifier disagree about what a message says.
 */
import { finding, parsed, type Parsed } from './findings.js';
import { copyBytes } from '../../hal/bytes.js';

/** Type Name Format, header bits 2:0. */
export const TNF_EMPTY = 0;
export const TNF_WELL_KNOWN = 1;
export const TNF_MEDIA = 2;
export const TNF_ABSOLUTE_URI = 3;
export const TNF_EXTERNAL = 4;
export const TNF_UNKNOWN = 5;
export const TNF_UNCHANGED = 6;
export const TNF_RESERVED = 7;

/** Header flags. */
export const NDEF_MB = 0x80;
export const NDEF_ME = 0x40;
export const NDEF_CF = 0x20;
export const NDEF_SR = 0x10;
export const NDEF_IL = 0x08;

export interface NdefRecord {
  /** Type Name Format 0..6 (7 is reserved and never decoded). */
  tnf: number;
  type: Uint8Array;
  /** Empty when the record has no ID. */
  id: Uint8Array;
  payload: Uint8Array;
}

/** A record; `type` given as ASCII text for convenience (well-known "U", "T", media types). */
export function ndefRecord(tnf: number, type: Uint8Array | string, payload: Uint8Array, id?: Uint8Array): NdefRecord {
  let t: Uint8Array;
  if (typeof type === 'string') {
    t = new Uint8Array(type.length);
    for (let i = 0; i < type.length; i++) t[i] = type.charCodeAt(i) & 0xff;
  } else t = type;
  return { tnf: tnf, type: t, id: id === undefined ? new Uint8Array(0) : id, payload: payload };
}

/** Why a TNF does not allow these lengths, or null when it does. */
function tnfProblem(tnf: number, typeLength: number, idLength: number, payloadLength: number): string | null {
  if (tnf === TNF_RESERVED) return 'TNF 7 is reserved';
  if (tnf === TNF_UNCHANGED) return 'TNF 6 (unchanged) belongs to chunked records only';
  if (tnf === TNF_EMPTY && (typeLength | idLength | payloadLength) !== 0) return 'TNF 0 (empty) with a type, ID or payload';
  if (tnf === TNF_UNKNOWN && typeLength !== 0) return 'TNF 5 (unknown) with a type';
  if (tnf >= TNF_WELL_KNOWN && tnf <= TNF_EXTERNAL && typeLength === 0) return 'TNF ' + tnf + ' without a type';
  return null;
}

/** Encoded size of one record. */
function recordSize(r: NdefRecord): number {
  return 3 + (r.payload.length < 256 ? 0 : 3) + (r.id.length > 0 ? 1 : 0) + r.type.length + r.id.length + r.payload.length;
}

/**
 * The message bytes for `records`: MB on the first, ME on the last, SR whenever the payload is under 256 bytes,
 * IL only with a non-empty ID. Refuses (as findings, offset = record index) an empty list, a type or ID over 255
 * bytes, and TNF/length combinations NDEF forbids.
 */
export function encodeNdefMessage(records: NdefRecord[]): Parsed<Uint8Array> {
  if (records.length === 0) return finding('NDEF_EMPTY', 'an NDEF message needs at least one record', -1);
  let size = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.type.length > 255 || r.id.length > 255) return finding('NDEF_FIELD_SIZE', 'record ' + i + ': type or ID longer than 255 bytes', i);
    const why = tnfProblem(r.tnf, r.type.length, r.id.length, r.payload.length);
    if (why !== null || !(r.tnf >= 0 && r.tnf <= 7)) return finding('NDEF_TNF', 'record ' + i + ': ' + (why || 'TNF ' + r.tnf + ' is not 0 to 7'), i);
    size += recordSize(r);
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const short = r.payload.length < 256;
    out[o++] = (i === 0 ? NDEF_MB : 0) | (i === records.length - 1 ? NDEF_ME : 0) | (short ? NDEF_SR : 0) | (r.id.length ? NDEF_IL : 0) | r.tnf;
    out[o++] = r.type.length;
    const n = r.payload.length;
    if (short) out[o++] = n;
    else {
      // Division, not `>>`, so that lengths of 2³¹ and above stay positive.
      out[o++] = Math.floor(n / 16777216) & 0xff;
      out[o++] = (n >> 16) & 0xff;
      out[o++] = (n >> 8) & 0xff;
      out[o++] = n & 0xff;
    }
    if (r.id.length) out[o++] = r.id.length;
    out.set(r.type, o);
    o += r.type.length;
    out.set(r.id, o);
    o += r.id.length;
    out.set(r.payload, o);
    o += n;
  }
  return parsed(out);
}

/**
 * The records of the message in `bytes[start, end)` (whole array by default). Zero bytes give no records (the
 * empty NDEF TLV of a formatted tag). Checks: every header and field inside the range, MB exactly on the first
 * record, ME on the last and nothing after it, no CF, TNF rules of NDEF 1.0.
 */
export function decodeNdefMessage(bytes: Uint8Array, start?: number, end?: number): Parsed<NdefRecord[]> {
  const from = start === undefined ? 0 : Math.max(0, start);
  const to = end === undefined ? bytes.length : Math.min(end, bytes.length);
  const records: NdefRecord[] = [];
  let p = from;
  while (p < to) {
    const at = p;
    const h = bytes[p];
    const first = records.length === 0;
    if (first !== ((h & NDEF_MB) !== 0)) return finding('NDEF_FLAGS', first ? 'first record lacks MB' : 'record ' + records.length + ' has MB set', at);
    if (h & NDEF_CF) return finding('NDEF_CHUNKED', 'chunked record (CF set): not supported', at);
    const headerLength = 2 + (h & NDEF_SR ? 1 : 4) + (h & NDEF_IL ? 1 : 0);
    if (to - p < headerLength) return finding('NDEF_TRUNCATED', 'record header needs ' + headerLength + ' bytes, ' + (to - p) + ' left', at);
    const typeLength = bytes[p + 1];
    let payloadLength: number;
    p += 2;
    if (h & NDEF_SR) payloadLength = bytes[p++];
    else {
      payloadLength = bytes[p] * 16777216 + ((bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3]);
      p += 4;
    }
    const idLength = h & NDEF_IL ? bytes[p++] : 0;
    const tnf = h & 0x07;
    const why = tnfProblem(tnf, typeLength, idLength, payloadLength);
    if (why) return finding('NDEF_TNF', why, at);
    const body = typeLength + idLength + payloadLength;
    if (body > to - p) return finding('NDEF_LENGTH', 'record of ' + body + ' bytes after its header, ' + (to - p) + ' left in the message', at);
    const type = copyBytes(bytes, p, p + typeLength);
    p += typeLength;
    const id = copyBytes(bytes, p, p + idLength);
    p += idLength;
    const payload = copyBytes(bytes, p, p + payloadLength);
    p += payloadLength;
    records.push({ tnf: tnf, type: type, id: id, payload: payload });
    if (h & NDEF_ME) {
      if (p < to) return finding('NDEF_TRAILING', (to - p) + ' bytes after the record with ME', p);
      return parsed(records);
    }
  }
  if (records.length === 0) return parsed(records);
  return finding('NDEF_TRUNCATED', 'the message ends before a record with ME', to);
}
