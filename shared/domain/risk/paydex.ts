/**
 * PAYDEX from the company's own accounts-receivable ledger: how promptly a customer pays its invoices
 * to us, on the 1–100 scale credit controllers know from Dun & Bradstreet (80 = pays on the due date).
 */
import { z } from 'zod';
import { IsoDate } from '../snapshot.ts';

/**
 * Days beyond terms at or below which a payer counts as anticipating (PAYDEX 100). D&B's scale
 * has 100 = anticipates and 90 = takes the discount, without fixing days; 20 days early keeps the
 * early side on the same slope as the first 15 days late (≈ 1 point per day), so 10 days early is 90.
 */
export const ANTICIPATION_DAYS = 20;

/** The published PAYDEX points (days beyond terms → score); linear in between. */
export const PAYDEX_POINTS: readonly (readonly [dbt: number, paydex: number])[] = [
  [-ANTICIPATION_DAYS, 100],
  [0, 80],
  [15, 70],
  [22, 60],
  [30, 50],
  [60, 40],
  [90, 30],
  [120, 20],
];

/** Beyond 120 days the 90→120 slope continues down to D&B's floor of 1 (reached at 177 days). */
const TAIL_SLOPE = 10 / 30;
const PAYDEX_FLOOR = 1;

/**
 * Maps days beyond terms (negative = paid early) to a PAYDEX score: exactly the table's points,
 * linear in between, 100 for {@link ANTICIPATION_DAYS} or more days early, below 20 beyond 120 days
 * and never below 1. Non-increasing in `dbt`.
 *
 * @example
 * paydexFromDaysBeyondTerms(0); // 80
 * paydexFromDaysBeyondTerms(30); // 50
 * paydexFromDaysBeyondTerms(45); // 45
 * paydexFromDaysBeyondTerms(-10); // 90
 */
export function paydexFromDaysBeyondTerms(dbt: number): number {
  if (Number.isNaN(dbt)) throw new RangeError('days beyond terms must be a number');
  const first = PAYDEX_POINTS[0];
  const last = PAYDEX_POINTS[PAYDEX_POINTS.length - 1];
  if (first === undefined || last === undefined) return PAYDEX_FLOOR;
  if (dbt <= first[0]) return first[1];
  if (dbt > last[0]) return Math.max(PAYDEX_FLOOR, last[1] - (dbt - last[0]) * TAIL_SLOPE);
  for (let i = 1; i < PAYDEX_POINTS.length; i++) {
    const upper = PAYDEX_POINTS[i];
    const lower = PAYDEX_POINTS[i - 1];
    if (upper === undefined || lower === undefined) break;
    if (dbt <= upper[0]) {
      const t = (dbt - lower[0]) / (upper[0] - lower[0]);
      return lower[1] + t * (upper[1] - lower[1]);
    }
  }
  return last[1];
}

/**
 * How a customer pays the company, derived from the AR ledger (see shared/domain/ledger.ts).
 * Every figure covers the 12 months before `asOf`; see docs/risk-policy.md for the exact rules.
 */
export const PaymentExperience = z.object({
  /** Invoices issued on or before `asOf`. */
  invoices: z.number().int().nonnegative(),
  /** Of those, paid on or before `asOf`. */
  paidInvoices: z.number().int().nonnegative(),
  /** Open (or short-paid) invoices past their due date at `asOf`. */
  openOverdue: z.number().int().nonnegative(),
  /** Amount-weighted mean days beyond terms over paid and open overdue invoices; null without any. */
  weightedDaysBeyondTerms: z.number().nullable(),
  /** Amount-weighted mean of each experience's PAYDEX, 1–100; null without any experience. */
  paydex: z.number().min(1).max(100).nullable(),
  /** PAYDEX of the last 90 days minus that of the 90 days before; null unless both have experiences. */
  paydexTrend: z.number().nullable(),
  /** The worst single delay, in days beyond terms. */
  maxDaysBeyondTerms: z.number().nullable(),
  asOf: IsoDate,
});
export type PaymentExperience = z.infer<typeof PaymentExperience>;

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date, or NaN when it is not a real calendar date.
 * Hand-rolled (Hinnant's days-from-civil) because the risk model's hot path calls it per remark and
 * `Date.parse` both allocates and accepts more than ISO dates.
 *
 * @example
 * epochDay('1970-01-02'); // 1
 * epochDay('2026-02-30'); // NaN
 */
export function epochDay(isoDate: string): number {
  if (isoDate.length !== 10 || isoDate.charCodeAt(4) !== 45 || isoDate.charCodeAt(7) !== 45)
    return Number.NaN;
  const y = digits(isoDate, 0, 4);
  const m = digits(isoDate, 5, 7);
  const d = digits(isoDate, 8, 10);
  // Written as a negation so that NaN from a non-digit fails every comparison and is rejected.
  if (!(y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m))) return Number.NaN;
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    value = value * 10 + c;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
