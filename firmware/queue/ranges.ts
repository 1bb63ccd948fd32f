// Sets of seqs as sorted, disjoint, inclusive ranges (lost and declared seqs are few ranges, never per-seq lists).
import type { SeqPair } from '../records/seq-ranges.js';

/** Sorted, merged copy of `ranges` (overlapping or adjacent ranges joined). */
export function normalize(ranges: SeqPair[]): SeqPair[] {
  const sorted = ranges.slice().sort((a, b) => a[0] - b[0]);
  const out: SeqPair[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i];
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) {
      if (r[1] > last[1]) last[1] = r[1];
    } else out.push([r[0], r[1]]);
  }
  return out;
}

/** Seqs in `a` but not in `b`. */
export function subtract(a: SeqPair[], b: SeqPair[]): SeqPair[] {
  let out = normalize(a);
  const cut = normalize(b);
  for (let j = 0; j < cut.length; j++) {
    const c = cut[j];
    const next: SeqPair[] = [];
    for (let i = 0; i < out.length; i++) {
      const r = out[i];
      if (r[1] < c[0] || r[0] > c[1]) next.push(r);
      else {
        if (r[0] < c[0]) next.push([r[0], c[0] - 1]);
        if (r[1] > c[1]) next.push([c[1] + 1, r[1]]);
      }
    }
    out = next;
  }
  return out;
}

/** Seqs in both `a` and `b`. */
export function intersect(a: SeqPair[], b: SeqPair[]): SeqPair[] {
  return subtract(a, subtract(a, b));
}

/** The part of `ranges` above `floor`. */
export function above(ranges: SeqPair[], floor: number): SeqPair[] {
  return subtract(ranges, [[-1, floor]]);
}
