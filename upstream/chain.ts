// The ingest's chain rules for one device and one request, as a pure function of what the store holds and the
// records that just verified. Same rules as the offline verifier (firmware/records/verify-chain.ts), applied
// incrementally: a record counts only when it extends the device's contiguous prefix (seq, prev hash, boot count),
// seqs a fault record declares lost are stepped over, and records beyond a gap nobody declared are held, not acked.
// Every step is arithmetic on seq ranges: a record far ahead costs what a near one does.
import { mergeRanges, missingRanges, rangeHolding, type SeqRange } from '../firmware/records/seq-ranges.js';
import { expectedPredecessor, ZERO_HASH_HEX } from '../firmware/records/links.js';
import type { ChainCommit, ChainSnapshot, DeclaredRange, RejectRow, StoredRecord } from './store.js';

/** A verified record of this request, with its position in the request body. */
export interface Verified {
  index: number;
  record: StoredRecord;
}

/** Stable reason codes of per-record refusals (docs/ingest-api.md). */
export type RejectReason =
  | 'malformed'
  | 'unknown-device'
  | 'weak-key'
  | 'alg-mismatch'
  | 'bad-signature'
  | 'invalid-payload'
  | 'wrong-device'
  | 'fork'
  | 'declared-lost'
  | 'chain-break'
  | 'undeclared-gap'
  | 'seq-too-far'
  | 'hold-full';

export interface Outcome {
  index: number;
  seq: number;
  result: 'accepted' | 'duplicate' | 'held' | 'rejected';
  reason?: RejectReason;
  message?: string;
  /** Refusals that resending cannot cure; false for `seq-too-far` (it fits once the device's frontier moves). */
  permanent?: boolean;
}

export interface ChainLimits {
  /** Records held behind undeclared gaps per device; beyond, further records are refused (`hold-full`). */
  maxHeld: number;
  /** A record more than this far beyond the device's ack point is refused outright (`seq-too-far`). */
  maxSeqAhead: number;
  /** Fork records kept per device as evidence; further forks are counted and sampled, not kept. */
  maxForks: number;
}

export const DEFAULT_CHAIN_LIMITS: ChainLimits = { maxHeld: 10000, maxSeqAhead: 1000000, maxForks: 100 };

/** Undeclared gaps reported at most (each is a range; a device cannot have more than it has held records anyway). */
const MAX_GAPS = 1000;

export interface Resolution {
  commit: ChainCommit;
  outcomes: Outcome[];
  /** Refused records of this request (counted and sampled by the caller). */
  rejects: RejectRow[];
  /** Ranges declared lost by fault records accepted in this request. */
  declared: DeclaredRange[];
  /** Seqs missing above the ack point that no fault declares, below records that are held. */
  undeclared: SeqRange[];
}

interface Candidate {
  rec: StoredRecord;
  held: boolean;
  indices: number[];
}

function reject(r: StoredRecord, reason: RejectReason, message: string): RejectRow {
  return { device: r.device, seq: r.seq, reason, message, hash: r.hash, bytes: r.bytes, receivedAt: r.receivedAt };
}

/**
 * Judges `verified` (this request's records of `snap.device`, signatures and payloads already checked, in seq
 * order) against the stored chain. Guarantees: the commit accepts a record only if every lower seq is stored or
 * declared lost and its prev names the stored predecessor (or that predecessor is declared lost); a different
 * record for a stored seq is a fork, kept apart (up to `maxForks`); nothing refused is accepted; the ack only moves
 * forward. Time grows with the records and declared ranges involved, never with the seqs between them.
 */
export function resolve(snap: ChainSnapshot, verified: Verified[], now: number, limits: ChainLimits = DEFAULT_CHAIN_LIMITS): Resolution {
  const judge = new ChainJudge(snap, now, limits);
  for (const { index, record } of verified) judge.consider(index, record);
  const declared = judge.declarations();
  judge.advance(declared);
  const undeclared = judge.holdTheRest(declared);
  judge.outcomes.sort((a, b) => a.index - b.index);
  return { commit: judge.commit, outcomes: judge.outcomes, rejects: judge.rejects, declared: judge.commit.declared, undeclared };
}

