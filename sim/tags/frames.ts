/**
 * Bit-stream helpers for {@link AirFrame}s (sim/rf/air.ts): frames are LSB first, bit 0 of `bytes[0]` goes first.
 * One place for building and slicing frames, used by the tags, the field and the faults.
 */
import type { AirFrame, PiccAnswer } from '../rf/air.js';
import { checkCrcA, withCrcA } from '../../hal/iso14443a/crc-a.js';
import { copyBytes } from '../../hal/bytes.js';

/** 4-bit ACK of ISO/IEC 14443-3 Type 2 tags and MIFARE Classic (reference §5.4). */
export const ACK = 0xa;
/** NAK: invalid argument (bad page address, locked page, wrong password — see type2.ts). */
export const NAK_INVALID_ARGUMENT = 0x0;
/** NAK: parity or CRC error in the received frame. */
export const NAK_PARITY_CRC = 0x1;
/** NAK: authentication counter overflow (AUTHLIM reached); MIFARE Classic: invalid operation. */
export const NAK_AUTH_LIMIT = 0x4;
/** NAK: EEPROM write error; MIFARE Classic: transmission error. */
export const NAK_EEPROM = 0x5;

/** Bit `i` of a stream (0 or 1); bits beyond the array read 0. */
export function getBit(bytes: Uint8Array, i: number): number {
  const b = bytes[i >> 3];
  return b === undefined ? 0 : (b >> (i & 7)) & 1;
}

/** Sets bit `i` of `bytes` to `v`. */
export function setBit(bytes: Uint8Array, i: number, v: number): void {
  if (v) bytes[i >> 3] |= 1 << (i & 7);
  else bytes[i >> 3] &= ~(1 << (i & 7)) & 0xff;
}

/** A frame of whole bytes. */
export function byteFrame(bytes: Uint8Array | readonly number[]): AirFrame {
  const b = bytes instanceof Uint8Array ? copyBytes(bytes) : new Uint8Array(bytes);
  return { bytes: b, bits: b.length * 8 };
}

/** A standard frame: `data` followed by its CRC_A. */
export function crcFrame(data: Uint8Array | readonly number[]): AirFrame {
  return byteFrame(withCrcA(data instanceof Uint8Array ? data : new Uint8Array(data)));
}

/** A 4-bit ACK/NAK frame (no CRC, no parity; MFRC522 RxLastBits = 4). */
export function nibbleFrame(code: number): AirFrame {
  return { bytes: new Uint8Array([code & 0x0f]), bits: 4 };
}

/** `count` bits of `src` starting at bit `from`, repacked from bit 0; the last byte's unused high bits are 0. */
export function sliceBits(src: Uint8Array, from: number, count: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(count / 8));
  for (let i = 0; i < count; i++) setBit(out, i, getBit(src, from + i));
  return out;
}

/** A copy of `frame` cut to its first `bits` bits (no-op when it is already shorter). */
export function truncateFrame(frame: AirFrame, bits: number): AirFrame {
  if (frame.bits <= bits) return { ...frame, bytes: copyBytes(frame.bytes) };
  const out: AirFrame = { bytes: sliceBits(frame.bytes, 0, bits), bits: bits };
  if (frame.parityError) out.parityError = true;
  return out;
}

/** True for a standard frame of whole bytes whose last two bytes are a correct CRC_A and whose parity was good. */
export function frameCrcOk(frame: AirFrame): boolean {
  return frame.bits % 8 === 0 && frame.bits >= 24 && !frame.parityError && checkCrcA(frame.bytes);
}

/** Answer helpers for tags. */
export function answerBytes(data: Uint8Array | readonly number[], delayUs = 0): PiccAnswer {
  return delayUs ? { frame: crcFrame(data), delayUs: delayUs } : { frame: crcFrame(data) };
}

export function answerNibble(code: number, delayUs = 0): PiccAnswer {
  return delayUs ? { frame: nibbleFrame(code), delayUs: delayUs } : { frame: nibbleFrame(code) };
}

/** XOR of the bytes: the BCC of a UID-CLn (ISO/IEC 14443-3 6.5.3). */
export function bcc(bytes: Uint8Array | readonly number[]): number {
  let x = 0;
  for (let i = 0; i < bytes.length; i++) x ^= bytes[i];
  return x & 0xff;
}
