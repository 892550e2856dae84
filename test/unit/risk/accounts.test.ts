import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  AccountsParams,
  altmanRatios,
  altmanZDoublePrime,
  FEATURE_NAMES,
  type KeyFigures,
  keyFiguresFromAccounts,
  loadAccountsParams,
  scoreAccounts,
} from '#shared/domain/risk/accounts.ts';
import { DEFAULT_ACCOUNTS_PARAMS } from '#shared/domain/risk/accounts-params.ts';
import { ConfigError } from '#shared/errors.ts';

const healthy: KeyFigures = {
  totalAssets: 1_000_000,
  currentAssets: 600_000,
  shortTermLiabilities: 200_000,
  totalLiabilities: 300_000,
  equity: 700_000,
  retainedEarnings: 500_000,
  operatingResult: 150_000,
  netResult: 120_000,
  revenue: 1_500_000,
  previousRevenue: 1_400_000,
};

const distressed: KeyFigures = {
  totalAssets: 1_000_000,
  currentAssets: 300_000,
  shortTermLiabilities: 700_000,
  totalLiabilities: 1_200_000,
  equity: -200_000,
  retainedEarnings: -400_000,
  operatingResult: -150_000,
  netResult: -180_000,
  revenue: 600_000,
  previousRevenue: 900_000,
};

const defaults = (): Record<string, unknown> =>
  structuredClone(DEFAULT_ACCOUNTS_PARAMS) as Record<string, unknown>;

describe('loadAccountsParams', () => {
  it('accepts the fitted default params', () => {
    // Prepare / Act
    const params = loadAccountsParams(defaults(), 'default');
    // Assess
    expect(Object.keys(params.coefficients).sort()).toEqual([...FEATURE_NAMES].sort());
  });

  it('rejects an unknown field, naming the source and the path', () => {
    // Prepare
    const params = defaults();
    (params.coefficients as Record<string, number>)['size.lo'] = 1;
    // Act / Assess
    expect(() => loadAccountsParams(params, 'models/x.json')).toThrow(ConfigError);
    expect(() => loadAccountsParams(params, 'models/x.json')).toThrow(
      /models\/x\.json.*coefficients.*size\.lo/,
    );
  });

  it('rejects a missing coefficient and a non-finite one, naming each path', () => {
    // Prepare
    const params = defaults();
    const coefficients = params.coefficients as Record<string, number>;
    delete coefficients['roa.lo'];
    coefficients['tlTa.hi'] = Number.POSITIVE_INFINITY;
    // Act
    const load = () => loadAccountsParams(params, 'p.json');
    // Assess
    expect(load).toThrow(/coefficients\.roa\.lo/);
    expect(load).toThrow(/coefficients\.tlTa\.hi/);
  });

  it('rejects a wrong model id and a top-level unknown field', () => {
    // Prepare
    const params = { ...defaults(), model: 'other/2', extra: true };
    // Act
    const load = () => loadAccountsParams(params, 'p.json');
    // Assess
    expect(load).toThrow(/model:/);
    expect(load).toThrow(/extra/);
  });
});