/** The state of one {@link resolve} call, step by step. */
class ChainJudge {
  readonly outcomes: Outcome[] = [];
  readonly rejects: RejectRow[] = [];
  readonly commit: ChainCommit;
  /** Records that may extend the chain, by seq: this request's and the ones held from before. */
  private readonly candidates = new Map<number, Candidate>();
  private readonly forkSeen = new Set<string>();
  private forksKept: number;
  /** Every seq up to here is accepted or declared lost (the ack point as it moves). */
  private frontier: number;

  constructor(private readonly snap: ChainSnapshot, now: number, private readonly limits: ChainLimits) {
    const dev = snap.device;
    this.commit = {
      device: dev.id, expectAckedThrough: dev.ackedThrough, ackedThrough: dev.ackedThrough, ackedHash: dev.ackedHash, ackedBoot: dev.ackedBoot,
      accepted: [], hold: [], release: [], declared: [], forks: [], seenAt: now,
    };
    for (const held of snap.held) this.candidates.set(held.seq, { rec: held, held: true, indices: [] });
    for (const seq of Object.keys(snap.forks)) for (const hash of snap.forks[Number(seq)]) this.forkSeen.add(hash);
    this.forksKept = snap.forkCount;
    this.frontier = dev.ackedThrough;
  }

  private refuse(index: number, record: StoredRecord, reason: RejectReason, message: string, permanent = true): void {
    this.outcomes.push({ index, seq: record.seq, result: 'rejected', reason, message, permanent });
    this.rejects.push(reject(record, reason, message));
  }

  /** `record` names a seq that already holds `what`: fork evidence, kept up to the limit, counted beyond it. */
  private fork(index: number, record: StoredRecord, what: string): void {
    const message = `seq ${record.seq} already holds ${what}; this record (${record.hash.slice(0, 16)}…) is fork evidence`;
    this.outcomes.push({ index, seq: record.seq, result: 'rejected', reason: 'fork', message, permanent: true });
    if (this.forkSeen.has(record.hash)) return;
    this.forkSeen.add(record.hash);
    if (this.forksKept < this.limits.maxForks) {
      this.forksKept++;
      this.commit.forks.push(record);
    } else this.rejects.push(reject(record, 'fork', `${message} (over the ${this.limits.maxForks} forks kept per device: counted and sampled only)`));
  }

  /** Step 1: a record of this request is a duplicate, a fork, refused outright, or a candidate. */
  consider(index: number, record: StoredRecord): void {
    const dev = this.snap.device;
    const stored = this.snap.stored[record.seq];
    if (stored) {
      if (stored.hash === record.hash) this.outcomes.push({ index, seq: record.seq, result: 'duplicate' });
      else this.fork(index, record, `record ${stored.hash.slice(0, 16)}…`);
      return;
    }
    if (record.seq <= this.frontier) {
      this.refuse(index, record, 'declared-lost', `seq ${record.seq} was declared lost by an accepted fault record of this device`);
      return;
    }
    if (record.seq - dev.ackedThrough > this.limits.maxSeqAhead) {
      this.refuse(index, record, 'seq-too-far', `seq ${record.seq} is more than ${this.limits.maxSeqAhead} beyond the device's ack point ${dev.ackedThrough}; send the records before it first`, false);
      return;
    }
    const cand = this.candidates.get(record.seq);
    if (cand) {
      if (cand.rec.hash === record.hash) cand.indices.push(index);
      else this.fork(index, record, `held record ${cand.rec.hash.slice(0, 16)}…`);
      return;
    }
    if (this.forkSeen.has(record.hash)) {
      this.fork(index, record, 'another record');
      return;
    }
    this.candidates.set(record.seq, { rec: record, held: false, indices: [index] });
  }

  /**
   * Step 2: the declared ranges, merged. Declarations of every verified fault count, held ones too: a fault is
   * usually sent after the records that follow the seqs it declares, and it is the device's own signed statement
   * either way.
   */
  declarations(): SeqRange[] {
    const ranges: DeclaredRange[] = this.snap.declared.slice();
    for (const cand of this.candidates.values()) for (const l of cand.rec.lost) ranges.push({ first: l[0], last: l[1], faultSeq: cand.rec.seq, reason: cand.rec.faultReason });
    return mergeRanges(ranges);
  }

