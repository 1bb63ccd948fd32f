// Deterministic CBOR encoder (RFC 8949 §4.2.1 core deterministic encoding): shortest arguments, definite lengths,
// map keys sorted by the bytewise order of their encodings, duplicate keys refused.
import { CborError } from './errors.js';
import { CborMap, CborTag, MAX_DEPTH, MAX_SAFE, type CborValue } from './cbor-value.js';
import { encodeUtf8 } from './utf8.js';
import { compareBytes } from './bytes.js';

class Writer {
  buf = new Uint8Array(64);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** A head: major type in the top 3 bits, argument `n` (0 ≤ n ≤ 2^53 - 1) in its shortest form. */
  head(major: number, n: number): void {
    const m = major << 5;
    this.room(9);
    const b = this.buf;
    if (n < 24) b[this.len++] = m | n;
    else if (n < 0x100) {
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
  return w.buf.slice(0, w.len);
}

function encodeItem(w: Writer, v: CborValue, depth: number): void {
  if (typeof v === 'number') {
    if (!isFinite(v) || Math.floor(v) !== v) throw new CborError('UNSUPPORTED', w.len, 'not an integer: ' + v + ' (floats are outside the profile)');
    if (v > MAX_SAFE || v < -MAX_SAFE) throw new CborError('INT_RANGE', w.len, 'integer ' + v + ' beyond ±(2^53 - 1)');
    if (v >= 0) w.head(0, v);
    else w.head(1, -1 - v);
  } else if (typeof v === 'string') {
    const b = encodeUtf8(v);
    w.head(3, b.length);
    w.bytes(b);
  } else if (v === true) w.byte(0xf5);
  else if (v === false) w.byte(0xf4);
  else if (v === null) w.byte(0xf6);
  else if (v instanceof Uint8Array) {
    w.head(2, v.length);
    w.bytes(v);
  } else if (Array.isArray(v)) {
    if (depth >= MAX_DEPTH) throw new CborError('TOO_DEEP', w.len, 'nesting deeper than ' + MAX_DEPTH);
    w.head(4, v.length);
    for (let i = 0; i < v.length; i++) encodeItem(w, v[i], depth + 1);
  } else if (v instanceof CborMap) {
    if (depth >= MAX_DEPTH) throw new CborError('TOO_DEEP', w.len, 'nesting deeper than ' + MAX_DEPTH);
    encodeMap(w, v, depth);
  } else if (v instanceof CborTag) {
    if (depth >= MAX_DEPTH) throw new CborError('TOO_DEEP', w.len, 'nesting deeper than ' + MAX_DEPTH);
    if (typeof v.tag !== 'number' || Math.floor(v.tag) !== v.tag || v.tag < 0 || v.tag > MAX_SAFE) {
      throw new CborError('UNSUPPORTED', w.len, 'tag number must be an integer 0..2^53-1, got ' + v.tag);
    }
    w.head(6, v.tag);
    encodeItem(w, v.value, depth + 1);
  } else {
    throw new CborError('UNSUPPORTED', w.len, 'no CBOR form for ' + (v === undefined ? 'undefined' : typeof v));
  }
}

function encodeMap(w: Writer, m: CborMap, depth: number): void {
  const pairs = m.entries();
  const keys: Array<{ bytes: Uint8Array; index: number }> = [];
  for (let i = 0; i < pairs.length; i++) {
    const k = pairs[i][0];
    if (typeof k !== 'number' && typeof k !== 'string') throw new CborError('BAD_KEY', w.len, 'map keys must be integers or text');
    keys.push({ bytes: encodeCbor(k), index: i });
  }
  keys.sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (let i = 1; i < keys.length; i++) {
    if (compareBytes(keys[i - 1].bytes, keys[i].bytes) === 0) {
      throw new CborError('DUPLICATE_KEY', w.len, 'duplicate map key ' + JSON.stringify(pairs[keys[i].index][0]));
    }
  }
  w.head(5, keys.length);
  for (let i = 0; i < keys.length; i++) {
    w.bytes(keys[i].bytes);
    encodeItem(w, pairs[keys[i].index][1], depth + 1);
  }
}