describe('scoreAccounts', () => {
  it('gives a distressed company a far higher PD than a healthy one, with reasons', () => {
    // Prepare / Act
    const good = scoreAccounts(healthy);
    const bad = scoreAccounts(distressed);
    // Assess
    expect(good.insufficientData).toBe(false);
    expect(bad.pd ?? 0).toBeGreaterThan(10 * (good.pd ?? 1));
    expect(bad.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['ACCOUNTS_NEGATIVE_EQUITY', 'ACCOUNTS_NET_LOSS']),
    );
    expect(bad.reasons.every((r) => r.text.length > 10)).toBe(true);
  });

  it('orders reasons by absolute contribution, and they add up to the log-odds', () => {
    // Prepare
    const reference = scoreAccounts(healthy);
    // Act
    const score = scoreAccounts(distressed);
    // Assess
    const sizes = score.reasons.map((r) => Math.abs(r.contribution));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const fromReasons = (s: typeof score) => s.reasons.reduce((sum, r) => sum + r.contribution, 0);
    const base = (reference.logOdds ?? 0) - fromReasons(reference);
    expect(base + fromReasons(score)).toBeCloseTo(score.logOdds ?? 0, 1);
  });

  it.each([
    ['zero total assets', { ...healthy, totalAssets: 0 }],
    ['negative total assets', { ...healthy, totalAssets: -5 }],
    ['missing total assets', { ...healthy, totalAssets: null }],
    ['NaN total assets', { ...healthy, totalAssets: Number.NaN }],
    ['infinite total assets', { ...healthy, totalAssets: Number.POSITIVE_INFINITY }],
    [
      'only two other figures',
      {
        ...Object.fromEntries(Object.keys(healthy).map((k) => [k, null])),
        totalAssets: 10,
        revenue: 5,
        equity: 2,
      },
    ],
  ])('marks %s as insufficient data', (_, figures) => {
    // Prepare / Act
    const score = scoreAccounts(figures as KeyFigures);
    // Assess
    expect(score).toEqual({
      pd: null,
      logOdds: null,
      insufficientData: true,
      reasons: [expect.objectContaining({ code: 'INSUFFICIENT_DATA', contribution: 0 })],
    });
  });

  it.each([
    ['huge ratios', { ...distressed, totalAssets: 1e-6 }],
    ['tiny ratios', { ...healthy, totalAssets: 1e15 }],
    ['negative liabilities', { ...healthy, totalLiabilities: -5e5, shortTermLiabilities: -1e5 }],
    ['non-finite figures', { ...healthy, equity: Number.NaN, netResult: Number.NEGATIVE_INFINITY }],
    ['no liabilities at all', { ...healthy, totalLiabilities: 0, shortTermLiabilities: 0 }],
    ['no revenue in either year', { ...healthy, revenue: 0, previousRevenue: 0 }],
    ['missing figures', { ...healthy, currentAssets: null, retainedEarnings: null, previousRevenue: null }],
  ])('returns a finite PD for %s', (_, figures) => {
    // Prepare / Act
    const score = scoreAccounts(figures);
    // Assess
    expect(score.insufficientData).toBe(false);
    expect(score.pd).toBeGreaterThan(0);
    expect(score.pd).toBeLessThan(1);
    expect(Number.isFinite(score.logOdds)).toBe(true);
    expect(score.reasons.every((r) => Number.isFinite(r.contribution))).toBe(true);
  });

  it('explains a missing revenue history', () => {
    // Prepare / Act
    const score = scoreAccounts({ ...healthy, previousRevenue: null });
    // Assess
    expect(score.reasons.map((r) => r.code)).toContain('ACCOUNTS_REVENUE_HISTORY_MISSING');
  });

  const amount = fc.oneof(
    fc.constant(null),
    fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0),
  );
  const anyFigures = fc.record(
    Object.fromEntries(Object.keys(healthy).map((k) => [k, amount])) as Record<
      keyof KeyFigures,
      typeof amount
    >,
  );

  it('never returns NaN or Infinity, and a PD only together with its log-odds', () => {
    fc.assert(
      fc.property(anyFigures, (figures) => {
        // Act
        const score = scoreAccounts(figures);
        // Assess
        if (score.pd === null) return score.insufficientData && score.logOdds === null;
        return (
          !score.insufficientData &&
          score.pd > 0 &&
          score.pd < 1 &&
          Number.isFinite(score.logOdds) &&
          score.reasons.every((r) => Number.isFinite(r.contribution))
        );
      }),
    );
  });

  const plausible = fc.record({
    totalAssets: fc.double({ min: 1e3, max: 1e9, noNaN: true }),
    currentAssets: fc.double({ min: 0, max: 1e9, noNaN: true }),
    shortTermLiabilities: fc.double({ min: 0, max: 1e9, noNaN: true }),
    totalLiabilities: fc.double({ min: 0, max: 2e9, noNaN: true }),
    equity: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    retainedEarnings: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    operatingResult: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    netResult: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    revenue: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
    previousRevenue: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true })),
  });
  const step = fc.double({ min: 1, max: 1e9, noNaN: true });
  const pdOf = (figures: KeyFigures): number => scoreAccounts(figures).pd ?? Number.NaN;

  it.each<[string, (f: KeyFigures, d: number) => KeyFigures]>([
    ['lower equity', (f, d) => ({ ...f, equity: (f.equity ?? 0) - d })],
    ['higher total liabilities', (f, d) => ({ ...f, totalLiabilities: (f.totalLiabilities ?? 0) + d })],
    [
      'higher short-term liabilities',
      (f, d) => ({ ...f, shortTermLiabilities: (f.shortTermLiabilities ?? 0) + d }),
    ],
    ['a lower net result', (f, d) => ({ ...f, netResult: (f.netResult ?? 0) - d })],
    ['a lower operating result', (f, d) => ({ ...f, operatingResult: (f.operatingResult ?? 0) - d })],
    ['lower retained earnings', (f, d) => ({ ...f, retainedEarnings: (f.retainedEarnings ?? 0) - d })],
    ['fewer current assets', (f, d) => ({ ...f, currentAssets: Math.max(0, (f.currentAssets ?? 0) - d) })],
  ])('never lowers the PD for %s, others held fixed', (_, worsen) => {
    fc.assert(
      fc.property(plausible, step, (figures, delta) => {
        // Act
        const before = pdOf(figures);
        const after = pdOf(worsen(figures, delta));
        // Assess
        return after >= before - 1e-12;
      }),
    );
  });
});