  private settle(cand: Candidate, o: Omit<Outcome, 'index' | 'seq'>): void {
    this.candidates.delete(cand.rec.seq);
    if (cand.held) this.commit.release.push(cand.rec.seq);
    for (const index of cand.indices) this.outcomes.push({ index, seq: cand.rec.seq, ...o });
  }

  /** Why `record` cannot extend the chain at the frontier (its link or boot count), or '' when it can. */
  private linkProblem(record: StoredRecord, declared: SeqRange[], hashes: Map<number, string>): string {
    const want = expectedPredecessor(record.seq, record.lost);
    if (want === -1) {
      if (record.prev !== ZERO_HASH_HEX) return 'prev is not the zero hash, but no record precedes it';
    } else if (!rangeHolding(declared, want)) {
      const pred = hashes.get(want);
      if (!pred) return `predecessor seq ${want} is neither stored nor declared lost`;
      if (pred !== record.prev) return `prev ${record.prev.slice(0, 16)}… is not the hash of seq ${want} (${pred.slice(0, 16)}…)`;
    }
    if (record.boot < this.commit.ackedBoot) return `boot count goes back from ${this.commit.ackedBoot} to ${record.boot}`;
    return '';
  }

  /** Step 3: moves the frontier over declared ranges and candidates that link, until a gap or a break. */
  advance(declared: SeqRange[]): void {
    const hashes = new Map<number, string>();
    for (const k of Object.keys(this.snap.stored)) hashes.set(Number(k), this.snap.stored[Number(k)].hash);
    for (;;) {
      const next = this.frontier + 1;
      const range = rangeHolding(declared, next);
      if (range) {
        this.frontier = range.last;
        continue;
      }
      const cand = this.candidates.get(next);
      if (!cand) break;
      const record = cand.rec;
      const why = this.linkProblem(record, declared, hashes);
      if (why) {
        this.rejects.push(reject(record, 'chain-break', why));
        this.settle(cand, { result: 'rejected', reason: 'chain-break', message: why, permanent: true });
        break;
      }
      this.frontier = next;
      this.commit.ackedHash = record.hash;
      this.commit.ackedBoot = record.boot;
      hashes.set(next, record.hash);
      this.commit.accepted.push(record);
      for (const l of record.lost) this.commit.declared.push({ first: l[0], last: l[1], faultSeq: record.seq, reason: record.faultReason });
      this.settle(cand, { result: 'accepted' });
    }
    this.commit.ackedThrough = this.frontier;
  }

  /** Step 4: what is left above the frontier is held behind the gap (up to `maxHeld`); returns the undeclared gaps. */
  holdTheRest(declared: SeqRange[]): SeqRange[] {
    const frontier = this.frontier;
    let heldCount = this.snap.held.length - this.commit.release.length;
    const waiting: number[] = [];
    for (const seq of [...this.candidates.keys()].sort((a, b) => a - b)) {
      const cand = this.candidates.get(seq)!;
      if (seq <= frontier) {
        const msg = `seq ${seq} is declared lost by a fault record of this device, yet present`;
        this.rejects.push(reject(cand.rec, 'declared-lost', msg));
        this.settle(cand, { result: 'rejected', reason: 'declared-lost', message: msg, permanent: true });
        continue;
      }
      if (!cand.held) {
        if (heldCount >= this.limits.maxHeld) {
          const msg = `${this.limits.maxHeld} records are already held behind a gap; seq ${seq} refused`;
          this.rejects.push(reject(cand.rec, 'hold-full', msg));
          this.settle(cand, { result: 'rejected', reason: 'hold-full', message: msg, permanent: true });
          continue;
        }
        heldCount++;
        this.commit.hold.push(cand.rec);
      }
      waiting.push(seq);
    }
    const undeclared = missingRanges(frontier + 1, waiting, declared, MAX_GAPS);
    const gap = undeclared.length ? undeclared[0] : { first: frontier + 1, last: frontier + 1 };
    for (const seq of waiting) {
      for (const index of this.candidates.get(seq)!.indices) {
        this.outcomes.push({ index, seq, result: 'held', reason: 'undeclared-gap', message: `seq ${gap.first}..${gap.last} missing and not declared lost; seq ${seq} is held, not acknowledged`, permanent: true });
      }
    }
    return undeclared;
  }
}
