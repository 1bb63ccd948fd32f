/**
 * MIFARE Classic block formats (reference §7): sector-trailer access bits and value blocks. Pure functions.
 *
 * Access bits: for each block i of a sector (i = 3 is the trailer) a condition C1C2C3; the trailer's bytes 6–8
 * hold them as nibbles with bit i = block i, each stored twice, once inverted:
 * byte 6 = ¬C2 ¬C1, byte 7 = C1 ¬C3, byte 8 = C3 C2. A card whose inverted copies do not match locks the sector
 * for good, so a trailer is checked before it is ever written.
 */
import { finding, parsed, type Parsed } from './findings.js';
import { hexBytes } from '../../hal/hex.js';

/** Access condition per block as C1C2C3 (0..7, C1 the high bit): [block 0, block 1, block 2, trailer]. */
export type AccessConditions = [number, number, number, number];

/** Factory state: data blocks 000 (read/write with key A or B), trailer 001 (FF 07 80). */
export const TRANSPORT_ACCESS: AccessConditions = [0, 0, 0, 1];
/** The factory key (FF FF FF FF FF FF), a fresh copy each call. */
export function defaultKey(): Uint8Array {
  return new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}

/** True for block 3 of each sector, the sector trailer (1K: 16 sectors of 4 blocks). */
export function isTrailer(block: number): boolean {
  return (block & 3) === 3;
}

/** The 3 access-bit bytes (trailer bytes 6–8) for `conditions`. */
export function encodeAccessBits(conditions: AccessConditions): Uint8Array {
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < 4; i++) {
    const c = conditions[i] & 7;
    c1 |= ((c >> 2) & 1) << i;
    c2 |= ((c >> 1) & 1) << i;
    c3 |= (c & 1) << i;
  }
  return new Uint8Array([((~c2 & 15) << 4) | (~c1 & 15), (c1 << 4) | (~c3 & 15), (c3 << 4) | c2]);
}

/**
 * Conditions from the 3 access-bit bytes, or a CLASSIC_ACCESS_BITS finding when an inverted nibble does not match
 * (offset = index of the offending byte within the 3, plus `base`).
 */
export function decodeAccessBits(bytes: Uint8Array, base?: number): Parsed<AccessConditions> {
  const b = base === undefined ? 0 : base;
  if (bytes.length < 3) return finding('CLASSIC_ACCESS_BITS', 'access bits need 3 bytes, got ' + bytes.length, b);
  const c1 = bytes[1] >> 4;
  const c2 = bytes[2] & 15;
  const c3 = bytes[2] >> 4;
  let bad = -1;
  if ((~c3 & 15) !== (bytes[1] & 15)) bad = 1;
  if ((~c1 & 15) !== (bytes[0] & 15) || (~c2 & 15) !== bytes[0] >> 4) bad = 0;
  if (bad >= 0) {
    return finding('CLASSIC_ACCESS_BITS', 'access bits ' + hexBytes(bytes.subarray(0, 3)) + ': the inverted copies do not match; a card would lock the sector for good', b + bad);
  }
  const out: AccessConditions = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) out[i] = (((c1 >> i) & 1) << 2) | (((c2 >> i) & 1) << 1) | ((c3 >> i) & 1);
  return parsed(out);
}

/** A sector trailer: key A, access bits, general-purpose byte (default 69h as shipped), key B. */
export function sectorTrailer(keyA: Uint8Array, conditions: AccessConditions, keyB: Uint8Array, gpb?: number): Uint8Array {
  const t = new Uint8Array(16);
  t.set(keyA.subarray(0, 6), 0);
  t.set(encodeAccessBits(conditions), 6);
  t[9] = gpb === undefined ? 0x69 : gpb & 0xff;
  t.set(keyB.subarray(0, 6), 10);
  return t;
}

export interface ValueBlock {
  /** Signed 32-bit value. */
  value: number;
  /** The address byte (by convention the block's own number, used by backup management). */
  address: number;
}

/** Value-block format: value, ¬value, value (little-endian int32), then addr, ¬addr, addr, ¬addr. */
export function encodeValueBlock(value: number, address: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = value | 0;
  for (let i = 0; i < 4; i++) {
    const byte = (v >> (8 * i)) & 0xff;
    b[i] = byte;
    b[4 + i] = ~byte & 0xff;
    b[8 + i] = byte;
  }
  const a = address & 0xff;
  b[12] = a;
  b[13] = ~a & 0xff;
  b[14] = a;
  b[15] = ~a & 0xff;
  return b;
}

/** The value and address of a block in value-block format, or a CLASSIC_VALUE_FORMAT finding at the first bad byte. */
export function decodeValueBlock(block: Uint8Array): Parsed<ValueBlock> {
  if (block.length < 16) return finding('CLASSIC_VALUE_FORMAT', 'a value block has 16 bytes, got ' + block.length, block.length);
  for (let i = 0; i < 4; i++) {
    if (block[4 + i] !== (~block[i] & 0xff)) return finding('CLASSIC_VALUE_FORMAT', 'byte ' + (4 + i) + ' is not the inverse of byte ' + i, 4 + i);
    if (block[8 + i] !== block[i]) return finding('CLASSIC_VALUE_FORMAT', 'byte ' + (8 + i) + ' differs from byte ' + i, 8 + i);
  }
  if (block[13] !== (~block[12] & 0xff) || block[14] !== block[12] || block[15] !== block[13]) {
    return finding('CLASSIC_VALUE_FORMAT', 'address bytes ' + hexBytes(block.subarray(12, 16)) + ' are not addr, ¬addr, addr, ¬addr', 12);
  }
  const value = block[0] | (block[1] << 8) | (block[2] << 16) | (block[3] << 24);
  return parsed({ value: value, address: block[12] });
}
