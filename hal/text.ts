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
