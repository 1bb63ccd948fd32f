/**
 * Lock bits of NXP Type 2 tags (reference §5.2). Lock and OTP bits only ever go 0 → 1: a write ORs them in.
 *
 * Static lock bytes (page 2, bytes 2–3; NTAGF §8.5.2): byte 0 bits 7..4 = L7..L4, bit 3 = L-CC (page 3), bits 2..0 =
 * BL15-10, BL9-4, BL-CC (block-locking: freeze the matching L bits); byte 1 = L15..L8.
 *
 * Dynamic lock bytes 0–2 (NTAG213/215/216 data sheet §8.5.3, MF0ULx1 §8.5.2): bit k of the 24-bit little-endian
 * value locks user pages 16 + k·g … 16 + (k+1)·g − 1 (g = 2 pages on NTAG213 and MF0UL21, 16 on NTAG215/216), and
 * block-locking bit 16 + i freezes lock bits 2i and 2i+1. Granularities and BL grouping follow Flipper Zero's
 * `mf_ultralight_listener_i.c`; the NTAG213 case (pages 16–19 locked by 03 00 00, BL bits in byte 2) is confirmed by
 * an NXP answer in https://community.nxp.com/thread/399134. The reference did not verify the mapping itself.
 */
import type { Type2Profile } from './type2-layout.js';

/** Dynamic lock value (24 bits, byte 0 least significant) of a memory image, 0 without a dynamic lock page. */
export function dynamicLockValue(mem: Uint8Array, p: Type2Profile): number {
  if (p.dynLockPage === undefined) return 0;
  const at = p.dynLockPage * 4;
  return mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16);
}

/**
 * True when a page cannot be written because of static or dynamic lock bits (pages 0 and 1 are factory-locked
 * entirely; page 2 and the lock pages themselves are never "locked", their bits are only OR-ed, see the merges).
 */
export function isPageLocked(mem: Uint8Array, p: Type2Profile, page: number): boolean {
  if (page < 2) return true;
  if (page === 2) return false;
  if (page <= 15) {
    const statics = mem[10] | (mem[11] << 8);
    return ((statics >> page) & 1) === 1;
  }
  if (page > p.userLast || p.dynLockPage === undefined) return false;
  const g = p.dynLockGranularity ?? 2;
  const bit = Math.floor((page - 16) / g);
  return ((dynamicLockValue(mem, p) >> bit) & 1) === 1;
}

/** New static lock bytes after writing `incoming` (2 bytes): OR, minus the L bits frozen by set BL bits. */
export function mergeStaticLock(current: Uint8Array, incoming: Uint8Array): Uint8Array {
  const cur = current[0] | (current[1] << 8);
  let add = incoming[0] | (incoming[1] << 8);
  if (cur & 0x01) add &= ~0x0008; // BL-CC freezes L-CC
  if (cur & 0x02) add &= ~0x03f0; // BL9-4 freezes L4..L9
  if (cur & 0x04) add &= ~0xfc00; // BL15-10 freezes L10..L15
  const v = cur | add;
  return new Uint8Array([v & 0xff, v >> 8]);
}

/** New dynamic lock bytes 0–2 after writing `incoming` (3 bytes): OR, minus the lock bits frozen by set BL bits. */
export function mergeDynamicLock(current: Uint8Array, incoming: Uint8Array): Uint8Array {
  const cur = current[0] | (current[1] << 8) | (current[2] << 16);
  let add = incoming[0] | (incoming[1] << 8) | (incoming[2] << 16);
  for (let i = 0; i < 8; i++) {
    if ((cur >> (16 + i)) & 1) add &= ~(3 << (2 * i));
  }
  const v = cur | add;
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]);
}
