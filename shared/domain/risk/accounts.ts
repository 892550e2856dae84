/**
 * The accounts-based part of the risk model: a regularized logistic regression on capped balance-sheet
 * and income ratios, fitted on real bankruptcies (scripts/fit-accounts.ts, docs/risk-model.md).
 *
 * Every ratio is capped and split at a knot into two pieces whose coefficients carry the sign economics
 * expects (more equity never raises the PD, more liabilities never lowers it). That keeps the model
 * monotone, bounded and robust to the absurd ratios small or broken accounts produce.
 */
import { z } from 'zod';
import { ConfigError } from '#shared/errors.ts';
import type { AnnualAccounts } from '../snapshot.ts';
import { DEFAULT_ACCOUNTS_PARAMS } from './accounts-params.ts';
import type { RiskReason } from './assessment.ts';

const figure = z.number().nullable();

/** The key figures the accounts model reads, in one currency; null where not reported. */
export const KeyFigures = z.object({
  totalAssets: figure,
  currentAssets: figure,
  shortTermLiabilities: figure,
  totalLiabilities: figure,
  equity: figure,
  retainedEarnings: figure,
  operatingResult: figure,
  netResult: figure,
  revenue: figure,
  previousRevenue: figure,
});
export type KeyFigures = z.infer<typeof KeyFigures>;

/** The key-figure column names, in the order of the `credmon score` input. */
export const KEY_FIGURE_NAMES = Object.keys(KeyFigures.shape) as (keyof KeyFigures)[];

/** The model's factors; each yields at most one reason. */
export const FACTORS = [
  'profitability',
  'operatingResult',
  'leverage',
  'equity',
  'liquidity',
  'retainedEarnings',
  'shortTermDebt',
  'assetTurnover',
  'revenueTrend',
] as const;
export type Factor = (typeof FACTORS)[number];

/** Sign a coefficient must have: +1 raises PD as the feature grows, -1 lowers it, 0 free. */
type Sign = -1 | 0 | 1;

interface FeatureSpec {
  readonly name: string;
  readonly factor: Factor;
  readonly sign: Sign;
}

/**
 * A capped ratio split at a knot: `lo` = min(r, knot) and `hi` = max(r, knot). Two same-signed
 * slopes give a monotone, piecewise-linear effect, e.g. losses weigh more than profits help.
 */
interface RatioSpec {
  readonly factor: Factor;
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly knot: number;
  readonly signLo: Sign;
  readonly signHi: Sign;
}

const RATIOS: readonly RatioSpec[] = [
  { factor: 'profitability', key: 'roa', min: -0.5, max: 0.5, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'operatingResult', key: 'ebitTa', min: -0.5, max: 0.5, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'leverage', key: 'tlTa', min: 0, max: 1.5, knot: 0.6, signLo: 1, signHi: 1 },
  { factor: 'equity', key: 'eqTa', min: -1, max: 1, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'liquidity', key: 'wcTa', min: -1, max: 1, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'liquidity', key: 'lnCurrentRatio', min: -3, max: 3, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'retainedEarnings', key: 'reTa', min: -1, max: 1, knot: 0, signLo: -1, signHi: -1 },
  { factor: 'shortTermDebt', key: 'stlTa', min: 0, max: 1.5, knot: 0.4, signLo: 1, signHi: 1 },
  { factor: 'assetTurnover', key: 'salesTa', min: 0, max: 5, knot: 1, signLo: -1, signHi: -1 },
  { factor: 'revenueTrend', key: 'lnGrowth', min: -1.5, max: 1.5, knot: 0, signLo: -1, signHi: 0 },
];

