/**
 * ISO/IEC 14443-2/-3 type A timing at 106 kbit/s. One place for the simulator's clock and for the benchmark's
 * air-time floor.
 */

/** Carrier frequency, Hz. */
export const FC_HZ = 13_560_000;
/** One bit period: 128 carrier cycles, µs (≈ 9.44). */
export const BIT_US = (128 / FC_HZ) * 1e6;

/**
 * Duration on air of a frame with `bits` data bits, µs: start of frame (1 bit period), the data bits, one parity
 * bit per complete byte (none for a short frame of 7 bits), and the end of frame (1 bit period).
 * This holds for both directions at 106 kbit/s (PCD: modified Miller; PICC: Manchester on the subcarrier).
 */
export function frameUs(bits: number): number {
  const parity = bits === 7 ? 0 : Math.floor(bits / 8);
  return (1 + bits + parity + 1) * BIT_US;
}

/**
 * Frame delay time PCD to PICC (ISO/IEC 14443-3 6.2.1.1, n = 9): from the end of the PCD's last pause to the PICC's
 * first modulation, (n·128 + 84)/fc when the last data bit was 1, (n·128 + 20)/fc when it was 0. µs.
 */
export function fdtPcdToPiccUs(lastBit: number): number {
  return (((9 * 128 + (lastBit ? 84 : 20)) / FC_HZ) * 1e6);
}

/** Minimum time from the end of a PICC answer to the next PCD frame, 1172/fc (ISO/IEC 14443-3 6.2.1.2), µs. */
export const FDT_PICC_TO_PCD_US = (1172 / FC_HZ) * 1e6;

/** The last transmitted data bit of a frame (0 or 1). */
export function lastBit(bytes: Uint8Array, bits: number): number {
  if (bits <= 0) return 0;
  const i = bits - 1;
  return (bytes[i >> 3] >> (i & 7)) & 1;
}

/** Air time of one request/answer pair: request frame, frame delay, tag processing, answer frame. µs. */
export function exchangeUs(requestBytes: Uint8Array, requestBits: number, answerBits: number | null, tagDelayUs = 0): number {
  const tx = frameUs(requestBits);
  if (answerBits === null) return tx;
  return tx + fdtPcdToPiccUs(lastBit(requestBytes, requestBits)) + tagDelayUs + frameUs(answerBits);
}
