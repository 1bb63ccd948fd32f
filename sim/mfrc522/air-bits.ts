import type { AirFrame } from '../rf/air.js';
import { crcA } from '../../hal/iso14443a/crc-a.js';
import { copyBytes } from '../../hal/bytes.js';

/**
 * Bit-level framing between the FIFO and the air (DS §9.3.1.14 BitFramingReg, §9.3.1.15 CollReg). Pure functions:
 * the chip state decides when they run.
 */

/**
 * The frame sent for the FIFO bytes `data`: TxLastBits = 0 sends every bit, otherwise only that many bits of the
 * last byte (a REQA is one byte with TxLastBits 7). With TxCRCEn the chip appends CRC_A (preset 6363h at 106 kBd).
 */
export function buildTxFrame(data: Uint8Array, txLastBits: number, appendCrc: boolean): AirFrame {
  if (appendCrc) {
    const crc = crcA(data);
    const bytes = new Uint8Array(data.length + 2);
    bytes.set(data);
    bytes[data.length] = crc & 0xff;
    bytes[data.length + 1] = crc >> 8;
    return { bytes, bits: bytes.length * 8 };
  }
  const bytes = copyBytes(data);
  if (txLastBits === 0) return { bytes, bits: bytes.length * 8 };
  // Bits above TxLastBits in the last byte are not sent; AirFrame wants them 0.
  bytes[bytes.length - 1] &= (1 << txLastBits) - 1;
  return { bytes, bits: (bytes.length - 1) * 8 + txLastBits };
}

/** What the receiver puts into the FIFO for one answer. */
export interface ReceivedBits {
  /** FIFO bytes: the first answer bit sits at bit `rxAlign` of byte 0, lower bits of byte 0 are 0. */
  bytes: Uint8Array;
  /** ControlReg.RxLastBits: (rxAlign + bits) mod 8. */
  lastBits: number;
  /** 1-based position of the first collision counted from bit 0 of the first FIFO byte, or 0 when none. */
  collisionPos: number;
}

/**
 * Places `answer` at bit `rxAlign` of the first FIFO byte (DS §9.3.1.14: RxAlign "defines the bit position for the
 * first bit received to be stored in the FIFO"). `collisionBit` is the 0-based index in the answer of the first
 * colliding bit (-1: none); with `clearAfterCollision` (CollReg.ValuesAfterColl = 0) that bit and every later one
 * read 0 (DS §9.3.1.15), which is what anticollision code (NXPRL, Arduino) expects.
 */
export function placeAnswer(answer: AirFrame, rxAlign: number, collisionBit: number, clearAfterCollision: boolean): ReceivedBits {
  const total = rxAlign + answer.bits;
  const out = new Uint8Array(Math.ceil(total / 8));
  const keep = collisionBit >= 0 && clearAfterCollision ? collisionBit : answer.bits;
  for (let j = 0; j < keep; j++) {
    const bit = (answer.bytes[j >> 3] >> (j & 7)) & 1;
    const pos = rxAlign + j;
    out[pos >> 3] |= bit << (pos & 7);
  }
  return { bytes: out, lastBits: total % 8, collisionPos: collisionBit >= 0 ? rxAlign + collisionBit + 1 : 0 };
}

/** CollReg bits 5:0 for a 1-based collision position (0 = none): CollPos 1..31, 32 → 00h, else CollPosNotValid. */
export function collRegLowBits(collisionPos: number): number {
  if (collisionPos >= 1 && collisionPos <= 31) return collisionPos;
  if (collisionPos === 32) return 0x00;
  return 0x20;
}
