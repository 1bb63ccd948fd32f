/**
 * A generic ISO/IEC 14443-3 Type A PICC: power, the REQA/WUPA/anticollision/SELECT/HLTA state machine for 4-, 7- and
 * 10-byte UIDs, and the hooks the tag families (Type 2, MIFARE Classic) build on. Reference §4.2–4.4.
 */
import type { AirContext, AirFrame, Picc, PiccAnswer } from '../rf/air.js';
import { HalError } from '../../hal/errors.js';
import { FaultChain } from '../faults.js';
import type { Disposer, PiccFaultHook, PiccFaultTarget } from '../faults.js';
import { answerBytes, answerNibble, bcc, byteFrame, frameCrcOk, getBit, sliceBits } from './frames.js';
import { toHexUpper } from '../../hal/hex.js';
import { byteList } from '../../hal/bytes.js';

export const REQA = 0x26;
export const WUPA = 0x52;
export const HLTA = 0x50;
/** SEL codes of cascade levels 1..3. */
export const SEL_CODES: readonly number[] = [0x93, 0x95, 0x97];
/** Cascade tag: first byte of UID-CLn when the UID continues at the next level. */
export const CASCADE_TAG = 0x88;

/**
 * States of ISO/IEC 14443-3 (reference §4.4). READY* / ACTIVE* are READY / ACTIVE entered by WUPA from HALT: an
 * unexpected frame sends them back to HALT instead of IDLE. OFF: no power.
 */
export type PiccState = 'OFF' | 'IDLE' | 'READY' | 'ACTIVE' | 'HALT' | 'READY*' | 'ACTIVE*';

export interface Iso14443aTagOptions {
  /** 4, 7 or 10 bytes. */
  uid: Uint8Array | readonly number[];
  /** ATQA in on-air order; default: UID-size bits (00/40/80h) | 04h, then 00h. */
  atqa?: Uint8Array | readonly number[];
  /** SAK of the last cascade level (the cascade bit 04h is cleared); default 00h. */
  sak?: number;
}

/** UID-CLn followed by its BCC, one 5-byte array per cascade level (reference §4.2 table). */
export function cascadeLevels(uid: Uint8Array): Uint8Array[] {
  const parts: number[][] = [];
  if (uid.length === 4) parts.push(byteList(uid));
  else if (uid.length === 7) parts.push([CASCADE_TAG].concat(byteList(uid.subarray(0, 3))), byteList(uid.subarray(3)));
  else if (uid.length === 10) {
    parts.push([CASCADE_TAG].concat(byteList(uid.subarray(0, 3))), [CASCADE_TAG].concat(byteList(uid.subarray(3, 6))), byteList(uid.subarray(6)));
  } else throw new HalError('BAD_ARGUMENT', `a UID has 4, 7 or 10 bytes, not ${uid.length}`);
  return parts.map((p) => new Uint8Array([...p, bcc(p)]));
}

type Phase = 'off' | 'idle' | 'ready' | 'active' | 'halt';

/**
 * A plain ISO/IEC 14443-3A tag. Guarantees: it answers only while powered; REQA answers from IDLE, WUPA from IDLE and
 * HALT; anticollision answers only when its UID-CLn starts with the transmitted bits; SELECT answers SAK + CRC_A
 * (04h until the last level); a non-matching SELECT leaves it READY and silent; any other frame in READY/ACTIVE
 * (including REQA/WUPA, frames with the wrong Crypto1 context) sends it silently to IDLE, or HALT when it was woken
 * from HALT; HLTA in ACTIVE halts it. Frames with a CRC or parity error are ignored (subclasses may NAK them).
 * In ACTIVE this base class knows no commands: subclasses override {@link activeFrame}.
 */
export class Iso14443aTag implements Picc, PiccFaultTarget {
  readonly uid: Uint8Array;
  readonly atqa: Uint8Array;
  /** SAK sent after the last cascade level. */
  readonly sak: number;
  private readonly levels: Uint8Array[];
  private phase: Phase = 'off';
  private woken = false;
  private level = 0;
  private readonly faults = new FaultChain<PiccAnswer | null>();

  constructor(options: Iso14443aTagOptions) {
    this.uid = new Uint8Array(options.uid);
    this.levels = cascadeLevels(this.uid);
    const sizeBits = (this.levels.length - 1) << 6;
    this.atqa = options.atqa ? new Uint8Array(options.atqa) : new Uint8Array([sizeBits | 0x04, 0x00]);
    if (this.atqa.length !== 2) throw new HalError('BAD_ARGUMENT', 'ATQA has 2 bytes');
    this.sak = (options.sak ?? 0) & ~0x04 & 0xff;
  }

  /** Tag family name used in {@link label}. */
  protected get typeName(): string {
    return 'ISO14443A';
  }

  get label(): string {
    return `${this.typeName} ${toHexUpper(this.uid)}`;
  }

  /** Back door: current state. */
  get state(): PiccState {
    switch (this.phase) {
      case 'off':
        return 'OFF';
      case 'idle':
        return 'IDLE';
      case 'halt':
        return 'HALT';
      case 'ready':
        return this.woken ? 'READY*' : 'READY';
      default:
        return this.woken ? 'ACTIVE*' : 'ACTIVE';
    }
  }

  /** Back door: the cascade level (1..3) the tag waits for while READY; 0 in any other state. */
  get cascadeLevel(): number {
    return this.phase === 'ready' ? this.level + 1 : 0;
  }

  /** Back door: powered by a field. */
  get powered(): boolean {
    return this.phase !== 'off';
  }

  powerOn(): void {
    if (this.phase !== 'off') return;
    this.phase = 'idle';
    this.woken = false;
    this.level = 0;
    this.onPowerOn();
  }

