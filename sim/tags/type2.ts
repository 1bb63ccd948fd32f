/**
 * Behaviour common to NXP NFC Forum Type 2 tags (MIFARE Ultralight EV1, NTAG21x): GET_VERSION, READ, FAST_READ,
 * WRITE, COMPATIBILITY_WRITE, PWD_AUTH and READ_SIG with lock bits and AUTH0/PROT protection. Reference §5.
 */
import type { AirContext, AirFrame, PiccAnswer } from '../rf/air.js';
import { HalError } from '../../hal/errors.js';
import { Iso14443aTag } from './picc.js';
import { ACK, NAK_AUTH_LIMIT, NAK_INVALID_ARGUMENT, NAK_PARITY_CRC, answerBytes, answerNibble, frameCrcOk } from './frames.js';
import { ACCESS_AUTHLIM_MASK, ACCESS_CFGLCK, ACCESS_PROT, buildType2Memory, freshUid7 } from './type2-layout.js';
import type { Type2Options, Type2Profile } from './type2-layout.js';
import { isPageLocked, mergeDynamicLock, mergeStaticLock } from './type2-locks.js';
import { SIM_ORIGINALITY_PRIVATE_KEY, signUidWith } from './uid-signer.js';
import { copyBytes } from '../../hal/bytes.js';

/**
 * Processing delay before the ACK of a WRITE (and of COMPATIBILITY_WRITE part 2, INCR_CNT): the EEPROM programming
 * time, 4.1 ms typical in the NTAG213/215/216 and MF0ULx1 data sheets' EEPROM characteristics; the data sheets allow
 * the ACK up to 10 ms after the command (reference §4.1, NTAGF pp. 33–47).
 */
export const TYPE2_EEPROM_WRITE_US = 4100;

/**
 * A Type 2 tag: 7-byte UID, ATQA 44 00, SAK 04h/00h. Guarantees, beyond {@link Iso14443aTag}:
 * - READ 00h in READY moves straight to ACTIVE and answers (Ultralight/NTAG203 rule, reference §4.4).
 * - Frames with a CRC or parity error in ACTIVE get NAK 1h (PM3: NXP answers 01 to a bad CRC); every NAK sends the
 *   tag to IDLE/HALT, dropping authentication. Unknown commands: silent, IDLE.
 * - READ rolls over to page 0 after the last page, or just before AUTH0 when reads are protected; PWD and PACK read
 *   as 00h. FAST_READ never rolls over. Out-of-range or protected addresses: NAK 0h.
 * - WRITE/COMPATIBILITY_WRITE: pages 0–1 never; page 2 ORs only the lock bytes; page 3 (CC) is OTP; lock bits are
 *   OR-ed and frozen by their block-lock bits; locked pages, pages ≥ AUTH0 without authentication and config pages
 *   under CFGLCK answer NAK 0h. ACK comes after {@link TYPE2_EEPROM_WRITE_US}.
 * - PWD_AUTH: right password → PACK, authenticated until HLTA, NAK or power loss. Wrong password → NAK 0h (a modelling
 *   choice: sources disagree — ChameleonMini sends 4h, PM3's simulator 0h, Flipper stays silent; 0h is the data
 *   sheet's "invalid argument" and 4h is kept for its documented meaning). With AUTHLIM ≠ 0 failures are counted in
 *   non-volatile memory and reset by a success (Flipper); once AUTHLIM is reached every PWD_AUTH gets NAK 4h.
 */
export abstract class Type2Tag extends Iso14443aTag {
  protected readonly profile: Type2Profile;
  protected readonly mem: Uint8Array;
  private auth = false;
  private failed: number;
  private compatPage: number | null = null;
  private readonly signatureBytes: Uint8Array | undefined;
  private readonly signingKey: Uint8Array;

