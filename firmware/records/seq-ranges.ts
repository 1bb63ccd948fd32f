// Seq ranges of one device's chain, as the offline verifier and the ingest both reason about them: declared losses,
// missing stretches, the predecessor a record must name. Everything here is arithmetic on ranges, never a walk
// over single seqs, so a record claiming seq 2^53 - 1 costs what a record claiming seq 1 does.

/** An inclusive range of seqs. */
export interface SeqRange {
  first: number;
  last: number;
}

/** The prev of a chain's first record: 32 zero bytes, as lower-case hex. */
export const ZERO_HASH_HEX = '0000000000000000000000000000000000000000000000000000000000000000';

/**
 * The seq a record's prev must name: seq - 1, or for a fault record the last seq below it that it does not itself
 * declare lost (`lost` sorted, disjoint, inclusive [first, last] pairs). -1: no predecessor (prev is the zero hash).
 */
export function expectedPredecessor(seq: number, lost: Array<[number, number]>): number {
  let s = seq - 1;
  for (let i = lost.length - 1; i >= 0; i--) if (lost[i][1] === s) s = lost[i][0] - 1;
  return s;
}

/** Sorted, merged union of `ranges` (overlapping or adjacent ranges joined); the input is not changed. */
export function mergeRanges(ranges: SeqRange[]): SeqRange[] {
  const sorted = ranges.slice().sort((a, b) => a.first - b.first);
  const out: SeqRange[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const top = out[out.length - 1];
    if (top && sorted[i].first <= top.last + 1) top.last = Math.max(top.last, sorted[i].last);
    else out.push({ first: sorted[i].first, last: sorted[i].last });
  }
  return out;
}

/** Index of the last range in `merged` (sorted, merged) whose first is at most `s`, or -1. Binary search. */
function lastStartingAtMost(merged: SeqRange[], s: number): number {
  let lo = 0;
  let hi = merged.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (merged[mid].first <= s) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The range of `merged` (sorted, merged) that holds `s`, or undefined. */
export function rangeHolding(merged: SeqRange[], s: number): SeqRange | undefined {
  const i = lastStartingAtMost(merged, s);
  return i >= 0 && merged[i].last >= s ? merged[i] : undefined;
}

/**
 * The stretches of seqs from `from` up to the last of `present` (ascending, distinct) that are neither in `present`
 * nor covered by `declared` (sorted, merged), at most `limit` of them. Time grows with the number of present seqs
 * and ranges, not with the seqs between them.
 */
export function missingRanges(from: number, present: number[], declared: SeqRange[], limit: number): SeqRange[] {
  const out: SeqRange[] = [];
  let next = from;
  let d = lastStartingAtMost(declared, from);
  if (d < 0) d = 0;
  for (let i = 0; i < present.length && out.length < limit; i++) {
    const end = present[i] - 1;
    let at = next;
    while (at <= end && out.length < limit) {
      while (d < declared.length && declared[d].last < at) d++;
      if (d < declared.length && declared[d].first <= at) {
        at = declared[d].last + 1;
        continue;
      }
      const stop = d < declared.length && declared[d].first <= end ? declared[d].first - 1 : end;
      out.push({ first: at, last: stop });
      at = stop + 1;
    }
    if (present[i] + 1 > next) next = present[i] + 1;
  }
  return out;
}
