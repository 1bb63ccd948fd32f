import { recordFor } from '../../sim/sweeps/queue-kit.js';

/** Geometry of the kill test's queue directory: small segments, so runs rotate and free often. */
export const KILL_GEOMETRY = { segmentCount: 32, segmentSize: 65536 };

export function killRecord(seq: number, epoch: number): Uint8Array {
  return recordFor(seq, epoch, 100 + (seq % 300));
}
