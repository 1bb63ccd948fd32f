// A whole sweep: for each cut offset, passes with phase 1..passes (together a cut at every flash operation index of
// the run), summed per offset. Shared by tests/durability/system-sweep.test.ts and scripts/system-sweep.ts.
import { runPass, type PassResult } from './sweep.js';
import type { WorkloadTags } from './workload.js';

export interface SweepOptions {
  taps: number;
  seed: number;
  /** Passes per offset, which is also the stride between the cuts of one pass. */
  passes: number;
  /** Byte offsets inside the cut operation; undefined cuts right after it. */
  offsets: Array<number | undefined>;
  /** Only these phases (default 1..passes). */
  phases?: number[];
  sectors?: number;
}

export interface OffsetTotals {
  offset: number | undefined;
  passes: number;
  cuts: number;
  chained: number;
  deadInBoot: number;
  ops: number;
  told: number;
  records: number;
  declaredLost: number;
  refusedFull: number;
  recovered: { [what: string]: number };
  ms: number;
}

type Counts = Omit<OffsetTotals, 'offset' | 'passes' | 'ms'>;

const zero = (offset: number | undefined): OffsetTotals => ({ offset, passes: 0, cuts: 0, chained: 0, deadInBoot: 0, ops: 0, told: 0, records: 0, declaredLost: 0, refusedFull: 0, recovered: {}, ms: 0 });

function add(t: OffsetTotals, r: Counts): void {
  t.cuts += r.cuts;
  t.chained += r.chained;
  t.deadInBoot += r.deadInBoot;
  t.ops += r.ops;
  t.told += r.told;
  t.records += r.records;
  t.declaredLost += r.declaredLost;
  t.refusedFull += r.refusedFull;
  for (const k of Object.keys(r.recovered)) t.recovered[k] = (t.recovered[k] ?? 0) + r.recovered[k];
}

/** Runs the sweep; `onPass` sees each pass as it ends (progress). Throws at the first broken promise. */
export async function sweep(tags: WorkloadTags, o: SweepOptions, onPass?: (offset: number | undefined, phase: number, r: PassResult) => void): Promise<OffsetTotals[]> {
  const out: OffsetTotals[] = [];
  for (const offset of o.offsets) {
    const t = zero(offset);
    const started = Date.now();
    for (const phase of o.phases ?? Array.from({ length: o.passes }, (_, i) => i + 1)) {
      // One seed for every pass: the runs agree up to their first cut, so the first cuts alone cover ops 1..passes.
      const r = await runPass(tags, { taps: o.taps, seed: o.seed, stride: o.passes, phase, bytes: offset, sectors: o.sectors });
      add(t, r);
      t.passes++;
      onPass?.(offset, phase, r);
    }
    t.ms = Date.now() - started;
    out.push(t);
  }
  return out;
}

/** The sum over offsets. */
export function total(list: OffsetTotals[]): OffsetTotals {
  const t = zero(undefined);
  for (const x of list) {
    add(t, x);
    t.passes += x.passes;
    t.ms += x.ms;
  }
  return t;
}
