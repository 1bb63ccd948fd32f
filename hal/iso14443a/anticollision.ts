import type { Pcd, RadioResult } from '../radio.js';
import { radioError, radioOk } from '../radio.js';
import { hexH } from '../hex.js';
import { copyBytes } from '../bytes.js';

export interface LevelResult {
  /** The four UID-CLn bytes (cascade tag first when the UID continues). */
  uidCl: Uint8Array;
  sak: number;
}

function getBit(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3] >> (i & 7)) & 1;
}

function setBit(bytes: Uint8Array, i: number, v: number): void {
  if (v) bytes[i >> 3] |= 1 << (i & 7);
  else bytes[i >> 3] &= ~(1 << (i & 7));
}

/**
 * One cascade level of ISO/IEC 14443-3A: bitwise anticollision (unless the UID-CLn bytes are already `known`),
 * then SELECT. Returns the UID-CLn bytes and the SAK.
 *
 * Anticollision (ISO/IEC 14443-3 6.5.3): send SEL, NVB and the k UID bits known so far; every READY tag whose
 * UID-CLn starts with them answers the remaining 40 − k bits (UID-CLn and BCC). The answer continues the partially
 * sent byte, so TxLastBits = RxAlign = k mod 8 and the answer's first bit lands at bit k mod 8 of the first FIFO
 * byte. On a collision at bit p of the UID the bits before p are valid; we choose 1 for bit p (the standard's
 * choice), so k becomes p + 1, and ask again. Each round fixes at least one bit, so at most 32 rounds.
 */
export function anticollisionLevel(pcd: Pcd, sel: number, known: Uint8Array | null, timeoutUs: number): RadioResult<LevelResult> {
  const uidCl = new Uint8Array(5); // 4 UID-CLn bytes + BCC
  const name = 'CL' + (sel === 0x93 ? 1 : sel === 0x95 ? 2 : 3);
  if (known) {
    uidCl.set(known);
  } else {
    let k = 0;
    for (let round = 0; round <= 32; round++) {
      const whole = k >> 3;
      const extra = k & 7;
      const frame = new Uint8Array(2 + whole + (extra ? 1 : 0));
      frame[0] = sel;
      frame[1] = ((2 + whole) << 4) | extra;
      for (let i = 0; i < frame.length - 2; i++) frame[2 + i] = uidCl[i];
      if (extra) frame[frame.length - 1] &= (1 << extra) - 1;
      const r = pcd.transceive(frame, { txLastBits: extra || 8, rxAlign: extra, timeoutUs: timeoutUs });
      if (r.ok) {
        if (k + r.value.bits !== 40) {
          return radioError('unexpected', name + ' anticollision: answer of ' + r.value.bits + ' bits after ' + k + ' known bits; expected ' + (40 - k));
        }
        // Byte-aligned (always so without a collision): copy bytes; otherwise bit by bit from bit `extra`.
        if (extra === 0) for (let i = 0; i < r.value.bits >> 3; i++) uidCl[(k >> 3) + i] = r.value.bytes[i];
        else for (let i = 0; i < r.value.bits; i++) setBit(uidCl, k + i, getBit(r.value.bytes, extra + i));
        k = 40;
        break;
      }
      if (r.reason !== 'collision') return r;
      if (r.collisionBit === undefined || !r.partial) {
        return radioError('collision', name + ' anticollision: tags collided but the chip could not tell where');
      }
      const c = r.collisionBit;
      if (c < 0 || k + c >= 32) {
        return radioError('collision', name + ' anticollision: collision at bit ' + (k + c) + ', outside the UID bits');
      }
      for (let i = 0; i < c; i++) setBit(uidCl, k + i, getBit(r.partial.bytes, extra + i));
      setBit(uidCl, k + c, 1);
      k = k + c + 1;
      if (k === 32) break; // every UID bit is decided; SELECT below carries our choice
    }
    if (k < 32) return radioError('collision', name + ' anticollision did not converge in 32 rounds');
    const bcc = uidCl[0] ^ uidCl[1] ^ uidCl[2] ^ uidCl[3];
    if (k === 40 && uidCl[4] !== bcc) {
      return radioError('unexpected', name + ' anticollision: BCC ' + hexH(uidCl[4]) + ' does not match the UID bytes (' + hexH(bcc) + ')');
    }
  }
  uidCl[4] = uidCl[0] ^ uidCl[1] ^ uidCl[2] ^ uidCl[3];
  const select = new Uint8Array(7);
  select[0] = sel;
  select[1] = 0x70;
  select.set(uidCl, 2);
  const s = pcd.transceive(select, { txCrc: true, rxCrc: true, timeoutUs: timeoutUs });
  if (!s.ok) return s;
  if (s.value.bits !== 8) return radioError('unexpected', name + ' SELECT: SAK of ' + s.value.bits + ' bits, expected 8');
  return radioOk({ uidCl: copyBytes(uidCl, 0, 4), sak: s.value.bytes[0] });
}
