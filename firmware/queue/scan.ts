// Walks the frames in a window of one segment slot: accepts intact frames in rising seq order, sets aside
// everything else, and finds the next intact frame after damage by scanning for a valid header. Boot recovery and
// reading for sync both go through here, so a frame is surfaced only after its CRC-32C was checked.
import {
  FRAME_HEADER,
  FRAME_MAGIC0,
  FRAME_MAGIC1,
  FRAME_OVERHEAD,
  frameIntact,
  framePayloadLength,
  frameSeq,
  headerValid,
} from './format.js';

/** Why bytes were set aside. */
export type DamageKind = 'damaged' | 'duplicate';

export interface ScanSink {
  /**
   * An intact frame whose seq is above every seq accepted before it. `bytes[at, at + size)` is the whole frame
   * (payload at `at + 20`, `size - 25` bytes, time from `frameTime`); `offset` is its offset in the slot. Return false to stop before it:
   * the scan then returns `at` and the frame is not counted as accepted.
   */
  frame(bytes: Uint8Array, at: number, offset: number, seq: number, size: number): boolean;
  /**
   * Slot bytes `[offset, offset + length)` set aside: 'duplicate' is an intact frame whose seq is not above the
   * ones before it; 'damaged' is anything else. `evidence` is the highest seq that a header with a valid header
   * check in the damaged bytes plausibly carries (-1 if none): seqs that may have reached the medium.
   */
  damage(offset: number, length: number, kind: DamageKind, evidence: number): void;
}

/** Scans frames; keeps the highest accepted seq between calls so windows of one slot chain. */
export class FrameScanner {
  /** Highest seq accepted so far (frames at or below it are duplicates). */
  last: number;

  constructor(last: number) {
    this.last = last;
  }

  /**
   * Scans `bytes[start, end)`, which hold the slot from offset `base`. When `final` is false the window may end
   * inside a frame: the scan then stops (returns the index of the first byte not consumed) at the first frame it
   * cannot finish or at the first damage, so the caller can re-read from there. When `final` is true, `end` is
   * the slot's written extent and every byte is either accepted or reported as damage.
   */
  run(bytes: Uint8Array, base: number, start: number, end: number, final: boolean, sink: ScanSink): number {
    let i = start;
    while (i < end) {
      // The frame CRC covers the header and its check, so an intact frame needs no separate header check;
      // the header check only matters for frames that are not intact.
      const intact = end - i >= FRAME_HEADER && frameIntact(bytes, i, end);
      if (intact || (end - i >= FRAME_HEADER && headerValid(bytes, i))) {
        const size = framePayloadLength(bytes, i) + FRAME_OVERHEAD;
        if (intact) {
          const seq = frameSeq(bytes, i);
          if (seq > this.last) {
            if (!sink.frame(bytes, i, base + i, seq, size)) return i;
            this.last = seq;
          } else {
            sink.damage(base + i, size, 'duplicate', -1);
          }
          i += size;
          continue;
        }
        if (!final && i + size > end) return i;
      }
      if (!final) return i;
      i = this.resync(bytes, base, i, end, sink);
    }
    return end;
  }

  /** Reports the damaged bytes from `from` up to the next intact frame (or `end`); returns where that frame starts. */
  private resync(bytes: Uint8Array, base: number, from: number, end: number, sink: ScanSink): number {
    let evidence = -1;
    let next = end;
    for (let x = from; x + FRAME_HEADER <= end; x++) {
      if (bytes[x] !== FRAME_MAGIC0 || bytes[x + 1] !== FRAME_MAGIC1 || !headerValid(bytes, x)) continue;
      if (x > from && frameIntact(bytes, x, end)) {
        next = x;
        break;
      }
      // A header that checks out but whose frame does not: its seq may have reached the medium. Each earlier frame
      // in the damaged bytes takes at least FRAME_OVERHEAD bytes, which bounds what a real seq here can be.
      const seq = frameSeq(bytes, x);
      const most = this.last + 1 + Math.floor((x - from) / FRAME_OVERHEAD);
      if (seq > this.last && seq <= most && seq > evidence) evidence = seq;
    }
    sink.damage(base + from, next - from, 'damaged', evidence);
    return next;
  }
}
