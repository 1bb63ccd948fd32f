// The ingest's chain rules for one device and one request, as a pure function of what the store holds and the
// records that just verified. Same rules as the offline verifier (firmware/records/verify-chain.ts), applied
// incrementally: a record counts only when it extends the device's contiguous prefix (seq, prev hash, boot count),
// seqs a fault record declares lost are stepped over, and records beyond a gap nobody declared are held, not acked.
import type { ChainCommit, ChainSnapshot, DeclaredRange, RejectRow, StoredRecord } from './store.js';

const ZERO = '0'.repeat(64);

/** A verified record of this request, with its position in the request body. */
export interface Verified {
  index: number;
  record: StoredRecord;
}

/** Stable reason codes of per-record refusals (docs/ingest-api.md). */
export type RejectReason =
  | 'malformed'
  | 'unknown-device'
  | 'alg-mismatch'
  | 'bad-signature'
  | 'invalid-payload'
  | 'wrong-device'
  | 'fork'
  | 'declared-lost'
  | 'chain-break'
  | 'undeclared-gap'
  | 'hold-full';

export interface Outcome {
  index: number;
  seq: number;
  result: 'accepted' | 'duplicate' | 'held' | 'rejected';
  reason?: RejectReason;
  message?: string;
}

export interface SeqRange {
  first: number;
  last: number;
}

export interface Resolution {
  commit: ChainCommit;
  outcomes: Outcome[];
  /** Ranges declared lost by fault records accepted in this request. */
  declared: DeclaredRange[];
  /** Seqs missing above the ack point that no fault declares, below records that are held. */
  undeclared: SeqRange[];
}

/** Held records per device at most; beyond, records far ahead of the ack point are refused outright. */
export const MAX_HELD = 10000;

/** The seq a record's prev must name: seq - 1, or for a fault the last seq below it that it does not declare lost. */
export function expectedPredecessor(seq: number, lost: Array<[number, number]>): number {
  let s = seq - 1;
  for (let i = lost.length - 1; i >= 0; i--) if (lost[i][1] === s) s = lost[i][0] - 1;
  return s;
}

function covering(ranges: DeclaredRange[], s: number): DeclaredRange | undefined {
  for (const r of ranges) if (r.first <= s && s <= r.last) return r;
  return undefined;
}

function reject(r: StoredRecord, reason: RejectReason, message: string): RejectRow {
  return { device: r.device, seq: r.seq, reason, message, hash: r.hash, bytes: r.bytes, receivedAt: r.receivedAt };
}

/**
 * Judges `verified` (this request's records of `snap.device`, signatures and payloads already checked) against the
 * stored chain. Guarantees: the commit accepts a record only if every lower seq is stored or declared lost and its
 * prev names the stored predecessor (or that predecessor is declared lost); a different record for a stored seq
 * is a fork, kept apart; nothing refused is accepted; the ack only moves forward.
 */
