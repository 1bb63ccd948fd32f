/**
 * UTC calendar arithmetic without `Date.UTC`, which Espruino lacks. Proleptic Gregorian, any year from 1 on.
 */

/** Days since 1970-01-01 of the UTC date year-month-day (month 1..12). The month's day may run over (32 = next). */
export function utcDay(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: years start in March, so the leap day is the last day of the year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Days in `month` (1..12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Milliseconds since the epoch of a UTC date and time (month 1..12), as `Date.UTC(year, month - 1, …)` gives. */
export function utcMs(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): number {
  return ((utcDay(year, month, day) * 24 + hours) * 60 + minutes) * 60000 + seconds * 1000;
}
