/**
 * The company's own accounts-receivable ledger in the generated world: a year of invoices to the
 * monitored customers before day 0 and how each was paid. Payment behaviour follows the customer's
 * latent health as it was when the invoice fell due, plus a persistent "how much they prioritize us"
 * error and per-invoice noise, so the ledger is one more noisy, lagged view of the truth, like the
 * accounts and the bureau's score. It uses its own random stream per subject: adding the ledger
 * never changes the rest of the world.
 */
import { LEDGER_COLUMNS, type LedgerRecord } from '#shared/domain/ledger.ts';
import { addDays } from './calendar.ts';
import { HEALTH_DAILY_SD, type Subject } from './model.ts';
import { integer, mixSeed, mulberry32, normal } from './prng.ts';

/** Stream number of the ledger in {@link mixSeed}(seed, index, stream); 1 and 2 are the subjects'. */
const LEDGER_STREAM = 3;

/** The share of monitored customers the company invoiced in the last year. */
const TRADING_SHARE = 0.6;

/** Days of history before day 0. */
const HISTORY_DAYS = 365;

/** The world's health walk, run backwards a week at a time: one week is √7 days of it. */
const WEEKLY_HEALTH_SD = HEALTH_DAILY_SD * Math.sqrt(7);

/**
 * Mean days beyond terms at a given payment health: about 3 days late at the average health of 0.3,
 * three weeks late at −1, seven weeks late at −2, a few days early for the healthiest.
 */
function meanDaysBeyondTerms(payHealth: number): number {
  return 12 * Math.exp(-0.8 * payHealth) - 6;
}

/**
 * The AR ledger on day 0 (`startDate`) of a world: one record per invoice, values as strings the way
 * a CSV export holds them, lines numbered as in a CSV file with a header on line 1. Feed them to
 * `validateLedgerRecords` and `paymentExperienceByCustomer(rows, startDate)`.
 *
 * @example
 * const records = simulateArLedger(subjects, { seed: 1, startDate: '2026-07-15' });
 * records[0]?.values.customerId; // e.g. 'sim-00000'
 */
export function simulateArLedger(
  subjects: readonly Subject[],
  options: { readonly seed: number; readonly startDate: string },
): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  subjects.forEach((subject, index) => {
    const random = mulberry32(mixSeed(options.seed, index, LEDGER_STREAM));
    if (random() >= TRADING_SHARE) return;
    const business = subject.kind === 'business';
    // Health at each week before day 0: the world's random walk run backwards from today's health.
    const weeks = Math.ceil(HISTORY_DAYS / 7) + 1;
    const health = new Float64Array(weeks);
    health[0] = subject.health;
    for (let w = 1; w < weeks; w++) health[w] = (health[w - 1] ?? 0) + WEEKLY_HEALTH_SD * normal(random);
    const priority = 0.6 * normal(random);
    const invoices = business ? integer(random, 3, 14) : integer(random, 4, 12);
    const terms = subject.terms.paymentTermsDays;
    const typical = Math.max(500, subject.terms.creditLimit * (business ? 0.15 : 0.05));
    const currency = subject.credit.currency;
    for (let i = 0; i < invoices; i++) {
      const issuedAgo = integer(random, terms, HISTORY_DAYS);
      const issueDate = addDays(options.startDate, -issuedAgo);
      const dueAgo = issuedAgo - terms;
      const payHealth = (health[Math.min(weeks - 1, Math.floor(dueAgo / 7))] ?? 0) + priority;
      const mean = meanDaysBeyondTerms(payHealth);
      const dbt = Math.max(-terms, Math.round(mean + (3 + 0.3 * Math.abs(mean)) * normal(random)));
      const amount = Math.round(typical * Math.exp(0.5 * normal(random)) * 100) / 100;
      // Paid after day 0 means still open on day 0; the weakest leave a part unpaid for good.
      const paidAgo = dueAgo - dbt;
      const paid = paidAgo >= 0;
      const shortPaid = paid && payHealth < -1.5 && random() < 0.3;
      records.push({
        line: records.length + 2,
        values: {
          customerId: subject.id,
          invoiceId: `INV-${String(index).padStart(5, '0')}-${String(i + 1).padStart(2, '0')}`,
          issueDate,
          dueDate: addDays(issueDate, terms),
          amount: amount.toFixed(2),
          currency,
          paidDate: paid ? addDays(options.startDate, -paidAgo) : '',
          paidAmount: shortPaid ? (Math.round(amount * 50) / 100).toFixed(2) : '',
        },
      });
    }
  });
  return records;
}

/**
 * The records as a CSV file in the documented ledger columns, for `credmon ledger import`.
 *
 * @example
 * writeFileSync('ar-ledger.csv', ledgerCsv(world.arLedger?.() ?? []));
 */
export function ledgerCsv(records: readonly LedgerRecord[]): string {
  const lines = [LEDGER_COLUMNS.join(',')];
  for (const record of records)
    lines.push(LEDGER_COLUMNS.map((c) => String(record.values[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}