export function resolve(snap: ChainSnapshot, verified: Verified[], now: number): Resolution {
  const dev = snap.device;
  const outcomes: Outcome[] = [];
  const commit: ChainCommit = {
    device: dev.id, expectAckedThrough: dev.ackedThrough, ackedThrough: dev.ackedThrough, ackedHash: dev.ackedHash, ackedBoot: dev.ackedBoot,
    accepted: [], hold: [], release: [], declared: [], forks: [], rejects: [], seenAt: now,
  };
  const cands = new Map<number, { rec: StoredRecord; held: boolean; indices: number[] }>();
  for (const h of snap.held) cands.set(h.seq, { rec: h, held: true, indices: [] });
  const forkSeen = new Set<string>();
  for (const seq of Object.keys(snap.forks)) for (const h of snap.forks[Number(seq)]) forkSeen.add(h);
  let F = dev.ackedThrough;

  for (const { index, record: r } of verified) {
    const stored = snap.stored[r.seq];
    const fork = (what: string) => {
      outcomes.push({ index, seq: r.seq, result: 'rejected', reason: 'fork', message: `seq ${r.seq} already holds ${what}; this record (${r.hash.slice(0, 16)}…) is kept as fork evidence` });
      if (!forkSeen.has(r.hash)) {
        forkSeen.add(r.hash);
        commit.forks.push(r);
      }
    };
    if (stored) {
      if (stored.hash === r.hash) outcomes.push({ index, seq: r.seq, result: 'duplicate' });
      else fork(`record ${stored.hash.slice(0, 16)}…`);
      continue;
    }
    if (r.seq <= F) {
      outcomes.push({ index, seq: r.seq, result: 'rejected', reason: 'declared-lost', message: `seq ${r.seq} was declared lost by an accepted fault record` });
      commit.rejects.push(reject(r, 'declared-lost', `seq ${r.seq} was declared lost`));
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
  const declared: DeclaredRange[] = snap.declared.slice();
  for (const c of cands.values()) for (const l of c.rec.lost) declared.push({ first: l[0], last: l[1], faultSeq: c.rec.seq, reason: c.rec.faultReason });
  const hashes = new Map<number, { hash: string; boot: number }>();
  for (const k of Object.keys(snap.stored)) hashes.set(Number(k), snap.stored[Number(k)]);
  const settle = (c: { rec: StoredRecord; held: boolean; indices: number[] }, o: Omit<Outcome, 'index' | 'seq'>) => {
    cands.delete(c.rec.seq);
    if (c.held) commit.release.push(c.rec.seq);
    for (const index of c.indices) outcomes.push({ index, seq: c.rec.seq, ...o });
  };

  for (;;) {
    const n = F + 1;
    const d = covering(declared, n);
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
      if (r.prev !== ZERO) why = 'prev is not the zero hash, but no record precedes it';
    } else if (!covering(declared, want)) {
      const pred = hashes.get(want);
      if (!pred) why = `predecessor seq ${want} is neither stored nor declared lost`;
      else if (pred.hash !== r.prev) why = `prev ${r.prev.slice(0, 16)}… is not the hash of seq ${want} (${pred.hash.slice(0, 16)}…)`;
    }
    if (!why && r.boot < commit.ackedBoot) why = `boot count goes back from ${commit.ackedBoot} to ${r.boot}`;
    if (why) {
      commit.rejects.push(reject(r, 'chain-break', why));
      settle(c, { result: 'rejected', reason: 'chain-break', message: why });
      break;
    }
    F = n;
    commit.ackedHash = r.hash;
    commit.ackedBoot = r.boot;
    hashes.set(n, { hash: r.hash, boot: r.boot });
    commit.accepted.push(r);
    for (const l of r.lost) commit.declared.push({ first: l[0], last: l[1], faultSeq: r.seq, reason: r.faultReason });
    settle(c, { result: 'accepted' });
  }
  commit.ackedThrough = F;

  const undeclared: SeqRange[] = [];
  let heldCount = snap.held.length - commit.release.length;
  let expect = F + 1;
  for (const seq of [...cands.keys()].sort((a, b) => a - b)) {
    const c = cands.get(seq)!;
    if (seq <= F) {
      const msg = `seq ${seq} is declared lost by a fault record of this device, yet present`;
      commit.rejects.push(reject(c.rec, 'declared-lost', msg));
      settle(c, { result: 'rejected', reason: 'declared-lost', message: msg });
      continue;
    }
    for (let s = expect; s < seq; ) {
      const d = covering(declared, s);
      if (d) {
        s = d.last + 1;
        continue;
      }
      let e = s;
      while (e + 1 < seq && !covering(declared, e + 1)) e++;
      undeclared.push({ first: s, last: e });
      s = e + 1;
    }
    expect = seq + 1;
    if (!c.held) {
      if (heldCount >= MAX_HELD) {
        const msg = `${MAX_HELD} records are already held behind a gap; seq ${seq} refused`;
        commit.rejects.push(reject(c.rec, 'hold-full', msg));
        settle(c, { result: 'rejected', reason: 'hold-full', message: msg });
        continue;
      }
      heldCount++;
      commit.hold.push(c.rec);
    }
    const gap = undeclared.length ? undeclared[0] : { first: F + 1, last: F + 1 };
    for (const index of c.indices) {
      outcomes.push({ index, seq, result: 'held', reason: 'undeclared-gap', message: `seq ${gap.first}..${gap.last} missing and not declared lost; seq ${seq} is held, not acknowledged` });
    }
  }
  outcomes.sort((a, b) => a.index - b.index);
  return { commit, outcomes, declared: commit.declared, undeclared };
}
