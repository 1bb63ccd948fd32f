// The queue's bytes on the medium: entry frames, segment headers and state records. Layout byte by byte in
// docs/queue-format.md. All integers little-endian. Every frame written by one append ends with END_MARK, never
// 0xFF, because flash-like storage finds a slot's written extent by its last non-0xFF byte (hal/storage.ts).
import type { SeqPair } from '../records/seq-ranges.js';
import { crc32c } from './crc32c.js';
import { copyBytes } from '../../hal/bytes.js';

export const END_MARK = 0x0a;
export const VERSION = 1;

/** Entry frame: 20-byte header, payload, CRC-32C, end mark. */
export const FRAME_MAGIC0 = 0x51; // 'Q'
export const FRAME_MAGIC1 = 0x45; // 'E'
export const FRAME_HEADER = 20;
export const FRAME_OVERHEAD = FRAME_HEADER + 5;

/** Segment header at offset 0 of every slot in use. */
export const SEGMENT_HEADER = 12;
const SEG_MAGIC0 = 0x51; // 'Q'
const SEG_MAGIC1 = 0x53; // 'S'

/** State record (one per state copy). */
const STATE_MAGIC0 = 0x51; // 'Q'
const STATE_MAGIC1 = 0x54; // 'T'
const STATE_FIXED = 52;
export const MAX_DECLARED = 8;

/** Largest seq a frame can carry (u32); appends beyond it are refused. */
export const MAX_SEQ = 0xffffffff;

const TWO32 = 4294967296;

export function getU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

export function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = (v >>> 24) & 0xff;
}

/** Device time in ms since the Unix epoch as 48 bits (enough until the year 10889). */
function putU48(b: Uint8Array, at: number, v: number): void {
  const t = v > 0 ? Math.floor(v) : 0;
  putU32(b, at, t % TWO32);
  const hi = Math.floor(t / TWO32);
  b[at + 4] = hi & 0xff;
  b[at + 5] = (hi >>> 8) & 0xff;
}

function getU48(b: Uint8Array, at: number): number {
  return getU32(b, at) + (b[at + 4] | (b[at + 5] << 8)) * TWO32;
}

/** Bytes a record of `payloadLength` bytes takes on the medium. */
export function frameSize(payloadLength: number): number {
  return payloadLength + FRAME_OVERHEAD;
}

/** Writes the frame of one record into `out` at `at`; returns the offset just past it. */
export function encodeFrame(out: Uint8Array, at: number, seq: number, time: number, payload: Uint8Array): number {
  out[at] = FRAME_MAGIC0;
  out[at + 1] = FRAME_MAGIC1;
  out[at + 2] = VERSION;
  out[at + 3] = 0;
  putU32(out, at + 4, seq);
  putU32(out, at + 8, payload.length);
  putU48(out, at + 12, time);
  const h = crc32c(out, at, at + 18);
  out[at + 18] = h & 0xff;
  out[at + 19] = (h >>> 8) & 0xff;
  out.set(payload, at + FRAME_HEADER);
  const p = at + FRAME_HEADER + payload.length;
  // The frame's checksum covers the header again: continued from the header's own, not started afresh.
  putU32(out, p, crc32c(out, at + 18, p, h));
  out[p + 4] = END_MARK;
  return p + 5;
}

/**
 * True when a frame header starts at `at` and its header check (16 bits of CRC-32C over bytes 0..17) holds, so its
 * seq and length can be trusted even if the rest of the frame is torn. Needs `at + FRAME_HEADER <= end`.
 */
export function headerValid(b: Uint8Array, at: number): boolean {
  if (b[at] !== FRAME_MAGIC0 || b[at + 1] !== FRAME_MAGIC1 || b[at + 2] !== VERSION) return false;
  const h = crc32c(b, at, at + 18);
  return b[at + 18] === (h & 0xff) && b[at + 19] === ((h >>> 8) & 0xff);
}

export function frameSeq(b: Uint8Array, at: number): number {
  return getU32(b, at + 4);
}

export function framePayloadLength(b: Uint8Array, at: number): number {
  return getU32(b, at + 8);
}

export function frameTime(b: Uint8Array, at: number): number {
  return getU48(b, at + 12);
}

