import type { Frame, Pcd, RadioResult, TransceiveOptions } from '../radio.js';
import type { Activation, PiccReader } from '../reader.js';
import { radioError, radioOk } from '../radio.js';
import { anticollisionLevel, type LevelResult } from './anticollision.js';

/** ISO/IEC 14443-3A command bytes (reference section 4.2). */
export const REQA = 0x26;
export const WUPA = 0x52;
export const HLTA = 0x50;
export const SEL = [0x93, 0x95, 0x97];
export const CASCADE_TAG = 0x88;

export interface Iso14443aOptions {
  /** Timeout for REQA/WUPA, anticollision and SELECT answers, µs. Tags answer after about 90 µs. Default 1000. */
  activationTimeoutUs?: number;
}

/**
 * ISO/IEC 14443-3A activation over any {@link Pcd}: request, bitwise anticollision with real collision resolution
 * over cascade levels 1 to 3, select and halt. Written against the standard's semantics (collision position and
 * RxAlign as the NXP reader library uses them), not against the Arduino library's known-buggy anticollision.
 *
 * After a select, other tags that went through the same anticollision prefix are still READY. A READY tag drops to
 * IDLE on any frame it does not expect, except that MIFARE Ultralight/NTAG tags treat READ of page 00h in READY as
 * a shortcut to ACTIVE (reference section 4.4): so the first command to a selected Type 2 tag must not be READ 00h
 * (the Type 2 layer starts with GET_VERSION).
 */
export class Iso14443aReader implements PiccReader {
  private readonly timeoutUs: number;

  constructor(readonly pcd: Pcd, options: Iso14443aOptions = {}) {
    this.timeoutUs = options.activationTimeoutUs === undefined ? 1000 : options.activationTimeoutUs;
  }

  transceive(frame: Uint8Array, options?: TransceiveOptions): RadioResult<Frame> {
    return this.pcd.transceive(frame, options);
  }

  mifareAuthenticate(keyType: 'A' | 'B', block: number, key: Uint8Array, uid: Uint8Array): RadioResult<true> {
    return this.pcd.mifareAuthenticate(keyType, block, key, uid);
  }

  stopCrypto1(): void {
    this.pcd.stopCrypto1();
  }

  resetField(offMs?: number): void {
    this.pcd.resetField(offMs);
  }

  /**
   * REQA or WUPA (short frame of 7 bits, no CRC). Answers the ATQA. With several tags the ATQAs may collide; that
   * still means tags are present, so a collision here counts as an answer (as in ISO/IEC 14443-3 and the NXP
   * reader library).
   */
  request(wakeup: boolean): RadioResult<Uint8Array> {
    const r = this.pcd.transceive(new Uint8Array([wakeup ? WUPA : REQA]), { txLastBits: 7, timeoutUs: this.timeoutUs });
    if (r.ok) {
      if (r.value.bits !== 16) return radioError('unexpected', (wakeup ? 'WUPA' : 'REQA') + ': ATQA of ' + r.value.bits + ' bits, expected 16');
      return radioOk(r.value.bytes);
    }
    if (r.reason === 'collision' && r.partial) {
      const atqa = new Uint8Array(2);
      atqa.set(r.partial.bytes.subarray(0, 2));
      return radioOk(atqa);
    }
    return r;
  }

  activate(options: { wakeup?: boolean } = {}): RadioResult<Activation> {
    const atqa = this.request(!!options.wakeup);
    if (!atqa.ok) return atqa;
    return this.selectCascade(atqa.value, null);
  }

  select(uid: Uint8Array): RadioResult<Activation> {
    if (uid.length !== 4 && uid.length !== 7 && uid.length !== 10) {
      return radioError('unexpected', 'select: a UID has 4, 7 or 10 bytes, not ' + uid.length);
    }
    const atqa = this.request(true);
    if (!atqa.ok) return atqa;
    return this.selectCascade(atqa.value, uid);
  }

  /** Runs the cascade levels. With `uid` known each level is a direct SELECT; otherwise anticollision finds one. */
  private selectCascade(atqa: Uint8Array, uid: Uint8Array | null): RadioResult<Activation> {
    const parts: number[] = [];
    for (let level = 0; level < 3; level++) {
      const known = uid ? levelBytes(uid, level) : null;
      const r: RadioResult<LevelResult> = anticollisionLevel(this.pcd, SEL[level], known, this.timeoutUs);
      if (!r.ok) return r;
      const cl = r.value.uidCl;
      const cascade = (r.value.sak & 0x04) !== 0;
      if (cascade) {
        if (cl[0] !== CASCADE_TAG) return radioError('unexpected', 'SAK says the UID continues but UID CL' + (level + 1) + ' does not start with the cascade tag 88h');
        parts.push(cl[1], cl[2], cl[3]);
        continue;
      }
      parts.push(cl[0], cl[1], cl[2], cl[3]);
      return radioOk({ uid: new Uint8Array(parts), atqa: atqa, sak: r.value.sak });
    }
    return radioError('unexpected', 'the tag asked for a fourth cascade level');
  }

  halt(): RadioResult<true> {
    // ISO/IEC 14443-3 6.4.3: any modulation within 1 ms after HLTA is a NAK; silence is success.
    const r = this.pcd.transceive(new Uint8Array([HLTA, 0x00]), { txCrc: true, timeoutUs: 1000 });
    if (r.ok) return radioError('unexpected', 'HLTA was answered (' + r.value.bits + ' bits); the tag did not halt');
    if (r.reason === 'timeout') return radioOk(true);
    return r;
  }

  inventory(options: { max?: number; onTag?: (tag: Activation) => void } = {}): RadioResult<Activation[]> {
    const max = options.max === undefined ? 16 : options.max;
    const found: Activation[] = [];
    let failures = 0;
    // WUPA first so that tags halted earlier are found too; after that REQA, which halted tags ignore.
    let wakeup = true;
    while (found.length < max) {
      let a = this.activate({ wakeup: wakeup });
      // A tag left READY by an interrupted exchange drops to IDLE on the first request and answers only the next.
      if (wakeup && !a.ok && a.reason === 'timeout') a = this.activate({ wakeup: true });
      wakeup = false;
      if (a.ok) {
        if (this.addNew(found, a.value) && options.onTag) options.onTag(a.value);
        this.halt();
        continue;
      }
      // Silence: every tag still in the field is halted, so all have been found.
      if (a.reason === 'timeout') break;
      // A failed anticollision leaves tags in READY, where the next REQA only sends them back to IDLE. Reset the
      // field (all tags restart in IDLE) and start over; tags found already are recognised by UID and halted again.
      if (++failures > 3) return a;
      this.pcd.resetField();
      wakeup = true;
    }
    return radioOk(found);
  }

  private addNew(found: Activation[], a: Activation): boolean {
    for (let i = 0; i < found.length; i++) if (sameBytes(found[i].uid, a.uid)) return false;
    found.push(a);
    return true;
  }
}

/** The four UID-CLn bytes of cascade level `level` for a known UID (cascade tag first when the UID continues). */
function levelBytes(uid: Uint8Array, level: number): Uint8Array {
  const out = new Uint8Array(4);
  const levels = uid.length === 4 ? 1 : uid.length === 7 ? 2 : 3;
  const last = level === levels - 1;
  if (level >= levels) return out;
  if (last) {
    out.set(uid.subarray(uid.length - 4));
  } else {
    out[0] = CASCADE_TAG;
    out.set(uid.subarray(level * 3, level * 3 + 3), 1);
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
