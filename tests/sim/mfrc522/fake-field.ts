import type { AirContext, AirExchange, AirFrame, AuthOutcome, Picc, PiccAnswer, RfMedium } from '../../../sim/rf/air.js';
import { fdtPcdToPiccUs, lastBit } from '../../../sim/rf/timing.js';
import { crc16 } from '../../../hal/iso14443a/crc-a.js';

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

/**
 * Just enough of a MIFARE Classic 1K for driver round trips: REQA/WUPA → ATQA 04 00, ANTICOLLISION CL1 → UID+BCC,
 * SELECT → SAK 08h + CRC_A, key A authentication of any block, READ of a block while Crypto1 is on.
 */
export function classicTag(uid: number[], keyA: number[], blockData: (block: number) => number[]): Picc & { state: string } {
  const bcc = uid.reduce((a, b) => a ^ b, 0);
  const withCrc = (bytes: number[]) => {
    const crc = crc16(Uint8Array.from(bytes), 0x6363);
    return [...bytes, crc & 0xff, crc >> 8];
  };
  const crcOk = (f: AirFrame) => f.bits % 8 === 0 && f.bits >= 24 && crc16(f.bytes, 0x6363) === 0;
  const tag = {
    label: 'classic ' + uid.map((b) => b.toString(16)).join(''),
    state: 'off',
    powerOn() {
      tag.state = 'idle';
    },
    powerOff() {
      tag.state = 'off';
    },
    receive(frame: AirFrame, context: AirContext): PiccAnswer | null {
      const b = [...frame.bytes];
      if (tag.state === 'off') return null;
      if (frame.bits === 7 && (b[0] === 0x26 || b[0] === 0x52)) {
        if (tag.state !== 'idle') {
          tag.state = 'idle';
          return null;
        }
        tag.state = 'ready';
        return { frame: frameOf([0x04, 0x00]) };
      }
      if (tag.state === 'ready' && frame.bits === 16 && b[0] === 0x93 && b[1] === 0x20) {
        return { frame: frameOf([...uid, bcc]) };
      }
      if (tag.state === 'ready' && b[0] === 0x93 && b[1] === 0x70 && crcOk(frame)) {
        if (b.slice(2, 6).every((x, i) => x === uid[i])) {
          tag.state = 'active';
          return { frame: frameOf(withCrc([0x08])) };
        }
        return null;
      }
      if (tag.state === 'auth' && context.crypto1 && b[0] === 0x30 && crcOk(frame)) {
        return { frame: frameOf(withCrc(blockData(b[1]))), delayUs: 300 };
      }
      tag.state = 'idle';
      return null;
    },
    authenticate(keyType: number, _block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome {
      if (tag.state !== 'active' && tag.state !== 'auth') return 'no-answer';
      if (keyType === 0x60 && [...key].every((k, i) => k === keyA[i]) && [...uid4].every((u, i) => u === uid[i])) {
        tag.state = 'auth';
        return 'ok';
      }
      tag.state = 'idle';
      return 'rejected';
    },
  };
  return tag;
}
