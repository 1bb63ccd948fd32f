/**
 * MIFARE Classic 1K (MF1S50) over any {@link Pcd} after ISO/IEC 14443-3A activation (reference §7).
 *
 * Guarantees:
 * - Radio outcomes are {@link RadioResult}s; a wrong key is `reason: 'auth'` (the card goes silent and must be
 *   re-activated), a 4-bit NAK is `reason: 'nak'` with its code. Misuse (block outside 0..63, wrong data length,
 *   key not 6 bytes, operand outside 0..2³¹−1) throws HalError BAD_ARGUMENT.
 * - A sector trailer is never written with access bits whose inverted copies disagree: that write would brick the
 *   sector on a real card, so it is refused as a CLASSIC_ACCESS_BITS finding before anything is sent.
 * - Commands after {@link authenticate} travel Crypto1-encrypted (done by the PCD); {@link stop} ends the session.
 *
 * Authentication and READ live in classic-read.ts, so that a reader that only reads (the badge) carries no more.
 */
import type { Pcd, RadioResult } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { HalError } from '../../hal/errors.js';
import { ACK, exchange } from './frames.js';
import { CLASSIC, CLASSIC_1K_BLOCKS, CLASSIC_TIMEOUT_US, checkBlock, classicAuthenticate, classicAuthUid, classicNakMeaning, classicReadBlock } from './classic-read.js';
import type { TagResult } from './findings.js';
import { decodeAccessBits, decodeValueBlock, encodeValueBlock, isTrailer, type ValueBlock } from './classic-blocks.js';

export { CLASSIC, CLASSIC_1K_BLOCKS, classicNakMeaning };

const TIMEOUT_US = CLASSIC_TIMEOUT_US;
const WRITE_TIMEOUT_US = 10000;

export class MifareClassic1K {
  constructor(readonly pcd: Pcd, readonly activation: Activation) {}

  /** The 4 UID bytes the card authenticates with: a 4-byte UID as it is, the last four of a 7- or 10-byte UID. */
  authUid(): Uint8Array {
    return classicAuthUid(this.activation);
  }

  /** Three-pass authentication of `block`'s sector with key A or B (6 bytes). A wrong key gives 'auth'. */
  authenticate(block: number, keyType: 'A' | 'B', key: Uint8Array): RadioResult<true> {
    return classicAuthenticate(this.pcd, this.activation, block, keyType, key);
  }

  /** READ (30h): 16 bytes, CRC_A checked by the PCD. Key A of a trailer reads as zeros. */
  readBlock(block: number): RadioResult<Uint8Array> {
    return classicReadBlock(this.pcd, block);
  }

  /**
   * WRITE (A0h) in two phases, each acknowledged with a 4-bit Ah. A trailer (block 3 of a sector) is checked first
   * and refused with a CLASSIC_ACCESS_BITS finding when its access bits are malformed.
   */
  writeBlock(block: number, data: Uint8Array): TagResult<true> {
    checkBlock(block, 'WRITE');
    if (data.length !== 16) throw new HalError('BAD_ARGUMENT', 'WRITE: a block has 16 bytes, got ' + data.length);
    if (isTrailer(block)) {
      const access = decodeAccessBits(data.subarray(6, 9), 6);
      if (!access.ok) return access;
    }
    const what = 'WRITE block ' + block;
    const first = exchange(this.pcd, new Uint8Array([CLASSIC.WRITE, block]), what + ' (command)', 'ack', TIMEOUT_US, classicNakMeaning);
    if (!first.ok) return first;
    const second = exchange(this.pcd, data, what + ' (data)', 'ack', WRITE_TIMEOUT_US, classicNakMeaning);
    return second.ok ? radioOk(true) : second;
  }

  /** READ and decode a value block; a block not in value format gives CLASSIC_VALUE_FORMAT. */
  readValue(block: number): TagResult<ValueBlock> {
    const r = this.readBlock(block);
    if (!r.ok) return r;
    return decodeValueBlock(r.value);
  }

  /** Writes `block` in value-block format (address byte defaults to the block number). Not for trailers. */
  writeValue(block: number, value: number, address?: number): TagResult<true> {
    if (isTrailer(block)) throw new HalError('BAD_ARGUMENT', 'block ' + block + ' is a sector trailer, not a value block');
    return this.writeBlock(block, encodeValueBlock(value, address === undefined ? block : address));
  }

  /** INCREMENT (C1h): adds `delta` to the value in the card's transfer buffer; {@link transfer} stores it. */
  increment(block: number, delta: number): RadioResult<true> {
    return this.valueOp(CLASSIC.INCREMENT, 'INCREMENT', block, delta);
  }

  /** DECREMENT (C0h): subtracts `delta` into the transfer buffer. */
  decrement(block: number, delta: number): RadioResult<true> {
    return this.valueOp(CLASSIC.DECREMENT, 'DECREMENT', block, delta);
  }

  /** RESTORE (C2h): copies the value of `block` into the transfer buffer (to move it with {@link transfer}). */
  restore(block: number): RadioResult<true> {
    return this.valueOp(CLASSIC.RESTORE, 'RESTORE', block, 0);
  }

  /** TRANSFER (B0h): writes the transfer buffer to `block`. */
  transfer(block: number): RadioResult<true> {
    checkBlock(block, 'TRANSFER');
    const r = exchange(this.pcd, new Uint8Array([CLASSIC.TRANSFER, block]), 'TRANSFER block ' + block, 'ack', WRITE_TIMEOUT_US, classicNakMeaning);
    return r.ok ? radioOk(true) : r;
  }

  /** Leaves the encrypted session (the PCD's Crypto1 off). Needed before talking to another card. */
  stop(): void {
    this.pcd.stopCrypto1();
  }

  /**
   * Two-phase value command: the command is ACKed, then the 4-byte operand (little-endian) gets no answer on
   * success — silence is the good outcome (reference §7); a NAK in that window is a failure.
   */
  private valueOp(code: number, name: string, block: number, operand: number): RadioResult<true> {
    checkBlock(block, name);
    if (!(operand >= 0 && operand <= 0x7fffffff && operand === Math.floor(operand))) throw new HalError('BAD_ARGUMENT', name + ': operand ' + operand + ' is not 0 to 2^31-1');
    const what = name + ' block ' + block;
    const first = exchange(this.pcd, new Uint8Array([code, block]), what + ' (command)', 'ack', TIMEOUT_US, classicNakMeaning);
    if (!first.ok) return first;
    const op = new Uint8Array([operand & 0xff, (operand >> 8) & 0xff, (operand >> 16) & 0xff, (operand >> 24) & 0xff]);
    const r = this.pcd.transceive(op, { txCrc: true, rxCrc: false, timeoutUs: TIMEOUT_US });
    if (!r.ok) return r.reason === 'timeout' ? radioOk(true) : radioError(r.reason, what + ' (operand): ' + r.message, r);
    if (r.value.bits === 4) {
      const nak = r.value.bytes[0] & 0x0f;
      if (nak === ACK) return radioOk(true); // not what MF1S50 does, but an ACK is no failure
      return radioError('nak', what + ' (operand): NAK ' + nak.toString(16).toUpperCase() + 'h (' + classicNakMeaning(nak) + ')', { nak: nak });
    }
    return radioError('unexpected', what + ' (operand): answer of ' + r.value.bits + ' bits where silence was due');
  }
}
