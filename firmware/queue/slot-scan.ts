// Boot recovery, step one: what one slot holds, from a single pass over its written bytes.
import type { SegmentStorage } from '../../hal/storage.js';
import { decodeSegmentHeader, frameTime, SEGMENT_HEADER } from './format.js';
import type { SeqPair } from '../records/seq-ranges.js';
import { FrameScanner, type DamageKind, type ScanSink } from './scan.js';

/** No accepted frame and no segment header before a region: its seqs cannot be told. */
const UNKNOWN = -2;

/** A run of set-aside bytes with the accepted seqs around it in the same slot (next -1: none after it). */
export interface Region {
  offset: number;
  length: number;
  kind: DamageKind;
  evidence: number;
  prev: number;
  next: number;
}

/** Summary of one slot: no per-frame data is kept, so memory stays flat however many records are queued. */
export class SlotScan implements ScanSink {
  /** Seq from the segment header, or -1 when the header is missing or damaged. */
  firstSeq = -1;
  /** Runs of consecutive accepted seqs, rising. */
  runs: SeqPair[] = [];
  count = 0;
  /** Offset and size of the newest accepted frame (for the prev hash). */
  lastAt = -1;
  lastSize = 0;
  /** Accepted frames above the ack point, and the first of them. */
  unacked = 0;
  firstUnackedAt = -1;
  firstUnackedSeq = -1;
  firstUnackedTime = -1;
  regions: Region[] = [];

  constructor(
    readonly slot: number,
    readonly extent: number,
    private readonly acked: number,
  ) {}

  /** Lowest and highest accepted seq (-1 when none). */
  get min(): number {
    return this.runs.length ? this.runs[0][0] : -1;
  }

  get max(): number {
    return this.runs.length ? this.runs[this.runs.length - 1][1] : -1;
  }

  /** The damaged run that reaches the end of the written bytes, if the slot's tail is not clean. */
  get tornTail(): Region | undefined {
    const r = this.regions[this.regions.length - 1];
    return r && r.kind === 'damaged' && r.offset + r.length === this.extent ? r : undefined;
  }

  /** Highest seq the torn tail may hold (-1: no torn tail, or its seqs cannot be told). */
  get tornHigh(): number {
    const torn = this.tornTail;
    const seqs = torn && this.seqsOf(torn);
    return seqs ? seqs[1] : -1;
  }

  /** Highest seq that may be in this slot: accepted, torn, or the one before its header's firstSeq. */
  get high(): number {
    const torn = this.tornHigh;
    const h = this.max > torn ? this.max : torn;
    return h > this.firstSeq - 1 ? h : this.firstSeq - 1;
  }

  frame(bytes: Uint8Array, at: number, offset: number, seq: number, size: number): boolean {
    const run = this.runs[this.runs.length - 1];
    if (run && run[1] + 1 === seq) run[1] = seq;
    else this.runs.push([seq, seq]);
    const r = this.regions[this.regions.length - 1];
    if (r && r.next < 0) r.next = seq;
    this.count++;
    this.lastAt = offset;
    this.lastSize = size;
    if (seq > this.acked) {
      if (this.unacked++ === 0) {
        this.firstUnackedAt = offset;
        this.firstUnackedSeq = seq;
        this.firstUnackedTime = frameTime(bytes, at);
      }
    }
    return true;
  }

  damage(offset: number, length: number, kind: DamageKind, evidence: number): void {
    const prev = this.runs.length ? this.max : this.firstSeq >= 0 ? this.firstSeq - 1 : UNKNOWN;
    this.regions.push({ offset, length, kind, evidence, prev, next: -1 });
  }

  /**
   * The seqs whose bytes may lie in a damaged region, when the neighbours tell: between two accepted frames,
   * exactly the gap; at the torn tail, the next seq after the last accepted one, or more when a header that checks
   * out names a later one.
   */
  seqsOf(r: Region): SeqPair | undefined {
    if (r.kind !== 'damaged' || r.prev === UNKNOWN) return undefined;
    if (r.next >= 0) return gap(r.prev, r.next);
    return [r.prev + 1, r.evidence > r.prev + 1 ? r.evidence : r.prev + 1];
  }
}

function gap(prev: number, next: number): SeqPair | undefined {
  return next > prev + 1 ? [prev + 1, next - 1] : undefined;
}

/**
 * Bytes boot recovery reads at a time: a window, not a whole segment, so that a small board holds it (a 32 KB
 * segment's buffer did not fit a 5,100-variable Espruino pool). From the first damage on, or for a frame longer than
 * a window, the rest of the slot is read in one piece, as the walk for sync does.
 */
export const SCAN_WINDOW = 1024;

/**
 * Reads `slot` in windows and scans it. `floor`: frames at or below it count as duplicates (used when an earlier slot
 * in seq order already holds them). The header area is read even past the written extent, because a header whose
 * checksum ends in 0xFF bytes leaves the extent short of it.
 */
export function scanSlot(storage: SegmentStorage, slot: number, acked: number, floor: number): SlotScan {
  const extent = storage.length(slot);
  const header = new Uint8Array(SEGMENT_HEADER);
  storage.read(slot, 0, header);
  const s = new SlotScan(slot, extent, acked);
  s.firstSeq = decodeSegmentHeader(header);
  const scanner = new FrameScanner(s.firstSeq - 1 > floor ? s.firstSeq - 1 : floor);
  let offset = SEGMENT_HEADER;
  let wide = false;
  while (offset < extent) {
    const rest: number = extent - offset;
    const len: number = wide || rest <= SCAN_WINDOW ? rest : SCAN_WINDOW;
    const final: boolean = len === rest;
    const bytes = new Uint8Array(len);
    storage.read(slot, offset, bytes);
    const consumed = scanner.run(bytes, offset, 0, len, final, s);
    // Nothing consumed from a partial window: damage, or a frame longer than the window. Read the rest whole.
    wide = consumed === 0 && !final;
    offset += consumed;
  }
  return s;
}
