import fc from 'fast-check';
import { keyFiguresFromAccounts, scoreAccounts } from '#shared/domain/risk/accounts.ts';
import { RiskAssessment } from '#shared/domain/risk/assessment.ts';
import { DEFAULT_BANDS, RiskBands, riskClassOf } from '#shared/domain/risk/bands.ts';
import {
  assessRisk,
  assessRiskFast,
  MAX_REASONS,
  RISK_MODEL_ID,
  RISK_TERMS,
} from '#shared/domain/risk/model.ts';
import { type PaymentExperience, paydexFromDaysBeyondTerms } from '#shared/domain/risk/paydex.ts';
import {
  type AnnualAccounts,
  type CollectionCase,
  emptySnapshot,
  type PaymentRemark,
  type Snapshot,
  SubjectState,
} from '#shared/domain/snapshot.ts';

const TODAY = '2026-11-01';
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

function business(edit: (s: Snapshot) => void = () => {}): Snapshot {
  const snapshot = emptySnapshot({ subjectId: 'b-1', kind: 'business', country: 'NO' });
  edit(snapshot);
  return snapshot;
}

function individual(edit: (s: Snapshot) => void = () => {}): Snapshot {
  const snapshot = emptySnapshot({ subjectId: 'p-1', kind: 'individual', country: 'NO' });
  snapshot.addresses.home = {
    lines: ['Street 1'],
    postalCode: '0150',
    city: 'Oslo',
    country: 'NO',
    municipality: null,
  };
  edit(snapshot);
  return snapshot;
}

function remark(id: string, registeredOn: string, resolvedOn: string | null = null): PaymentRemark {
  return { id, kind: 'unpaid-invoice', amount: null, registeredOn, resolvedOn };
}

const healthyAccounts: AnnualAccounts = {
  periodStart: '2025-01-01',
  periodEnd: '2025-12-31',
  currency: 'NOK',
  revenue: 10_000,
  previousRevenue: 9_000,
  operatingResult: 900,
  resultBeforeTax: 850,
  netResult: 650,
  totalAssets: 8_000,
  currentAssets: 4_000,
  shortTermLiabilities: 2_000,
  totalLiabilities: 3_500,
  equity: 4_500,
  retainedEarnings: 3_000,
};

const distressedAccounts: AnnualAccounts = {
  ...healthyAccounts,
  revenue: 6_000,
  operatingResult: -900,
  netResult: -1_200,
  currentAssets: 1_000,
  shortTermLiabilities: 5_000,
  totalLiabilities: 9_000,
  equity: -1_000,
  retainedEarnings: -2_500,
};

function experience(
  dbt: number,
  extraMax = 0,
  overrides: Partial<PaymentExperience> = {},
): PaymentExperience {
  return {
    invoices: 12,
    paidInvoices: 10,
    openOverdue: 2,
    weightedDaysBeyondTerms: dbt,
    paydex: paydexFromDaysBeyondTerms(dbt),
    paydexTrend: null,
    maxDaysBeyondTerms: dbt + extraMax,
    asOf: TODAY,
    ...overrides,
  };
}

const isoDate = fc
  .integer({ min: 0, max: 5 * 365 })
  .map((back) => new Date(Date.parse(TODAY) - back * 86_400_000).toISOString().slice(0, 10));

const remarkArb = fc.record({
  id: fc.uuid(),
  kind: fc.constantFrom('unpaid-invoice', 'court-judgment'),
  amount: fc.constant(null),
  registeredOn: isoDate,
  resolvedOn: fc.option(isoDate, { nil: null }),
});

const collectionArb: fc.Arbitrary<CollectionCase> = fc.record({
  id: fc.uuid(),
  amount: fc.constant(null),
  openedOn: isoDate,
  closedOn: fc.option(isoDate, { nil: null }),
});

const figure = fc.option(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { nil: null });

const accountsArb: fc.Arbitrary<AnnualAccounts | null> = fc.option(
  fc.record({
    periodStart: fc.constant(null),
    periodEnd: fc.constantFrom('2024-12-31', '2025-12-31', '2027-12-31'),
    currency: fc.constant('NOK'),
    revenue: figure,
    previousRevenue: figure,
    operatingResult: figure,
    resultBeforeTax: figure,
    netResult: figure,
    totalAssets: figure,
    currentAssets: figure,
    shortTermLiabilities: figure,
    totalLiabilities: figure,
    equity: figure,
    retainedEarnings: figure,
  }),
  { nil: null },
);

