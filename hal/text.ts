/**
 * Character checks without regular expressions. Espruino's RegExp lacks `{n}`, `{m,n}`, quantified groups and
 * alternation across groups, and a pattern it cannot run silently never matches; code that runs there checks
 * characters against these sets instead (tests/espruino-compat.test.ts refuses regex literals and RegExp in that
 * code).
 */

/** Character sets for {@link allIn}. */
export const DIGITS = '0123456789';
export const HEX_DIGITS = '0123456789abcdefABCDEF';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const ALNUM = LETTERS + DIGITS;

/**
 * True when every character of `s` is one of `set` (and `s` is not empty unless `allowEmpty`): one native `indexOf`
 * per character, where a predicate would be a JavaScript call per character, which Espruino pays for by parsing
 * the predicate's body again each time.
 */
export function allIn(s: string, set: string, allowEmpty?: boolean): boolean {
  if (s.length === 0) return !!allowEmpty;
  for (let i = 0; i < s.length; i++) if (set.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

/** Only 0-9, at least one. */
export function isDigits(s: string): boolean {
  return allIn(s, DIGITS);
}

/** `s` with every occurrence of `find` replaced (no patterns). */
export function replaceEvery(s: string, find: string, by: string): string {
  return s.split(find).join(by);
}

/** `s` without spaces, tabs, carriage returns and line feeds. */
export function stripSpace(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

/**
 * A platform's own conversion between text and bytes, one byte per character (Espruino: `E.toUint8Array` and
 * `E.toString`), which its board installs with {@link useLatin1}. A character at or above 80h must give a byte at or
 * above 80h (or more bytes than characters, as UTF-8 would): that is how {@link asciiBytes} knows the text was ASCII.
 * Node installs none (a Buffer's latin1 would cut U+0100 to 00h).
 */
export interface Latin1 {
  toBytes(s: string): Uint8Array;
  toText(b: Uint8Array): string;
}

let latin1: Latin1 | undefined;

/** Installs (or, with undefined, removes) the platform's conversion. */
export function useLatin1(l: Latin1 | undefined): void {
  latin1 = l;
}

/** The most characters (or bytes) the native path takes. */
export const NATIVE_TEXT_MAX = 64;

/** Bytes spread as arguments at once by the ASCII test: each is a variable while Math.max runs. */
const CHUNK = 16;

/** True when `b` is non-empty ASCII, by a native call for every {@link CHUNK} bytes. */
function ascii(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (let i = 0; i < b.length; i += CHUNK) if ((Math.max.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]) as number) >= 0x80) return false;
  return true;
}

/**
 * The bytes of `s` by the platform's conversion when `s` is ASCII of 1 to 64 characters, else undefined (no
 * conversion installed, or text the caller must encode itself). On Espruino one native call instead of a loop that
 * costs some 12 µs a character.
 */
export function asciiBytes(s: string): Uint8Array | undefined {
  if (!latin1 || s.length > NATIVE_TEXT_MAX) return undefined;
  const b = latin1.toBytes(s);
  return b.length === s.length && ascii(b) ? b : undefined;
}

/**
 * The text of `b[start, end)` by the platform's conversion when it is 1 to 64 bytes of ASCII, else undefined. Without
 * a conversion installed (Node) it returns before taking the range.
 */
export function asciiText(b: Uint8Array, start = 0, end = b.length): string | undefined {
  if (!latin1 || end - start > NATIVE_TEXT_MAX) return undefined;
  const range = b.subarray(start, end);
  return ascii(range) ? latin1.toText(range) : undefined;
}
