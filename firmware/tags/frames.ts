/**
 * The one exchange helper every tag command goes through (Type 2 and MIFARE Classic share the framing): CRC_A on
 * every request, the answer's length checked, and the 4-bit ACK/NAK turned into values (reference §5.4, §7).
 */
import type { Pcd, RadioResult } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { copyBytes } from '../../hal/bytes.js';

/** 4-bit answers: Ah ACK, everything else a NAK. */
export const ACK = 0x0a;

/** What a Type 2 tag's NAK code means (reference §5.4). */
export function type2NakMeaning(code: number): string {
  switch (code) {
    case 0x0:
      return 'invalid argument: page out of range, locked or password-protected, or wrong password';
    case 0x1:
      return 'parity or CRC error';
    case 0x4:
      return 'authentication counter overflow (AUTHLIM reached)';
    case 0x5:
      return 'EEPROM write error';
    default:
      return 'unknown NAK code';
  }
}

/**
 * What a Type 2 exchange expects back: `n` data bytes (CRC_A checked and stripped by the PCD), or a 4-bit ACK
 * (no CRC on the answer).
 */
export type Expect = { bytes: number } | 'ack';

/**
 * Sends `frame` with CRC_A and checks the answer. A NAK becomes `{ reason: 'nak', nak }` naming `what`; the
 * tag has then reset to IDLE (reference §5.4) and must be re-activated (`PiccReader.select(uid)`) before it
 * answers again. Any other length or an ACK where data was due is 'unexpected'. Other radio errors keep their
 * reason, with `what` in front of the message.
 */
export function exchange(pcd: Pcd, frame: Uint8Array, what: string, expect: Expect, timeoutUs: number, meaning?: (code: number) => string): RadioResult<Uint8Array> {
  const r = pcd.transceive(frame, { txCrc: true, rxCrc: expect !== 'ack', timeoutUs: timeoutUs });
  if (!r.ok) return radioError(r.reason, what + ': ' + r.message, r);
  const f = r.value;
  if (f.bits === 4) {
    const code = f.bytes[0] & 0x0f;
    if (code === ACK) {
      if (expect === 'ack') return radioOk(new Uint8Array(0));
      return radioError('unexpected', what + ': ACK where ' + expect.bytes + ' data bytes were due');
    }
    return radioError('nak', what + ': NAK ' + code.toString(16).toUpperCase() + 'h (' + (meaning || type2NakMeaning)(code) + '); the tag has reset to IDLE and must be re-activated', { nak: code });
  }
  if (expect === 'ack') return radioError('unexpected', what + ': answer of ' + f.bits + ' bits instead of a 4-bit ACK');
  if (f.bits !== expect.bytes * 8 || f.bytes.length < expect.bytes) {
    return radioError('unexpected', what + ': answer of ' + f.bits + ' bits, expected ' + expect.bytes * 8);
  }
  return radioOk(f.bytes.length === expect.bytes ? f.bytes : copyBytes(f.bytes, 0, expect.bytes));
}

