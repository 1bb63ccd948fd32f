// A minimal Type 2 tag behind a ScriptPcd handler: READ (with roll-over), FAST_READ, WRITE and GET_VERSION on a
// plain memory image. For unit tests of the NDEF I/O before (and besides) the behavioural simulator in sim/tags.
import type { Frame, RadioResult } from '../../hal/radio.js';
import { ack, data, nak, silence, type Handler } from './script-pcd.js';

export interface MemoryTag {
  memory: Uint8Array;
  handler: Handler;
  /** Pages written, in order. */
  writes: number[];
}

export function memoryTag(memory: Uint8Array, version: number[] | null): MemoryTag {
  const pages = memory.length / 4;
  const t: MemoryTag = { memory, writes: [], handler: () => silence() };
  t.handler = (frame): RadioResult<Frame> => {
    const cmd = frame[0];
    if (cmd === 0x60) return version ? data(version) : silence();
    if (cmd === 0x30) {
      if (frame[1] >= pages) return nak(0);
      const out: number[] = [];
      for (let i = 0; i < 16; i++) out.push(memory[(frame[1] * 4 + i) % memory.length]);
      return data(out);
    }
    if (cmd === 0x3a) {
      const [, s, e] = frame;
      if (e < s || e >= pages) return nak(0);
      return data(memory.slice(s * 4, (e + 1) * 4));
    }
    if (cmd === 0xa2) {
      const p = frame[1];
      if (p < 2 || p >= pages) return nak(0);
      memory.set(frame.subarray(2, 6), p * 4);
      t.writes.push(p);
      return ack();
    }
    return silence();
  };
  return t;
}

/** A blank NTAG213 image (45 pages): UID pages, CC 00 00 00 00, user memory zero, CFG0 AUTH0 = FFh. */
export function blankNtag213(): Uint8Array {
  const m = new Uint8Array(45 * 4);
  m.set([0x04, 0xe1, 0x41, 0x2c, 0x12, 0x4c, 0x28, 0x80, 0xf6, 0x48, 0x00, 0x00], 0);
  m.set([0x04, 0x00, 0x00, 0xff], 0x29 * 4);
  return m;
}

/** An NTAG213 image formatted for NDEF with the factory empty NDEF TLV (03 00 FE). */
export function formattedNtag213(): Uint8Array {
  const m = blankNtag213();
  m.set([0xe1, 0x10, 0x12, 0x00], 12);
  m.set([0x03, 0x00, 0xfe], 16);
  return m;
}

export const NTAG213_VERSION = [0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x0f, 0x03];
export const NTAG215_VERSION = [0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x11, 0x03];
export const NTAG216_VERSION = [0x00, 0x04, 0x04, 0x02, 0x01, 0x00, 0x13, 0x03];
