// Strict decoder for our deterministic CBOR profile. It accepts exactly the encodings encodeCbor produces, so
// decode-then-encode gives back the input byte for byte, and refuses everything else with a CborError that names
// the offset. Lengths from the input are checked against the bytes that remain before anything is allocated.
import { CborError } from './errors.js';
import { CborMap, CborTag, MAX_DEPTH, MAX_SAFE, type CborKey, type CborValue } from './cbor-value.js';
import { decodeUtf8 } from './utf8.js';

/** The name of CBOR major type `major`, for messages (made when one is needed, not held for the device's life). */
function majorName(major: number): string {
  return ['unsigned integer', 'negative integer', 'byte string', 'text string', 'array', 'map', 'tag', 'simple/float'][major];
}

/**
 * A read position in CBOR bytes: `pos` is where the next head starts; {@link readHead} leaves the major type and the
 * start of the head it read in `major` and `start`.
 */
export interface HeadCursor {
  readonly b: Uint8Array;
  pos: number;
  start: number;
  major: number;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);
}

/**
 * Reads the head at `c.pos` and moves past it; returns its argument (for major type 7, the additional information,
 * which the caller interprets). Throws CborError for what the profile refuses: a cut-off head, indefinite lengths,
 * reserved values, an argument beyond 2^53 - 1 or not in its shortest form.
 */
export function readHead(c: HeadCursor): number {
  const b = c.b;
  c.start = c.pos;
  if (c.pos >= b.length) throw new CborError('TRUNCATED', c.pos, 'input ends where a data item should start');
  const ib = b[c.pos++];
  const major = ib >> 5;
  const ai = ib & 31;
  c.major = major;
  if (major === 7) return ai; // the caller interprets simple values and floats
  if (ai < 24) return ai;
  if (ai > 27) {
    if (ai === 31) throw new CborError('INDEFINITE', c.start, 'indefinite length or break (additional information 31) in a ' + majorName(major));
    throw new CborError('RESERVED', c.start, 'reserved additional information ' + ai);
  }
  const size = ai === 24 ? 1 : ai === 25 ? 2 : ai === 26 ? 4 : 8;
  if (c.pos + size > b.length) throw new CborError('TRUNCATED', c.start, 'input ends inside the head of a ' + majorName(major));
  let n: number;
  if (size === 1) n = b[c.pos];
  else if (size === 2) n = (b[c.pos] << 8) | b[c.pos + 1];
  else if (size === 4) n = u32(b, c.pos);
  else {
    const hi = u32(b, c.pos);
    if (hi > 0x1fffff) throw new CborError('INT_RANGE', c.start, 'argument beyond 2^53 - 1');
    n = hi * 0x100000000 + u32(b, c.pos + 4);
  }
  c.pos += size;
  const least = size === 1 ? 24 : size === 2 ? 0x100 : size === 4 ? 0x10000 : 0x100000000;
  if (n < least) throw new CborError('NON_SHORTEST', c.start, 'argument ' + n + ' of a ' + majorName(major) + ' not in its shortest form');
  return n;
}

class Reader implements HeadCursor {
  pos = 0;
  /** The major type and start offset of the head last read ({@link readHead}). */
  major = 0;
  start = 0;
  constructor(
    readonly b: Uint8Array,
    readonly maxDepth: number,
    private left: number,
    readonly shared: ItemBudget | undefined,
  ) {}

