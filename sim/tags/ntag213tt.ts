/**
 * NTAG213 TT (NT2H1311TT): an NTAG213 with a tamper loop (a wire through the seal). Facts from PM3 `cmdhfmfu.c`
 * only (reference §5.1, §5.4, single source): GET_VERSION 00 04 04 02 03 00 0F 03; TT_MESSAGE at page 2Dh; CFG0 byte 1
 * bit 1 = TT_EN, bit 2 = TT message lock; READ_TT_STATUS (A4 00) → 4-byte message + status 'C' / 'O' / 'I'.
 */
import type { AirContext, PiccAnswer } from '../rf/air.js';
import { HalError } from '../../hal/errors.js';
import { NAK_INVALID_ARGUMENT, answerBytes } from './frames.js';
import { NTAG213_PROFILE, Ntag21x } from './ntag21x.js';
import type { NtagOptions } from './ntag21x.js';
import type { Type2Profile } from './type2-layout.js';
import { byteList } from '../../hal/bytes.js';

export const NTAG213TT_PROFILE: Type2Profile = {
  ...NTAG213_PROFILE,
  name: 'NTAG213TT',
  version: [0x00, 0x04, 0x04, 0x02, 0x03, 0x00, 0x0f, 0x03],
  pageCount: 0x2e,
};

/** TT_MESSAGE page: writable, not readable with READ/FAST_READ (beyond the last readable page 2Ch). */
export const TT_MESSAGE_PAGE = 0x2d;
const TT_EN = 0x02;
const TT_MSG_LOCK = 0x04;

/** READ_TT_STATUS status byte. */
export type TamperStatus = 'C' | 'O' | 'I';

export interface Ntag213TTOptions extends NtagOptions {
  /** The loop is intact. Default true. */
  tamperLoopClosed?: boolean;
  /** TT_EN. Default true (a sealing tag is bought for its loop; the factory value is not in the reference). */
  tamperEnabled?: boolean;
  /** TT_MESSAGE (page 2Dh), 4 bytes. Default 00 00 00 00. */
  tamperMessage?: readonly number[];
  /** The loop was already seen open in an earlier power-up (non-volatile). */
  tamperDetected?: boolean;
}

/**
 * NTAG213 TT. Guarantees: the loop is measured when the tag powers up (as the real chip checks it at start-up): with
 * TT_EN the status is 'C' (closed) or 'O' (open), without it 'I'; an open measurement is remembered for ever
 * ({@link tamperDetected}). READ_TT_STATUS answers the TT_MESSAGE when the loop has ever been seen open, else
 * 00 00 00 00, followed by the status of this power-up. Opening the loop while the tag is powered shows at the next
 * power-up. TT_MESSAGE is written with WRITE 2Dh unless its lock bit is set.
 */
export class Ntag213TT extends Ntag21x {
  private loopClosed: boolean;
  private detected: boolean;
  private status: TamperStatus = 'I';

  constructor(options: Ntag213TTOptions = {}) {
    super(NTAG213TT_PROFILE, options);
    this.loopClosed = options.tamperLoopClosed ?? true;
    this.detected = options.tamperDetected ?? false;
    const cfg0 = NTAG213TT_PROFILE.cfg0Page * 4 + 1;
    const enabled = options.tamperEnabled ?? (options.memory ? (this.mem[cfg0] & TT_EN) !== 0 : true);
    this.mem[cfg0] = enabled ? this.mem[cfg0] | TT_EN : this.mem[cfg0] & ~TT_EN;
    if (options.tamperMessage) {
      if (options.tamperMessage.length !== 4) throw new HalError('BAD_ARGUMENT', 'TT_MESSAGE has 4 bytes');
      this.mem.set(options.tamperMessage, TT_MESSAGE_PAGE * 4);
    }
  }

  /** World face: cut the wire. */
  openTamperLoop(): void {
    this.loopClosed = false;
  }

  /** World face: reconnect the wire (a repaired seal still shows {@link tamperDetected}). */
  closeTamperLoop(): void {
    this.loopClosed = true;
  }

  /** Back door: the wire is intact now. */
  get tamperLoopClosed(): boolean {
    return this.loopClosed;
  }

  /** Back door: an open loop was measured at some power-up (permanent). */
  get tamperDetected(): boolean {
    return this.detected;
  }

  /** Back door: the status measured at the last power-up. */
  get tamperStatus(): TamperStatus {
    return this.status;
  }

  protected override onPowerOn(): void {
    super.onPowerOn();
    if (!(this.mem[NTAG213TT_PROFILE.cfg0Page * 4 + 1] & TT_EN)) {
      this.status = 'I';
      return;
    }
    this.status = this.loopClosed ? 'C' : 'O';
    if (!this.loopClosed) this.detected = true;
  }

  protected override pageWritable(page: number): boolean {
    if (page !== TT_MESSAGE_PAGE) return true;
    return !(this.mem[NTAG213TT_PROFILE.cfg0Page * 4 + 1] & TT_MSG_LOCK);
  }

  protected override extraCommand(payload: Uint8Array, context: AirContext): PiccAnswer | null | undefined {
    if (payload[0] !== 0xa4) return super.extraCommand(payload, context);
    if (payload.length !== 2 || payload[1] !== 0x00) return this.nak(NAK_INVALID_ARGUMENT);
    const message = this.detected ? this.page(TT_MESSAGE_PAGE) : new Uint8Array(4);
    return answerBytes(byteList(message).concat([this.status.charCodeAt(0)]));
  }
}
