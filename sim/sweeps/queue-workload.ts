// A scanner's queue workload on simulated NOR flash, with a model of what must survive a power cut, and the
// checks a reboot must pass. Used by recovery-sweep.test.ts and scripts/queue-sweep.ts.
import * as assert from './check.js';
import { Queue } from '../../firmware/queue/index.js';
import type { RecoveryReport, SeqPair } from '../../firmware/queue/index.js';
import { normalize, subtract } from '../../firmware/queue/ranges.js';
import { NorFlash, NorSegmentStorage, PowerLossError } from '../flash/index.js';
import { hex, prng, recordFor, sha, TracingStorage } from './queue-kit.js';

export interface WorkloadOptions {
  seed: number;
  /** Appended records after which the first phase stops. */
  records: number;
  sectorCount?: number;
  sectorsPerSegment?: number;
}

const T0 = 1_767_225_600_000;

/** What the cuts produced, so a sweep can show it exercised torn writes and not only clean stops. */
export const seen = { lostSeqs: 0, reasons: {} as Record<string, number>, stateFallbacks: 0 };

/** The workload and its model of the truth, across reboots. */
export class Workload {
  flash: NorFlash;
  storage!: TracingStorage;
  queue!: Queue;
  report!: RecoveryReport;
  epoch = 0;
  /** What was written for each seq (a seq is written at most once unless the queue reuses it). */
  readonly content = new Map<number, Uint8Array>();
  readonly confirmed = new Set<number>();
  readonly lostEver = new Set<number>();
  /** Highest ack that completed, and the one in flight (if a cut hit it). */
  acked = -1;
  ackInFlight = -1;
  undeclared: SeqPair[] = [];
  /** Ranges being declared when a cut fell (the declaration may or may not have reached the state). */
  declaring: SeqPair[] | undefined;
  appended = 0;
  /** nextSeq and storage append count before the call that a cut interrupted. */
  private callStart = { nextSeq: 0, appends: 0 };
  private readonly rnd: () => number;

  constructor(readonly options: WorkloadOptions) {
    this.rnd = prng(options.seed);
    this.flash = new NorFlash({ sectorCount: options.sectorCount ?? 20 });
    this.boot();
  }

  private boot(): void {
    this.storage = new TracingStorage(new NorSegmentStorage(this.flash, { sectorsPerSegment: this.options.sectorsPerSegment }));
    const { queue, report } = Queue.open(this.storage, { sha256: sha });
    this.queue = queue;
    this.report = report;
  }

  /** Runs random operations until `records` more have been appended; a power cut propagates as PowerLossError. */
  run(records: number): void {
    const goal = this.appended + records;
    while (this.appended < goal) this.step();
  }

  private step(): void {
    const q = this.queue;
    this.callStart = { nextSeq: q.nextSeq, appends: this.storage.appends.length };
    const r = this.rnd();
    if (r < 0.22 && q.status().unacked > 0) {
      const top = q.nextSeq - 1;
      const target = Math.max(this.acked + 1, top - Math.floor(this.rnd() * 6));
      this.ackInFlight = target;
      q.ack(target);
      this.acked = target;
      return;
    }
    if (r < 0.27) {
      const batch = q.read({ maxCount: 1 + Math.floor(this.rnd() * 8), maxBytes: 2000 });
      for (const e of batch) assert.is(hex(e.record), hex(this.content.get(e.seq)), `read seq ${e.seq}`);
      return;
    }
    const n = r < 0.42 ? 2 + Math.floor(this.rnd() * 4) : 1;
    const items = [];
    for (let i = 0; i < n; i++) {
      const seq = q.nextSeq + i;
      const record = recordFor(seq, this.epoch, 30 + Math.floor(this.rnd() * 360));
      items.push({ record, time: T0 + seq * 1000 + this.epoch });
      this.content.set(seq, record);
    }
    const res = q.appendMany(items);
    if (!res.ok) {
      assert.is(res.reason, 'full', 'a refused append says the queue is full');
      for (let i = 0; i < n; i++) this.content.delete(q.nextSeq + i);
      this.ackInFlight = q.nextSeq - 1;
      q.ack(q.nextSeq - 1); // the uplink catches up
      this.acked = q.nextSeq - 1;
      return;
    }
    for (let s = res.firstSeq; s <= res.lastSeq; s++) this.confirmed.add(s);
    this.appended += n;
  }

