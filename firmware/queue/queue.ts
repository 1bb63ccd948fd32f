// The durable queue of scan records: an append-only, checksummed log in segments over SegmentStorage.
import { HalError } from '../../hal/errors.js';
import type { SegmentStorage } from '../../hal/storage.js';
import { encodeFrame, encodeSegmentHeader, frameSize, MAX_SEQ, SEGMENT_HEADER } from './format.js';
import type { SeqPair } from '../records/seq-ranges.js';
import { above, intersect, normalize } from './ranges.js';
import { recover, type Cursor, type LiveSegment, type Recovered } from './recovery.js';
import type { RecoveryReport } from './report.js';
import { StateWriter } from './state.js';
import type { AppendItem, AppendManyResult, AppendResult, Priority, QueueEntry, QueueOptions, QueueStatus, ReadLimits } from './types.js';
import { walk } from './walk.js';

// firmware/app/scanner.ts and sim/device/status.ts take QueueStatus from here; every other type: ./types.js or index.ts.
export type { QueueStatus } from './types.js';

/**
 * The queue. Guarantees: when `append`/`appendMany` returns ok, every record it took is durable (give the
 * inspector feedback only then); records are never evicted before they are acked; a seq is never reused, even
 * across power cuts; `read` surfaces only frames whose CRC-32C checks. Not re-entrant; one instance per storage.
 */
export class Queue {
  private nextSeqValue: number;
  private acked: number;
  private holes: SeqPair[];
  private declared: SeqPair[];
  private segments: LiveSegment[];
  private head: LiveSegment | undefined;
  private freeSlots: number[];
  private cursor: Cursor | undefined;
  private readAhead: { at: Cursor; from: number } | undefined;
  private unacked: number;
  private oldestTime: number;
  private hashSeq: number;
  private hash: Uint8Array;
  private lastRecord: Uint8Array | undefined;
  private lastHash: Uint8Array | undefined;
  private readonly state: StateWriter;
  private readonly reserve: number;
  private readonly lowWater: number;
  private readonly fullBelow: number;
  private readonly window: number;

  /** Opens the queue on `storage`, recovering from whatever a power cut or corruption left. Never throws for content. */
  static open(storage: SegmentStorage, options: QueueOptions): { queue: Queue; report: RecoveryReport } {
    const r = recover(storage, options.sha256);
    const q = new Queue(storage, options, r);
    return { queue: q, report: r.report };
  }

  private constructor(
    private readonly storage: SegmentStorage,
    private readonly options: QueueOptions,
    r: Recovered,
  ) {
    const g = storage.geometry;
    this.nextSeqValue = r.report.nextSeq;
    this.acked = r.report.ackedThrough;
    this.holes = r.holes;
    this.declared = r.declared;
    this.segments = r.segments;
    this.head = r.head;
    this.freeSlots = r.freeSlots;
    this.cursor = r.cursor;
    this.unacked = r.report.unacked;
    this.oldestTime = r.oldestTime;
    this.hashSeq = r.hashSeq;
    this.hash = r.hash;
    this.lastHash = r.report.prevHash;
    this.state = new StateWriter(storage, r.loaded);
    this.reserve = options.reserveSegments ?? 1;
    this.lowWater = options.lowWaterBytes ?? Math.floor((g.segmentCount * g.segmentSize) / 4);
    this.fullBelow = options.fullBelowBytes ?? frameSize(512);
    this.window = options.readWindow ?? 65536;
  }

  /** The seq the next appended record gets: build the record for it. */
  get nextSeq(): number {
    return this.nextSeqValue;
  }

  /** SHA-256 of the newest intact record: the `prev` of the next one (undefined: the chain is broken, see report). */
  prevHash(): Uint8Array | undefined {
    if (!this.lastHash && this.lastRecord) this.lastHash = this.options.sha256.sha256(this.lastRecord);
    return this.lastHash;
  }

  /** Appends one record durably; see {@link appendMany}. */
  append(record: Uint8Array, time: number, priority: Priority = 'scan'): AppendResult {
    const r = this.appendMany([{ record, time }], priority);
    return r.ok ? { ok: true, seq: r.firstSeq } : r;
  }

