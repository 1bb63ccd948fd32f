/**
 * NFC Forum Type 2 tags (NTAG213/215/216, NTAG213 TT, MIFARE Ultralight EV1 and MF0ICU1): {@link Type2Tag}, the
 * read commands of {@link Type2Reader} (type2-read.ts, whose guarantees hold here too) and the commands that write
 * or authenticate, which a scanner does not need and its image therefore does not carry.
 */
import type { RadioResult } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { exchange } from './frames.js';
import { pageName, READ_TIMEOUT_US, T2, WRITE_TIMEOUT_US } from './type2-frames.js';
import { hexBytes } from '../../hal/hex.js';
import { checkLength, checkPage, Type2Reader } from './type2-read.js';

export { FAST_READ_MAX_PAGES, Type2Reader } from './type2-read.js';
export type { TamperReading, TamperStatus, Type2Identity } from './type2-read.js';

/** A selected Type 2 tag: its read commands ({@link Type2Reader}), and WRITE, COMPATIBILITY_WRITE and PWD_AUTH. */
export class Type2Tag extends Type2Reader {
  /** WRITE (A2h) of one page: 4 bytes, ACK within 10 ms. */
  write(page: number, data: Uint8Array): RadioResult<true> {
    checkPage(page, 'WRITE');
    checkLength(data, 4, 'WRITE');
    const frame = new Uint8Array(6);
    frame[0] = T2.WRITE;
    frame[1] = page;
    frame.set(data, 2);
    const r = exchange(this.pcd, frame, pageName('WRITE', page), 'ack', WRITE_TIMEOUT_US);
    return r.ok ? radioOk(true) : r;
  }

  /**
   * COMPATIBILITY_WRITE (A0h): the MIFARE Classic-style two-phase write; only the 4 bytes given are written, the
   * 12 padding bytes are zeros (reference §5.4). Each phase needs an ACK.
   */
  compatibilityWrite(page: number, data: Uint8Array): RadioResult<true> {
    checkPage(page, 'COMPATIBILITY_WRITE');
    checkLength(data, 4, 'COMPATIBILITY_WRITE');
    const what = pageName('COMPATIBILITY_WRITE', page);
    const first = exchange(this.pcd, new Uint8Array([T2.COMPATIBILITY_WRITE, page]), what + ' (part 1)', 'ack', READ_TIMEOUT_US);
    if (!first.ok) return first;
    const block = new Uint8Array(16);
    block.set(data, 0);
    const second = exchange(this.pcd, block, what + ' (part 2)', 'ack', WRITE_TIMEOUT_US);
    return second.ok ? radioOk(true) : second;
  }

  /**
   * PWD_AUTH (1Bh) with the 4-byte password: returns the tag's 2-byte PACK. With `expectedPack`, a different PACK
   * gives `reason: 'auth'`: the tag accepted the password but is not the tag we configured (a clone that accepts
   * any password answers some PACK). A wrong password gives a NAK (code 0h or 4h; some tags stay silent).
   */
  pwdAuth(pwd: Uint8Array, expectedPack?: Uint8Array): RadioResult<Uint8Array> {
    checkLength(pwd, 4, 'PWD_AUTH');
    if (expectedPack !== undefined) checkLength(expectedPack, 2, 'PWD_AUTH expected PACK');
    const frame = new Uint8Array(5);
    frame[0] = T2.PWD_AUTH;
    frame.set(pwd, 1);
    const r = exchange(this.pcd, frame, 'PWD_AUTH', { bytes: 2 }, READ_TIMEOUT_US);
    if (!r.ok) return r;
    if (expectedPack && (r.value[0] !== expectedPack[0] || r.value[1] !== expectedPack[1])) {
      return radioError('auth', 'PWD_AUTH: PACK ' + hexBytes(r.value) + ' differs from the expected ' + hexBytes(expectedPack));
    }
    return r;
  }

}
