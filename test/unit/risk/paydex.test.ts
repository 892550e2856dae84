import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  type LedgerRow,
  mergeLedgerRows,
  parseLedgerCsv,
  parseLedgerJson,
  paymentExperienceByCustomer,
  validateLedgerRecords,
} from '#shared/domain/ledger.ts';
import { epochDay, PaymentExperience, paydexFromDaysBeyondTerms } from '#shared/domain/risk/paydex.ts';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'ledger');
const HEADER = 'customerId,invoiceId,issueDate,dueDate,amount,currency,paidDate,paidAmount';

function row(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    customerId: 'c-1',
    invoiceId: 'i-1',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
    amount: 1000,
    currency: 'NOK',
    paidDate: null,
    paidAmount: null,
    ...overrides,
  };
}

describe('paydexFromDaysBeyondTerms', () => {
  it.each([
    [-20, 100],
    [-45, 100],
    [0, 80],
    [15, 70],
    [22, 60],
    [30, 50],
    [60, 40],
    [90, 30],
    [120, 20],
  ])('maps %d days beyond terms to exactly %d (the PAYDEX table)', (dbt, expected) => {
    // Prepare / Act
    const paydex = paydexFromDaysBeyondTerms(dbt);
    // Assess
    expect(paydex).toBe(expected);
  });

  it('is linear between the table points and anticipation maps 10 days early to 90', () => {
    // Prepare / Act / Assess
    expect(paydexFromDaysBeyondTerms(45)).toBe(45);
    expect(paydexFromDaysBeyondTerms(-10)).toBe(90);
    expect(paydexFromDaysBeyondTerms(26)).toBe(55);
  });

  it('is below 20 beyond 120 days and never below 1', () => {
    // Prepare / Act / Assess
    expect(paydexFromDaysBeyondTerms(121)).toBeLessThan(20);
    expect(paydexFromDaysBeyondTerms(150)).toBe(10);
    expect(paydexFromDaysBeyondTerms(10_000)).toBe(1);
  });

  it('never rises with more days beyond terms and stays within 1..100', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -400, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (dbt, more) => {
          // Prepare / Act
          const earlier = paydexFromDaysBeyondTerms(dbt);
          const later = paydexFromDaysBeyondTerms(dbt + more);
          // Assess
          expect(later).toBeLessThanOrEqual(earlier);
          expect(later).toBeGreaterThanOrEqual(1);
          expect(earlier).toBeLessThanOrEqual(100);
        },
      ),
    );
  });
});

describe('epochDay', () => {
  it('counts days from 1970-01-01 and rejects impossible dates', () => {
    // Prepare / Act / Assess
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('2026-03-01') - epochDay('2026-02-28')).toBe(1);
    expect(epochDay('2024-03-01') - epochDay('2024-02-28')).toBe(2);
    expect(epochDay('2026-02-29')).toBeNaN();
    expect(epochDay('2026-13-01')).toBeNaN();
    expect(epochDay('2026-1-01')).toBeNaN();
    expect(epochDay('2026-0a-01')).toBeNaN();
  });

  it('agrees with Date.UTC', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }),
        (date) => {
          // Prepare
          const iso = date.toISOString().slice(0, 10);
          // Act / Assess
          expect(epochDay(iso)).toBe(Math.floor(Date.parse(iso) / 86_400_000));
        },
      ),
    );
  });
});

describe('ledger parsing', () => {
  it('rejects bad dates, negative amounts, missing columns and duplicate invoices with their lines', () => {
    // Prepare
    const csv = readFileSync(join(fixtures, 'ar-ledger.csv'), 'utf8');
    // Act
    const { rows, rejected } = parseLedgerCsv(csv);
    // Assess
    expect(rows.map((r) => r.invoiceId)).toEqual(['INV-1001', 'S-1', 'S-2', 'S-3']);
    expect(rejected).toEqual([
      { line: 3, reason: "paidDate: not a calendar date (expected YYYY-MM-DD), got '2026-02-30'" },
      { line: 4, reason: "amount: must be a number greater than 0, got '-500'" },
      { line: 5, reason: 'dueDate: missing' },
      { line: 6, reason: 'invoiceId: duplicate of line 2 for the same customerId' },
    ]);
  });

  it('rejects a file whose header lacks a required column as line 1', () => {
    // Prepare
    const csv = 'customerId,invoiceId,issueDate,amount,currency\nc-1,i-1,2026-01-01,100,NOK\n';
    // Act
    const result = parseLedgerCsv(csv);
    // Assess
    expect(result).toEqual({ rows: [], rejected: [{ line: 1, reason: 'header: missing column dueDate' }] });
  });

  it('reads quoted fields across lines and keeps the line each row starts on', () => {
    // Prepare
    const csv = `${HEADER},note\r\nc-1,i-1,2026-01-01,2026-01-31,100,NOK,,,"two\nlines"\r\nc-1,i-2,2026-01-01,2026-01-31,abc,NOK,,,\r\n`;
    // Act
    const result = parseLedgerCsv(csv);
    // Assess
    expect(result.rows).toHaveLength(1);
    expect(result.rejected).toEqual([
      { line: 4, reason: "amount: not a number (use a decimal point, no thousands separator), got 'abc'" },
    ]);
  });

  it('rejects a paid amount without a paid date, a due date before the issue date and a bad currency', () => {
    // Prepare
    const records = [
      { line: 2, values: { ...row(), paidAmount: '50' } },
      { line: 3, values: { ...row({ invoiceId: 'i-2' }), dueDate: '2025-12-01' } },
      { line: 4, values: { ...row({ invoiceId: 'i-3' }), currency: 'kr' } },
    ];
    // Act
    const { rows, rejected } = validateLedgerRecords(records);
    // Assess
    expect(rows).toEqual([]);
    expect(rejected).toEqual([
      { line: 2, reason: 'paidDate: required when paidAmount is set' },
      { line: 3, reason: 'dueDate: 2025-12-01 is before issueDate 2026-01-01' },
      { line: 4, reason: "currency: expected a three-letter ISO 4217 code, got 'kr'" },
    ]);
  });

  it('gives JSON rows the line their object starts on', () => {
    // Prepare
    const json = readFileSync(join(fixtures, 'ar-ledger.json'), 'utf8');
    // Act
    const { rows, rejected } = parseLedgerJson(json);
    // Assess
    expect(rows.map((r) => r.invoiceId)).toEqual(['INV-2001']);
    expect(rejected).toEqual([
      { line: 12, reason: 'dueDate: 2026-03-01 is before issueDate 2026-04-01' },
      { line: 22, reason: "currency: expected a three-letter ISO 4217 code, got 'nok'" },
    ]);
  });

  it('rejects JSON that is not a list of invoices', () => {
    // Prepare / Act / Assess
    expect(parseLedgerJson('{"rows": []}').rejected[0]?.line).toBe(1);
    expect(parseLedgerJson('[1').rejected[0]?.reason).toMatch(/^file: not valid JSON/);
    expect(parseLedgerJson('{"invoices": [7]}').rejected).toEqual([
      { line: 1, reason: 'row: expected an object' },
    ]);
  });

  it('re-importing an invoice replaces it: merging is idempotent by customer and invoice id', () => {
    // Prepare
    const open = row();
    const paid = row({ paidDate: '2026-02-05' });
    // Act
    const once = mergeLedgerRows([open], [paid]);
    const twice = mergeLedgerRows(once, [paid]);
    // Assess
    expect(once).toEqual([paid]);
    expect(twice).toEqual([paid]);
  });
});

