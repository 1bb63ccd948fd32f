/**
 * NTAG213 / NTAG215 / NTAG216 (NXP NTAG213/215/216 data sheet; reference §5). The NTAG213 TT lives in ntag213tt.ts.
 */
import type { AirContext, PiccAnswer } from '../rf/air.js';
import { NAK_INVALID_ARGUMENT, answerBytes } from './frames.js';
import { Type2Tag } from './type2.js';
import { ACCESS_NFC_CNT_EN, ACCESS_NFC_CNT_PWD_PROT } from './type2-layout.js';
import type { Type2Options, Type2Profile } from './type2-layout.js';

/**
 * Factory user memory (NTAG213/215/216 data sheet §8.5, confirmed in adafruit/adafruit-pn532#34): NTAG213 ships
 * with a Lock Control TLV (01 03 A0 0C 34) then an empty NDEF TLV and a terminator; NTAG215/216 with the empty NDEF
 * TLV only.
 */
const NTAG213_FACTORY_DATA = [0x01, 0x03, 0xa0, 0x0c, 0x34, 0x03, 0x00, 0xfe];
const NTAG215_216_FACTORY_DATA = [0x03, 0x00, 0xfe, 0x00];

/** Reference §5.1 page map, §5.3 factory CFG values (CFG0 04 00 00 FF, CFG1 00 05 00 00), dynamic lock RFUI BDh. */
function ntagProfile(name: string, sizeCode: number, lastPage: number, ccSize: number, granularity: number): Type2Profile {
  return {
    factoryData: lastPage === 0x2c ? NTAG213_FACTORY_DATA : NTAG215_216_FACTORY_DATA,
    name: name,
    version: [0x00, 0x04, 0x04, 0x02, 0x01, 0x00, sizeCode, 0x03],
    lastPage: lastPage,
    pageCount: lastPage + 1,
    userLast: lastPage - 5,
    dynLockPage: lastPage - 4,
    dynLockGranularity: granularity,
    dynLockRfui: 0xbd,
    cfg0Page: lastPage - 3,
    cfg1Page: lastPage - 2,
    pwdPage: lastPage - 1,
    packPage: lastPage,
    cc: [0xe1, 0x10, ccSize, 0x00],
    cfg0: [0x04, 0x00, 0x00, 0xff],
    cfg1: [0x00, 0x05, 0x00, 0x00],
  };
}

export const NTAG213_PROFILE: Type2Profile = ntagProfile('NTAG213', 0x0f, 0x2c, 0x12, 2);
export const NTAG215_PROFILE: Type2Profile = ntagProfile('NTAG215', 0x11, 0x86, 0x3e, 16);
export const NTAG216_PROFILE: Type2Profile = ntagProfile('NTAG216', 0x13, 0xe6, 0x6d, 16);

export interface NtagOptions extends Type2Options {
  /** NFC_CNT_EN (CFG1 ACCESS bit 4): count the first READ/FAST_READ of every power-up. Default false (factory). */
  nfcCounterEnabled?: boolean;
  /** NFC_CNT_PWD_PROT (ACCESS bit 3): READ_CNT needs PWD_AUTH. */
  nfcCounterPasswordProtected?: boolean;
  /** Initial NFC counter value (24 bit). */
  nfcCounter?: number;
}

/**
 * NTAG21x: Type 2 behaviour ({@link Type2Tag}) plus the 24-bit NFC counter. Guarantees: with NFC_CNT_EN the counter
 * goes up by one on the first accepted READ or FAST_READ after each power-up (NTAG213/215/216 data sheet §8.7; Flipper
 * `mf_ultralight_single_counter_try_increase`) and stops at FFFFFFh; READ_CNT (39 02) answers it LSB first, and
 * answers NAK 0h for another counter number, when NFC_CNT_EN is 0, or when NFC_CNT_PWD_PROT is set without
 * authentication (Flipper `read_counter_handler`). The UID/counter ASCII mirror is not modelled.
 */
export class Ntag21x extends Type2Tag {
  private counter: number;
  private countedThisPowerUp = false;

  constructor(profile: Type2Profile, options: NtagOptions = {}) {
    super(profile, options);
    this.counter = (options.nfcCounter ?? 0) & 0xffffff;
    const at = profile.cfg1Page * 4;
    if (options.nfcCounterEnabled !== undefined) {
      this.mem[at] = options.nfcCounterEnabled ? this.mem[at] | ACCESS_NFC_CNT_EN : this.mem[at] & ~ACCESS_NFC_CNT_EN;
    }
    if (options.nfcCounterPasswordProtected !== undefined) {
      const bit = ACCESS_NFC_CNT_PWD_PROT;
      this.mem[at] = options.nfcCounterPasswordProtected ? this.mem[at] | bit : this.mem[at] & ~bit;
    }
  }

  /** Back door: the NFC counter (non-volatile). */
  get nfcCounter(): number {
    return this.counter;
  }

  protected override onPowerOn(): void {
    this.countedThisPowerUp = false;
  }

  protected override onReadCommand(): void {
    if (this.countedThisPowerUp || !(this.access & ACCESS_NFC_CNT_EN)) return;
    this.countedThisPowerUp = true;
    if (this.counter < 0xffffff) this.counter++;
  }

  protected override extraCommand(payload: Uint8Array, _context: AirContext): PiccAnswer | null | undefined {
    if (payload[0] !== 0x39) return undefined;
    if (payload.length !== 2 || payload[1] !== 0x02) return this.nak(NAK_INVALID_ARGUMENT);
    if (!(this.access & ACCESS_NFC_CNT_EN)) return this.nak(NAK_INVALID_ARGUMENT);
    if (this.access & ACCESS_NFC_CNT_PWD_PROT && !this.authenticated) return this.nak(NAK_INVALID_ARGUMENT);
    return answerBytes([this.counter & 0xff, (this.counter >> 8) & 0xff, (this.counter >> 16) & 0xff]);
  }
}

/** NTAG213: 144 bytes of user memory (pages 04h–27h), last page 2Ch. */
export class Ntag213 extends Ntag21x {
  constructor(options: NtagOptions = {}) {
    super(NTAG213_PROFILE, options);
  }
}

/** NTAG215: 504 bytes of user memory (pages 04h–81h), last page 86h. */
export class Ntag215 extends Ntag21x {
  constructor(options: NtagOptions = {}) {
    super(NTAG215_PROFILE, options);
  }
}

/** NTAG216: 888 bytes of user memory (pages 04h–E1h), last page E6h. */
export class Ntag216 extends Ntag21x {
  constructor(options: NtagOptions = {}) {
    super(NTAG216_PROFILE, options);
  }
}
