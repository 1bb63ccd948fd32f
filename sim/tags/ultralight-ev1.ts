/**
 * MIFARE Ultralight EV1, MF0UL11 (48 bytes user memory) and MF0UL21 (128 bytes). Reference §5.1, §5.3, §5.4.
 */
import type { AirContext, PiccAnswer } from '../rf/air.js';
import { HalError } from '../../hal/errors.js';
import { ACK, NAK_INVALID_ARGUMENT, answerBytes, answerNibble } from './frames.js';
import { TYPE2_EEPROM_WRITE_US, Type2Tag } from './type2.js';
import type { Type2Options, Type2Profile } from './type2-layout.js';

/**
 * Shared EV1 values: OTP page 3 delivered as 00h (no CC: EV1 is not NDEF-formatted), CFG0 00 00 00 FF, CFG1 00 05 00
 * 00 (05h = default VCTID, PM3 `wipe`).
 */
const EV1_COMMON = {
  cc: [0x00, 0x00, 0x00, 0x00],
  cfg0: [0x00, 0x00, 0x00, 0xff],
  cfg1: [0x00, 0x05, 0x00, 0x00],
} as const;

export const MF0UL11_PROFILE: Type2Profile = {
  ...EV1_COMMON,
  name: 'MF0UL11',
  version: [0x00, 0x04, 0x03, 0x01, 0x01, 0x00, 0x0b, 0x03],
  lastPage: 0x13,
  pageCount: 0x14,
  userLast: 0x0f,
  cfg0Page: 0x10,
  cfg1Page: 0x11,
  pwdPage: 0x12,
  packPage: 0x13,
};

export const MF0UL21_PROFILE: Type2Profile = {
  ...EV1_COMMON,
  name: 'MF0UL21',
  version: [0x00, 0x04, 0x03, 0x01, 0x01, 0x00, 0x0e, 0x03],
  lastPage: 0x28,
  pageCount: 0x29,
  userLast: 0x23,
  dynLockPage: 0x24,
  dynLockGranularity: 2,
  dynLockRfui: 0x00,
  cfg0Page: 0x25,
  cfg1Page: 0x26,
  pwdPage: 0x27,
  packPage: 0x28,
};

export type UltralightEV1Variant = 'MF0UL11' | 'MF0UL21';

export interface UltralightEV1Options extends Type2Options {
  /** Default 'MF0UL21'. */
  variant?: UltralightEV1Variant;
  /** Initial values of the three 24-bit one-way counters. */
  counters?: readonly number[];
}

/** CHECK_TEARING_EVENT answer when the last counter write completed (PM3). */
const NO_TEARING = 0xbd;

/**
 * Ultralight EV1: Type 2 behaviour ({@link Type2Tag}) plus three 24-bit one-way counters. Guarantees: READ_CNT (39 n,
 * n = 0..2) answers counter n LSB first; INCR_CNT (A5 n v0 v1 v2 v3) adds v0..v2 (v3 ignored) and ACKs after the
 * EEPROM write time, or answers NAK 0h when the sum would pass FFFFFFh (FLIP, PM3); CHECK_TEARING_EVENT (3E n) answers
 * BDh — tearing of counter writes is not modelled. Other counter numbers: NAK 0h. VCSL is not modelled (silent).
 */
export class UltralightEV1 extends Type2Tag {
  private readonly cnt: number[];

  constructor(options: UltralightEV1Options = {}) {
    super(options.variant === 'MF0UL11' ? MF0UL11_PROFILE : MF0UL21_PROFILE, options);
    const c = options.counters ?? [0, 0, 0];
    if (c.length !== 3) throw new HalError('BAD_ARGUMENT', 'Ultralight EV1 has 3 counters');
    this.cnt = c.map((v) => v & 0xffffff);
  }

  /** Back door: the three counters. */
  get counters(): number[] {
    return this.cnt.slice();
  }

  protected override extraCommand(payload: Uint8Array, _context: AirContext): PiccAnswer | null | undefined {
    const n = payload[1];
    switch (payload[0]) {
      case 0x39:
        if (payload.length !== 2 || n > 2) return this.nak(NAK_INVALID_ARGUMENT);
        return answerBytes([this.cnt[n] & 0xff, (this.cnt[n] >> 8) & 0xff, this.cnt[n] >> 16]);
      case 0xa5: {
        if (payload.length !== 6 || n > 2) return this.nak(NAK_INVALID_ARGUMENT);
        const sum = this.cnt[n] + (payload[2] | (payload[3] << 8) | (payload[4] << 16));
        if (sum > 0xffffff) return this.nak(NAK_INVALID_ARGUMENT);
        this.cnt[n] = sum;
        return answerNibble(ACK, TYPE2_EEPROM_WRITE_US);
      }
      case 0x3e:
        if (payload.length !== 2 || n > 2) return this.nak(NAK_INVALID_ARGUMENT);
        return answerBytes([NO_TEARING]);
    }
    return undefined;
  }
}
