// Small byte helpers the record code needs on every platform (no Buffer on Espruino).

/** The concatenation of `parts` into one new array. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (let i = 0; i < parts.length; i++) n += parts[i].length;
  const out = new Uint8Array(n);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], at);
    at += parts[i].length;
  }
  return out;
}

/** True when `a` and `b` hold the same bytes. Not constant-time: use {@link constantTimeEqual} for secrets. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality whose running time depends only on the lengths, so a MAC check leaks nothing about the tag. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Bytewise lexicographic order (a shorter prefix sorts first), as RFC 8949 §4.2.1 sorts map keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

// Hex lives in hal/hex.ts; firmware/sync/worker.ts and tests/durability still import toHex from here.
export { toHex } from '../../hal/hex.js';