  constructor(profile: Type2Profile, options: Type2Options) {
    const uid = options.uid ? new Uint8Array(options.uid) : freshUid7();
    if (uid.length !== 7) throw new HalError('BAD_ARGUMENT', `${profile.name} has a 7-byte UID`);
    super({ uid: uid, atqa: [0x44, 0x00], sak: 0x00 });
    this.profile = profile;
    this.mem = buildType2Memory(profile, uid, options);
    this.failed = options.failedAuthAttempts ?? 0;
    if (options.signature && options.signature.length !== 32) throw new HalError('BAD_ARGUMENT', 'signature has 32 bytes');
    this.signatureBytes = options.signature ? new Uint8Array(options.signature) : undefined;
    this.signingKey = options.originalityPrivateKey ?? SIM_ORIGINALITY_PRIVATE_KEY;
  }

  protected override get typeName(): string {
    return this.profile.name;
  }

  /** Back door: a copy of the whole memory, PWD and PACK included. */
  dump(): Uint8Array {
    return copyBytes(this.mem);
  }

  /** Back door: a copy of one page as stored. */
  page(n: number): Uint8Array {
    return copyBytes(this.mem, n * 4, n * 4 + 4);
  }

  /** Back door: PWD_AUTH succeeded in this session. */
  get authenticated(): boolean {
    return this.auth;
  }

  /** Back door: failed PWD_AUTH attempts counted against AUTHLIM. */
  get failedAuthAttempts(): number {
    return this.failed;
  }

  /** Back door: the GET_VERSION bytes. */
  get version(): Uint8Array {
    return new Uint8Array(this.profile.version);
  }

  /** Back door: what READ_SIG returns (computed on first use when not given). */
  get signature(): Uint8Array {
    return copyBytes((this.signatureBytes ?? this.signed()));
  }

  private signedCache: Uint8Array | undefined;
  private signed(): Uint8Array {
    if (!this.signedCache) this.signedCache = signUidWith(this.uid, this.signingKey);
    return this.signedCache;
  }

  protected get access(): number {
    return this.mem[this.profile.cfg1Page * 4];
  }

  protected get auth0(): number {
    return this.mem[this.profile.cfg0Page * 4 + 3];
  }

  /** Pages [0, limit) may be read now: everything, or up to AUTH0 when reads are protected and not authenticated. */
  private readLimit(): number {
    const all = this.profile.lastPage + 1;
    if (this.auth || !(this.access & ACCESS_PROT)) return all;
    return Math.min(this.auth0, all);
  }

  protected override readyCommand(frame: AirFrame, context: AirContext): PiccAnswer | null | undefined {
    const b = frame.bytes;
    if (b.length === 4 && b[0] === 0x30 && b[1] === 0x00 && frameCrcOk(frame)) {
      this.activateFromReady();
      return this.activeFrame(frame, context);
    }
    return undefined;
  }

  protected override onTransmissionError(_frame: AirFrame): PiccAnswer | null {
    return this.nak(NAK_PARITY_CRC);
  }

  protected override onDeselect(): void {
    this.auth = false;
    this.compatPage = null;
  }

  protected override activeFrame(frame: AirFrame, context: AirContext): PiccAnswer | null {
    const b = frame.bytes;
    const n = b.length - 2;
    if (this.compatPage !== null) {
      const page = this.compatPage;
      this.compatPage = null;
      if (n !== 16) return this.nak(NAK_INVALID_ARGUMENT);
      this.applyWrite(page, b.subarray(0, 4));
      return answerNibble(ACK, TYPE2_EEPROM_WRITE_US);
    }
    const want = (len: number, run: () => PiccAnswer | null): PiccAnswer | null =>
      n === len ? run() : this.nak(NAK_INVALID_ARGUMENT);
    switch (b[0]) {
      case 0x60:
        return want(1, () => answerBytes(this.profile.version));
      case 0x30:
        return want(2, () => this.read(b[1]));
      case 0x3a:
        return want(3, () => this.fastRead(b[1], b[2]));
      case 0xa2:
        return want(6, () => this.write(b[1], b.subarray(2, 6)));
      case 0xa0:
        return want(2, () => this.compatibilityWrite(b[1]));
      case 0x1b:
        return want(5, () => this.pwdAuth(b.subarray(1, 5)));
      case 0x3c:
        return want(2, () => (b[1] === 0 ? answerBytes(this.signatureBytes ?? this.signed()) : this.nak(0)));
    }
    const r = this.extraCommand(b.subarray(0, n), context);
    return r === undefined ? this.unexpected() : r;
  }