  /** After a cut: boot on the surviving image and check everything recovery must guarantee. */
  rebootAfterCut(): void {
    const reached = this.reachedInFlight();
    const nextBefore = this.callStart.nextSeq;
    this.flash = this.flash.restart();
    this.epoch++;
    this.boot();
    const rep = this.report;
    const maxReached = reached.length ? Math.max(...reached) : -1;
    assert.is(rep.nextSeq, Math.max(nextBefore, maxReached + 1), 'nextSeq burns exactly the seqs that reached the medium');
    assert.ok(rep.ackedThrough === this.acked || rep.ackedThrough === this.ackInFlight, `acked ${rep.ackedThrough}`);
    const present = this.checkContents();
    const newLost = reached.filter((s) => !present.has(s) && s > rep.ackedThrough).map((s): SeqPair => [s, s]);
    const expected = subtract(normalize(this.undeclared.concat(newLost)), [[-1, rep.ackedThrough]]);
    // A cut inside declareLost may fall after its state write completed: then those ranges count as declared.
    const ifDeclared = this.declaring ? subtract(expected, this.declaring) : expected;
    if (JSON.stringify(rep.lost) !== JSON.stringify(ifDeclared)) {
      assert.equal(rep.lost, expected, 'lost = undeclared earlier losses + frames of the cut call that reached the medium');
    }
    this.declaring = undefined;
    for (const [a, b] of rep.lost) {
      for (let s = a; s <= b; s++) {
        assert.ok(!this.confirmed.has(s), `seq ${s} was confirmed but is reported lost`);
        this.lostEver.add(s);
      }
    }
    for (const [s] of newLost) {
      const where = this.frameLocation(s);
      const d = rep.discarded.find((x) => x.seqs && x.seqs[0] <= s && s <= x.seqs[1]);
      assert.ok(d, `lost seq ${s} named in a discard`);
      if (where && d) assert.ok(d.slot === where.slot && d.offset <= where.at && where.at < d.offset + d.length, `discard locates seq ${s}`);
    }
    seen.lostSeqs += newLost.length;
    for (const d of rep.discarded) seen.reasons[d.reason] = (seen.reasons[d.reason] ?? 0) + 1;
    if (rep.state.copies.includes('corrupt')) seen.stateFallbacks++;
    this.undeclared = rep.lost;
    this.acked = rep.ackedThrough;
    this.ackInFlight = rep.ackedThrough;
  }

  /** A reboot without a cut: nothing may change. */
  rebootClean(): void {
    const wanted = this.queue.nextSeq;
    this.flash = this.flash.restart();
    this.epoch++;
    this.boot();
    assert.is(this.report.nextSeq, wanted, 'clean reboot keeps nextSeq');
    assert.equal(this.report.lost, [], 'clean reboot after declaring loses nothing');
    this.checkContents();
  }

  /** The app's part after a report: a fault record naming the loss, then the declaration. */
  declareLosses(): void {
    if (!this.report.lost.length) return;
    const seq = this.queue.nextSeq;
    const record = recordFor(seq, this.epoch, 64);
    this.content.set(seq, record);
    this.callStart = { nextSeq: seq, appends: this.storage.appends.length };
    const r = this.queue.append(record, T0 + seq * 1000, 'system');
    if (r.ok) this.confirmed.add(r.seq);
    this.declaring = this.report.lost;
    this.queue.declareLost(this.report.lost);
    this.declaring = undefined;
    this.undeclared = [];
  }

  /** Every confirmed record is acked or readable with its content; nothing else surfaces; status agrees. */
  checkContents(): Set<number> {
    const q = this.queue;
    const rep = this.report;
    const all = q.read({ maxCount: 1e9, maxBytes: 1e12 });
    const present = new Set<number>();
    let prev = rep.ackedThrough;
    for (const e of all) {
      assert.ok(e.seq > prev, 'seq order');
      prev = e.seq;
      assert.is(hex(e.record), hex(this.content.get(e.seq)), `content of seq ${e.seq}`);
      present.add(e.seq);
    }
    for (const s of this.confirmed) if (s > rep.ackedThrough) assert.ok(present.has(s), `confirmed seq ${s} survives`);
    const st = q.status();
    assert.is(st.unacked, all.length, 'unacked count');
    assert.is(st.oldestUnackedTime, all.length ? all[0].time : undefined, 'oldest unacked time');
    let newest = -1;
    for (let s = rep.nextSeq - 1; s >= 0 && newest < 0; s--) if (this.content.has(s) && !this.lostEver.has(s) && (present.has(s) || s <= rep.ackedThrough)) newest = s;
    if (all.length) newest = all[all.length - 1].seq;
    const want = newest >= 0 ? sha.sha256(this.content.get(newest) as Uint8Array) : new Uint8Array(32);
    if (newest >= 0 || rep.nextSeq === 0) assert.is(hex(rep.prevHash), hex(want), `prev hash = hash of seq ${newest}`);
    return present;
  }

  /** Seqs of the interrupted call whose first byte reached the flash. */
  private reachedInFlight(): number[] {
    const image = this.flash.image();
    const out: number[] = [];
    for (const t of this.storage.appends.slice(this.callStart.appends)) {
      for (const f of t.frames) if (image[this.slotBase(t.slot) + f.at] !== 0xff) out.push(f.seq);
    }
    return out;
  }

  private frameLocation(seq: number): { slot: number; at: number } | undefined {
    for (const t of this.storage.appends.slice(this.callStart.appends)) {
      for (const f of t.frames) if (f.seq === seq) return { slot: t.slot, at: f.at };
    }
    return undefined;
  }

  private slotBase(slot: number): number {
    return (2 + slot * (this.options.sectorsPerSegment ?? 1)) * this.flash.sectorSize;
  }
}

/** One cut: run until the cut, reboot and check, do the app's part, run on, then reboot cleanly and check again. */
export function cutRun(options: WorkloadOptions, ops: number, bytes: number | undefined): 'cut' | 'no-cut' {
  const w = new Workload(options);
  w.flash.cutAfter(ops, bytes);
  try {
    w.run(options.records);
  } catch (e) {
    if (!(e instanceof PowerLossError)) throw e;
  }
  // The cut may also fall after the workload's last operation: the power is gone all the same.
  if (!w.flash.poweredOff) return 'no-cut';
  w.rebootAfterCut();
  w.declareLosses();
  w.run(12);
  w.rebootClean();
  return 'cut';
}

/** Program and erase operations of the uncut workload. */
export function countOps(options: WorkloadOptions): number {
  const w = new Workload(options);
  const before = w.flash.stats.programs + w.flash.stats.erases;
  w.run(options.records);
  return w.flash.stats.programs + w.flash.stats.erases - before;
}
