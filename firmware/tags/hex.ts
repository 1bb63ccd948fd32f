// Hex for messages, in the reference's notation (upper case, "2Ah" for a single value).

/** `2A` */
export function hexByte(n: number): string {
  return (n < 16 ? '0' : '') + (n & 0xff).toString(16).toUpperCase();
}

/** `04 E1 41` (at most `max` bytes, then ` …`). */
export function hexBytes(bytes: Uint8Array, max?: number): string {
  const n = max === undefined ? bytes.length : Math.min(max, bytes.length);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + hexByte(bytes[i]);
  return n < bytes.length ? s + ' …' : s;
}

/** `2Ah` */
export function hexH(n: number): string {
  return hexByte(n) + 'h';
}
