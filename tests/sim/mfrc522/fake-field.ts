import type { AirContext, AirExchange, AirFrame, AuthOutcome, Picc, PiccAnswer, RfMedium } from '../../../sim/rf/air.js';
import { fdtPcdToPiccUs, lastBit } from '../../../sim/rf/timing.js';

/**
 * A small scripted RF field for the chip's tests, standing in for sim/rf/field.ts: tags answer through callbacks,
 * several answers are superposed bit by bit (OR, first differing bit = collision), and every call is recorded.
 */
export class FakeField implements RfMedium {
  readonly tags: Picc[] = [];
  readonly setFieldCalls: boolean[] = [];
  readonly frames: Array<{ frame: AirFrame; context: AirContext }> = [];
  readonly auths: Array<{ keyType: number; block: number; key: number[]; uid4: number[] }> = [];
  private on = false;

  add(tag: Picc): this {
    this.tags.push(tag);
    if (this.on) tag.powerOn();
    return this;
  }

  setField(on: boolean): void {
    this.setFieldCalls.push(on);
    if (on && !this.on) for (const t of this.tags) t.powerOn();
    if (!on && this.on) for (const t of this.tags) t.powerOff();
    this.on = on;
  }

  fieldOn(): boolean {
    return this.on;
  }

  exchange(frame: AirFrame, context: AirContext): AirExchange {
    this.frames.push({ frame: { bytes: frame.bytes.slice(), bits: frame.bits }, context });
    if (!this.on) return { answer: null, collisionBit: -1, delayUs: 0 };
    const answers = this.tags.map((t) => t.receive(frame, context)).filter((a): a is PiccAnswer => a !== null);
    return superpose(answers, fdtPcdToPiccUs(lastBit(frame.bytes, frame.bits)));
  }

  authenticate(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome {
    this.auths.push({ keyType, block, key: [...key], uid4: [...uid4] });
    if (!this.on) return 'no-answer';
    for (const t of this.tags) {
      const r = t.authenticate ? t.authenticate(keyType, block, key, uid4) : 'no-answer';
      if (r !== 'no-answer') return r;
    }
    return 'no-answer';
  }
}

function bitAt(bytes: Uint8Array, i: number): number {
  return (bytes[i >> 3] >> (i & 7)) & 1;
}

export function superpose(answers: PiccAnswer[], fdtUs: number): AirExchange {
  if (answers.length === 0) return { answer: null, collisionBit: -1, delayUs: 0 };
  const bits = Math.max(...answers.map((a) => a.frame.bits));
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  let collisionBit = -1;
  for (let i = 0; i < bits; i++) {
    const values = answers.filter((a) => i < a.frame.bits).map((a) => bitAt(a.frame.bytes, i));
    if (collisionBit < 0 && values.some((v) => v !== values[0])) collisionBit = i;
    if (values.some((v) => v === 1)) bytes[i >> 3] |= 1 << (i & 7);
  }
  const parityError = answers.some((a) => a.frame.parityError === true);
  const delayUs = fdtUs + Math.max(...answers.map((a) => a.delayUs ?? 0));
  return { answer: { bytes, bits, parityError: parityError || undefined }, collisionBit, delayUs };
}

/** A tag whose answers come from a function of the received frame. */
export function scriptedTag(label: string, answer: (frame: AirFrame, context: AirContext) => PiccAnswer | null): Picc & { powered: boolean } {
  const tag = {
    label,
    powered: false,
    powerOn() {
      tag.powered = true;
    },
    powerOff() {
      tag.powered = false;
    },
    receive(frame: AirFrame, context: AirContext) {
      return tag.powered ? answer(frame, context) : null;
    },
  };
  return tag;
}

export function frameOf(bytes: number[], bits = bytes.length * 8, extra: Partial<AirFrame> = {}): AirFrame {
  return { bytes: Uint8Array.from(bytes), bits, ...extra };
}
