// Shared by the queue tests: node's SHA-256, deterministic records, a seeded PRNG, and a storage wrapper that
// remembers where each append went so a test can tell which frames reached the flash before a cut.
import { createHash } from 'node:crypto';
import type { Sha256 } from '../../hal/crypto.js';
import type { SegmentStorage, StateCopy } from '../../hal/storage.js';
import { FRAME_OVERHEAD, framePayloadLength, frameSeq, SEGMENT_HEADER } from '../../firmware/queue/format.js';
import { toHex } from '../../hal/hex.js';

export const sha: Sha256 = { sha256: (d) => new Uint8Array(createHash('sha256').update(d).digest()) };

export function hex(b: Uint8Array | undefined): string {
  return b ? toHex(b) : 'undefined';
}

/** xorshift32: small, seeded, the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** A record for `seq` written in boot `epoch`: content differs per epoch, so a reused seq would show. */
export function recordFor(seq: number, epoch: number, length: number): Uint8Array {
  const r = prng(seq * 7919 + epoch * 104729 + 1);
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = Math.floor(r() * 256);
  // Ends with 0xFF half the time: the queue's frames must not rely on payload bytes for the written extent.
  if (seq % 2 === 0) b[length - 1] = 0xff;
  return b;
}

/** One append as the storage saw it, and the frames in it. */
export interface AppendTrace {
  slot: number;
  offset: number;
  frames: Array<{ seq: number; at: number; size: number }>;
}

/** Passes everything through and logs appends (only what the queue asked; not whether it reached the medium). */
export class TracingStorage implements SegmentStorage {
  readonly appends: AppendTrace[] = [];
  constructor(readonly inner: SegmentStorage) {}
  get geometry() {
    return this.inner.geometry;
  }
  list(): number[] {
    return this.inner.list();
  }
  length(slot: number): number {
    return this.inner.length(slot);
  }
  read(slot: number, offset: number, into: Uint8Array): void {
    this.inner.read(slot, offset, into);
  }
  append(slot: number, data: Uint8Array): void {
    const offset = this.inner.length(slot);
    const frames: AppendTrace['frames'] = [];
    let at = data[0] === 0x51 && data[1] === 0x53 ? SEGMENT_HEADER : 0;
    while (at < data.length) {
      const size = framePayloadLength(data, at) + FRAME_OVERHEAD;
      frames.push({ seq: frameSeq(data, at), at: offset + at, size });
      at += size;
    }
    this.appends.push({ slot, offset, frames });
    this.inner.append(slot, data);
  }
  sync(slot: number): void {
    this.inner.sync(slot);
  }
  erase(slot: number): void {
    this.inner.erase(slot);
  }
  readState(copy: StateCopy): Uint8Array | undefined {
    return this.inner.readState(copy);
  }
  writeState(copy: StateCopy, data: Uint8Array): void {
    this.inner.writeState(copy, data);
  }
}
