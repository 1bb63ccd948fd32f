/**
 * What an exchange on the 13.56 MHz field can give. Everything here happens in normal operation (a tag leaves, two
 * tags answer at once, a bit flips), so it is a value, never an exception.
 */

/** A received or transmitted bit stream. `bits` counts valid bits; the last byte holds `bits % 8` of them (or 8). */
export interface Frame {
  bytes: Uint8Array;
  bits: number;
}

/** Why an exchange did not give a usable answer. Each maps to one cause a program can react to. */
export type RadioFailure =
  | 'timeout' // nothing answered in time: no tag, a tag that ignored the frame, a tag that left
  | 'collision' // several tags answered with different bits (ErrorReg.CollErr)
  | 'crc' // the answer's CRC_A was wrong (ErrorReg.CRCErr)
  | 'parity' // an odd-parity bit was wrong (ErrorReg.ParityErr)
  | 'protocol' // bad start of frame, or a wrong byte count for MFAuthent (ErrorReg.ProtocolErr)
  | 'overflow' // the answer did not fit the 64-byte FIFO (ErrorReg.BufferOvfl)
  | 'temperature' // the chip switched its antenna drivers off for overheating (ErrorReg.TempErr)
  | 'nak' // the tag answered a 4-bit NAK; its code is in `nak`
  | 'auth' // MIFARE Classic authentication failed (wrong key: the card goes silent)
  | 'unexpected'; // an answer whose length or framing does not fit the command

export interface RadioError {
  ok: false;
  reason: RadioFailure;
  /** One line for people: what was sent and what went wrong. */
  message: string;
  /** The 4-bit NAK code (0h invalid argument, 1h parity/CRC, 4h auth counter, 5h EEPROM write error). */
  nak?: number;
  /** The bits received before the failure (collisions: the valid bits before the first colliding one). */
  partial?: Frame;
  /** Collision: 0-based index, in the received stream, of the first colliding bit (when the chip could tell). */
  collisionBit?: number;
}

export interface RadioOk<T> {
  ok: true;
  value: T;
}

export type RadioResult<T> = RadioOk<T> | RadioError;

export function radioOk<T>(value: T): RadioOk<T> {
  return { ok: true, value: value };
}

export function radioError(reason: RadioFailure, message: string, extra?: Partial<RadioError>): RadioError {
  const e: RadioError = { ok: false, reason: reason, message: message };
  if (extra) {
    if (extra.nak !== undefined) e.nak = extra.nak;
    if (extra.partial !== undefined) e.partial = extra.partial;
    if (extra.collisionBit !== undefined) e.collisionBit = extra.collisionBit;
  }
  return e;
}

export interface TransceiveOptions {
  /** Valid bits in the last byte sent, 1..8 (BitFramingReg.TxLastBits); default 8. */
  txLastBits?: number;
  /** Bit position in the first received byte where the first received bit is stored, 0..7 (RxAlign); default 0. */
  rxAlign?: number;
  /** Append CRC_A to the frame (TxModeReg.TxCRCEn). Default false. */
  txCrc?: boolean;
  /**
   * Check the answer's CRC_A and strip it (RxModeReg.RxCRCEn). Default false. A 4-bit answer (ACK/NAK) carries
   * no CRC and is returned as it came.
   */
  rxCrc?: boolean;
  /** How long the tag may take before its answer starts, in µs (the chip's timer). Default 5000 (NTAG READ: 5 ms). */
  timeoutUs?: number;
}

/**
 * A proximity coupling device: sends frames to whatever tags are in the field and returns what came back.
 * Frames are at most 64 bytes each way (the MFRC522 FIFO).
 *
 * Synchronous, like the SPI under it: an exchange completes (or its timeout, measured by the chip, runs out) within
 * milliseconds, and the driver waits for it by polling the chip. So a tap is one synchronous run on every board
 * (on Espruino each pending async call would cost about 126 variables), and calls cannot overlap.
 */
export interface Pcd {
  transceive(frame: Uint8Array, options?: TransceiveOptions): RadioResult<Frame>;
  /**
   * MIFARE Classic three-pass authentication of `block`'s sector with key A or B. `uid` is the 4 bytes the card
   * authenticates with (for 7-byte UIDs, the last four). On success every later frame is Crypto1-encrypted until
   * {@link stopCrypto1}. A wrong key gives `auth`.
   */
  mifareAuthenticate(keyType: 'A' | 'B', block: number, key: Uint8Array, uid: Uint8Array): RadioResult<true>;
  /** Leave the encrypted session (Status2Reg.MFCrypto1On = 0). Needed before talking to another card. */
  stopCrypto1(): void;
  /**
   * Switch the field off for `offMs` (default 5) and on again: every tag loses power and restarts in IDLE. Returns
   * when the field is back on; the PCD times the pause itself (the MFRC522 with its timer).
   */
  resetField(offMs?: number): void;
}