/** Every model feature with its factor and sign constraint, in coefficient order. */
export const FEATURES: readonly FeatureSpec[] = [
  ...RATIOS.flatMap((r): FeatureSpec[] => [
    { name: `${r.key}.lo`, factor: r.factor, sign: r.signLo },
    { name: `${r.key}.hi`, factor: r.factor, sign: r.signHi },
  ]),
  { name: 'eqTa.negative', factor: 'equity', sign: 1 },
  { name: 'lnGrowth.missing', factor: 'revenueTrend', sign: 0 },
];
export const FEATURE_NAMES = FEATURES.map((f) => f.name);
/** `<key>.lo`, `<key>.hi` per ratio, in {@link RATIOS} order. */
const RATIO_FEATURE_NAMES = RATIOS.flatMap((r) => [`${r.key}.lo`, `${r.key}.hi`]);

/** Fewer present figures than this (besides total assets) and the accounts cannot be scored. */
export const MIN_FIGURES_PRESENT = 3;

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const featureRecord = z.strictObject(
  Object.fromEntries(FEATURE_NAMES.map((name) => [name, finite])) as Record<string, typeof finite>,
);

/** A fitted accounts model: what scripts/fit-accounts.ts writes and {@link scoreAccounts} reads. */
export const AccountsParams = z.strictObject({
  model: z.literal('credmon-accounts/1'),
  /** Log-odds of the fitted (training-horizon) default for a company at the reference values. */
  intercept: finite,
  /**
   * Added to the log-odds to move from the training horizon and base rate to a 12-month PD
   * (prior correction; see docs/risk-model.md).
   */
  horizonShift: finite,
  /** Coefficient per feature on the raw (capped, split) scale. */
  coefficients: featureRecord,
  /** Feature values of the reference (median) company: contributions are measured from these. */
  reference: featureRecord,
  metadata: z.strictObject({
    fittedOn: z.string().min(1),
    fittedAt: z.string().min(1),
    rows: z.number().int().positive(),
    defaults: z.number().int().nonnegative(),
    trainingHorizonYears: z.number().positive(),
    targetAnnualBaseRate: z.number().gt(0).lt(1),
    l2: z.number().nonnegative(),
    folds: z.number().int().positive(),
    seed: z.number().int(),
    cvAuc: z.number().min(0).max(1),
    cvAucAltmanZpp: z.number().min(0).max(1),
  }),
});
export type AccountsParams = z.infer<typeof AccountsParams>;

/**
 * Validates a parsed params document. Errors name the source and each bad field's path.
 *
 * @example
 * const params = loadAccountsParams(JSON.parse(text), 'models/accounts.json');
 * params.model; // 'credmon-accounts/1'
 */
export function loadAccountsParams(json: unknown, source: string): AccountsParams {
  const result = AccountsParams.safeParse(json);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const keys = issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
    return `${where}: ${issue.message}${keys}`;
  });
  throw new ConfigError(`invalid accounts model params in ${source}: ${issues.join('; ')}`);
}

const defaultParams = loadAccountsParams(DEFAULT_ACCOUNTS_PARAMS, 'shared/domain/risk/accounts-params.ts');

/** The 12-month PD given to accounts the model cannot score: none. */
export interface AccountsScore {
  /** 12-month probability of default, or null when the figures are insufficient. */
  pd: number | null;
  /** Log-odds of `pd`. */
  logOdds: number | null;
  /** Per-factor contributions relative to the reference company, largest |contribution| first. */
  reasons: RiskReason[];
  insufficientData: boolean;
}

/** Figures after cleaning: non-finite and impossible values (negative assets or liabilities) are null. */
export type Clean = { [K in keyof KeyFigures]: number | null };

/** A reported, finite figure; null otherwise (or when negative where it cannot be). */
function reported(value: number | null, nonNegative: boolean): number | null {
  return typeof value === 'number' && Number.isFinite(value) && !(nonNegative && value < 0) ? value : null;
}

