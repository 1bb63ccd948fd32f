// The body of POST /v1/records: one deterministic CBOR array whose elements are byte strings, each a complete COSE
// record. Only the outer structure is read here, head by head, without decoding anything inside a record: the
// counts and sizes are checked first, so a body built to be expensive to decode costs no more than reading it.
import { ApiError } from './http-util.js';

export interface BodyLimits {
  /** Records in one body. */
  maxRecords: number;
  /** Bytes of one record. */
  maxRecordBytes: number;
}

const bad = (message: string) => new ApiError(400, 'bad-body', message);

/** The CBOR head at `at`: major type, argument, where its content starts; undefined when cut off or not definite. */
export function readHead(b: Uint8Array, at: number): { major: number; n: number; next: number; shortest: boolean } | undefined {
  if (at >= b.length) return undefined;
  const ib = b[at];
  const ai = ib & 31;
  if (ai < 24) return { major: ib >> 5, n: ai, next: at + 1, shortest: true };
  if (ai > 27) return undefined;
  const size = 1 << (ai - 24);
  if (at + 1 + size > b.length) return undefined;
  let n = 0;
  for (let i = 1; i <= size; i++) n = n * 256 + b[at + i];
  const least = size === 1 ? 24 : size === 2 ? 0x100 : size === 4 ? 0x10000 : 0x100000000;
  return { major: ib >> 5, n, next: at + 1 + size, shortest: n >= least };
}

/** A head at `at` whose major type must be `major` (4: array, 2: byte string); ApiError 400 naming the byte otherwise. */
function head(b: Uint8Array, at: number, major: number, what: string): { n: number; next: number } {
  if (at >= b.length) throw bad(`body ends at byte ${at} where ${what} should start`);
  if (b[at] >> 5 !== major) throw bad(`byte ${at}: ${what} must be a CBOR ${major === 4 ? 'array (major type 4)' : 'byte string (major type 2)'}, found major type ${b[at] >> 5}`);
  const ai = b[at] & 31;
  if (ai === 31) throw bad(`byte ${at}: ${what} has an indefinite length; only definite lengths are deterministic CBOR`);
  if (ai > 27) throw bad(`byte ${at}: reserved additional information ${ai}`);
  const h = readHead(b, at);
  if (!h) throw bad(`body ends inside the head of ${what} at byte ${at}`);
  if (!h.shortest) throw bad(`byte ${at}: the length of ${what} is not in its shortest form`);
  return h;
}

/**
 * The seq a payload claims, read from its first bytes without decoding it (deterministic key order puts key 1,
 * the device id, and key 2, the seq, first): for answers about records refused before their payload is trusted.
 * Null when the bytes do not start that way.
 */
export function claimedSeq(payload: Uint8Array): number | null {
  const map = readHead(payload, 0);
  if (!map || map.major !== 5) return null;
  const k1 = readHead(payload, map.next);
  if (!k1 || k1.major !== 0 || k1.n !== 1) return null;
  const id = readHead(payload, k1.next);
  if (!id || id.major !== 3) return null;
  const k2 = readHead(payload, id.next + id.n);
  if (!k2 || k2.major !== 0 || k2.n !== 2) return null;
  const seq = readHead(payload, k2.next);
  return seq && seq.major === 0 && seq.n <= Number.MAX_SAFE_INTEGER ? seq.n : null;
}

/** Refuses a body from its first bytes (the array head), before the rest is read: 400 or 413 as parseRecordsBody. */
export function checkBodyHead(prefix: Uint8Array, limits: BodyLimits): void {
  const top = head(prefix, 0, 4, 'the body');
  if (top.n > limits.maxRecords) throw new ApiError(413, 'too-many-records', `${top.n} records in one request; the limit is ${limits.maxRecords}`);
}

/**
 * The records in `body` as views into it (no copy). Throws ApiError 400 `bad-body` naming the byte or element,
 * 413 `too-many-records` when the array head announces more than `maxRecords` (before anything else is read), and
 * 413 `record-too-large` for an element over `maxRecordBytes`.
 */
export function parseRecordsBody(body: Uint8Array, limits: BodyLimits): Uint8Array[] {
  checkBodyHead(body, limits);
  const top = head(body, 0, 4, 'the body');
  const out: Uint8Array[] = [];
  let at = top.next;
  for (let i = 0; i < top.n; i++) {
    const h = head(body, at, 2, `element ${i}`);
    if (h.n > limits.maxRecordBytes) throw new ApiError(413, 'record-too-large', `element ${i} is ${h.n} bytes; a record may have at most ${limits.maxRecordBytes}`);
    if (h.next + h.n > body.length) throw bad(`element ${i} declares ${h.n} bytes but only ${body.length - h.next} remain`);
    out.push(body.subarray(h.next, h.next + h.n));
    at = h.next + h.n;
  }
  if (at !== body.length) throw bad(`${body.length - at} byte(s) after the array's ${top.n} element(s), from byte ${at}`);
  return out;
}
