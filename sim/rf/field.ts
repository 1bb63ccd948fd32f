/**
 * The simulated 13.56 MHz field: which tags are in range, whether the antenna is on, and how the answers of several
 * tags superpose on air (ISO/IEC 14443-2 Type A, Manchester-coded load modulation, 106 kbit/s).
 */
import type { AirContext, AirExchange, AirFrame, AuthOutcome, Picc, RfMedium } from './air.js';
import { fdtPcdToPiccUs, lastBit } from './timing.js';
import { FaultChain } from '../faults.js';
import type { Disposer, FieldFaultHook, FieldFaultTarget } from '../faults.js';
import { getBit, setBit } from '../tags/frames.js';

export interface RfFieldOptions {
  /** Antenna on from the start. Default false: after reset the MFRC522's drivers are off (reference §3.11). */
  on?: boolean;
}

const NOTHING: AirExchange = { answer: null, collisionBit: -1, delayUs: 0 };

/**
 * Guarantees:
 * - World face: {@link place} puts a tag in range (powered at once if the field is on), {@link remove} takes it out
 *   (powered off: volatile state lost); {@link setField}(false) powers every tag off, (true) powers every placed tag
 *   on. Placing a placed tag or removing an absent one does nothing.
 * - {@link exchange} gives the frame to every powered tag, in placement order, and superposes their answers bit by
 *   bit. Where answering tags send different values for a bit it is a collision (Manchester: both half-bits are
 *   modulated); `collisionBit` is the first such index, and colliding bits read as the OR of the values. A longer
 *   answer simply continues after the shorter ones end; bits sent by one tag alone never collide. `parityError` is
 *   set when any answer had it. Answers are bit streams starting at bit 0 of `bytes[0]` — an anticollision answer
 *   that continues a split UID byte also starts at bit 0; placing it at RxAlign is the chip's job.
 * - `delayUs` = ISO frame delay time for the request's last bit (timing.ts) plus the largest processing delay of the
 *   answering tags; 0 when nothing answered.
 * - With the field off nothing answers and nothing is delivered.
 * - Faults: hooks on the field wrap the whole exchange; a weak setting damages long answers (see {@link setWeak}).
 */
export class RfField implements RfMedium, FieldFaultTarget {
  private on: boolean;
  private readonly placed: Picc[] = [];
  private readonly faults = new FaultChain<AirExchange>();
  private weak: number | false = false;

  constructor(options: RfFieldOptions = {}) {
    this.on = options.on ?? false;
  }

  /** World face: the tag enters the field. */
  place(tag: Picc): void {
    if (this.placed.includes(tag)) return;
    this.placed.push(tag);
    if (this.on) tag.powerOn();
  }

  /** World face: the tag leaves the field and loses power. */
  remove(tag: Picc): void {
    const i = this.placed.indexOf(tag);
    if (i < 0) return;
    this.placed.splice(i, 1);
    tag.powerOff();
  }

  /** World face and back door: the tags in range, in placement order (a copy). */
  tags(): Picc[] {
    return this.placed.slice();
  }

  setField(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    for (const tag of this.placed.slice()) {
      if (on) tag.powerOn();
      else tag.powerOff();
    }
  }

  fieldOn(): boolean {
    return this.on;
  }

  /** Installs a field-level fault hook (sim/faults.ts). */
  addFault(hook: FieldFaultHook): Disposer {
    return this.faults.add(hook);
  }

  /**
   * Weak field: answers longer than `maxCleanBytes` whole or partial bytes arrive with a parity error; shorter ones
   * (ATQA, 4-bit ACK/NAK) get through. `false` restores a good field. Models a tag at the edge of the range, where
   * the load modulation of a long answer fades below the receiver's threshold (MFRC522 RxThreshold) part-way.
   */
  setWeak(maxCleanBytes: number | false): void {
    this.weak = maxCleanBytes === false ? false : Math.max(0, maxCleanBytes);
  }

  /** Back door: the weak setting (`false` = good field). */
  get weakLimit(): number | false {
    return this.weak;
  }

  exchange(frame: AirFrame, context: AirContext): AirExchange {
    if (!this.on) return { ...NOTHING };
    return this.faults.run(frame, context, () => this.deliver(frame, context));
  }

  authenticate(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome {
    if (!this.on) return 'no-answer';
    let outcome: AuthOutcome = 'no-answer';
    // Only Crypto1 tags take part; the ACTIVE one answers, the others say 'no-answer'.
    for (const tag of this.placed.slice()) {
      if (!tag.authenticate) continue;
      const r = tag.authenticate(keyType, block, key, uid4);
      if (r === 'ok' || (r === 'rejected' && outcome === 'no-answer')) outcome = r;
    }
    return outcome;
  }

  private deliver(frame: AirFrame, context: AirContext): AirExchange {
    const answers: { frame: AirFrame; delayUs: number }[] = [];
    for (const tag of this.placed.slice()) {
      const a = tag.receive(frame, context);
      if (a) answers.push({ frame: a.frame, delayUs: a.delayUs ?? 0 });
    }
    if (answers.length === 0) return { ...NOTHING };
    const result = superpose(answers.map((a) => a.frame));
    if (this.weak !== false && Math.ceil(result.answer.bits / 8) > this.weak) result.answer.parityError = true;
    const tagDelay = Math.max(...answers.map((a) => a.delayUs));
    return {
      answer: result.answer,
      collisionBit: result.collisionBit,
      delayUs: fdtPcdToPiccUs(lastBit(frame.bytes, frame.bits)) + tagDelay,
    };
  }
}

/** Bitwise superposition of simultaneous answers (see {@link RfField} guarantees). */
export function superpose(frames: AirFrame[]): { answer: AirFrame; collisionBit: number } {
  const bits = Math.max(...frames.map((f) => f.bits));
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  let collisionBit = -1;
  for (let i = 0; i < bits; i++) {
    let seen = -1;
    let value = 0;
    for (const f of frames) {
      if (i >= f.bits) continue;
      const b = getBit(f.bytes, i);
      if (seen >= 0 && b !== seen && collisionBit < 0) collisionBit = i;
      seen = seen < 0 ? b : seen;
      value |= b;
    }
    setBit(bytes, i, value);
  }
  const answer: AirFrame = { bytes: bytes, bits: bits };
  if (frames.some((f) => f.parityError)) answer.parityError = true;
  return { answer: answer, collisionBit: collisionBit };
}
