/**
 * Character checks without regular expressions. Espruino's RegExp lacks `{n}`, `{m,n}`, quantified groups and
 * alternation across groups, and a pattern it cannot run silently never matches; code that runs there checks
 * characters with these instead (tests/espruino-compat.test.ts refuses regex literals and RegExp in that code).
 */

/** 0-9 */
export function isDigit(c: string): boolean {
  return c.length === 1 && c >= '0' && c <= '9';
}

/** 0-9 a-f A-F */
export function isHexDigit(c: string): boolean {
  return isDigit(c) || (c.length === 1 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/** A-Z a-z */
export function isLetter(c: string): boolean {
  return c.length === 1 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/** A-Z a-z 0-9 */
export function isAlnum(c: string): boolean {
  return isLetter(c) || isDigit(c);
}

/** Character sets for {@link allIn}. */
export const DIGITS = '0123456789';
export const HEX_DIGITS = '0123456789abcdefABCDEF';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * True when every character of `s` is one of `set` (and `s` is not empty unless `allowEmpty`). What the checks on
 * a tap's path use: one native `indexOf` per character, where a predicate is a JavaScript call per character,
 * which Espruino pays for by parsing the predicate's body again each time.
 */
export function allIn(s: string, set: string, allowEmpty?: boolean): boolean {
  if (s.length === 0) return !!allowEmpty;
  for (let i = 0; i < s.length; i++) if (set.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

/** True when every character of `s` passes `ok` (and `s` is not empty unless `allowEmpty`). */
export function allChars(s: string, ok: (c: string) => boolean, allowEmpty?: boolean): boolean {
  if (s.length === 0) return !!allowEmpty;
  for (let i = 0; i < s.length; i++) if (!ok(s.charAt(i))) return false;
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