describe('paymentExperienceByCustomer', () => {
  it('computes amount-weighted days beyond terms, PAYDEX and its trend from the ledger', () => {
    // Prepare
    const { rows } = parseLedgerCsv(readFileSync(join(fixtures, 'ar-ledger.csv'), 'utf8'));
    // Act
    const experience = paymentExperienceByCustomer(rows, '2026-06-15');
    // Assess
    expect([...experience.keys()]).toEqual(['acme-no', 'slowpay-as']);
    expect(experience.get('acme-no')).toEqual({
      invoices: 1,
      paidInvoices: 1,
      openOverdue: 0,
      weightedDaysBeyondTerms: 0,
      paydex: 80,
      paydexTrend: null,
      maxDaysBeyondTerms: 0,
      asOf: '2026-06-15',
    });
    // S-1 paid 30 days late (5,000), S-2 open 45 days past due (15,000), S-3 not yet due.
    expect(experience.get('slowpay-as')).toEqual({
      invoices: 3,
      paidInvoices: 1,
      openOverdue: 1,
      weightedDaysBeyondTerms: 41.25,
      paydex: 46.25,
      paydexTrend: -5,
      maxDaysBeyondTerms: 45,
      asOf: '2026-06-15',
    });
  });

  it('counts the unpaid rest of a short-paid invoice as open and ignores invoices issued later', () => {
    // Prepare
    const rows = [
      row({ paidDate: '2026-01-31', paidAmount: 600 }),
      row({ invoiceId: 'i-2', issueDate: '2026-03-10', dueDate: '2026-04-09' }),
    ];
    // Act
    const experience = paymentExperienceByCustomer(rows, '2026-03-02').get('c-1');
    // Assess
    expect(experience).toMatchObject({
      invoices: 1,
      paidInvoices: 1,
      openOverdue: 1,
      maxDaysBeyondTerms: 30,
    });
    // 600 at 0 days (80) and 400 at 30 days (50).
    expect(experience?.weightedDaysBeyondTerms).toBe(12);
    expect(experience?.paydex).toBe(68);
  });

  it('paying any invoice later never raises the PAYDEX and results are valid experiences', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            amount: fc.integer({ min: 1, max: 1_000_000 }),
            dueOffset: fc.integer({ min: 0, max: 90 }),
            paidOffset: fc.option(fc.integer({ min: -30, max: 200 }), { nil: null }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.nat(11),
        fc.integer({ min: 1, max: 60 }),
        (invoices, which, delay) => {
          // Prepare: every payment falls inside the 12-month window of 2026-09-30.
          const base = epochDay('2026-01-01');
          const iso = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
          const rows = invoices.map((inv, i) =>
            row({
              invoiceId: `i-${i}`,
              amount: inv.amount,
              dueDate: iso(base + inv.dueOffset),
              paidDate: inv.paidOffset === null ? null : iso(base + inv.dueOffset + inv.paidOffset),
            }),
          );
          const index = which % rows.length;
          const later = rows.map((r, i) =>
            i === index && r.paidDate !== null ? { ...r, paidDate: iso(epochDay(r.paidDate) + delay) } : r,
          );
          // Act
          const before = paymentExperienceByCustomer(rows, '2026-09-30').get('c-1')!;
          const after = paymentExperienceByCustomer(later, '2026-09-30').get('c-1')!;
          // Assess
          expect(PaymentExperience.parse(before)).toEqual(before);
          if (before.paydex !== null && after.paydex !== null) {
            expect(after.paydex).toBeLessThanOrEqual(before.paydex + 1e-9);
          }
        },
      ),
    );
  });
});
