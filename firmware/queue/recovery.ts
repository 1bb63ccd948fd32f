// Boot recovery without a human: scan every slot once, put the slots in seq order, work out the next seq, the prev
// hash and exactly which seqs were lost, erase what holds nothing live, and say all of it in a RecoveryReport.
// The rules, case by case, are in docs/queue-format.md ("Recovery").
import type { Sha256 } from '../../hal/crypto.js';
import type { SegmentStorage } from '../../hal/storage.js';
import { FRAME_HEADER, SEGMENT_HEADER, type QueueState } from './format.js';
import type { SeqPair } from '../records/seq-ranges.js';
import { zeroHash } from '../records/links.js';
import { above, intersect, normalize, subtract } from './ranges.js';
import type { Discard, RecoveryReport } from './report.js';
import { scanSlot, type SlotScan } from './slot-scan.js';
import { loadState, type LoadedState } from './state.js';

/** A slot that holds something live, in seq order. */
export interface LiveSegment {
  slot: number;
  /** Written extent; the head grows it. */
  end: number;
  /** Highest seq that may be in it (accepted, torn, or the one its header was opened for, minus one). */
  high: number;
}

/** A position in the log: the next frame to visit is at `offset` in `seg`, and every seq up to `last` is behind. */
export interface Cursor {
  seg: LiveSegment;
  offset: number;
  last: number;
}

export interface Recovered {
  report: RecoveryReport;
  loaded: LoadedState;
  segments: LiveSegment[];
  /** The last segment when new frames may go on appending to it. */
  head: LiveSegment | undefined;
  freeSlots: number[];
  /** Seqs above the ack point without an intact record (lost, declared or not). */
  holes: SeqPair[];
  declared: SeqPair[];
  cursor: Cursor | undefined;
  oldestTime: number;
  /** State hash and its seq, kept for when the ack point passes every record on the medium. */
  hashSeq: number;
  hash: Uint8Array;
}

export function recover(storage: SegmentStorage, sha: Sha256): Recovered {
  const loaded = loadState(storage);
  const st: QueueState | undefined = loaded.state;
  const acked = st ? st.ackedNext - 1 : -1;
  const listed = storage.list();
  const { scans, garbage } = scanSlots(storage, listed, acked);
  const walked = walkSeqs(storage, scans, acked);
  const next = nextSeqOf(walked, st, acked);
  const prev = prevHashOf(storage, sha, scans, st, next.nextSeq);
  const kept = keepLive(storage, scans, garbage, acked);
  const { segments } = kept;
  const head = headOf(scans, segments, next.nextSeq);
  const freeSlots = freeSlotsOf(storage.geometry.segmentCount, segments);
  const unacked = unackedOf(scans, segments, walked.top);

  const declared = intersect(next.declaredBefore, next.holes);
  const lost = subtract(next.holes, declared);
  let discardedBytes = 0;
  for (let i = 0; i < kept.discarded.length; i++) discardedBytes += kept.discarded[i].length;
  const stateBad = loaded.copies[0] === 'corrupt' || loaded.copies[1] === 'corrupt';
  const anyBytes = listed.length > 0 || loaded.copies[0] !== 'empty' || loaded.copies[1] !== 'empty';
  const report: RecoveryReport = {
    clean: !kept.discarded.length && !lost.length && !stateBad,
    lost,
    alreadyDeclared: declared,
    discarded: kept.discarded,
    discardedBytes,
    erasedSlots: kept.erased,
    state: { copies: loaded.copies, used: loaded.copy },
    ackedThrough: acked,
    unacked: unacked.count,
    nextSeq: next.nextSeq,
    prevHash: prev.prevHash,
    newestRecord: prev.newestRecord,
    unanchored: anyBytes && !st && !scans.length,
    slotsScanned: listed.length,
    framesAccepted: scans.reduce((n, s) => n + s.count, 0),
  };
  return {
    report, loaded, segments, head, freeSlots, holes: next.holes, declared, cursor: unacked.cursor, oldestTime: unacked.oldestTime,
    hashSeq: prev.hashSeq, hash: prev.hash,
  };
}

