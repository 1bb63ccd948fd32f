/**
 * A {@link Pcd} that talks straight to a simulated {@link RfField}, without the register-level chip: frames become
 * AirFrames, answers come back the way the MFRC522 driver (hal/mfrc522/driver.ts) delivers them. For tests of the
 * tag-type layer that should not depend on the chip model, and fast enough for property tests.
 *
 * What it mirrors from the driver: CRC_A appended when `txCrc`; with `rxCrc` a whole-byte answer must end in a
 * correct CRC_A, which is stripped ('crc' otherwise), while a 4-bit ACK/NAK passes through with bits = 4; the answer
 * is placed from bit `rxAlign` of the first byte; silence or an answer later than `timeoutUs` is 'timeout'; tags
 * answering different bits is 'collision' with the valid bits and the first colliding bit (bits from it on read 0,
 * as with CollReg.ValuesAfterColl = 0); a parity error is 'parity'.
 */
import type { Frame, Pcd, RadioResult, TransceiveOptions } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { HalError } from '../../hal/errors.js';
import { checkCrcA, withCrcA } from '../../hal/iso14443a/crc-a.js';
import type { RfField } from '../../sim/rf/field.js';
import { toHex } from '../../hal/hex.js';

function getBit(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3] >> (i & 7)) & 1;
}

export interface DirectPcdCall {
  frame: number[];
  options: TransceiveOptions;
  /** Bits of the answer, or the failure reason. */
  outcome: number | string;
}

export class DirectPcd implements Pcd {
  /** Crypto1 session on (after a successful {@link mifareAuthenticate}). */
  crypto1 = false;
  /** Every transceive, in order. */
  readonly log: DirectPcdCall[] = [];

  constructor(readonly field: RfField) {}

  transceive(frame: Uint8Array, options: TransceiveOptions = {}): RadioResult<Frame> {
    const r = this.exchange(frame, options);
    this.log.push({ frame: [...frame], options: { ...options }, outcome: r.ok ? r.value.bits : r.reason });
    return r;
  }

  private exchange(frame: Uint8Array, options: TransceiveOptions): RadioResult<Frame> {
    const txLastBits = options.txLastBits ?? 8;
    const rxAlign = options.rxAlign ?? 0;
    const timeoutUs = options.timeoutUs ?? 5000;
    if (frame.length < 1 || frame.length > 64) throw new HalError('BAD_ARGUMENT', `frame of ${frame.length} bytes: must be 1 to 64`);
    if (options.txCrc && txLastBits !== 8) throw new HalError('BAD_ARGUMENT', 'CRC_A is only appended to whole-byte frames');
    let bytes: Uint8Array = frame.slice();
    if (txLastBits < 8) bytes[bytes.length - 1] &= (1 << txLastBits) - 1;
    if (options.txCrc) bytes = withCrcA(bytes);
    const bits = options.txCrc ? bytes.length * 8 : (frame.length - 1) * 8 + txLastBits;
    const what = 'frame ' + toHex(frame.subarray(0, 8), ' ');

    const ex = this.field.exchange({ bytes, bits }, { crypto1: this.crypto1 });
    const a = ex.answer;
    if (!a || a.bits === 0) return radioError('timeout', `${what}: no answer`);
    if (ex.delayUs > timeoutUs) return radioError('timeout', `${what}: answer after ${ex.delayUs} µs, timeout ${timeoutUs} µs`);

    const total = rxAlign + a.bits;
    const out = new Uint8Array(Math.ceil(total / 8));
    const validBits = ex.collisionBit >= 0 ? ex.collisionBit : a.bits;
    for (let i = 0; i < validBits; i++) if (getBit(a.bytes, i)) out[(rxAlign + i) >> 3] |= 1 << ((rxAlign + i) & 7);
    const received: Frame = { bytes: out, bits: a.bits };
    if (ex.collisionBit >= 0) {
      return radioError('collision', `${what}: several tags answered (first collision at bit ${ex.collisionBit})`, { partial: received, collisionBit: ex.collisionBit });
    }
    if (a.parityError) return radioError('parity', `${what}: parity error in the answer`, { partial: received });
    if (options.rxCrc && !(a.bits === 4 && rxAlign === 0)) {
      if (a.bits % 8 !== 0 || a.bits < 24 || rxAlign !== 0 || !checkCrcA(out)) {
        return radioError('crc', `${what}: CRC_A of the answer is wrong`, { partial: received });
      }
      return radioOk({ bytes: out.slice(0, out.length - 2), bits: a.bits - 16 });
    }
    return radioOk(received);
  }

  mifareAuthenticate(keyType: 'A' | 'B', block: number, key: Uint8Array, uid: Uint8Array): RadioResult<true> {
    if (key.length !== 6) throw new HalError('BAD_ARGUMENT', `MIFARE key of ${key.length} bytes: must be 6`);
    if (uid.length !== 4) throw new HalError('BAD_ARGUMENT', `MIFARE authentication takes 4 UID bytes, got ${uid.length}`);
    const outcome = this.field.authenticate(keyType === 'A' ? 0x60 : 0x61, block, key, uid);
    if (outcome === 'ok') {
      this.crypto1 = true;
      return radioOk(true);
    }
    return radioError('auth', `authentication of block ${block} with key ${keyType} failed (${outcome})`);
  }

  stopCrypto1(): void {
    this.crypto1 = false;
  }

  resetField(): void {
    this.crypto1 = false;
    this.field.setField(false);
    this.field.setField(true);
  }
}