  /**
   * Group commit: appends the records with consecutive seqs from `nextSeq` and syncs once per segment touched.
   * All or nothing for capacity. Durable only when it returns ok, so feedback for any of them waits for that.
   * After a power cut during the call, any prefix of the group may survive; the first seq whose bytes may have
   * reached the medium but is not intact is reported lost, and later ones are never used.
   */
  appendMany(items: AppendItem[], priority: Priority = 'scan'): AppendManyResult {
    const first = this.nextSeqValue;
    const g = this.storage.geometry;
    let room = this.head ? g.segmentSize - this.head.end : 0;
    let fresh = 0;
    for (let i = 0; i < items.length; i++) {
      const f = frameSize(items[i].record.length);
      if (f > g.segmentSize - SEGMENT_HEADER) return { ok: false, reason: 'too-large' };
      if (f > room) {
        fresh++;
        room = g.segmentSize - SEGMENT_HEADER;
      }
      room -= f;
    }
    const usable = this.freeSlots.length - (priority === 'system' ? 0 : this.reserve);
    if (fresh > usable || first + items.length - 1 > MAX_SEQ) return { ok: false, reason: 'full' };
    let i = 0;
    while (i < items.length) {
      let seg = this.head;
      let start = 0;
      if (!seg || frameSize(items[i].record.length) > g.segmentSize - seg.end) {
        seg = this.openSegment();
        start = SEGMENT_HEADER;
      }
      let n = 0;
      let bytes = start;
      while (i + n < items.length && seg.end + bytes + frameSize(items[i + n].record.length) <= g.segmentSize) {
        bytes += frameSize(items[i + n].record.length);
        n++;
      }
      const buf = new Uint8Array(bytes);
      if (start) encodeSegmentHeader(buf, this.nextSeqValue);
      let at = start;
      for (let k = 0; k < n; k++) at = encodeFrame(buf, at, this.nextSeqValue + k, items[i + k].time, items[i + k].record);
      this.write(seg, buf, n);
      if (this.unacked === 0) this.oldestTime = items[i].time;
      if (!this.cursor) this.cursor = { seg, offset: seg.end, last: this.nextSeqValue - 1 };
      seg.end += bytes;
      seg.high = this.nextSeqValue + n - 1;
      this.nextSeqValue += n;
      this.unacked += n;
      const lastItem = items[i + n - 1].record;
      this.lastRecord = buf.subarray(at - 5 - lastItem.length, at - 5);
      this.lastHash = undefined;
      i += n;
    }
    return { ok: true, firstSeq: first, lastSeq: this.nextSeqValue - 1 };
  }

  /** Appends and syncs; if that fails part-way, every seq in the buffer is burned and the segment sealed. */
  private write(seg: LiveSegment, buf: Uint8Array, frames: number): void {
    try {
      this.storage.append(seg.slot, buf);
      this.storage.sync(seg.slot);
    } catch (e) {
      this.head = undefined;
      seg.end = this.storage.geometry.segmentSize;
      seg.high = this.nextSeqValue + frames - 1;
      this.holes = normalize(this.holes.concat([[this.nextSeqValue, this.nextSeqValue + frames - 1]]));
      this.nextSeqValue += frames;
      throw e;
    }
  }

  private openSegment(): LiveSegment {
    // Round-robin from the slot after the newest segment spreads erases over the flash (wear).
    const after = this.segments.length ? this.segments[this.segments.length - 1].slot : -1;
    let pick = 0;
    for (let k = 0; k < this.freeSlots.length; k++) if (this.freeSlots[k] > after) {
      pick = k;
      break;
    }
    const slot = this.freeSlots.splice(pick, 1)[0];
    if (this.storage.length(slot) !== 0) this.storage.erase(slot);
    const seg: LiveSegment = { slot, end: 0, high: this.nextSeqValue - 1 };
    this.segments.push(seg);
    this.head = seg;
    return seg;
  }