const snapshotArb: fc.Arbitrary<Snapshot> = fc
  .record({
    kind: fc.constantFrom('business' as const, 'individual' as const),
    state: fc.constantFrom(...SubjectState.options),
    proceedings: fc.array(
      fc.record({
        kind: fc.constantFrom('bankruptcy' as const, 'restructuring' as const, 'administration' as const),
        since: fc.constant(null),
      }),
      { maxLength: 2 },
    ),
    addressProtected: fc.boolean(),
    foundedOn: fc.option(isoDate, { nil: null }),
    employees: fc.option(fc.nat(500), { nil: null }),
    accounts: accountsArb,
    overdue: fc.boolean(),
    remarks: fc.array(remarkArb, { maxLength: 6 }),
    collections: fc.array(collectionArb, { maxLength: 4 }),
    debt: fc.array(fc.double({ min: 0, max: 1e8, noNaN: true }), { maxLength: 3 }),
    score: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }),
  })
  .map((r) => {
    const s = emptySnapshot({ subjectId: 's-1', kind: r.kind, country: 'NO' });
    s.status = {
      state: r.state,
      since: null,
      proceedings: r.proceedings,
      addressProtected: r.addressProtected,
    };
    s.identity.foundedOn = r.foundedOn;
    s.employees = r.employees;
    s.accounts = r.kind === 'business' ? r.accounts : null;
    s.accountsFiling = { lastPeriodEnd: null, nextDue: null, overdue: r.overdue };
    s.credit.paymentRemarks = r.remarks;
    s.credit.collectionCases = r.collections;
    s.credit.debtRegister = r.debt.map((amount, i) => ({
      id: `d${i}`,
      kind: 'unsecured-loan',
      amount: { amount, currency: 'NOK' },
      registeredOn: null,
    }));
    s.credit.score = r.score;
    return s;
  });

const experienceArb = fc.option(
  fc.record({
    dbt: fc.double({ min: -40, max: 300, noNaN: true }),
    extra: fc.double({ min: 0, max: 100, noNaN: true }),
    trend: fc.option(fc.double({ min: -60, max: 60, noNaN: true }), { nil: null }),
  }),
  { nil: null },
);

const TERMINAL = [
  'bankruptcy',
  'liquidation',
  'forced-dissolution',
  'dissolved',
  'removed',
  'emigrated',
  'deceased',
];
const isTerminal = (s: Snapshot) =>
  TERMINAL.includes(s.status.state) || s.status.proceedings.some((p) => p.kind === 'bankruptcy');

