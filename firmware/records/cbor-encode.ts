// Deterministic CBOR encoder (RFC 8949 §4.2.1 core deterministic encoding): shortest arguments, definite lengths,
// map keys sorted by the bytewise order of their encodings, duplicate keys refused.
import { CborError } from './errors.js';
import { CborMap, CborTag, MAX_DEPTH, MAX_SAFE, type CborKey, type CborValue } from './cbor-value.js';
import { encodeUtf8, utf8Length, writeAscii, writeUtf8 } from './utf8.js';
import { compareBytes } from './bytes.js';
import { copyBytes } from '../../hal/bytes.js';
import { asciiBytes } from '../../hal/text.js';

// Shaped for Espruino, which lexes the whole text of a function on every call, taken branches or not: the common
// cases (small heads, ASCII text, byte strings, integers) sit in short functions, and the rare ones (long heads,
// other text, errors, containers) in functions of their own.

// One growable output buffer reused across calls (encoding is synchronous and not re-entered), so an encode
// allocates only its result. Buffers grown past KEEP are not kept, to spare Espruino's small heap.
const KEEP = 2048;
let shared = new Uint8Array(256);

/** The output of an encoding: {@link encodeCbor}'s, or a caller's that writes a known shape directly (record.ts). */
export class Writer {
  buf = shared;
  len = 0;

  /** A copy of what was written. */
  done(): Uint8Array {
    return copyBytes(this.buf, 0, this.len);
  }

  room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    if (size <= KEEP) shared = next;
  }

  // The callers below test for room before calling room(): on Espruino the call costs more than the test, and the
  // buffer nearly always has the room.
  bytes(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** A byte string item: its head, then the bytes. */
  byteString(b: Uint8Array): void {
    this.head(2, b.length);
    this.bytes(b);
  }

  /** A head: major type in the top 3 bits, argument `n` (0 ≤ n ≤ 2^53 - 1) in its shortest form. */
  head(major: number, n: number): void {
    if (n >= 24) return this.longHead(major, n);
    if (this.len >= this.buf.length) this.room(1);
    this.buf[this.len++] = (major << 5) | n;
  }

  /** {@link head} for an argument of 24 or more. */
  private longHead(major: number, n: number): void {
    const m = major << 5;
    this.room(9);
    const b = this.buf;
    if (n < 0x100) {
      b[this.len++] = m | 24;
      b[this.len++] = n;
    } else if (n < 0x10000) {
      b[this.len++] = m | 25;
      b[this.len++] = n >> 8;
      b[this.len++] = n & 0xff;
    } else if (n < 0x100000000) {
      b[this.len++] = m | 26;
      this.u32(n);
    } else {
      b[this.len++] = m | 27;
      // n >>> 0 is n mod 2^32, exact for integers below 2^53; avoids 64-bit maths Espruino lacks.
      this.u32(Math.floor(n / 0x100000000));
      this.u32(n >>> 0);
    }
  }

  /**
   * A text string. ASCII (every text a record holds) takes one pass, written after a head sized by `s.length`;
   * anything else starts again with the UTF-8 length.
   */
  text(s: string): void {
    const native = asciiBytes(s);
    if (native) {
      this.head(3, native.length);
      this.bytes(native);
      return;
    }
    const at = this.len;
    this.head(3, s.length);
    if (this.len + s.length > this.buf.length) this.room(s.length);
    if (writeAscii(s, this.buf, this.len) === s.length) this.len += s.length;
    else this.utf8(s, at);
  }

  /** {@link text} for text beyond ASCII: its head and UTF-8 again from `at`. */
  private utf8(s: string, at: number): void {
    this.len = at;
    const u = utf8Length(s);
    this.head(3, u);
    this.room(u);
    this.len = writeUtf8(s, this.buf, this.len);
  }

  private u32(n: number): void {
    const b = this.buf;
    b[this.len++] = (n >>> 24) & 0xff;
    b[this.len++] = (n >>> 16) & 0xff;
    b[this.len++] = (n >>> 8) & 0xff;
    b[this.len++] = n & 0xff;
  }
}

