import { hexH } from '../../hal/hex.js';
import { REGISTERS, type BitAccess, type BitField, type RegisterSpec } from './registers.js';

/**
 * The access rules of the register table applied to a host write: which bits a write stores, and which writes the
 * model refuses because they would switch on something it does not implement.
 */

export function fieldMask(field: BitField): number {
  return ((0xff >> (7 - field.hi + field.lo)) << field.lo) & 0xff;
}

function maskOf(spec: RegisterSpec, access: BitAccess): number {
  let m = 0;
  for (const field of spec.fields) if (field.access === access) m |= fieldMask(field);
  return m;
}

/** Bits a host write stores as they are (`rw` fields). */
export const RW_MASK: readonly number[] = REGISTERS.map((s) => maskOf(s, 'rw'));

/** Bits not covered by any field: reserved. */
export const RESERVED_MASK: readonly number[] = REGISTERS.map((s) => {
  let covered = 0;
  for (const field of s.fields) if (field.access !== 'reserved') covered |= fieldMask(field);
  return 0xff & ~covered;
});

function bitsLabel(field: BitField): string {
  return field.hi === field.lo ? `bit ${field.hi}` : `bits ${field.hi}:${field.lo}`;
}

function binary(value: number, width: number): string {
  return value.toString(2).padStart(width, '0') + 'b';
}

/**
 * Checks a host write against the table. `ignoreReserved` is for the Set1/Set2 registers, where a 1 written with
 * SetN = 0 clears a bit that is always 0 (a driver clearing "everything" with 7Fh is harmless).
 * Returns the `UNMODELLED` message text (the caller wraps it in a HalError), or null when the write is fine.
 */
export function writeViolation(spec: RegisterSpec, value: number, ignoreReserved = false): string | null {
  if (spec.reserved) return `write to ${spec.name}: reserved registers are not modelled`;
  const where = `${spec.name} (${hexH(spec.addr)})`;
  const stray = value & RESERVED_MASK[spec.addr] & ~spec.reset;
  if (stray && !ignoreReserved) {
    let n = 31;
    while (n > 0 && !((stray >>> n) & 1)) n--;
    return `${where} bit ${n} is reserved: writing 1 to it is not modelled (wrote ${hexH(value)})`;
  }
  for (const field of spec.fields) {
    const width = field.hi - field.lo + 1;
    const v = (value & fieldMask(field)) >> field.lo;
    if (field.access === 'unmodelled') {
      const r = (spec.reset & fieldMask(field)) >> field.lo;
      if (v !== r) {
        return `${where} ${bitsLabel(field)} ${field.name} = ${binary(v, width)}: ${field.why ?? 'not modelled'}`;
      }
    } else if (field.access === 'rw' && field.modelled && !field.modelled.includes(v)) {
      return `${where} ${bitsLabel(field)} ${field.name} = ${binary(v, width)}: ${field.why ?? 'value not modelled'}`;
    }
  }
  return null;
}