/** Where a slot sorts: its segment's first seq, else its lowest record's, else last (it holds nothing readable). */
function slotKey(s: SlotScan): number {
  return s.firstSeq >= 0 ? s.firstSeq : s.count ? s.min : Infinity;
}

/** Every listed slot scanned once, in seq order; `garbage`: the slots with nothing readable. */
function scanSlots(storage: SegmentStorage, listed: number[], acked: number): { scans: SlotScan[]; garbage: SlotScan[] } {
  const all: SlotScan[] = [];
  for (let i = 0; i < listed.length; i++) all.push(scanSlot(storage, listed[i], acked, -1));
  all.sort((a, b) => slotKey(a) - slotKey(b) || a.slot - b.slot);
  return { scans: all.filter((s) => slotKey(s) !== Infinity), garbage: all.filter((s) => slotKey(s) === Infinity) };
}

interface Walked {
  /** Highest seq present (or the base below the first one). */
  top: number;
  /** Seqs missing between accepted runs. */
  holes: SeqPair[];
  maxFirst: number;
  tornHigh: number;
}

/**
 * Walks the slots in seq order: duplicates across slots (a slot whose records start at or below what is already
 * accepted is scanned again, replacing its entry in `scans`), then the seqs missing between accepted runs.
 */
function walkSeqs(storage: SegmentStorage, scans: SlotScan[], acked: number): Walked {
  const firstKey = scans.length ? slotKey(scans[0]) : Infinity;
  let top = firstKey !== Infinity && firstKey - 1 > acked ? firstKey - 1 : acked;
  let accepted = -1;
  let maxFirst = -1;
  let tornHigh = -1;
  const holes: SeqPair[] = [];
  for (let i = 0; i < scans.length; i++) {
    let s = scans[i];
    if (s.count && s.min <= accepted) s = scans[i] = scanSlot(storage, s.slot, acked, accepted);
    for (let r = 0; r < s.runs.length; r++) {
      const run = s.runs[r];
      if (run[0] > top + 1) holes.push([top + 1, run[0] - 1]);
      if (run[1] > top) top = run[1];
    }
    if (s.max > accepted) accepted = s.max;
    if (s.firstSeq > maxFirst) maxFirst = s.firstSeq;
    if (s.tornHigh > tornHigh) tornHigh = s.tornHigh;
  }
  return { top, holes, maxFirst, tornHigh };
}

/** The next seq (never one used or burned before) and every hole above the ack point, with what the state declared. */
function nextSeqOf(w: Walked, st: QueueState | undefined, acked: number): { nextSeq: number; holes: SeqPair[]; declaredBefore: SeqPair[] } {
  const declaredBefore = st ? above(st.declared, acked) : [];
  let nextSeq = maxOf([w.top + 1, w.tornHigh + 1, w.maxFirst, acked + 1, st ? st.seqFloor : 0]);
  const lastDeclared = declaredBefore.length ? declaredBefore[declaredBefore.length - 1][1] : -1;
  if (lastDeclared + 1 > nextSeq) nextSeq = lastDeclared + 1;
  const holes = w.holes.slice();
  if (nextSeq - 1 > w.top) holes.push([w.top + 1, nextSeq - 1]);
  return { nextSeq, holes: normalize(above(holes, acked)), declaredBefore };
}

/** The prev hash: the newest intact record on the medium, or the state's when the ack point is newer. */
function prevHashOf(storage: SegmentStorage, sha: Sha256, scans: SlotScan[], st: QueueState | undefined, nextSeq: number) {
  let newest: SlotScan | undefined;
  for (let i = 0; i < scans.length; i++) if (scans[i].count && (!newest || scans[i].max > newest.max)) newest = scans[i];
  let hashSeq = st ? st.hashSeq : -1;
  let hash = st ? st.hash : zeroHash();
  let newestRecord: Uint8Array | undefined;
  if (newest) {
    const frame = new Uint8Array(newest.lastSize);
    storage.read(newest.slot, newest.lastAt, frame);
    newestRecord = frame.subarray(FRAME_HEADER, frame.length - 5);
    if (newest.max >= hashSeq) {
      hash = sha.sha256(newestRecord);
      hashSeq = newest.max;
    }
  }
  const prevHash = hashSeq >= 0 ? hash : nextSeq === 0 ? zeroHash() : undefined;
  return { hashSeq, hash, newestRecord, prevHash };
}

