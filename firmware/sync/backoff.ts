// Retry timing for sync: exponential backoff with full jitter, and the server's Retry-After. Pure functions, so
// the arithmetic is tested on its own and the worker only decides when to call them.

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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * Milliseconds since the Unix epoch of an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
 * and the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms that
 * recipients must accept. Undefined for anything else. Parsed by hand: Date.parse differs between runtimes.
 */
export function parseHttpDate(text: string): number | undefined {
  const s = text.trim();
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s);
  let day: string, mon: string, year: number, time: string[];
  if (m) {
    day = m[1];
    mon = m[2];
    year = parseInt(m[3], 10);
    time = [m[4], m[5], m[6]];
  } else if ((m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s))) {
    day = m[1];
    mon = m[2];
    year = parseInt(m[3], 10);
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    year += year < 70 ? 2000 : 1900;
    time = [m[4], m[5], m[6]];
  } else if ((m = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(s))) {
    mon = m[1];
    day = m[2];
    year = parseInt(m[6], 10);
    time = [m[3], m[4], m[5]];
  } else return undefined;
  const month = MONTHS.indexOf(mon.toLowerCase());
  const d = parseInt(day, 10);
  const h = parseInt(time[0], 10);
  const mi = parseInt(time[1], 10);
  const sec = parseInt(time[2], 10);
  if (month < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  return Date.UTC(year, month, d, h, mi, sec);
}

/**
 * How long a Retry-After header (RFC 9110 §10.2.3) asks the client to wait, ms: delay-seconds, or an HTTP-date taken
 * relative to `nowMs` (the server's own Date header when it sent one, so a device clock that is off does not
 * matter). Undefined when the header is absent or unreadable; never negative.
 */
export function retryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return parseInt(v, 10) * 1000;
  const at = parseHttpDate(v);
  if (at === undefined) return undefined;
  return at > nowMs ? at - nowMs : 0;
}