  item(depth: number): CborValue {
    if (--this.left < 0 || (this.shared && --this.shared.items < 0)) {
      if (this.shared && this.shared.items < 0) this.shared.items = 0;
      throw new CborError('TOO_MANY_ITEMS', this.pos, 'more data items than the decoder may read here');
    }
    const n = readHead(this);
    const major = this.major;
    const start = this.start;
    const left = this.b.length - this.pos;
    switch (major) {
      case 0:
        return n;
      case 1:
        if (n > MAX_SAFE - 1) throw new CborError('INT_RANGE', start, 'negative integer beyond -(2^53 - 1)');
        return -1 - n;
      case 2:
      case 3: {
        if (n > left) throw new CborError('LENGTH', start, majorName(major) + ' of ' + n + ' bytes but only ' + left + ' remain');
        const from = this.pos;
        this.pos += n;
        return major === 2 ? this.b.subarray(from, from + n) : decodeUtf8(this.b, from, from + n);
      }
      case 4: {
        this.enter(depth, start);
        if (n > left) throw new CborError('LENGTH', start, 'array of ' + n + ' items but only ' + left + ' bytes remain');
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.item(depth + 1));
        return out;
      }
      case 5:
        this.enter(depth, start);
        if (n > left / 2) throw new CborError('LENGTH', start, 'map of ' + n + ' pairs but only ' + left + ' bytes remain');
        return this.map(n, depth);
      case 6: {
        this.enter(depth, start);
        return new CborTag(n, this.item(depth + 1));
      }
      default:
        return simple(n, start);
    }
  }

  private enter(depth: number, start: number): void {
    if (depth >= this.maxDepth) throw new CborError('TOO_DEEP', start, 'nesting deeper than ' + this.maxDepth);
  }

  private map(n: number, depth: number): CborMap {
    const pairs: Array<[CborKey, CborValue]> = [];
    let prevStart = -1;
    let prevEnd = -1;
    for (let i = 0; i < n; i++) {
      const keyStart = this.pos;
      const kb = this.b[keyStart];
      const km = kb === undefined ? 0 : kb >> 5;
      if (km !== 0 && km !== 1 && km !== 3) throw new CborError('BAD_KEY', keyStart, 'map key is a ' + majorName(km) + '; only integers and text are allowed');
      const key = this.item(depth + 1) as CborKey;
      // The input is the encoding, so the keys' own bytes are what RFC 8949 §4.2.1 orders.
      if (prevStart >= 0) {
        const c = compareRanges(this.b, prevStart, prevEnd, keyStart, this.pos);
        if (c === 0) throw new CborError('DUPLICATE_KEY', keyStart, 'duplicate map key ' + JSON.stringify(key));
        if (c > 0) throw new CborError('UNSORTED_KEYS', keyStart, 'map key ' + JSON.stringify(key) + ' sorts before the previous key');
      }
      prevStart = keyStart;
      prevEnd = this.pos;
      pairs.push([key, this.item(depth + 1)]);
    }
    return new CborMap(pairs);
  }
}

function simple(ai: number, start: number): CborValue {
  if (ai === 20) return false;
  if (ai === 21) return true;
  if (ai === 22) return null;
  if (ai >= 25 && ai <= 27) throw new CborError('FLOAT', start, 'floating-point numbers are not allowed');
  if (ai >= 28 && ai <= 30) throw new CborError('RESERVED', start, 'reserved additional information ' + ai);
  if (ai === 31) throw new CborError('INDEFINITE', start, 'break code outside an indefinite-length item');
  throw new CborError('SIMPLE', start, ai === 23 ? 'undefined is not allowed' : 'simple value ' + (ai === 24 ? '(one-byte)' : ai) + ' is not allowed');
}

function compareRanges(b: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0);
  for (let i = 0; i < n; i++) if (b[a0 + i] !== b[b0 + i]) return b[a0 + i] - b[b0 + i];
  return a1 - a0 - (b1 - b0);
}

/** A count of data items a decoder may still read; shared by several decodes to bound them together. */
export interface ItemBudget {
  items: number;
}

/** Options for {@link decodeCbor}. */
export interface DecodeOptions {
  /** Deepest container nesting accepted (default and maximum MAX_DEPTH = 16). */
  maxDepth?: number;
  /**
   * Data items this decode may read (every head counts: an empty map is one item, a pair two or more); decoding
   * stops with TOO_MANY_ITEMS at the first item beyond. Default: unbounded (still linear in the input). A shared
   * `budget` object is decremented in place, so one limit can cover many decodes (an upload of many records).
   */
  maxItems?: number;
  budget?: ItemBudget;
}

/**
 * The single data item in `bytes`. Guarantees: the result re-encodes (encodeCbor) to exactly `bytes`; anything
 * else throws CborError. Byte strings in the result are views into `bytes` (no copy): copy them before changing
 * `bytes`. Runs in time linear in the input; allocates nothing a length field asks for before checking that the
 * input can hold it.
 */
export function decodeCbor(bytes: Uint8Array, options?: DecodeOptions): CborValue {
  const depth = options && options.maxDepth !== undefined ? Math.min(options.maxDepth, MAX_DEPTH) : MAX_DEPTH;
  // Every item takes at least one byte, so the input's length bounds an unlimited decode.
  const cap = options && options.maxItems !== undefined ? options.maxItems : bytes.length + 1;
  const r = new Reader(bytes, depth, cap, options ? options.budget : undefined);
  const v = r.item(0);
  if (r.pos !== bytes.length) throw new CborError('TRAILING', r.pos, bytes.length - r.pos + ' byte(s) after the data item');
  return v;
}
