/**
 * Hex text for bytes, the one copy every folder uses (firmware, hal, sim, upstream, scripts, tests). Platform-free and
 * ES5: no Buffer, no padStart. Two notations: lower case without separators for data (files, JSON, hashes), and the
 * reference's upper case for people (`04 E1 41`, `2Ah`); UIDs shown to people are upper case.
 */

import { HalError } from './errors.js';
import { allIn, HEX_DIGITS, stripSpace } from './text.js';

const DIGITS = '0123456789abcdef';

function join(bytes: ArrayLike<number>, sep: string, digits: string): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i && sep ? sep : '') + digits.charAt((bytes[i] >> 4) & 15) + digits.charAt(bytes[i] & 15);
  return s;
}

/** Lower-case hex of `bytes`, `sep` between bytes (none by default): `04e141`. */
export function toHex(bytes: ArrayLike<number>, sep?: string): string {
  return join(bytes, sep || '', DIGITS);
}

/** Upper-case hex of `bytes`, `sep` between bytes (none by default): `04E141`. */
export function toHexUpper(bytes: ArrayLike<number>, sep?: string): string {
  return join(bytes, sep || '', DIGITS.toUpperCase());
}

/** Bytes of a hex string (either case, no separators); undefined when `hex` is not even-length hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !allIn(hex, HEX_DIGITS, true)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** Bytes of hex text with white space anywhere between the digit pairs (`04 E1 41`); undefined when it is not that. */
export function parseHex(text: string): Uint8Array | undefined {
  return fromHex(stripSpace(text));
}

/** Bytes of hex text written in the code (tables, keys, test vectors; white space allowed). Throws on a typo. */
export function hexLiteral(text: string): Uint8Array {
  const b = parseHex(text);
  if (!b) throw new HalError('BAD_ARGUMENT', 'not hex byte pairs: ' + text.slice(0, 40));
  return b;
}

/** `2A`: one byte, upper case, for messages. */
export function hexByte(n: number): string {
  return (n < 16 ? '0' : '') + (n & 0xff).toString(16).toUpperCase();
}

/** `2Ah`: a register or byte value in the reference's notation. */
export function hexH(n: number): string {
  return hexByte(n) + 'h';
}

/** `04 E1 41` for messages: at most `max` bytes, then ` …`. */
export function hexBytes(bytes: ArrayLike<number>, max?: number): string {
  const n = max === undefined ? bytes.length : Math.min(max, bytes.length);
  let s = '';
  for (let i = 0; i < n; i++) s += (i ? ' ' : '') + hexByte(bytes[i]);
  return n < bytes.length ? s + ' …' : s;
}
