import { HalError } from './errors.js';

/**
 * Segment storage: the medium under the durable queue (firmware/queue). Shaped so that NOR flash (sectors, program
 * once until erase), files with fsync (hal/node) and Espruino Storage can all implement it honestly:
 *
 * - A fixed number of **segment slots**, each an append-only byte area of at most `segmentSize` bytes. A slot is
 *   erased (empty) or holds the bytes appended since its last erase. Bytes never written read as `0xFF` on every
 *   backend (that is what erased NOR flash reads; the file and Espruino backends present the same view).
 * - The **written extent** of a slot (`length`) is the offset just past its last byte that is not `0xFF`. On flash
 *   that is the only way to find the end after a restart, so every backend reports it the same way, and an
 *   `append` must end with a byte other than `0xFF` (the queue's frames end with a fixed mark).
 * - Two raw **state copies** (A = 0, B = 1) of at most `stateSize` bytes. Writing one copy never touches the other.
 *   A write cut by power loss may leave that copy reading as the old bytes, the new bytes, a torn mix or nothing:
 *   the caller keeps A/B with a sequence number and a checksum in the bytes, always overwrites the older copy, and
 *   so falls back to the previous state after a torn write.
 *
 * Every call is synchronous (flash drivers, `fs.*Sync` and Espruino Storage all are). Durability: `sync`, `erase`
 * and `writeState` have reached stable storage when they return; `append` may be volatile until `sync` (files) or
 * durable at once (flash). Appended bytes are never reordered: after a power cut a slot holds a prefix of what was
 * appended, and the first byte not yet durable may be followed only by erased bytes (flash) or nothing (files).
 *
 * Failures throw `HalError` (hal/errors.ts): `STORAGE_IO` when the medium failed, `BAD_ARGUMENT` for a broken
 * precondition below (out-of-range slot or offset, overflow of a slot, an append ending in `0xFF`).
 *
 * Espruino Storage mapping (see docs/queue-format.md): slot i is the StorageFile `q<i>` (names well under 27
 * characters). StorageFile is text-only and must never hold byte 0xFF, so that backend writes each append as one
 * line `base64(bytes) + "\n"` and decodes the lines on open; `length` is the decoded byte count and reads past it
 * return `0xFF`. A torn last line (no newline or invalid base64) is decoded as far as it is valid. State copies are
 * the files `qstate0` / `qstate1` written with `Storage.write`, which deletes before it writes: harmless, since the
 * other copy holds the previous state.
 */
export interface SegmentStorage {
  /** Fixed sizes; they never change while the storage is open. */
  readonly geometry: SegmentGeometry;

  /** Slots whose written extent is not 0, ascending. */
  list(): number[];

  /** Written extent of `slot` in bytes: just past its last non-`0xFF` byte; 0 when erased. */
  length(slot: number): number;

  /**
   * Fills `into` with the bytes of `slot` from `offset` (bytes past the written extent read as `0xFF`).
   * `offset + into.length` must not exceed `segmentSize`. Reading into the caller's buffer lets boot recovery scan
   * every segment through one buffer instead of allocating a segment's worth per slot.
   */
  read(slot: number, offset: number, into: Uint8Array): void;

  /**
   * Appends `data` at the written extent of `slot`. `data` must be non-empty, must fit before `segmentSize`, and its
   * last byte must not be `0xFF`. Durable once `sync(slot)` returns (flash: already when `append` returns).
   */
  append(slot: number, data: Uint8Array): void;

  /** Makes every byte appended to `slot` so far durable (fdatasync on files; nothing to do on flash). */
  sync(slot: number): void;

  /**
   * Erases `slot`: afterwards it reads as all `0xFF` and its extent is 0. Durable when it returns. An erase cut by
   * power loss may leave the slot in any state between old and erased (flash: partially erased bits).
   */
  erase(slot: number): void;

  /** The bytes of state copy `copy` as last written, or undefined if it was never written (or is erased). */
  readState(copy: StateCopy): Uint8Array | undefined;

  /**
   * Replaces state copy `copy` with `data` (1..`stateSize` bytes, last byte not `0xFF`). Durable when it returns;
   * never touches the other copy, even when cut by power loss.
   */
  writeState(copy: StateCopy, data: Uint8Array): void;
}

/** Which of the two state copies. */
export type StateCopy = 0 | 1;

/** Capacity figures of a segment storage. */
export interface SegmentGeometry {
  /** Number of segment slots. */
  segmentCount: number;
  /** Maximum bytes in one slot (a whole number of flash sectors on flash). */
  segmentSize: number;
  /** Maximum bytes of one state copy. */
  stateSize: number;
}

/**
 * The written extent of a slot whose bytes are `b`: the offset just past the last byte that is not `0xFF`.
 * Every backend reports `length` this way.
 */
export function writtenExtent(b: Uint8Array): number {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0xff) n--;
  return n;
}

/** Throws `BAD_ARGUMENT` unless `data` may be appended at `at` (non-empty, fits, does not end with `0xFF`). */
export function checkAppend(data: Uint8Array, at: number, segmentSize: number): void {
  if (data.length === 0 || at + data.length > segmentSize) {
    throw new HalError('BAD_ARGUMENT', 'append of ' + data.length + ' bytes at ' + at + ' in a ' + segmentSize + '-byte segment');
  }
  if (data[data.length - 1] === 0xff) throw new HalError('BAD_ARGUMENT', 'an append may not end with 0xFF');
}
