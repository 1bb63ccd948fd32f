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
  const dev = snap.device;
  const outcomes: Outcome[] = [];
  const rejects: RejectRow[] = [];
  const commit: ChainCommit = {
    device: dev.id, expectAckedThrough: dev.ackedThrough, ackedThrough: dev.ackedThrough, ackedHash: dev.ackedHash, ackedBoot: dev.ackedBoot,
    accepted: [], hold: [], release: [], declared: [], forks: [], seenAt: now,
  };
  const refuse = (index: number, r: StoredRecord, reason: RejectReason, message: string, permanent = true) => {
    outcomes.push({ index, seq: r.seq, result: 'rejected', reason, message, permanent });
    rejects.push(reject(r, reason, message));
  };
  const cands = new Map<number, Candidate>();
  for (const h of snap.held) cands.set(h.seq, { rec: h, held: true, indices: [] });
  const forkSeen = new Set<string>();
  for (const seq of Object.keys(snap.forks)) for (const h of snap.forks[Number(seq)]) forkSeen.add(h);
  let forksKept = snap.forkCount;
  let F = dev.ackedThrough;

  for (const { index, record: r } of verified) {
    const fork = (what: string) => {
      const message = `seq ${r.seq} already holds ${what}; this record (${r.hash.slice(0, 16)}…) is fork evidence`;
      outcomes.push({ index, seq: r.seq, result: 'rejected', reason: 'fork', message, permanent: true });
      if (forkSeen.has(r.hash)) return;
      forkSeen.add(r.hash);
      if (forksKept < limits.maxForks) {
        forksKept++;
        commit.forks.push(r);
      } else rejects.push(reject(r, 'fork', `${message} (over the ${limits.maxForks} forks kept per device: counted and sampled only)`));
    };
    const stored = snap.stored[r.seq];
    if (stored) {
      if (stored.hash === r.hash) outcomes.push({ index, seq: r.seq, result: 'duplicate' });
      else fork(`record ${stored.hash.slice(0, 16)}…`);
      continue;
    }
    if (r.seq <= F) {
      refuse(index, r, 'declared-lost', `seq ${r.seq} was declared lost by an accepted fault record of this device`);
      continue;
    }
    if (r.seq - dev.ackedThrough > limits.maxSeqAhead) {
      refuse(index, r, 'seq-too-far', `seq ${r.seq} is more than ${limits.maxSeqAhead} beyond the device's ack point ${dev.ackedThrough}; send the records before it first`, false);
      continue;
    }
    const c = cands.get(r.seq);
    if (c) {
      if (c.rec.hash === r.hash) c.indices.push(index);
      else fork(`held record ${c.rec.hash.slice(0, 16)}…`);
      continue;
    }
    if (forkSeen.has(r.hash)) {
      fork('another record');
      continue;
    }
    cands.set(r.seq, { rec: r, held: false, indices: [index] });
  }

  // Declarations of every verified fault count, held ones too: a fault is usually sent after the records that
  // follow the seqs it declares, and it is the device's own signed statement either way.
  const ranges: DeclaredRange[] = snap.declared.slice();
  for (const c of cands.values()) for (const l of c.rec.lost) ranges.push({ first: l[0], last: l[1], faultSeq: c.rec.seq, reason: c.rec.faultReason });
  const declared = mergeRanges(ranges);
  const hashes = new Map<number, string>();
  for (const k of Object.keys(snap.stored)) hashes.set(Number(k), snap.stored[Number(k)].hash);
  const settle = (c: Candidate, o: Omit<Outcome, 'index' | 'seq'>) => {
    cands.delete(c.rec.seq);
    if (c.held) commit.release.push(c.rec.seq);
    for (const index of c.indices) outcomes.push({ index, seq: c.rec.seq, ...o });
  };

  for (;;) {
    const n = F + 1;
    const d = rangeHolding(declared, n);
    if (d) {
      F = d.last;
      continue;
    }
    const c = cands.get(n);
    if (!c) break;
    const r = c.rec;
    const want = expectedPredecessor(r.seq, r.lost);
    let why = '';
    if (want === -1) {
      if (r.prev !== ZERO_HASH_HEX) why = 'prev is not the zero hash, but no record precedes it';
    } else if (!rangeHolding(declared, want)) {
      const pred = hashes.get(want);
      if (!pred) why = `predecessor seq ${want} is neither stored nor declared lost`;
      else if (pred !== r.prev) why = `prev ${r.prev.slice(0, 16)}… is not the hash of seq ${want} (${pred.slice(0, 16)}…)`;
    }
    if (!why && r.boot < commit.ackedBoot) why = `boot count goes back from ${commit.ackedBoot} to ${r.boot}`;
    if (why) {
      rejects.push(reject(r, 'chain-break', why));
      settle(c, { result: 'rejected', reason: 'chain-break', message: why, permanent: true });
      break;
    }
    F = n;
    commit.ackedHash = r.hash;
    commit.ackedBoot = r.boot;
    hashes.set(n, r.hash);
    commit.accepted.push(r);
    for (const l of r.lost) commit.declared.push({ first: l[0], last: l[1], faultSeq: r.seq, reason: r.faultReason });
    settle(c, { result: 'accepted' });
  }
  commit.ackedThrough = F;

  let heldCount = snap.held.length - commit.release.length;
  const waiting: number[] = [];
  for (const seq of [...cands.keys()].sort((a, b) => a - b)) {
    const c = cands.get(seq)!;
    if (seq <= F) {
      const msg = `seq ${seq} is declared lost by a fault record of this device, yet present`;
      rejects.push(reject(c.rec, 'declared-lost', msg));
      settle(c, { result: 'rejected', reason: 'declared-lost', message: msg, permanent: true });
      continue;
    }
    if (!c.held) {
      if (heldCount >= limits.maxHeld) {
        const msg = `${limits.maxHeld} records are already held behind a gap; seq ${seq} refused`;
        rejects.push(reject(c.rec, 'hold-full', msg));
        settle(c, { result: 'rejected', reason: 'hold-full', message: msg, permanent: true });
        continue;
      }
      heldCount++;
      commit.hold.push(c.rec);
    }
    waiting.push(seq);
  }
  const undeclared = missingRanges(F + 1, waiting, declared, MAX_GAPS);
  const gap = undeclared.length ? undeclared[0] : { first: F + 1, last: F + 1 };
  for (const seq of waiting) {
    for (const index of cands.get(seq)!.indices) {
      outcomes.push({ index, seq, result: 'held', reason: 'undeclared-gap', message: `seq ${gap.first}..${gap.last} missing and not declared lost; seq ${seq} is held, not acknowledged`, permanent: true });
    }
  }
  outcomes.sort((a, b) => a.index - b.index);
  return { commit, outcomes, rejects, declared: commit.declared, undeclared };
}
