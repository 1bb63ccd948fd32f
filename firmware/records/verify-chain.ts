// Chain analysis of one device's verified records: links, forks, declared and undeclared gaps, checkpoints.
// Everything is sorting plus binary search, O(n log n) in the number of records, so 100k records stay cheap.
import type { ChainBreak, DeclaredGap, RecordRef, Truncation } from './verify-report.js';
import { mergeRanges, missingRanges, type SeqPair, type SeqRange } from './seq-ranges.js';
import { expectedPredecessor, ZERO_HASH_HEX } from './links.js';

/** A verified record as the analysis needs it. Hashes are hex. */
export interface ChainEntry {
  index: number;
  seq: number;
  hash: string;
  prev: string;
  boot: number;
  /** Fault records: the seqs they declare lost and why; empty otherwise. */
  lost: SeqPair[];
  faultReason: string;
  /** Checkpoint records only. */
  checkpoint: boolean;
}

export interface ChainFindings {
  firstSeq: number | null;
  lastSeq: number | null;
  breaks: ChainBreak[];
  declaredGaps: DeclaredGap[];
  undeclaredGaps: SeqRange[];
  declaredButPresent: Array<{ seq: number; faultSeq: number }>;
  forks: Array<{ seq: number; records: RecordRef[] }>;
  truncations: Truncation[];
}

/** Index of the last element of sorted `a` whose key is <= `x`, or -1. */
function lastAtMost<T>(a: T[], x: number, key: (t: T) => number): number {
  let lo = 0;
  let hi = a.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(a[mid]) <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const id = (n: number) => n;
const first = (r: SeqRange) => r.first;

/** Analyses `entries` (verified, distinct records of one device, in stream order). */
export function analyseChain(entries: ChainEntry[]): ChainFindings {
  const sorted = entries.slice().sort((a, b) => a.seq - b.seq || a.index - b.index);
  const byHash: { [hash: string]: ChainEntry } = Object.create(null);
  const seqs: number[] = [];
  const forks: ChainFindings['forks'] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    byHash[e.hash] = e;
    if (seqs.length && seqs[seqs.length - 1] === e.seq) continue;
    seqs.push(e.seq);
    let j = i + 1;
    while (j < sorted.length && sorted[j].seq === e.seq) j++;
    if (j - i > 1) forks.push({ seq: e.seq, records: sorted.slice(i, j).map((f) => ({ index: f.index, seq: f.seq, hash: f.hash })) });
  }
  const has = (s: number) => {
    const i = lastAtMost(seqs, s, id);
    return i >= 0 && seqs[i] === s;
  };

  const declaredGaps: DeclaredGap[] = [];
  const declaredButPresent: ChainFindings['declaredButPresent'] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    for (let k = 0; k < e.lost.length; k++) {
      const r = e.lost[k];
      declaredGaps.push({ first: r[0], last: r[1], faultSeq: e.seq, reason: e.faultReason });
      // Present seqs inside the range: start at the first present seq >= r[0].
      for (let p = lastAtMost(seqs, r[0] - 1, id) + 1; p < seqs.length && seqs[p] <= r[1]; p++) declaredButPresent.push({ seq: seqs[p], faultSeq: e.seq });
    }
  }
  const gaps = missingRanges(0, seqs, mergeRanges(declaredGaps), Infinity);

  const breaks: ChainBreak[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    const want = expectedPredecessor(e.seq, e.lost);
    const pred = byHash[e.prev];
    if (e.prev === ZERO_HASH_HEX) {
      if (want !== -1) breaks.push({ seq: e.seq, index: e.index, reason: 'prev is zero but seqs 0..' + want + ' are not declared lost by this record' });
    } else if (pred) {
      if (pred.seq !== want) breaks.push({ seq: e.seq, index: e.index, reason: 'prev is the hash of seq ' + pred.seq + ', expected seq ' + want });
      else if (e.boot < pred.boot) breaks.push({ seq: e.seq, index: e.index, reason: 'boot count goes back from ' + pred.boot + ' to ' + e.boot });
    } else if (want >= 0 && has(want)) {
      breaks.push({ seq: e.seq, index: e.index, reason: 'prev does not match the record at seq ' + want });
    }
    // A missing predecessor that is not declared lost shows up in the undeclared gaps.
  }

  const truncations: Truncation[] = [];
  const cum: number[] = [0];
  for (let i = 0; i < gaps.length; i++) cum.push(cum[i] + gaps[i].last - gaps[i].first + 1);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i];
    if (!c.checkpoint || c.seq === 0) continue;
    const top = c.seq - 1;
    const g = lastAtMost(gaps, top, first);
    const missing = g < 0 ? 0 : cum[g] + Math.min(gaps[g].last, top) - gaps[g].first + 1;
    if (missing > 0) {
      truncations.push({ checkpointSeq: c.seq, attested: c.seq, missing: missing, reason: 'checkpoint attests ' + c.seq + ' records before it; ' + missing + ' are missing and not declared lost' });
    }
    if (has(top) && !(byHash[c.prev] && byHash[c.prev].seq === top)) {
      truncations.push({ checkpointSeq: c.seq, attested: c.seq, missing: 0, reason: 'checkpoint head hash disagrees with the record at seq ' + top });
    }
  }

  return {
    firstSeq: seqs.length ? seqs[0] : null,
    lastSeq: seqs.length ? seqs[seqs.length - 1] : null,
    breaks: breaks,
    declaredGaps: declaredGaps,
    undeclaredGaps: gaps,
    declaredButPresent: declaredButPresent,
    forks: forks,
    truncations: truncations,
  };
}