describe('keyFiguresFromAccounts', () => {
  it('takes each key figure from the annual accounts', () => {
    // Prepare
    const accounts = {
      periodStart: '2024-01-01',
      periodEnd: '2024-12-31',
      currency: 'NOK',
      resultBeforeTax: 99,
      ...healthy,
    };
    // Act
    const figures = keyFiguresFromAccounts(accounts);
    // Assess
    expect(figures).toEqual(healthy);
  });
});

interface Vector {
  fixture: string;
  X1: number;
  X2: number;
  X3: number;
  X4: number;
  zpp: number;
}

// Inputs read from the Brønnøysund regnskap fixtures the vectors were derived from.
const ALTMAN_INPUTS: Record<string, KeyFigures> = {
  'brreg_regnskap_923609016_equinor_2024.json': {
    totalAssets: 109150000000,
    currentAssets: 45079000000,
    shortTermLiabilities: 42024000000,
    totalLiabilities: 68060000000,
    equity: 41090000000,
    retainedEarnings: 40038000000,
    operatingResult: 10347000000,
    netResult: 8141000000,
    revenue: null,
    previousRevenue: null,
  },
  'brreg_regnskap_915501680_nel_2024_negative_earnings.json': {
    totalAssets: 1380128000,
    currentAssets: 113931000,
    shortTermLiabilities: 60847000,
    totalLiabilities: 66277000,
    equity: 1313849000,
    retainedEarnings: -618588000,
    operatingResult: -83150000,
    netResult: -260874000,
    revenue: null,
    previousRevenue: null,
  },
  'brreg_regnskap_810202572_bortigard_2024_small.json': {
    totalAssets: 6059747,
    currentAssets: 3086673,
    shortTermLiabilities: 78465,
    totalLiabilities: 102633,
    equity: 5957114,
    retainedEarnings: 5769133,
    operatingResult: -8599,
    netResult: 186155,
    revenue: null,
    previousRevenue: null,
  },
};

const vectors = (
  JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/risk/derived_altman_zpp_test_vectors.json'), 'utf8'),
  ) as { vectors: Vector[] }
).vectors;

describe('altmanZDoublePrime', () => {
  it.each(vectors.map((v) => [v.fixture, v] as const))(
    "matches the textbook ratios and Z'' of %s",
    (fixture, v) => {
      // Prepare
      const figures = ALTMAN_INPUTS[fixture]!;
      // Act
      const ratios = altmanRatios(figures)!;
      const zpp = altmanZDoublePrime(figures, { capped: false });
      // Assess
      expect(ratios.x1).toBeCloseTo(v.X1, 5);
      expect(ratios.x2).toBeCloseTo(v.X2, 5);
      expect(ratios.x3).toBeCloseTo(v.X3, 5);
      expect(ratios.x4).toBeCloseTo(v.X4, 4);
      expect(zpp).toBeCloseTo(v.zpp, 3);
    },
  );

  it('caps X4 so that tiny liabilities cannot make a loss-maker look safe', () => {
    // Prepare
    const nel = ALTMAN_INPUTS['brreg_regnskap_915501680_nel_2024_negative_earnings.json']!;
    const r = altmanRatios(nel)!;
    // Act
    const capped = altmanZDoublePrime(nel);
    // Assess
    expect(capped).toBeCloseTo(6.56 * r.x1 + 3.26 * r.x2 + 6.72 * r.x3 + 1.05 * 5, 6);
    expect(capped).toBeLessThan(altmanZDoublePrime(nel, { capped: false })!);
  });

  it('leaves a company inside the caps unchanged', () => {
    // Prepare
    const equinor = ALTMAN_INPUTS['brreg_regnskap_923609016_equinor_2024.json']!;
    // Act / Assess
    expect(altmanZDoublePrime(equinor)).toBeCloseTo(2.6504, 3);
  });

  it.each([
    ['zero total assets', { ...healthy, totalAssets: 0 }],
    ['a missing equity', { ...healthy, equity: null }],
    ['a NaN figure', { ...healthy, currentAssets: Number.NaN }],
  ])('is null for %s', (_, figures) => {
    // Prepare / Act / Assess
    expect(altmanZDoublePrime(figures)).toBeNull();
  });

  it('stays finite when there are no liabilities', () => {
    // Prepare / Act
    const z = altmanZDoublePrime({ ...healthy, totalLiabilities: 0, shortTermLiabilities: 0 });
    // Assess
    expect(Number.isFinite(z)).toBe(true);
  });
});

it('exposes the params schema for other model files', () => {
  // Prepare / Act / Assess
  expect(AccountsParams.safeParse({}).success).toBe(false);
});