  /** Unacked records in seq order from `limits.from`, bounded by count and bytes. Does not move the ack point. */
  read(limits: ReadLimits): QueueEntry[] {
    const out: QueueEntry[] = [];
    const from = limits.from !== undefined && limits.from > this.acked ? limits.from : this.acked + 1;
    if (!this.cursor || limits.maxCount <= 0) return out;
    const start = this.readAhead && this.readAhead.from === from ? this.readAhead.at : this.cursor;
    let bytes = 0;
    const at = walk(this.storage, this.segments, start, this.window, (seq, time, payload) => {
      if (seq < from) return true;
      if (out.length >= limits.maxCount || (out.length > 0 && bytes + payload.length > limits.maxBytes)) return false;
      bytes += payload.length;
      out.push({ seq, time, record: payload });
      return true;
    });
    this.readAhead = { at, from: out.length ? out[out.length - 1].seq + 1 : from };
    return out;
  }

  /**
   * Cumulative acknowledgement from the ingest: every record up to `seq` is delivered. Persists the ack point
   * (atomically, with the hash of the newest acked record) before freeing the segments it empties.
   */
  ack(seq: number): void {
    if (seq <= this.acked) return;
    if (seq >= this.nextSeqValue) throw new HalError('BAD_ARGUMENT', 'ack of seq ' + seq + ' beyond the newest ' + (this.nextSeqValue - 1));
    let count = 0;
    let lastPayload: Uint8Array | undefined;
    let lastSeq = -1;
    let oldest = -1;
    if (this.cursor) {
      this.cursor = walk(this.storage, this.segments, this.cursor, this.window, (s, time, payload) => {
        if (s > seq) {
          oldest = time;
          return false;
        }
        count++;
        lastSeq = s;
        lastPayload = payload;
        return true;
      });
    }
    if (lastPayload) {
      this.hash = this.options.sha256.sha256(lastPayload);
      this.hashSeq = lastSeq;
    }
    this.acked = seq;
    this.unacked -= count;
    this.oldestTime = oldest;
    this.holes = above(this.holes, seq);
    this.declared = above(this.declared, seq);
    this.saveState();
    // Free whole segments behind the ack point; the newest segment stays, it anchors nextSeq and the prev hash.
    for (let i = 0; i < this.segments.length - 1; i++) {
      const seg = this.segments[i];
      if (seg.high > seq) continue;
      this.storage.erase(seg.slot);
      this.segments.splice(i--, 1);
      this.freeSlots.push(seg.slot);
    }
    this.freeSlots.sort((a, b) => a - b);
    this.readAhead = undefined;
  }

  /** Records that the app's fault record (now durable) declared `ranges` lost, so later boots do not report them again. */
  declareLost(ranges: SeqPair[]): void {
    this.declared = normalize(this.declared.concat(intersect(ranges, this.holes)));
    this.saveState();
  }

  status(): QueueStatus {
    const g = this.storage.geometry;
    let used = 0;
    for (let i = 0; i < this.segments.length; i++) used += this.segments[i].end;
    const spare = this.freeSlots.length - this.reserve;
    const free = (this.head ? g.segmentSize - this.head.end : 0) + (spare > 0 ? spare : 0) * (g.segmentSize - SEGMENT_HEADER);
    return {
      state: free < this.fullBelow ? 'full' : free < this.lowWater ? 'low' : 'ok',
      unacked: this.unacked,
      oldestUnackedTime: this.unacked > 0 && this.oldestTime >= 0 ? this.oldestTime : undefined,
      nextSeq: this.nextSeqValue,
      ackedThrough: this.acked,
      capacityBytes: g.segmentCount * g.segmentSize,
      usedBytes: used,
      freeBytes: free,
      segmentsInUse: this.segments.length,
      segmentsFree: this.freeSlots.length,
    };
  }

  private saveState(): void {
    this.state.write({
      writeSeq: 0,
      ackedNext: this.acked + 1,
      seqFloor: this.nextSeqValue,
      hashSeq: this.hashSeq,
      hash: this.hash,
      declared: this.declared,
    });
  }
}