/**
 * The deterministic encoding of `value`. Throws CborError for what has no deterministic form in our profile:
 * non-integer or unsafe numbers (`INT_RANGE`/`UNSUPPORTED`), lone surrogates (`BAD_TEXT`), duplicate or
 * non-int/text map keys (`DUPLICATE_KEY`/`BAD_KEY`), nesting beyond MAX_DEPTH (`TOO_DEEP`), other JS values.
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const w = new Writer();
  encodeItem(w, value, 0);
  return w.done();
}

function checkInteger(v: number, at: number): void {
  if (!isFinite(v) || Math.floor(v) !== v || v > MAX_SAFE || v < -MAX_SAFE) notInteger(v, at);
}

function notInteger(v: number, at: number): never {
  if (!isFinite(v) || Math.floor(v) !== v) throw new CborError('UNSUPPORTED', at, 'not an integer: ' + v + ' (floats are outside the profile)');
  throw new CborError('INT_RANGE', at, 'integer ' + v + ' beyond ±(2^53 - 1)');
}

function integer(w: Writer, v: number): void {
  checkInteger(v, w.len);
  if (v >= 0) w.head(0, v);
  else w.head(1, -1 - v);
}

/** Writes `v` at nesting `depth` (what {@link encodeCbor} does for the top level). */
export function encodeItem(w: Writer, v: CborValue, depth: number): void {
  if (typeof v === 'string') w.text(v);
  else if (typeof v === 'number') integer(w, v);
  else if (v instanceof Uint8Array) w.byteString(v);
  else encodeOther(w, v, depth);
}

/** {@link encodeItem} for the rest: true, false, null, arrays, maps, tags, and what has no CBOR form. */
function encodeOther(w: Writer, v: CborValue, depth: number): void {
  if (v === true) w.head(7, 21);
  else if (v === false) w.head(7, 20);
  else if (v === null) w.head(7, 22);
  else if (depth >= MAX_DEPTH && (Array.isArray(v) || v instanceof CborMap || v instanceof CborTag)) {
    throw new CborError('TOO_DEEP', w.len, 'nesting deeper than ' + MAX_DEPTH);
  } else if (Array.isArray(v)) {
    w.head(4, v.length);
    for (let i = 0; i < v.length; i++) encodeItem(w, v[i], depth + 1);
  } else if (v instanceof CborMap) encodeMap(w, v, depth);
  else if (v instanceof CborTag) {
    if (typeof v.tag !== 'number' || Math.floor(v.tag) !== v.tag || v.tag < 0 || v.tag > MAX_SAFE) {
      throw new CborError('UNSUPPORTED', w.len, 'tag number must be an integer 0..2^53-1, got ' + v.tag);
    }
    w.head(6, v.tag);
    encodeItem(w, v.value, depth + 1);
  } else {
    throw new CborError('UNSUPPORTED', w.len, 'no CBOR form for ' + (v === undefined ? 'undefined' : typeof v));
  }
}

interface SortKey {
  /** 0 unsigned, 1 negative, 3 text: the major type, which leads the encoding. */
  major: number;
  /** Integers: the head's argument. Text: the UTF-8 length. */
  arg: number;
  /** Text keys: their UTF-8 bytes. */
  utf8: Uint8Array | null;
  index: number;
}

/**
 * The bytewise order of two keys' encodings, without encoding them: the major type leads; shortest heads make a
 * larger argument sort later; for text the argument is the length, and equal lengths compare by their bytes.
 */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.arg !== b.arg) return a.arg - b.arg;
  return a.utf8 && b.utf8 ? compareBytes(a.utf8, b.utf8) : 0;
}

function sortKey(k: CborKey, index: number, at: number): SortKey {
  if (typeof k === 'string') {
    const utf8 = encodeUtf8(k);
    return { major: 3, arg: utf8.length, utf8: utf8, index: index };
  }
  if (typeof k !== 'number') throw new CborError('BAD_KEY', at, 'map keys must be integers or text');
  checkInteger(k, at);
  return k >= 0 ? { major: 0, arg: k, utf8: null, index: index } : { major: 1, arg: -1 - k, utf8: null, index: index };
}

function encodeMap(w: Writer, m: CborMap, depth: number): void {
  const pairs = m.entries();
  const keys: SortKey[] = [];
  for (let i = 0; i < pairs.length; i++) keys.push(sortKey(pairs[i][0], i, w.len));
  // Maps built in key order (every record payload) need no sort: strictly ascending also means no duplicates.
  let ascending = true;
  for (let i = 1; i < keys.length && ascending; i++) ascending = compareKeys(keys[i - 1], keys[i]) < 0;
  if (!ascending) {
    keys.sort(compareKeys);
    for (let i = 1; i < keys.length; i++) {
      if (compareKeys(keys[i - 1], keys[i]) === 0) {
        throw new CborError('DUPLICATE_KEY', w.len, 'duplicate map key ' + JSON.stringify(pairs[keys[i].index][0]));
      }
    }
  }
  w.head(5, keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    w.head(k.major, k.arg);
    if (k.utf8) w.bytes(k.utf8);
    encodeItem(w, pairs[k.index][1], depth + 1);
  }
}
