// Retry timing for sync: exponential backoff with full jitter, and the server's Retry-After. Pure functions, so
// the arithmetic is tested on its own and the worker only decides when to call them.
import { allIn, isDigits, LETTERS } from '../../hal/text.js';
import { utcMs } from '../../hal/calendar.js';

/** Backoff settings, ms. DESIGN.md "Store and forward": base 1 s, cap 5 min. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 300000 };

/**
 * The ceiling of the wait before retry number `attempt` (0 for the first retry): min(cap, base * 2^attempt).
 * Doubling stops once the cap is reached, so a device that has been offline for weeks never overflows.
 */
export function backoffCeiling(policy: BackoffPolicy, attempt: number): number {
  let c = policy.baseMs;
  for (let i = 0; i < attempt && c < policy.capMs; i++) c = c * 2;
  return c < policy.capMs ? c : policy.capMs;
}

/**
 * Full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015): a wait drawn uniformly from
 * [0, ceiling). `random` returns a number in [0, 1), like Math.random; tests inject a seeded one. Spreading retries
 * over the whole interval keeps a fleet that lost the network at the same moment from coming back in lockstep.
 */
export function fullJitter(policy: BackoffPolicy, attempt: number, random: () => number): number {
  let r = random();
  if (!(r >= 0)) r = 0;
  if (r >= 1) r = 0.999999;
  return Math.floor(r * backoffCeiling(policy, attempt));
}

/** The months' names, three letters each (a string: a module's array of 12 holds 13 variables on Espruino). */
const MONTHS = 'janfebmaraprmayjunjulaugsepoctnovdec';

/**
 * Milliseconds since the Unix epoch of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
 * and the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms that
 * recipients must accept. Undefined for anything else. Parsed by hand: Date.parse differs between runtimes.
 */
export function parseHttpDate(text: string): number | undefined {
  const s = text.trim();
  let day: string, mon: string, year: number, time: string;
  const comma = s.indexOf(',');
  if (s.length === 29 && comma === 3) {
    // Sun, 06 Nov 1994 08:49:37 GMT
    if (!allIn(s.substr(0, 3), LETTERS) || !fixed(s, 3, ', ') || !fixed(s, 7, ' ') || !fixed(s, 11, ' ') || !fixed(s, 16, ' ') || !fixed(s, 25, ' GMT')) return undefined;
    day = s.substr(5, 2);
    mon = s.substr(8, 3);
    if (!isDigits(s.substr(12, 4))) return undefined;
    year = parseInt(s.substr(12, 4), 10);
    time = s.substr(17, 8);
  } else if (comma > 0) {
    // Sunday, 06-Nov-94 08:49:37 GMT
    const r = s.substr(comma + 2);
    if (!allIn(s.substr(0, comma), LETTERS) || !fixed(s, comma, ', ') || r.length !== 22 || !fixed(r, 2, '-') || !fixed(r, 6, '-') || !fixed(r, 9, ' ') || !fixed(r, 18, ' GMT')) return undefined;
    day = r.substr(0, 2);
    mon = r.substr(3, 3);
    if (!isDigits(r.substr(7, 2))) return undefined;
    year = parseInt(r.substr(7, 2), 10);
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    year += year < 70 ? 2000 : 1900;
    time = r.substr(10, 8);
  } else if (s.length === 24 && comma < 0) {
    // Sun Nov  6 08:49:37 1994
    if (!allIn(s.substr(0, 3), LETTERS) || !fixed(s, 3, ' ') || !fixed(s, 7, ' ') || !fixed(s, 10, ' ') || !fixed(s, 19, ' ')) return undefined;
    mon = s.substr(4, 3);
    day = s.charAt(8) === ' ' ? '0' + s.charAt(9) : s.substr(8, 2);
    if (!isDigits(s.substr(20, 4))) return undefined;
    year = parseInt(s.substr(20, 4), 10);
    time = s.substr(11, 8);
  } else return undefined;
  if (day.length !== 2 || !isDigits(day) || mon.length !== 3 || !allIn(mon, LETTERS) || !fixed(time, 2, ':') || !fixed(time, 5, ':')) return undefined;
  const hms = [time.substr(0, 2), time.substr(3, 2), time.substr(6, 2)];
  for (let i = 0; i < 3; i++) if (!isDigits(hms[i])) return undefined;
  const at = MONTHS.indexOf(mon.toLowerCase());
  const month = at % 3 === 0 ? at / 3 : -1;
  const d = parseInt(day, 10);
  const h = parseInt(hms[0], 10);
  const mi = parseInt(hms[1], 10);
  const sec = parseInt(hms[2], 10);
  if (month < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  return utcMs(year, month + 1, d, h, mi, sec);
}

/** True when `s` holds `text` at `at`. */
function fixed(s: string, at: number, text: string): boolean {
  return s.substr(at, text.length) === text;
}

/**
 * How long a Retry-After header (RFC 9110 §10.2.3) asks the client to wait, ms: delay-seconds, or an HTTP-date taken
 * relative to `nowMs` (the server's own Date header when it sent one, so a device clock that is off does not
 * matter). Undefined when the header is absent or unreadable; never negative.
 */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (isDigits(v)) return parseInt(v, 10) * 1000;
  const at = parseHttpDate(v);
  if (at === undefined) return undefined;
  return at > nowMs ? at - nowMs : 0;
}
