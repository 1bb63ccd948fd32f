/**
 * MIFARE Classic value blocks (reference §7; ARD `MIFARE_SetValue`): a signed 32-bit value stored three times
 * (value, ¬value, value, little-endian) and an address byte stored four times (adr, ¬adr, adr, ¬adr).
 */

/** The value of a valid value block (value, ¬value, value, adr, ¬adr, adr, ¬adr — reference §7), else null. */
export function readValue(mem: Uint8Array, block: number): number | null {
  const b = mem.subarray(block * 16, block * 16 + 16);
  const v = new DataView(b.buffer, b.byteOffset, 16);
  const x = v.getInt32(0, true);
  if (v.getInt32(4, true) !== ~x || v.getInt32(8, true) !== x) return null;
  if (b[12] !== b[14] || b[13] !== b[15] || (b[12] ^ b[13]) !== 0xff) return null;
  return x;
}

/** A value block image. */
export function valueBlock(value: number, adr: number): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setInt32(0, value, true);
  v.setInt32(4, ~value, true);
  v.setInt32(8, value, true);
  out.set([adr & 0xff, ~adr & 0xff, adr & 0xff, ~adr & 0xff], 12);
  return out;
}
