// What boot recovery found and did, in a form the app can turn into a signed fault record.
import type { SeqPair } from '../records/seq-ranges.js';
import type { StateCopyStatus } from './state.js';

/**
 * Why bytes were set aside:
 * - `torn`: an incomplete or failing frame at the end of a slot's written data (a write cut by power loss:
 *   partial header or payload, CRC mismatch, stray programmed bytes after the last intact frame);
 * - `corrupt`: bytes between two intact frames that are not an intact frame (bad CRC in the middle, garbage);
 * - `duplicate`: an intact frame whose seq was already accepted earlier in the log (kept once);
 * - `bad-segment-header`: a slot in use whose segment header is missing or damaged;
 * - `stale`: a slot holding only acknowledged data, left by a free that power loss interrupted (not a loss);
 * - `unreadable-slot`: a slot holding no intact frame and no segment header (an interrupted segment creation or
 *   erase, or garbage). It is erased.
 */
export type DiscardReason = 'torn' | 'corrupt' | 'duplicate' | 'bad-segment-header' | 'stale' | 'unreadable-slot';

/** One run of bytes that recovery set aside. */
export interface Discard {
  reason: DiscardReason;
  /** Segment slot, offset in it and length in bytes. */
  slot: number;
  offset: number;
  length: number;
  /** Seqs whose bytes may lie here (inclusive), when they can be told; undefined when no seq can be. */
  seqs?: SeqPair;
}

export interface RecoveryReport {
  /** True when nothing was discarded or lost and the state was intact: no fault record needed. */
  clean: boolean;
  /**
   * Seqs above the ack point that may have reached the medium but have no intact record, and that no earlier
   * {@link Queue.declareLost} covered: exactly what was lost. Sorted, disjoint, inclusive ranges.
   */
  lost: SeqPair[];
  /** Lost ranges found again that an earlier boot's fault record already declared. */
  alreadyDeclared: SeqPair[];
  /** Every run of bytes set aside, in slot and offset order. */
  discarded: Discard[];
  /** Sum of the discarded lengths. */
  discardedBytes: number;
  /** Slots erased during recovery (stale or unreadable). */
  erasedSlots: number[];
  /** What the two state copies held, and which one was used (-1: none, nothing counts as acked). */
  state: { copies: [StateCopyStatus, StateCopyStatus]; used: number };
  /** Highest acknowledged seq (-1: none). */
  ackedThrough: number;
  /** Intact records above the ack point, i.e. still to be synced. */
  unacked: number;
  /** The seq the next record must carry; no seq below it will ever be used again. */
  nextSeq: number;
  /**
   * SHA-256 of the newest intact record (the `prev` of the next record); 32 zero bytes on a new device; undefined
   * when records existed but none survives to hash (the chain is broken and the fault record must say so).
   */
  prevHash: Uint8Array | undefined;
  /**
   * The newest intact record on the medium (acked or not; the newest segment is never freed), for the app to
   * continue from (its boot count). Undefined on a new device or when none survives.
   */
  newestRecord?: Uint8Array;
  /** True when the medium held bytes but nothing to anchor seqs on (no state, no header, no frame). */
  unanchored: boolean;
  /** Slots scanned and intact frames accepted (acked ones included). */
  slotsScanned: number;
  framesAccepted: number;
}
