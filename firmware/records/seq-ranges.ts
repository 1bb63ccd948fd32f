// Seq ranges of one device's chain, as the queue, the offline verifier and the ingest reason about them: declared
// losses, missing stretches. Everything here is arithmetic on ranges, never a walk over single seqs, so a record
// claiming seq 2^53 - 1 costs what a record claiming seq 1 does.

/**
 * An inclusive range of seqs in the two forms it takes: `SeqPair` [first, last] where bytes are at stake (a fault
 * record's `lost`, the queue's state and recovery report), `SeqRange` { first, last } in reports and the ingest's
 * JSON answers, where a field name says more than a position.
 */
export type SeqPair = [number, number];

/** See {@link SeqPair}. */
export interface SeqRange {
  first: number;
  last: number;
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
