/**
 * CRC_A of ISO/IEC 14443-3 (reflected CRC-16/CCITT, x^16 + x^12 + x^5 + 1, no final XOR), also what the MFRC522
 * coprocessor computes with the other presets of ModeReg.CRCPreset (0000h, 6363h, A671h, FFFFh).
 * Returns the CRC as a 16-bit number; on air and in the FIFO the low byte goes first.
 */
export function crc16(data: Uint8Array, preset: number, start?: number, end?: number): number {
  let crc = preset & 0xffff;
  const from = start === undefined ? 0 : start;
  const to = end === undefined ? data.length : end;
  for (let i = from; i < to; i++) {
    let b = (data[i] ^ crc) & 0xff;
    b = (b ^ (b << 4)) & 0xff;
    crc = ((crc >> 8) ^ (b << 8) ^ (b << 3) ^ (b >> 4)) & 0xffff;
  }
  return crc;
}

export const CRC_A_PRESET = 0x6363;

/** CRC_A of `data[start..end)`. */
export function crcA(data: Uint8Array, start?: number, end?: number): number {
  return crc16(data, CRC_A_PRESET, start, end);
}

/** `data` followed by its CRC_A, low byte first. */
export function withCrcA(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  const crc = crcA(data);
  out[data.length] = crc & 0xff;
  out[data.length + 1] = crc >> 8;
  return out;
}

/** True when the last two bytes of `frame` are the CRC_A of the bytes before them. */
export function checkCrcA(frame: Uint8Array): boolean {
  if (frame.length < 3) return false;
  return crcA(frame) === 0;
}