// Spelled out rather than looped over KEY_FIGURE_NAMES: one object shape, no per-call closures or
// lookups, on the risk model's hot path.
function clean(figures: KeyFigures): Clean {
  return {
    totalAssets: reported(figures.totalAssets, false),
    currentAssets: reported(figures.currentAssets, true),
    shortTermLiabilities: reported(figures.shortTermLiabilities, true),
    totalLiabilities: reported(figures.totalLiabilities, true),
    equity: reported(figures.equity, false),
    retainedEarnings: reported(figures.retainedEarnings, false),
    operatingResult: reported(figures.operatingResult, false),
    netResult: reported(figures.netResult, false),
    revenue: reported(figures.revenue, true),
    previousRevenue: reported(figures.previousRevenue, true),
  };
}

/** Figures besides total assets that are reported. */
function presentFigures(f: Clean): number {
  let n = 0;
  if (f.currentAssets !== null) n++;
  if (f.shortTermLiabilities !== null) n++;
  if (f.totalLiabilities !== null) n++;
  if (f.equity !== null) n++;
  if (f.retainedEarnings !== null) n++;
  if (f.operatingResult !== null) n++;
  if (f.netResult !== null) n++;
  if (f.revenue !== null) n++;
  if (f.previousRevenue !== null) n++;
  return n;
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** Raw capped ratios per key; null where an input is missing. Assumes total assets > 0. */
function per(value: number | null, ta: number): number | null {
  return value === null ? null : value / ta;
}

/** Raw ratios in {@link RATIOS} order (null where an input is missing). Assumes total assets > 0. */
function ratios(f: Clean, ta: number): (number | null)[] {
  return [
    per(f.netResult, ta),
    per(f.operatingResult, ta),
    per(f.totalLiabilities, ta),
    per(f.equity, ta),
    f.currentAssets === null || f.shortTermLiabilities === null
      ? null
      : (f.currentAssets - f.shortTermLiabilities) / ta,
    logRatio(f.currentAssets, f.shortTermLiabilities, 3),
    per(f.retainedEarnings, ta),
    per(f.shortTermLiabilities, ta),
    per(f.revenue, ta),
    logRatio(f.revenue, f.previousRevenue, 1.5),
  ];
}

/** ln(a/b) capped at ±cap, defined when one side is zero (the cap) but not when both are. */
function logRatio(a: number | null, b: number | null, cap: number): number | null {
  if (a === null || b === null) return null;
  if (a === 0 && b === 0) return null;
  if (b === 0) return cap;
  if (a === 0) return -cap;
  return clamp(Math.log(a / b), -cap, cap);
}

/** The capped ratio values behind each key, for reason texts. */
export type RatioValues = Record<string, number | null>;

/**
 * Feature vector of one company, in {@link FEATURE_NAMES} order. A missing ratio takes the reference
 * value (no contribution); revenue history also has its own missing indicator because its absence is
 * common and informative. Returns null when the figures are insufficient.
 */
export function featuresOf(
  figures: KeyFigures,
  reference: Readonly<Record<string, number>>,
): { values: number[]; ratios: RatioValues; clean: Clean } | null {
  const f = clean(figures);
  const ta = f.totalAssets;
  if (ta === null || ta <= 0) return null;
  if (presentFigures(f) < MIN_FIGURES_PRESENT) return null;
  const raw = ratios(f, ta);
  const capped: (number | null)[] = [];
  const values: number[] = [];
  for (let i = 0; i < RATIOS.length; i++) {
    const spec = RATIOS[i];
    const r = raw[i];
    if (spec === undefined) break;
    if (r === null || r === undefined) {
      capped.push(null);
      values.push(
        reference[RATIO_FEATURE_NAMES[2 * i] ?? ''] ?? 0,
        reference[RATIO_FEATURE_NAMES[2 * i + 1] ?? ''] ?? 0,
      );
      continue;
    }
    const c = clamp(r, spec.min, spec.max);
    capped.push(c);
    values.push(Math.min(c, spec.knot), Math.max(c, spec.knot));
  }
  values.push(f.equity === null ? (reference['eqTa.negative'] ?? 0) : f.equity < 0 ? 1 : 0);
  values.push(raw[RATIOS.length - 1] === null ? 1 : 0);
  return { values, ratios: new CappedRatios(capped), clean: f };
}

/** The capped ratios by key, for reason texts; built once per company, read only for the top reasons. */
class CappedRatios {
  readonly roa: number | null;
  readonly ebitTa: number | null;
  readonly tlTa: number | null;
  readonly eqTa: number | null;
  readonly wcTa: number | null;
  readonly lnCurrentRatio: number | null;
  readonly reTa: number | null;
  readonly stlTa: number | null;
  readonly salesTa: number | null;
  readonly lnGrowth: number | null;
  [key: string]: number | null;
  constructor(c: readonly (number | null)[]) {
    this.roa = c[0] ?? null;
    this.ebitTa = c[1] ?? null;
    this.tlTa = c[2] ?? null;
    this.eqTa = c[3] ?? null;
    this.wcTa = c[4] ?? null;
    this.lnCurrentRatio = c[5] ?? null;
    this.reTa = c[6] ?? null;
    this.stlTa = c[7] ?? null;
    this.salesTa = c[8] ?? null;
    this.lnGrowth = c[9] ?? null;
  }
}

/**
 * Scores one company's accounts: a 12-month PD with the factors behind it.
 *
 * @example
 * const score = scoreAccounts({
 *   totalAssets: 1000, currentAssets: 400, shortTermLiabilities: 500, totalLiabilities: 1100,
 *   equity: -100, retainedEarnings: -300, operatingResult: -80, netResult: -120,
 *   revenue: 900, previousRevenue: 1200,
 * });
 * score.reasons[0]?.code; // e.g. 'ACCOUNTS_NEGATIVE_EQUITY'
 */
export function scoreAccounts(figures: KeyFigures, params: AccountsParams = defaultParams): AccountsScore {
  const scored = accountsFactors(figures, params);
  if (scored === null) return insufficient(figures);
  const reasons: RiskReason[] = [];
  scored.contributions.forEach((c, i) => {
    const factor = FACTOR_ORDER[i];
    if (factor !== undefined && Math.abs(c) >= MIN_REASON_CONTRIBUTION)
      reasons.push(accountsReason(factor, c, scored));
  });
  reasons.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return {
    pd: 1 / (1 + Math.exp(-scored.logOdds)),
    logOdds: scored.logOdds,
    reasons,
    insufficientData: false,
  };
}

/** Factors contributing less than this (in log-odds) give no reason. */
export const MIN_REASON_CONTRIBUTION = 0.005;

/** The factors in the order they first appear among {@link FEATURES}: the order contributions are summed in. */
export const FACTOR_ORDER: readonly Factor[] = [...new Set(FEATURES.map((f) => f.factor))];
const FEATURE_FACTOR = FEATURES.map((f) => FACTOR_ORDER.indexOf(f.factor));

/** What a params object implies for every company: read once per params, not per score. */
interface Prepared {
  readonly betas: Float64Array;
  readonly refs: Float64Array;
  /** intercept + horizonShift + Σ β·ref, summed in feature order. */
  readonly base: number;
}
const prepared = new WeakMap<AccountsParams, Prepared>();

function prepare(params: AccountsParams): Prepared {
  let p = prepared.get(params);
  if (p === undefined) {
    const betas = new Float64Array(FEATURES.length);
    const refs = new Float64Array(FEATURES.length);
    let base = params.intercept + params.horizonShift;
    FEATURES.forEach((spec, i) => {
      betas[i] = params.coefficients[spec.name] ?? 0;
      refs[i] = params.reference[spec.name] ?? 0;
      base += (betas[i] ?? 0) * (refs[i] ?? 0);
    });
    p = { betas, refs, base };
    prepared.set(params, p);
  }
  return p;
}

/** The accounts model's log-odds and per-factor contributions, before any reason text is built. */
export interface AccountsFactors {
  /** Clamped log-odds: the same number {@link scoreAccounts} returns. */
  readonly logOdds: number;
  /** Contribution per factor, indexed like {@link FACTOR_ORDER}. */
  readonly contributions: Float64Array;
  readonly ratios: RatioValues;
  readonly clean: Clean;
}

/**
 * The accounts model without its reason texts: the log-odds (summed in exactly the order
 * {@link scoreAccounts} sums them, so the PD is the same to the last bit) and each factor's
 * contribution. The risk model builds texts only for the factors among its top reasons
 * ({@link accountsReason}). Null when the figures are insufficient.
 *
 * @example
 * const scored = accountsFactors(figures);
 * scored?.contributions[FACTOR_ORDER.indexOf('equity')]; // e.g. 0.42
 */
export function accountsFactors(
  figures: KeyFigures,
  params: AccountsParams = defaultParams,
): AccountsFactors | null {
  const features = featuresOf(figures, params.reference);
  if (features === null) return null;
  const { betas, refs, base } = prepare(params);
  const contributions = new Float64Array(FACTOR_ORDER.length);
  for (let i = 0; i < FEATURE_FACTOR.length; i++) {
    const ref = refs[i] ?? 0;
    const k = FEATURE_FACTOR[i] ?? 0;
    contributions[k] = (contributions[k] ?? 0) + (betas[i] ?? 0) * ((features.values[i] ?? ref) - ref);
  }
  let logOdds = base;
  for (let k = 0; k < contributions.length; k++) logOdds += contributions[k] ?? 0;
  // Caps bound every feature, so this only guards against corrupt params.
  logOdds = clamp(logOdds, -30, 30);
  return { logOdds, contributions, ratios: features.ratios, clean: features.clean };
}

/**
 * The reason of one factor with its contribution, in plain language with the company's ratio.
 *
 * @example
 * accountsReason('equity', 0.42, accountsFactors(figures)); // { code: 'ACCOUNTS_LOW_EQUITY_RATIO', text: 'Equity is only 8 % of total assets.', contribution: 0.42 }
 */
export function accountsReason(
  factor: Factor,
  contribution: number,
  scored: Pick<AccountsFactors, 'ratios' | 'clean'>,
): RiskReason {
  return reasonFor(factor, contribution, scored.ratios, scored.clean);
}

/**
 * The code {@link accountsReason} gives, without building its text: for ranking reasons cheaply.
 *
 * @example
 * accountsReasonCode('equity', 0.42, scored); // 'ACCOUNTS_LOW_EQUITY_RATIO'
 */
export function accountsReasonCode(
  factor: Factor,
  contribution: number,
  scored: Pick<AccountsFactors, 'ratios' | 'clean'>,
): string {
  const up = contribution > 0;
  const f = scored.clean;
  switch (factor) {
    case 'profitability':
      return up
        ? (f.netResult ?? 0) < 0
          ? 'ACCOUNTS_NET_LOSS'
          : 'ACCOUNTS_LOW_PROFITABILITY'
        : 'ACCOUNTS_PROFITABLE';
    case 'operatingResult':
      return up
        ? (f.operatingResult ?? 0) < 0
          ? 'ACCOUNTS_OPERATING_LOSS'
          : 'ACCOUNTS_LOW_OPERATING_RESULT'
        : 'ACCOUNTS_STRONG_OPERATING_RESULT';
    case 'leverage':
      return up ? 'ACCOUNTS_HIGH_LEVERAGE' : 'ACCOUNTS_LOW_LEVERAGE';
    case 'equity':
      if (up && (f.equity ?? 0) < 0) return 'ACCOUNTS_NEGATIVE_EQUITY';
      return up ? 'ACCOUNTS_LOW_EQUITY_RATIO' : 'ACCOUNTS_STRONG_EQUITY';
    case 'liquidity':
      return up ? 'ACCOUNTS_LOW_LIQUIDITY' : 'ACCOUNTS_GOOD_LIQUIDITY';
    case 'retainedEarnings':
      return up
        ? (f.retainedEarnings ?? 0) < 0
          ? 'ACCOUNTS_ACCUMULATED_LOSSES'
          : 'ACCOUNTS_LOW_RETAINED_EARNINGS'
        : 'ACCOUNTS_STRONG_RETAINED_EARNINGS';
    case 'shortTermDebt':
      return up ? 'ACCOUNTS_HIGH_SHORT_TERM_DEBT' : 'ACCOUNTS_LOW_SHORT_TERM_DEBT';
    case 'assetTurnover':
      return up ? 'ACCOUNTS_WEAK_ASSET_TURNOVER' : 'ACCOUNTS_STRONG_ASSET_TURNOVER';
    case 'revenueTrend':
      if (scored.ratios.lnGrowth === null || scored.ratios.lnGrowth === undefined)
        return 'ACCOUNTS_REVENUE_HISTORY_MISSING';
      return up ? 'ACCOUNTS_REVENUE_DECLINE' : 'ACCOUNTS_REVENUE_GROWTH';
  }
}

function insufficient(figures: KeyFigures): AccountsScore {
  const ta = figures.totalAssets;
  const why =
    ta === null || !Number.isFinite(ta)
      ? 'total assets are not reported'
      : ta <= 0
        ? 'total assets are zero or negative'
        : `fewer than ${MIN_FIGURES_PRESENT} key figures besides total assets are reported`;
  return {
    pd: null,
    logOdds: null,
    insufficientData: true,
    reasons: [{ code: 'INSUFFICIENT_DATA', text: `The accounts cannot be scored: ${why}.`, contribution: 0 }],
  };
}

const pct = (value: number | null | undefined): string =>
  value === null || value === undefined ? 'unknown' : `${Math.round(value * 100)} %`;

function reasonFor(factor: Factor, contribution: number, r: RatioValues, f: Clean): RiskReason {
  return {
    code: accountsReasonCode(factor, contribution, { ratios: r, clean: f }),
    text: reasonText(factor, contribution > 0, r, f),
    contribution: Math.round(contribution * 1000) / 1000,
  };
}

function reasonText(factor: Factor, up: boolean, r: RatioValues, f: Clean): string {
  switch (factor) {
    case 'profitability':
      return up
        ? `Net result is ${pct(r.roa)} of total assets, weaker than a typical company.`
        : `Net result is ${pct(r.roa)} of total assets, a healthy profit.`;
    case 'operatingResult':
      return up
        ? `Operating result is ${pct(r.ebitTa)} of total assets, weaker than a typical company.`
        : `Operating result is ${pct(r.ebitTa)} of total assets, stronger than a typical company.`;
    case 'leverage':
      return up
        ? `Total liabilities are ${pct(r.tlTa)} of total assets.`
        : `Total liabilities are only ${pct(r.tlTa)} of total assets.`;
    case 'equity':
      if (up && (f.equity ?? 0) < 0) {
        return `Equity is negative (${pct(r.eqTa)} of total assets): liabilities exceed assets.`;
      }
      return up
        ? `Equity is only ${pct(r.eqTa)} of total assets.`
        : `Equity is ${pct(r.eqTa)} of total assets, a solid buffer.`;
    case 'liquidity':
      return up
        ? `Current assets cover short-term liabilities poorly (working capital ${pct(r.wcTa)} of total assets).`
        : `Current assets cover short-term liabilities well (working capital ${pct(r.wcTa)} of total assets).`;
    case 'retainedEarnings':
      return up
        ? `Retained earnings are ${pct(r.reTa)} of total assets.`
        : `Retained earnings are ${pct(r.reTa)} of total assets, profits kept over the years.`;
    case 'shortTermDebt':
      return up
        ? `Short-term liabilities are ${pct(r.stlTa)} of total assets.`
        : `Short-term liabilities are only ${pct(r.stlTa)} of total assets.`;
    case 'assetTurnover': {
      const turnover = r.salesTa === null || r.salesTa === undefined ? 'unknown' : `${r.salesTa.toFixed(1)}×`;
      return `Revenue is ${turnover} total assets.`;
    }
    case 'revenueTrend':
      if (r.lnGrowth === null || r.lnGrowth === undefined) {
        return "Last year's revenue is not reported, so the revenue trend is unknown.";
      }
      return `Revenue changed by ${pct(Math.exp(r.lnGrowth) - 1)} from the year before.`;
  }
}

/**
 * The key figures of a snapshot's annual accounts.
 *
 * @example
 * keyFiguresFromAccounts(snapshot.accounts).equity; // e.g. 41090000000
 */
export function keyFiguresFromAccounts(accounts: AnnualAccounts): KeyFigures {
  return {
    totalAssets: accounts.totalAssets,
    currentAssets: accounts.currentAssets,
    shortTermLiabilities: accounts.shortTermLiabilities,
    totalLiabilities: accounts.totalLiabilities,
    equity: accounts.equity,
    retainedEarnings: accounts.retainedEarnings,
    operatingResult: accounts.operatingResult,
    netResult: accounts.netResult,
    revenue: accounts.revenue,
    previousRevenue: accounts.previousRevenue,
  };
}

/** The four Altman Z'' ratios; X4 is null-safe (no liabilities ⇒ the cap). */
export interface AltmanRatios {
  x1: number;
  x2: number;
  x3: number;
  x4: number;
}

/** Caps that stop one ratio deciding alone: X4 explodes when liabilities are tiny. */
export const ALTMAN_CAPS = { x1: [-1, 1], x2: [-2, 2], x3: [-1, 1], x4: [-1, 5] } as const;

/**
 * Altman's four Z'' ratios, uncapped unless `capped`; null when a needed figure is missing or total
 * assets are not positive.
 *
 * @example
 * altmanRatios(figures)?.x4; // book equity / total liabilities
 */
export function altmanRatios(figures: KeyFigures, options: { capped?: boolean } = {}): AltmanRatios | null {
  const f = clean(figures);
  const { totalAssets: ta, currentAssets: ca, shortTermLiabilities: stl, totalLiabilities: tl } = f;
  const { retainedEarnings: re, operatingResult: ebit, equity } = f;
  if (ta === null || ta <= 0 || ca === null || stl === null || tl === null) return null;
  if (re === null || ebit === null || equity === null) return null;
  const capX4 = ALTMAN_CAPS.x4[1];
  const x4 = tl === 0 ? (equity >= 0 ? capX4 : -capX4) : equity / tl;
  const raw = { x1: (ca - stl) / ta, x2: re / ta, x3: ebit / ta, x4 };
  if (!options.capped) return raw;
  return {
    x1: clamp(raw.x1, ...ALTMAN_CAPS.x1),
    x2: clamp(raw.x2, ...ALTMAN_CAPS.x2),
    x3: clamp(raw.x3, ...ALTMAN_CAPS.x3),
    x4: clamp(raw.x4, ...ALTMAN_CAPS.x4),
  };
}

/**
 * Altman's Z'' (6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4; higher is safer, < 1.10 distress,
 * > 2.60 safe). Ratios are capped by default ({@link ALTMAN_CAPS}) so that X4 cannot explode for
 * companies with almost no liabilities; pass `{ capped: false }` for the textbook value.
 *
 * @example
 * altmanZDoublePrime(figures); // e.g. 2.65 for Equinor ASA 2024
 */
export function altmanZDoublePrime(figures: KeyFigures, options: { capped?: boolean } = {}): number | null {
  const x = altmanRatios(figures, { capped: options.capped ?? true });
  if (x === null) return null;
  return 6.56 * x.x1 + 3.26 * x.x2 + 6.72 * x.x3 + 1.05 * x.x4;
}