/** True when a complete frame starts at `at`, ends at or before `end`, and its CRC-32C matches. */
export function frameIntact(b: Uint8Array, at: number, end: number): boolean {
  if (b[at] !== FRAME_MAGIC0 || b[at + 1] !== FRAME_MAGIC1 || b[at + 2] !== VERSION) return false;
  const p = at + FRAME_HEADER + framePayloadLength(b, at);
  if (p + 5 > end) return false;
  return b[p + 4] === END_MARK && getU32(b, p) === crc32c(b, at, p);
}

export function encodeSegmentHeader(out: Uint8Array, firstSeq: number): void {
  out[0] = SEG_MAGIC0;
  out[1] = SEG_MAGIC1;
  out[2] = VERSION;
  out[3] = 0;
  putU32(out, 4, firstSeq);
  putU32(out, 8, crc32c(out, 0, 8));
}

/** The first seq a segment was opened for, or -1 when `b` does not start with an intact segment header. */
export function decodeSegmentHeader(b: Uint8Array): number {
  if (b.length < SEGMENT_HEADER || b[0] !== SEG_MAGIC0 || b[1] !== SEG_MAGIC1 || b[2] !== VERSION) return -1;
  return getU32(b, 8) === crc32c(b, 0, 8) ? getU32(b, 4) : -1;
}

/** What the state copies hold: the ack point and what has been declared lost. */
export interface QueueState {
  /** Increments with every state write; the valid copy with the higher number is current. */
  writeSeq: number;
  /** Every seq below this has been acknowledged by the ingest (0: none). */
  ackedNext: number;
  /** nextSeq when the state was written: every seq below it was used or burned. */
  seqFloor: number;
  /** Seq of the record `hash` belongs to (the newest intact record at or below the ack point), or -1. */
  hashSeq: number;
  /** SHA-256 of that record's bytes (32 zero bytes when hashSeq is -1). */
  hash: Uint8Array;
  /** Lost ranges already declared in a durable fault record (above the ack point only). */
  declared: SeqPair[];
}

export function encodeState(s: QueueState): Uint8Array {
  const n = s.declared.length < MAX_DECLARED ? s.declared.length : MAX_DECLARED;
  const out = new Uint8Array(STATE_FIXED + 8 * n + 5);
  out[0] = STATE_MAGIC0;
  out[1] = STATE_MAGIC1;
  out[2] = VERSION;
  out[3] = n;
  putU32(out, 4, s.writeSeq);
  putU32(out, 8, s.ackedNext);
  putU32(out, 12, s.seqFloor);
  putU32(out, 16, s.hashSeq + 1);
  out.set(s.hash, 20);
  // The newest declarations are kept when there are more than fit: they are the ones not yet acked.
  for (let i = 0; i < n; i++) {
    const r = s.declared[s.declared.length - n + i];
    putU32(out, STATE_FIXED + 8 * i, r[0]);
    putU32(out, STATE_FIXED + 8 * i + 4, r[1]);
  }
  const p = STATE_FIXED + 8 * n;
  putU32(out, p, crc32c(out, 0, p));
  out[p + 4] = END_MARK;
  return out;
}

/** The state in `b`, or undefined when it is missing, torn or corrupt. */
export function decodeState(b: Uint8Array | undefined): QueueState | undefined {
  if (!b || b.length < STATE_FIXED + 5 || b[0] !== STATE_MAGIC0 || b[1] !== STATE_MAGIC1 || b[2] !== VERSION) return undefined;
  const n = b[3];
  const p = STATE_FIXED + 8 * n;
  if (n > MAX_DECLARED || b.length < p + 5 || b[p + 4] !== END_MARK || getU32(b, p) !== crc32c(b, 0, p)) return undefined;
  const declared: SeqPair[] = [];
  for (let i = 0; i < n; i++) declared.push([getU32(b, STATE_FIXED + 8 * i), getU32(b, STATE_FIXED + 8 * i + 4)]);
  return {
    writeSeq: getU32(b, 4),
    ackedNext: getU32(b, 8),
    seqFloor: getU32(b, 12),
    hashSeq: getU32(b, 16) - 1,
    hash: copyBytes(b, 20, 52),
    declared,
  };
}
