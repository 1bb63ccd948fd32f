// Visits the intact frames of the live segments in seq order from a cursor, reading in bounded windows, with the
// same scanner (and CRC check) as boot recovery. Damaged bytes are skipped here; recovery is what reports them.
import type { SegmentStorage } from '../../hal/storage.js';
import { FRAME_HEADER, frameTime, SEGMENT_HEADER } from './format.js';
import type { Cursor, LiveSegment } from './recovery.js';
import { FrameScanner, type ScanSink } from './scan.js';

/** Called per frame; `payload` is the record. Return false to stop before this frame. */
export type Visit = (seq: number, time: number, payload: Uint8Array) => boolean;

/**
 * Visits frames from `from` until `visit` returns false or the log ends. Returns the cursor of the first frame
 * not visited (or the end of the log).
 */
export function walk(storage: SegmentStorage, segments: LiveSegment[], from: Cursor, window: number, visit: Visit): Cursor {
  let idx = segments.indexOf(from.seg);
  let offset = from.offset;
  if (idx < 0) {
    // The cursor's segment was freed: everything in it was behind the cursor.
    idx = 0;
    offset = SEGMENT_HEADER;
  }
  let last = from.last;
  let wide = false;
  let stopped = false;
  const sink: ScanSink = {
    frame(bytes, at, _offset, seq, size) {
      if (!visit(seq, frameTime(bytes, at), bytes.subarray(at + FRAME_HEADER, at + size - 5))) {
        stopped = true;
        return false;
      }
      return true;
    },
    damage() {},
  };
  while (idx < segments.length) {
    const seg = segments[idx];
    if (offset < SEGMENT_HEADER) offset = SEGMENT_HEADER;
    if (offset >= seg.end) {
      if (idx === segments.length - 1) break;
      idx++;
      offset = SEGMENT_HEADER;
      continue;
    }
    const rest: number = seg.end - offset;
    const len: number = wide || rest <= window ? rest : window;
    const final: boolean = len === rest;
    const scanner = new FrameScanner(last);
    const bytes = new Uint8Array(len);
    storage.read(seg.slot, offset, bytes);
    const consumed = scanner.run(bytes, offset, 0, len, final, sink);
    last = scanner.last;
    if (stopped) return { seg, offset: offset + consumed, last };
    // Nothing consumed from a partial window: a frame longer than the window, or damage. Read the rest whole.
    wide = consumed === 0 && !final;
    offset += consumed;
  }
  const seg = segments[idx];
  return { seg, offset: seg.end, last };
}
