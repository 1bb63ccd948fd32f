/**
 * Byte copies that mean the same on every target. On Espruino `Uint8Array#slice` returns a plain Array (one variable
 * per byte, and CBOR would encode it as an array), so code that runs there copies bytes with these instead;
 * scripts/espruino/lib.d.ts types `slice` on typed arrays as `number[]` so that tsc finds every use.
 */

/** A new Uint8Array holding `src[start..end)` (negative indexes count from the end, as `slice` does). */
export function copyBytes(src: Uint8Array, start?: number, end?: number): Uint8Array {
  const n = src.length;
  let a = start === undefined ? 0 : start < 0 ? Math.max(n + start, 0) : Math.min(start, n);
  const b = end === undefined ? n : end < 0 ? Math.max(n + end, 0) : Math.min(end, n);
  if (a > b) a = b;
  const out = new Uint8Array(b - a);
  out.set(src.subarray(a, b));
  return out;
}

/** The numbers of `src` as a plain Array (what `[...bytes]` gives on Node; spreading needs an iterator Espruino lacks). */
export function byteList(src: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) out.push(src[i]);
  return out;
}
