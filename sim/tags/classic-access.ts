/**
 * MIFARE Classic access conditions (reference §7; MF1S50 data sheet §8.7; ARD `MIFARE_SetAccessBits`, PM3
 * `mifare4.c`). A condition is the 3-bit number C1C2C3 (C1 most significant) of one block of a sector; index 3 is the
 * sector trailer.
 */

export type ClassicKey = 'A' | 'B';

/** Who may do something: nobody, key A, key B, or either. */
type Who = '' | 'A' | 'B' | 'AB';

/**
 * Decodes trailer bytes 6–8 into the four conditions, or null when the inverted nibbles do not match (a format
 * violation, which blocks the sector irreversibly on a real card).
 * Byte 6 = ¬C2 ‖ ¬C1, byte 7 = C1 ‖ ¬C3, byte 8 = C3 ‖ C2 (high nibble first; bit i of a nibble = block i).
 */
export function decodeAccessBits(b6: number, b7: number, b8: number): number[] | null {
  const c1 = b7 >> 4;
  const c2 = b8 & 0x0f;
  const c3 = b8 >> 4;
  if ((b6 & 0x0f) !== (~c1 & 0x0f) || b6 >> 4 !== (~c2 & 0x0f) || (b7 & 0x0f) !== (~c3 & 0x0f)) return null;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) out.push((((c1 >> i) & 1) << 2) | (((c2 >> i) & 1) << 1) | ((c3 >> i) & 1));
  return out;
}

/** Encodes four conditions (blocks 0, 1, 2, trailer) as trailer bytes 6–8. */
export function encodeAccessBits(conditions: readonly number[]): Uint8Array {
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  for (let i = 0; i < 4; i++) {
    c1 |= ((conditions[i] >> 2) & 1) << i;
    c2 |= ((conditions[i] >> 1) & 1) << i;
    c3 |= (conditions[i] & 1) << i;
  }
  return new Uint8Array([((~c2 & 0x0f) << 4) | (~c1 & 0x0f), (c1 << 4) | (~c3 & 0x0f), (c3 << 4) | c2]);
}

/** Transport configuration: data blocks 000, trailer 001 → FF 07 80. */
export const TRANSPORT_ACCESS_BITS: readonly number[] = [0xff, 0x07, 0x80];

/** Data block operations; 'decrement' also covers transfer and restore (they share one column in the data sheet). */
export type DataOp = 'read' | 'write' | 'increment' | 'decrement';

/** Data block table (reference §7; MF1S50 Table "access conditions for data blocks"). */
const DATA: Record<number, Record<DataOp, Who>> = {
  0b000: { read: 'AB', write: 'AB', increment: 'AB', decrement: 'AB' },
  0b010: { read: 'AB', write: '', increment: '', decrement: '' },
  0b100: { read: 'AB', write: 'B', increment: '', decrement: '' },
  0b110: { read: 'AB', write: 'B', increment: 'B', decrement: 'AB' },
  0b001: { read: 'AB', write: '', increment: '', decrement: 'AB' },
  0b011: { read: 'B', write: 'B', increment: '', decrement: '' },
  0b101: { read: 'B', write: '', increment: '', decrement: '' },
  0b111: { read: '', write: '', increment: '', decrement: '' },
};

/** Parts of a sector trailer and what may be done to them. */
export type TrailerOp = 'writeKeyA' | 'readAccess' | 'writeAccess' | 'readKeyB' | 'writeKeyB';

/** Trailer table (reference §7, PM3's "read A by A" typo for 000 corrected: key A is never readable). */
const TRAILER: Record<number, Record<TrailerOp, Who>> = {
  0b000: { writeKeyA: 'A', readAccess: 'A', writeAccess: '', readKeyB: 'A', writeKeyB: 'A' },
  0b010: { writeKeyA: '', readAccess: 'A', writeAccess: '', readKeyB: 'A', writeKeyB: '' },
  0b100: { writeKeyA: 'B', readAccess: 'AB', writeAccess: '', readKeyB: '', writeKeyB: 'B' },
  0b110: { writeKeyA: '', readAccess: 'AB', writeAccess: '', readKeyB: '', writeKeyB: '' },
  0b001: { writeKeyA: 'A', readAccess: 'A', writeAccess: 'A', readKeyB: 'A', writeKeyB: 'A' },
  0b011: { writeKeyA: 'B', readAccess: 'AB', writeAccess: 'B', readKeyB: '', writeKeyB: 'B' },
  0b101: { writeKeyA: '', readAccess: 'AB', writeAccess: 'B', readKeyB: '', writeKeyB: '' },
  0b111: { writeKeyA: '', readAccess: 'AB', writeAccess: '', readKeyB: '', writeKeyB: '' },
};

function allows(who: Who, key: ClassicKey): boolean {
  return who === 'AB' || who === key;
}

export function dataAllowed(condition: number, op: DataOp, key: ClassicKey): boolean {
  return allows(DATA[condition & 7][op], key);
}

export function trailerAllowed(condition: number, op: TrailerOp, key: ClassicKey): boolean {
  return allows(TRAILER[condition & 7][op], key);
}

/**
 * MF1S50 §8.7.3: when key B is readable in the trailer it "cannot serve for authentication": the authentication
 * itself completes, but the card refuses every later memory access of that session.
 */
export function keyBReadable(trailerCondition: number): boolean {
  return TRAILER[trailerCondition & 7].readKeyB !== '';
}
