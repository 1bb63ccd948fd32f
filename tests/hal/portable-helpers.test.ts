// The helpers that replace what Espruino lacks (typed-array slice, regular expressions, Date.UTC), checked against
// the built-ins and patterns they replace, which serve as oracles on Node.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { copyBytes } from '../../hal/bytes.js';
import { daysInMonth, utcDay, utcMs } from '../../hal/calendar.js';
import { ALNUM, allIn, DIGITS, HEX_DIGITS, isDigits, LETTERS, LOWER_ALNUM, replaceEvery, stripSpace } from '../../hal/text.js';
import { fromHex, parseHex } from '../../hal/hex.js';
import { isDeviceId } from '../../hal/keys.js';
import { isBadgeId } from '../../firmware/app/badge.js';
import { parseHttpDate, retryAfterMs } from '../../firmware/sync/backoff.js';
import { expiryLastDay } from '../../firmware/seals/digital-link.js';

const runs = { numRuns: 2000 };

test('copyBytes equals Uint8Array#slice for any bounds (negative, past the end, crossed) and never shares memory', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }), fc.option(fc.integer({ min: -50, max: 50 }), { nil: undefined }), (a, s, e) => {
      const got = copyBytes(a, s, e);
      assert.equal(Array.from(got), Array.from(a.slice(s, e)));
      assert.ok(got instanceof Uint8Array);
      if (got.length) {
        got[0] ^= 0xff;
        assert.is.not(got[0], a.slice(s, e)[0]);
      }
    }),
    runs,
  );
});

test('utcDay, utcMs and daysInMonth agree with Date.UTC from year 1 to 9999, day overflow included', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 60 }), (y, m, d, h, mi, s) => {
      const utc = (yy: number, mm: number, dd: number, hh = 0, mn = 0, ss = 0) => {
        const t = new Date(0);
        t.setUTCFullYear(yy, mm - 1, dd);
        t.setUTCHours(hh, mn, ss, 0);
        return t.getTime();
      };
      assert.is(utcDay(y, m, d) * 86400000, utc(y, m, d));
      assert.is(utcMs(y, m, d, h, mi, s), utc(y, m, d, h, mi, s));
      assert.is(daysInMonth(y, m), new Date(utc(y, m + 1, 0)).getUTCDate());
    }),
    runs,
  );
  assert.is(utcDay(1970, 1, 1), 0);
  assert.is(utcDay(2000, 2, 29), 11016);
});

const idChars = 'aZ09._:-~ /é%\u0000';
const idString = fc.string({ unit: fc.constantFrom(...idChars.split('')), maxLength: 70 });

test('device and badge ids, hex and the character classes match the patterns they replace', () => {
  fc.assert(
    fc.property(idString, (s) => {
      assert.is(isDeviceId(s), /^[A-Za-z0-9._:-]{1,64}$/.test(s), JSON.stringify(s));
      assert.is(isBadgeId(s), /^[A-Za-z0-9._:-]{1,16}$/.test(s), JSON.stringify(s));
    }),
    runs,
  );
  const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgG \t\n'.split('')), maxLength: 12 });
  fc.assert(
    fc.property(hexish, (s) => {
      const even = s.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(s);
      assert.is(fromHex(s) !== undefined, even, JSON.stringify(s));
      assert.is(parseHex(s) !== undefined, s.replace(/\s+/g, '').length % 2 === 0 && /^[0-9a-fA-F\s]*$/.test(s), JSON.stringify(s));
      assert.is(stripSpace(s), s.replace(/[ \t\n\r]/g, ''));
      assert.is(isDigits(s), /^\d+$/.test(s));
      assert.is(allIn(s, HEX_DIGITS), /^[0-9a-fA-F]+$/.test(s));
      assert.is(allIn(s, ALNUM, true), /^[A-Za-z0-9]*$/.test(s));
      assert.is(replaceEvery(s, 'a', '-'), s.replace(/a/g, '-'));
    }),
    runs,
  );
  // The sets the tap's checks use, against the classes they stand for, on any text (multi-byte characters too).
  const classes: Array<[string, RegExp]> = [[DIGITS, /^[0-9]+$/], [HEX_DIGITS, /^[0-9a-fA-F]+$/], [LOWER_ALNUM, /^[a-z0-9]+$/], [LETTERS, /^[A-Za-z]+$/], [ALNUM, /^[A-Za-z0-9]+$/]];
  fc.assert(
    fc.property(fc.oneof(hexish, idString, fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 6 })), (s) => {
      for (const [set, re] of classes) {
        assert.is(allIn(s, set), re.test(s), set + ' ' + JSON.stringify(s));
        assert.is(allIn(s, set, true), s === '' || re.test(s));
      }
    }),
    runs,
  );
});

