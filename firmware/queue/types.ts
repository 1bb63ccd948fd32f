// The queue's public value types.
import type { Sha256 } from '../../hal/crypto.js';

export interface QueueOptions {
  /** SHA-256 for the queue's own use: the prev hash of the chain across restarts and frees. */
  sha256: Sha256;
  /** Free bytes below which the storage state is `low`. Default: a quarter of the capacity. */
  lowWaterBytes?: number;
  /** Segments only `system` appends (boot, fault records) may use, so a full queue can still say why. Default 1. */
  reserveSegments?: number;
  /** Free bytes below which the state is `full`. Default: room for one 512-byte record. */
  fullBelowBytes?: number;
  /** Bytes read at a time when reading for sync or moving the ack point. Default 64 KiB. */
  readWindow?: number;
}

/** `scan` appends are refused while only the reserve is left; `system` appends may use it. */
export type Priority = 'scan' | 'system';

export interface AppendItem {
  /** The record (opaque: the COSE bytes from firmware/records), built for seq `queue.nextSeq + index`. */
  record: Uint8Array;
  /** Device wall time of the record, ms since the Unix epoch. */
  time: number;
}

/** `full`: no room (nothing was written); `too-large`: one record cannot fit in a segment. */
export type AppendRefusal = { ok: false; reason: 'full' | 'too-large' };
export type AppendResult = { ok: true; seq: number } | AppendRefusal;
export type AppendManyResult = { ok: true; firstSeq: number; lastSeq: number } | AppendRefusal;

export interface QueueEntry {
  seq: number;
  time: number;
  record: Uint8Array;
}

export interface ReadLimits {
  maxCount: number;
  /** Sum of record lengths; the first entry is returned even if it alone is larger. */
  maxBytes: number;
  /** First seq wanted (default: the first unacked). Reading on from the end of the previous read is O(batch). */
  from?: number;
}

export type StorageState = 'ok' | 'low' | 'full';

export interface QueueStatus {
  state: StorageState;
  /** Records not yet acknowledged (queue depth). */
  unacked: number;
  /** Device time of the oldest unacknowledged record, or undefined when there is none. */
  oldestUnackedTime: number | undefined;
  nextSeq: number;
  ackedThrough: number;
  capacityBytes: number;
  /** Bytes written in live segments. */
  usedBytes: number;
  /** Bytes `scan` appends can still use (frames and their overhead). */
  freeBytes: number;
  segmentsInUse: number;
  segmentsFree: number;
}
