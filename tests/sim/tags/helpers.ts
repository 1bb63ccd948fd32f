/** Frame builders and small drivers for the tag tests: everything goes through RfField.exchange. */
import * as assert from 'uvu/assert';
import type { AirExchange, AirFrame, Picc } from '../../../sim/rf/air.js';
import { RfField } from '../../../sim/rf/field.js';
import { cascadeLevels } from '../../../sim/tags/picc.js';
import { crcFrame, getBit, setBit } from '../../../sim/tags/frames.js';
import { checkCrcA } from '../../../hal/iso14443a/crc-a.js';
import { hexLiteral, toHex } from '../../../hal/hex.js';

export const PLAIN = { crypto1: false };
export const ENCRYPTED = { crypto1: true };

export const reqa = (): AirFrame => ({ bytes: Uint8Array.of(0x26), bits: 7 });
export const wupa = (): AirFrame => ({ bytes: Uint8Array.of(0x52), bits: 7 });
export const hlta = (): AirFrame => crcFrame([0x50, 0x00]);
export const std = (bytes: readonly number[]): AirFrame => crcFrame(bytes);

/** A frame whose CRC is wrong in its last byte. */
export function badCrc(bytes: readonly number[]): AirFrame {
  const f = crcFrame(bytes);
  f.bytes[f.bytes.length - 1] ^= 0xff;
  return f;
}

/** A field, switched on, with the tags placed. */
export function fieldWith(...tags: Picc[]): RfField {
  const field = new RfField({ on: true });
  for (const t of tags) field.place(t);
  return field;
}

export function send(field: RfField, frame: AirFrame, crypto1 = false): AirExchange {
  return field.exchange(frame, { crypto1: crypto1 });
}

/** Sends a standard frame (CRC added) and returns the whole-byte answer without its CRC, checking the CRC. */
export function cmd(field: RfField, bytes: readonly number[], crypto1 = false): number[] {
  const ex = send(field, std(bytes), crypto1);
  assert.ok(ex.answer, `no answer to ${hexOf(bytes)}`);
  assert.is(ex.answer!.bits % 8, 0, `4-bit answer ${ex.answer!.bytes[0]} to ${hexOf(bytes)}`);
  assert.ok(checkCrcA(ex.answer!.bytes), 'answer CRC_A');
  return [...ex.answer!.bytes.subarray(0, ex.answer!.bytes.length - 2)];
}

/** Sends a standard frame and returns the 4-bit answer (ACK Ah / NAK), or null for silence. */
export function nibble(field: RfField, bytes: readonly number[] | AirFrame, crypto1 = false): number | null {
  const frame = Array.isArray(bytes) ? std(bytes as number[]) : (bytes as AirFrame);
  const ex = send(field, frame, crypto1);
  if (!ex.answer) return null;
  assert.is(ex.answer.bits, 4, 'expected a 4-bit ACK/NAK');
  return ex.answer.bytes[0];
}

/** True when nothing answered. */
export function silent(field: RfField, frame: AirFrame, crypto1 = false): boolean {
  return send(field, frame, crypto1).answer === null;
}

/** An anticollision frame at cascade level `level` (1..3) carrying the first `k` bits of `known`. */
export function anticoll(level: number, known: Uint8Array, k: number): AirFrame {
  const bytes = new Uint8Array(2 + Math.ceil(k / 8));
  bytes[0] = [0x93, 0x95, 0x97][level - 1];
  bytes[1] = ((2 + (k >> 3)) << 4) | (k & 7);
  for (let i = 0; i < k; i++) setBit(bytes, 16 + i, getBit(known, i));
  return { bytes: bytes, bits: 16 + k };
}

/** SELECT at `level` with a 5-byte UID-CLn + BCC. */
export function select(level: number, cl: Uint8Array): AirFrame {
  return crcFrame([[0x93, 0x95, 0x97][level - 1], 0x70, ...cl]);
}

/**
 * Wakes (REQA, or WUPA when `wake`) and selects the tag with `uid` through every cascade level without
 * anticollision; returns the SAKs seen. A tag still ACTIVE ignores the first REQA/WUPA (it only drops to IDLE), so
 * like a polling reader this sends it twice when the first gets no answer.
 */
export function activate(field: RfField, uid: Uint8Array, wake = false): number[] {
  let atqa = send(field, wake ? wupa() : reqa());
  if (!atqa.answer) atqa = send(field, wake ? wupa() : reqa());
  assert.ok(atqa.answer, 'ATQA');
  const saks: number[] = [];
  cascadeLevels(uid).forEach((cl, i) => {
    const ex = send(field, select(i + 1, cl));
    assert.ok(ex.answer, `SAK at level ${i + 1}`);
    assert.ok(checkCrcA(ex.answer!.bytes));
    saks.push(ex.answer!.bytes[0]);
  });
  return saks;
}

export function hexOf(bytes: readonly number[] | Uint8Array): string {
  return toHex(bytes, ' ');
}

export function bytesOf(h: string): number[] {
  return Array.from(hexLiteral(h));
}
