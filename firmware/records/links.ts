// The chain's link rule, one copy for the device (chain.ts, the queue's recovery), the offline verifier
// (verify-chain.ts) and the ingest (upstream/chain.ts): a record's prev is the SHA-256 of the record before it, and
// 32 zero bytes when none precedes it (seq 0, or a fault record that declares every seq below it lost).
import type { SeqPair } from './seq-ranges.js';

/** 32 zero bytes: the `prev` of a record that no record precedes. */
export function zeroHash(): Uint8Array {
  return new Uint8Array(32);
}

/** {@link zeroHash} as lower-case hex, as the verifier and the ingest keep hashes. */
export const ZERO_HASH_HEX = '0000000000000000000000000000000000000000000000000000000000000000';

/**
 * The seq a record's prev must name: seq - 1, or for a fault record the last seq below it that it does not itself
 * declare lost (`lost` sorted, disjoint, inclusive [first, last] pairs). -1: no predecessor (prev is the zero hash).
 */
export function expectedPredecessor(seq: number, lost: SeqPair[]): number {
  let s = seq - 1;
  for (let i = lost.length - 1; i >= 0; i--) if (lost[i][1] === s) s = lost[i][0] - 1;
  return s;
}