  powerOff(): void {
    if (this.phase === 'off') return;
    this.phase = 'off';
    this.onDeselect();
    this.onPowerOff();
  }

  receive(frame: AirFrame, context: AirContext): PiccAnswer | null {
    return this.faults.run(frame, context, () => this.handle(frame, context));
  }

  /** Installs a fault hook on this tag (sim/faults.ts); it wraps every later {@link receive}. */
  addFault(hook: PiccFaultHook): Disposer {
    return this.faults.add(hook);
  }

  private handle(frame: AirFrame, context: AirContext): PiccAnswer | null {
    if (this.phase === 'off') return null;
    // Reference §3.8 / §9.6: with Crypto1 on, only a tag in an authenticated session can decode the frame; a tag in
    // such a session cannot decode a plaintext frame. Either way the frame is noise.
    if (context.crypto1 !== this.cryptoSessionActive()) {
      this.unexpected();
      return null;
    }
    if (frame.bits === 7) return this.shortFrame(frame.bytes[0] & 0x7f);
    if (this.phase === 'ready') return this.readyFrame(frame, context);
    if (this.phase !== 'active') return null;
    if (frame.bits % 8 !== 0) {
      this.unexpected();
      return null;
    }
    if (!frameCrcOk(frame)) return this.onTransmissionError(frame);
    if (frame.bytes.length === 4 && frame.bytes[0] === HLTA && frame.bytes[1] === 0) {
      this.phase = 'halt';
      this.woken = false;
      this.onDeselect();
      return null;
    }
    return this.activeFrame(frame, context);
  }

  private shortFrame(cmd: number): PiccAnswer | null {
    const wake = cmd === WUPA && this.phase === 'halt';
    if ((cmd === REQA || cmd === WUPA) && (this.phase === 'idle' || wake)) {
      this.phase = 'ready';
      this.woken = wake;
      this.level = 0;
      return { frame: byteFrame(this.atqa) };
    }
    // REQA/WUPA or anything else in READY/ACTIVE: back to IDLE/HALT without answering (reference §4.4).
    this.unexpected();
    return null;
  }

  private readyFrame(frame: AirFrame, context: AirContext): PiccAnswer | null {
    const cl = this.levels[this.level];
    if (frame.bits >= 16 && frame.bytes[0] === SEL_CODES[this.level]) {
      const nvb = frame.bytes[1];
      if (nvb === 0x70) {
        if (frame.bits !== 72) return this.unexpected();
        if (!frameCrcOk(frame)) return null;
        for (let i = 0; i < 5; i++) if (frame.bytes[2 + i] !== cl[i]) return null;
        if (this.level === this.levels.length - 1) {
          this.phase = 'active';
          this.level = 0;
          this.onSelected();
          return answerBytes([this.sak]);
        }
        this.level++;
        return answerBytes([0x04]);
      }
      const k = ((nvb >> 4) - 2) * 8 + (nvb & 0x0f);
      if (nvb >> 4 < 2 || (nvb & 0x0f) > 7 || k >= 40 || frame.bits !== 16 + k) return this.unexpected();
      if (frame.parityError) return null;
      for (let i = 0; i < k; i++) if (getBit(frame.bytes, 16 + i) !== getBit(cl, i)) return null;
      return { frame: { bytes: sliceBits(cl, k, 40 - k), bits: 40 - k } };
    }
    if (frame.bits % 8 === 0) {
      const handled = this.readyCommand(frame, context);
      if (handled !== undefined) return handled;
    }
    return this.unexpected();
  }

  /** Leaves READY/ACTIVE for IDLE (HALT when woken from HALT), silently. No-op in IDLE/HALT. Returns null. */
  protected unexpected(): null {
    if (this.phase === 'ready' || this.phase === 'active') {
      this.phase = this.woken ? 'halt' : 'idle';
      this.level = 0;
      this.onDeselect();
    }
    return null;
  }

  /** A 4-bit NAK; the tag then resets to IDLE/HALT (reference §5.4: "after every NAK ... internal reset"). */
  protected nak(code: number): PiccAnswer {
    this.unexpected();
    return answerNibble(code);
  }

  /** Moves a READY tag straight to ACTIVE (the Ultralight READ-00h rule, reference §4.4). */
  protected activateFromReady(): void {
    if (this.phase !== 'ready') return;
    this.phase = 'active';
    this.level = 0;
    this.onSelected();
  }

  /** True while ACTIVE (or ACTIVE*). */
  protected get isActive(): boolean {
    return this.phase === 'active';
  }

  /** A frame with a correct CRC_A in ACTIVE, other than HLTA. Default: unknown command, silent, IDLE. */
  protected activeFrame(_frame: AirFrame, _context: AirContext): PiccAnswer | null {
    return this.unexpected();
  }

  /** A whole-byte frame in READY that is not anticollision/SELECT; `undefined` = not handled (→ IDLE). */
  protected readyCommand(_frame: AirFrame, _context: AirContext): PiccAnswer | null | undefined {
    return undefined;
  }

  /** A frame with a CRC or parity error in ACTIVE. Default: ignored, state kept. */
  protected onTransmissionError(_frame: AirFrame): PiccAnswer | null {
    return null;
  }

  /** True while Crypto1 protects the session (MIFARE Classic after authentication). */
  protected cryptoSessionActive(): boolean {
    return false;
  }

  /** Power reached the tag: volatile state starts fresh. */
  protected onPowerOn(): void {}
  /** Power left the tag. */
  protected onPowerOff(): void {}
  /** The tag became ACTIVE. */
  protected onSelected(): void {}
  /** The tag left READY/ACTIVE (unexpected frame, NAK, HLTA, power loss): drop session state. */
  protected onDeselect(): void {}
}