/** Keeps what is live and erases the rest. The last slot in order always stays: it anchors nextSeq. */
function keepLive(storage: SegmentStorage, scans: SlotScan[], garbage: SlotScan[], acked: number): { segments: LiveSegment[]; discarded: Discard[]; erased: number[] } {
  const segments: LiveSegment[] = [];
  const discarded: Discard[] = [];
  const erased: number[] = [];
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i];
    if (s.high <= acked && i < scans.length - 1) {
      discarded.push({ reason: 'stale', slot: s.slot, offset: 0, length: s.extent });
      storage.erase(s.slot);
      erased.push(s.slot);
      continue;
    }
    describe(s, discarded);
    segments.push({ slot: s.slot, end: s.extent, high: s.high });
  }
  for (let i = 0; i < garbage.length; i++) {
    discarded.push({ reason: 'unreadable-slot', slot: garbage[i].slot, offset: 0, length: garbage[i].extent });
    storage.erase(garbage[i].slot);
    erased.push(garbage[i].slot);
  }
  discarded.sort((a, b) => a.slot - b.slot || a.offset - b.offset);
  return { segments, discarded, erased };
}

/** The last segment, when new frames may go on appending to it: intact header and tail, ending right below nextSeq. */
function headOf(scans: SlotScan[], segments: LiveSegment[], nextSeq: number): LiveSegment | undefined {
  const last = scans[scans.length - 1];
  const headOk =
    last &&
    last.firstSeq >= 0 &&
    !last.tornTail &&
    last.extent >= SEGMENT_HEADER &&
    (last.count ? last.max === nextSeq - 1 : last.firstSeq === nextSeq);
  return headOk ? segments[segments.length - 1] : undefined;
}

function freeSlotsOf(segmentCount: number, segments: LiveSegment[]): number[] {
  const live: { [slot: number]: boolean } = {};
  for (let i = 0; i < segments.length; i++) live[segments[i].slot] = true;
  const freeSlots: number[] = [];
  for (let i = 0; i < segmentCount; i++) if (!live[i]) freeSlots.push(i);
  return freeSlots;
}

/** How many records wait for an ack, where reading them starts, and the oldest one's time (-1: none). */
function unackedOf(scans: SlotScan[], segments: LiveSegment[], top: number): { count: number; cursor: Cursor | undefined; oldestTime: number } {
  let cursor: Cursor | undefined;
  let oldestTime = -1;
  let count = 0;
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i];
    const seg = segments.find((g) => g.slot === s.slot);
    if (!seg || !s.unacked) continue;
    count += s.unacked;
    if (!cursor) {
      cursor = { seg, offset: s.firstUnackedAt, last: s.firstUnackedSeq - 1 };
      oldestTime = s.firstUnackedTime;
    }
  }
  if (!cursor && segments.length) {
    const seg = segments[segments.length - 1];
    cursor = { seg, offset: seg.end, last: top };
  }
  return { count, cursor, oldestTime };
}

/** Adds the set-aside runs of a live slot to the report. */
function describe(s: SlotScan, out: Discard[]): void {
  if (s.firstSeq < 0) out.push({ reason: 'bad-segment-header', slot: s.slot, offset: 0, length: SEGMENT_HEADER });
  const torn = s.tornTail;
  for (let i = 0; i < s.regions.length; i++) {
    const r = s.regions[i];
    const reason = r.kind === 'duplicate' ? 'duplicate' : r === torn ? 'torn' : 'corrupt';
    const d: Discard = { reason, slot: s.slot, offset: r.offset, length: r.length };
    const seqs = s.seqsOf(r);
    if (seqs) d.seqs = seqs;
    out.push(d);
  }
}

function maxOf(values: number[]): number {
  let m = values[0];
  for (let i = 1; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}