/** The HTTP-date parser as it was written with patterns: the oracle for the hand-written one. */
function httpDateByPattern(text: string): number | undefined {
  const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  const s = text.trim();
  let m = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s);
  let day: string, mon: string, year: number, time: string[];
  if (m) [day, mon, year, time] = [m[1], m[2], parseInt(m[3], 10), [m[4], m[5], m[6]]];
  else if ((m = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(s))) {
    year = parseInt(m[3], 10);
    [day, mon, year, time] = [m[1], m[2], year + (year < 70 ? 2000 : 1900), [m[4], m[5], m[6]]];
  } else if ((m = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(s))) [mon, day, year, time] = [m[1], m[2], parseInt(m[6], 10), [m[3], m[4], m[5]]];
  else return undefined;
  const month = MONTHS.indexOf(mon.toLowerCase());
  const [d, h, mi, sec] = [parseInt(day, 10), ...time.map((t) => parseInt(t, 10))];
  if (month < 0 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return undefined;
  return Date.UTC(year, month, d, h, mi, sec);
}

test('parseHttpDate agrees with the pattern version on all three forms and on their mutations', () => {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const long = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const two = (n: number) => String(n).padStart(2, '0');
  const date = fc.record({ t: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2069, 11, 31) }), form: fc.integer({ min: 0, max: 2 }) }).map(({ t, form }) => {
    const d = new Date(t);
    const mon = d.toUTCString().substr(8, 3);
    const hms = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    if (form === 0) return d.toUTCString();
    if (form === 1) return `${long[d.getUTCDay()]}, ${two(d.getUTCDate())}-${mon}-${two(d.getUTCFullYear() % 100)} ${hms} GMT`;
    return `${days[d.getUTCDay()]} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms} ${d.getUTCFullYear()}`;
  });
  const mutated = fc.tuple(date, fc.nat(40), fc.constantFrom('', ' ', 'x', '9', ',', ':', '-', '  ')).map(([s, at, c]) => s.slice(0, at % (s.length + 1)) + c + s.slice((at % (s.length + 1)) + (c.length ? 1 : 0)));
  fc.assert(
    fc.property(date, (s) => {
      const got = parseHttpDate(s);
      assert.ok(got !== undefined, s);
      assert.is(got, httpDateByPattern(s), s);
    }),
    runs,
  );
  fc.assert(fc.property(mutated, (s) => assert.is(parseHttpDate(s), httpDateByPattern(s), JSON.stringify(s))), { numRuns: 5000 });
  assert.is(retryAfterMs('120', 0), 120000);
  assert.is(retryAfterMs('12a', 0), undefined);
});

test('a GS1 expiry (YYMMDD, DD 00 = the month\'s last day) lands on the day Date.UTC gives', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 31 }), (yy, mm, dd) => {
      const year = yy < 50 ? 2000 + yy : 1900 + yy;
      const last = new Date(Date.UTC(year, mm, 0)).getUTCDate();
      if (dd > last) return;
      const s = [yy, mm, dd].map((n) => String(n).padStart(2, '0')).join('');
      assert.is(expiryLastDay(s), Date.UTC(year, mm - 1, dd === 0 ? last : dd) / 86400000, s);
    }),
    runs,
  );
});

test.run();