describe('assessRisk', () => {
  it('gives a business without accounts the prior by age and an INSUFFICIENT_DATA reason', () => {
    // Prepare
    const snapshot = business((s) => {
      s.identity.foundedOn = '2006-11-01';
    });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(RiskAssessment.parse(assessment)).toEqual(assessment);
    expect(assessment.model).toBe(RISK_MODEL_ID);
    expect(assessment.pd).toBeCloseTo(logistic(RISK_TERMS.businessPrior - 0.3), 6);
    expect(assessment.class).toBe('B');
    expect(assessment.reasons.map((r) => r.code)).toEqual(['INSUFFICIENT_DATA', 'COMPANY_ESTABLISHED']);
  });

  it('explains unresolved payment remarks in plain language', () => {
    // Prepare
    const snapshot = business((s) => {
      s.credit.paymentRemarks = [
        remark('r1', '2026-03-01'),
        remark('r2', '2026-06-01'),
        remark('r3', '2026-09-01'),
        remark('r4', '2023-01-01', '2023-06-01'),
      ];
    });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(assessment.reasons[0]).toEqual({
      code: 'PAYMENT_REMARKS_UNRESOLVED',
      text: '3 unresolved payment remarks in the last 12 months.',
      contribution: Math.round((1.4 * Math.log(4) + 0.6 * Math.log(4)) * 1000) / 1000,
    });
    expect(assessment.class).toBe('D');
  });

  it.each(['bankruptcy', 'liquidation', 'forced-dissolution', 'dissolved', 'removed'] as const)(
    'puts a business whose status is %s in class D with PD ≥ 0.5 and a status reason first',
    (state) => {
      // Prepare
      const snapshot = business((s) => {
        s.status.state = state;
        s.accounts = healthyAccounts;
        s.identity.foundedOn = '1990-01-01';
        s.credit.score = 95;
      });
      // Act
      const assessment = assessRisk({ snapshot, paymentExperience: experience(-10), today: TODAY });
      // Assess
      expect(assessment.class).toBe('D');
      expect(assessment.pd).toBeGreaterThanOrEqual(0.5);
      expect(assessment.reasons[0]?.code).toBe(`STATUS_${state.toUpperCase().replace(/-/g, '_')}`);
    },
  );

  it('treats an open bankruptcy proceeding like a bankrupt status', () => {
    // Prepare
    const snapshot = business((s) => {
      s.status.proceedings = [{ kind: 'bankruptcy', since: '2026-10-01' }];
    });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(assessment).toMatchObject({ class: 'D', pd: 0.99 });
    expect(assessment.reasons[0]?.code).toBe('STATUS_BANKRUPTCY');
  });

  it.each([
    ['negative total assets', { totalAssets: -100 }, 'total assets are negative'],
    ['zero liabilities', { totalLiabilities: 0 }, 'total liabilities are reported as zero'],
    ['a period in the future', { periodEnd: '2027-06-30' }, 'ends in the future'],
    ['a balance sheet that does not balance', { equity: 100 }, 'do not add up'],
  ])('scores accounts with %s as INSUFFICIENT_DATA with a finite PD', (_, edit, why) => {
    // Prepare
    const snapshot = business((s) => {
      s.accounts = { ...healthyAccounts, ...edit };
    });
    const withoutAccounts = assessRisk({ snapshot: business(), paymentExperience: null, today: TODAY });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    const reason = assessment.reasons.find((r) => r.code === 'INSUFFICIENT_DATA');
    expect(reason?.text).toContain(why);
    expect(Number.isFinite(assessment.pd)).toBe(true);
    expect(assessment.pd).toBe(withoutAccounts.pd);
  });

  it('starts a business with usable accounts from the accounts model', () => {
    // Prepare
    const snapshot = business((s) => {
      s.accounts = healthyAccounts;
    });
    const accounts = scoreAccounts(keyFiguresFromAccounts(healthyAccounts));
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(accounts.insufficientData).toBe(false);
    expect(assessment.pd).toBeCloseTo(accounts.pd ?? Number.NaN, 12);
    expect(assessment.reasons.some((r) => r.code === 'INSUFFICIENT_DATA')).toBe(false);
  });

  it('never rates distressed accounts (negative equity, losses) safer than healthy ones', () => {
    // Prepare
    const healthy = business((s) => {
      s.accounts = healthyAccounts;
    });
    const distressed = business((s) => {
      s.accounts = distressedAccounts;
    });
    // Act
    const a = assessRisk({ snapshot: healthy, paymentExperience: null, today: TODAY });
    const b = assessRisk({ snapshot: distressed, paymentExperience: null, today: TODAY });
    // Assess
    expect(b.pd).toBeGreaterThanOrEqual(a.pd);
  });

  it('adds overdue accounts and young age as reasons', () => {
    // Prepare
    const snapshot = business((s) => {
      s.identity.foundedOn = '2026-05-01';
      s.accountsFiling = { lastPeriodEnd: null, nextDue: '2026-07-31', overdue: true };
    });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(assessment.reasons.slice(0, 2)).toEqual([
      {
        code: 'ACCOUNTS_OVERDUE',
        text: 'The annual accounts are overdue (due 2026-07-31).',
        contribution: 1.1,
      },
      expect.objectContaining({ code: 'COMPANY_YOUNG', text: expect.stringContaining('6 months ago') }),
    ]);
  });

  it('rates a clean individual A and an individual with remarks, collections and debt worse', () => {
    // Prepare
    const clean = individual();
    const troubled = individual((s) => {
      s.credit.paymentRemarks = [remark('r1', '2026-08-01')];
      s.credit.collectionCases = [{ id: 'c1', amount: null, openedOn: '2026-09-01', closedOn: null }];
      s.credit.debtRegister = [
        { id: 'd1', kind: 'credit-card', amount: { amount: 250_000, currency: 'NOK' }, registeredOn: null },
      ];
    });
    // Act
    const a = assessRisk({ snapshot: clean, paymentExperience: null, today: TODAY });
    const b = assessRisk({ snapshot: troubled, paymentExperience: null, today: TODAY });
    // Assess
    expect(a).toMatchObject({ class: 'A', reasons: [] });
    expect(b.class).toBe('C');
    expect(b.reasons.map((r) => r.code)).toEqual([
      'PAYMENT_REMARKS_UNRESOLVED',
      'COLLECTION_CASES_OPEN',
      'DEBT_REGISTER',
    ]);
    expect(b.reasons[2]?.text).toBe('250,000 NOK in the debt register (1 entry).');
  });

  it.each(['emigrated', 'deceased'] as const)('puts an individual who has %s in class D', (state) => {
    // Prepare
    const snapshot = individual((s) => {
      s.status.state = state;
    });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: null, today: TODAY });
    // Assess
    expect(assessment.class).toBe('D');
    expect(assessment.pd).toBeGreaterThanOrEqual(0.5);
    expect(assessment.reasons[0]?.code).toBe(`STATUS_${state.toUpperCase()}`);
  });

  it('adds terms for a protected or unknown address of an individual', () => {
    // Prepare
    const protectedAddress = individual((s) => {
      s.status.addressProtected = true;
      s.addresses.home = null;
    });
    const noAddress = individual((s) => {
      s.addresses.home = null;
    });
    // Act
    const a = assessRisk({ snapshot: protectedAddress, paymentExperience: null, today: TODAY });
    const b = assessRisk({ snapshot: noAddress, paymentExperience: null, today: TODAY });
    // Assess
    expect(a.reasons.map((r) => r.code)).toEqual(['ADDRESS_PROTECTED']);
    expect(a.class).toBe('A');
    expect(b.reasons.map((r) => r.code)).toEqual(['ADDRESS_UNKNOWN']);
  });

  it("reads the company's own payment experience: PAYDEX, trend and the worst delay", () => {
    // Prepare
    const snapshot = business();
    const slow = experience(45, 50, { paydexTrend: -12 });
    // Act
    const assessment = assessRisk({ snapshot, paymentExperience: slow, today: TODAY });
    // Assess
    expect(assessment.reasons.slice(0, 3).map((r) => [r.code, r.text])).toEqual([
      ['PAYMENT_EXPERIENCE_SLOW', 'Pays our invoices 45 days beyond terms on average (PAYDEX 45).'],
      ['PAYDEX_TREND_WORSENING', 'PAYDEX fell 12 points in the last 90 days.'],
      ['PAYMENT_SEVERE_DELAY', 'One of our invoices was 95 days beyond terms.'],
    ]);
  });

  it('blends the bureau score in without letting it dominate', () => {
    // Prepare
    const best = business((s) => {
      s.credit.score = 100;
      s.credit.paymentRemarks = [remark('r1', '2026-08-01'), remark('r2', '2026-09-01')];
    });
    const worst = business((s) => {
      s.credit.score = 0;
    });
    // Act
    const a = assessRisk({ snapshot: best, paymentExperience: null, today: TODAY });
    const b = assessRisk({ snapshot: worst, paymentExperience: null, today: TODAY });
    // Assess: a perfect score cannot rescue two fresh remarks, a zero score alone is not D.
    expect(['C', 'D']).toContain(a.class);
    expect(b.class).not.toBe('D');
    expect(b.reasons.find((r) => r.code === 'BUREAU_SCORE')?.text).toBe(
      'The credit bureau scores the subject 0 of 100 (below average).',
    );
  });

  it('rejects a today that is not a date', () => {
    // Prepare / Act / Assess
    expect(() => assessRisk({ snapshot: business(), paymentExperience: null, today: '2026-02-30' })).toThrow(
      /today: not a calendar date/,
    );
  });

  describe('properties', () => {
    const withExperience = (e: { dbt: number; extra: number; trend: number | null } | null) =>
      e === null ? null : experience(e.dbt, e.extra, { paydexTrend: e.trend });

    it('always gives a finite PD in [0, 1], at most five reasons sorted by contribution, and the class of its band', () => {
      fc.assert(
        fc.property(
          snapshotArb,
          experienceArb,
          fc.constantFrom(DEFAULT_BANDS, RiskBands.parse({ b: 0.01, c: 0.05, d: 0.2 })),
          (snapshot, e, bands) => {
            // Act
            const assessment = assessRisk({
              snapshot,
              paymentExperience: withExperience(e),
              today: TODAY,
              bands,
            });
            // Assess
            expect(Number.isFinite(assessment.pd)).toBe(true);
            expect(assessment.pd).toBeGreaterThanOrEqual(0);
            expect(assessment.pd).toBeLessThanOrEqual(1);
            expect(assessment.reasons.length).toBeLessThanOrEqual(MAX_REASONS);
            for (const r of assessment.reasons) expect(Number.isFinite(r.contribution)).toBe(true);
            const contributions = assessment.reasons.map((r) => r.contribution);
            expect(contributions).toEqual([...contributions].sort((x, y) => y - x));
            expect(assessment.class).toBe(
              riskClassOf(assessment.pd, { insolvent: isTerminal(snapshot), bands }),
            );
            if (isTerminal(snapshot)) expect(assessment.pd).toBeGreaterThanOrEqual(0.5);
          },
        ),
      );
    });

    it('assessRiskFast gives the same PD and class as assessRisk', () => {
      fc.assert(
        fc.property(snapshotArb, experienceArb, (snapshot, e) => {
          // Prepare
          const input = { snapshot, paymentExperience: withExperience(e), today: TODAY };
          // Act
          const full = assessRisk(input);
          const fast = assessRiskFast(input);
          // Assess
          expect(fast.pd).toBeCloseTo(full.pd, 9);
          if (Math.abs(fast.pd - full.pd) < 1e-12) expect(fast.class).toBe(full.class);
        }),
      );
    });

    it('assessRiskFast scores real-looking accounts exactly like the accounts model', () => {
      // Prepare
      const snapshot = business((s) => {
        s.accounts = distressedAccounts;
      });
      // Act
      const fast = assessRiskFast({ snapshot, paymentExperience: null, today: TODAY });
      // Assess
      expect(fast.pd).toBeCloseTo(
        scoreAccounts(keyFiguresFromAccounts(distressedAccounts)).pd ?? Number.NaN,
        12,
      );
    });

    it('never lowers the PD for one more unresolved payment remark', () => {
      fc.assert(
        fc.property(snapshotArb, experienceArb, isoDate, (snapshot, e, registeredOn) => {
          // Prepare
          const more = structuredClone(snapshot);
          more.credit.paymentRemarks.push(remark('extra', registeredOn));
          // Act
          const before = assessRisk({ snapshot, paymentExperience: withExperience(e), today: TODAY });
          const after = assessRisk({ snapshot: more, paymentExperience: withExperience(e), today: TODAY });
          // Assess
          expect(after.pd).toBeGreaterThanOrEqual(before.pd);
        }),
      );
    });

    it('never lowers the PD for one more open collection case', () => {
      fc.assert(
        fc.property(snapshotArb, experienceArb, isoDate, (snapshot, e, openedOn) => {
          // Prepare
          const more = structuredClone(snapshot);
          more.credit.collectionCases.push({ id: 'extra', amount: null, openedOn, closedOn: null });
          // Act
          const before = assessRisk({ snapshot, paymentExperience: withExperience(e), today: TODAY });
          const after = assessRisk({ snapshot: more, paymentExperience: withExperience(e), today: TODAY });
          // Assess
          expect(after.pd).toBeGreaterThanOrEqual(before.pd);
        }),
      );
    });

    it('never lowers the PD for more days beyond terms', () => {
      fc.assert(
        fc.property(
          snapshotArb,
          fc.double({ min: -40, max: 300, noNaN: true }),
          fc.double({ min: 0, max: 200, noNaN: true }),
          fc.double({ min: 0, max: 100, noNaN: true }),
          fc.option(fc.double({ min: -60, max: 60, noNaN: true }), { nil: null }),
          (snapshot, dbt, more, extra, trend) => {
            // Act
            const before = assessRisk({
              snapshot,
              paymentExperience: experience(dbt, extra, { paydexTrend: trend }),
              today: TODAY,
            });
            const after = assessRisk({
              snapshot,
              paymentExperience: experience(dbt + more, extra, { paydexTrend: trend }),
              today: TODAY,
            });
            // Assess
            expect(after.pd).toBeGreaterThanOrEqual(before.pd);
          },
        ),
      );
    });
  });
});
