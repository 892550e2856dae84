/** Calendar arithmetic on `YYYY-MM-DD` strings in UTC: simulated days have no time zone. */

const DAY_MS = 86_400_000;

/**
 * The date `days` after `date`.
 *
 * @example
 * addDays('2026-01-30', 3); // '2026-02-02'
 */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const epochDays = new Map<string, number>();

/**
 * Days since 1970-01-01. Memoized: a year-long run asks for the same few thousand dates millions of times.
 *
 * @example
 * epochDay('1970-01-02'); // 1
 */
export function epochDay(date: string): number {
  let day = epochDays.get(date);
  if (day === undefined) {
    day = Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    if (epochDays.size > 100_000) epochDays.clear();
    epochDays.set(date, day);
  }
  return day;
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier).
 *
 * @example
 * daysBetween('2026-01-01', '2026-03-01'); // 59
 */
export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

/**
 * Throws unless `date` is a real calendar date written as `YYYY-MM-DD`.
 *
 * @example
 * assertIsoDate('2026-02-30', 'startDate'); // throws: startDate: not a calendar date
 */
export function assertIsoDate(date: string, field: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || addDays(date, 0) !== date) {
    throw new Error(`${field}: '${date}' is not a calendar date as YYYY-MM-DD`);
  }
}