  /** Product-specific commands (payload without CRC); `undefined` = unknown (silent, IDLE). */
  protected extraCommand(_payload: Uint8Array, _context: AirContext): PiccAnswer | null | undefined {
    return undefined;
  }

  /** Called on every accepted READ / FAST_READ (NTAG NFC counter). */
  protected onReadCommand(): void {}

  /** Product-specific write restriction for a page (NTAG213 TT message lock). */
  protected pageWritable(_page: number): boolean {
    return true;
  }

  private pageData(page: number): Uint8Array {
    if (page === this.profile.pwdPage || page === this.profile.packPage) return new Uint8Array(4);
    return this.mem.subarray(page * 4, page * 4 + 4);
  }

  private read(addr: number): PiccAnswer {
    const limit = this.readLimit();
    if (addr > this.profile.lastPage || addr >= limit) return this.nak(NAK_INVALID_ARGUMENT);
    this.onReadCommand();
    const out = new Uint8Array(16);
    for (let i = 0; i < 4; i++) out.set(this.pageData((addr + i) % limit), i * 4);
    return answerBytes(out);
  }

  private fastRead(start: number, end: number): PiccAnswer {
    if (start > end || end > this.profile.lastPage || end >= this.readLimit()) return this.nak(NAK_INVALID_ARGUMENT);
    this.onReadCommand();
    const out = new Uint8Array((end - start + 1) * 4);
    for (let p = start; p <= end; p++) out.set(this.pageData(p), (p - start) * 4);
    return answerBytes(out);
  }

  /** Whether a write to `page` may proceed now. */
  private writeAllowed(page: number): boolean {
    const p = this.profile;
    if (page >= p.pageCount || page < 2) return false;
    if (!this.auth && page >= this.auth0) return false;
    if (isPageLocked(this.mem, p, page)) return false;
    if ((page === p.cfg0Page || page === p.cfg1Page) && this.access & ACCESS_CFGLCK) return false;
    return this.pageWritable(page);
  }

  private applyWrite(page: number, data: Uint8Array): void {
    const p = this.profile;
    const at = page * 4;
    if (page === 2) {
      this.mem.set(mergeStaticLock(this.mem.subarray(10, 12), data.subarray(2, 4)), 10);
    } else if (page === 3) {
      for (let i = 0; i < 4; i++) this.mem[at + i] |= data[i];
    } else if (page === p.dynLockPage) {
      this.mem.set(mergeDynamicLock(this.mem.subarray(at, at + 3), data.subarray(0, 3)), at);
    } else {
      this.mem.set(data, at);
    }
  }

  private write(page: number, data: Uint8Array): PiccAnswer {
    if (!this.writeAllowed(page)) return this.nak(NAK_INVALID_ARGUMENT);
    this.applyWrite(page, data);
    return answerNibble(ACK, TYPE2_EEPROM_WRITE_US);
  }

  private compatibilityWrite(page: number): PiccAnswer {
    if (!this.writeAllowed(page)) return this.nak(NAK_INVALID_ARGUMENT);
    this.compatPage = page;
    return answerNibble(ACK);
  }

  private pwdAuth(pwd: Uint8Array): PiccAnswer {
    const limit = this.access & ACCESS_AUTHLIM_MASK;
    if (limit !== 0 && this.failed >= limit) return this.nak(NAK_AUTH_LIMIT);
    const stored = this.mem.subarray(this.profile.pwdPage * 4, this.profile.pwdPage * 4 + 4);
    if (stored.every((v, i) => v === pwd[i])) {
      this.auth = true;
      this.failed = 0;
      const at = this.profile.packPage * 4;
      return answerBytes(this.mem.subarray(at, at + 2));
    }
    if (limit !== 0) this.failed++;
    return this.nak(NAK_INVALID_ARGUMENT);
  }
}
