/**
 * credmon's risk model (`credmon-risk/1`): one 12-month PD per subject from everything a snapshot and
 * the company's own ledger say, as a sum of documented log-odds terms, then the class from the bands.
 *
 * Businesses start from the accounts model's log-odds (fitted on real bankruptcies) or, without usable
 * accounts, from a prior by size; the remaining terms are expert-set from the credit literature and
 * bounded so that no single soft signal decides alone. Terminal statuses (bankruptcy, dissolution,
 * death, ...) put a floor under the PD and force class D. docs/risk-policy.md lists every term.
 *
 * The function is on the monitor Lambda's hot path: it avoids intermediate arrays and closures.
 */
import { InputError } from '#shared/errors.ts';
import type { ProceedingKind, Snapshot, SubjectState } from '../snapshot.ts';
import {
  type AccountsFactors,
  accountsFactors,
  accountsReason,
  accountsReasonCode,
  FACTOR_ORDER,
  type Factor,
  FEATURES,
  featuresOf,
  keyFiguresFromAccounts,
  loadAccountsParams,
  MIN_REASON_CONTRIBUTION,
  scoreAccounts,
} from './accounts.ts';
import { DEFAULT_ACCOUNTS_PARAMS } from './accounts-params.ts';
import type { RiskAssessment, RiskClass, RiskReason } from './assessment.ts';
import { type RiskBands, riskClassOf } from './bands.ts';
import { epochDay, type PaymentExperience } from './paydex.ts';

export const RISK_MODEL_ID = 'credmon-risk/1';

/** How many reasons an assessment carries. */
export const MAX_REASONS = 5;

const logit = (p: number): number => Math.log(p / (1 - p));

/**
 * Every coefficient of the model, in log-odds. Exported so that docs/risk-policy.md and the tests
 * read the same numbers the model uses.
 */
export const RISK_TERMS = {
  /** Businesses without usable accounts: the annual bankruptcy rate of Norwegian limited companies. */
  businessPrior: logit(0.015),
  /** Individuals with a clean record: a clean file is class A. */
  individualPrior: logit(0.004),
  /** Size adjustments to the business prior (only when the accounts cannot be scored). */
  size: { none: 0.3, micro: 0, small: -0.3, medium: -0.6 },
  /** Company age: piecewise linear in years, [years, log-odds]; flat beyond the last point. */
  age: [
    [0, 1.0],
    [2, 0.6],
    [5, 0],
    [10, -0.2],
    [20, -0.3],
  ] as readonly (readonly [number, number])[],
  accountsOverdue: 1.1,
  /** Latest accounts older than this many days, when the filing is not already flagged overdue. */
  accountsOutdatedDays: 730,
  accountsOutdated: 0.6,
  /** Unresolved payment remarks: a·ln(1+n) + b·ln(1+recent), recent = registered in the last 365 days. */
  remarks: {
    business: { unresolved: 1.4, recent: 0.6, resolved: 0.35 },
    individual: { unresolved: 1.6, recent: 0.6, resolved: 0.4 },
  },
  /** Resolved remarks count if resolved within this many days. */
  resolvedMemoryDays: 730,
  /** Open debt-collection cases: c·ln(1+n). */
  collections: 1.0,
  /** Debt register: c·ln(1 + amount/scale), capped. */
  debtRegister: {
    business: { coefficient: 0.3, scale: 50_000 },
    individual: { coefficient: 0.35, scale: 100_000 },
    cap: 1.5,
  },
  /** Businesses with tax or other public claims in the debt register. */
  publicClaims: 0.8,
  /** Own PAYDEX: c·(80 − PAYDEX), scaled by min(1, experiences/3). */
  paydex: 0.045,
  paydexFullWeightExperiences: 3,
  /** PAYDEX trend (last 90 days − previous 90): worsening c·min(cap, −trend); improving c·min(cap, trend). */
  trendWorsening: { coefficient: 0.02, cap: 40 },
  trendImproving: { coefficient: -0.01, cap: 30 },
  /** The worst single delay beyond 60 days: c·ln(1 + (max − 60)/60), capped. */
  severeDelay: { coefficient: 0.4, fromDays: 60, cap: 1.0 },
  /**
   * The bureau's own score, blended in log-odds: final = (1 − w)·model + w·bureau, with the bureau's
   * implied log-odds = prior + slope·(50 − score). A weight of ¼ lets it inform, never dominate.
   */
  bureau: { weight: 0.25, prior: logit(0.015), slope: 0.07 },
  restructuring: 2.0,
  stateUnknown: 0.7,
  addressProtected: 0.2,
  addressUnknown: 0.4,
  /** Log-odds are clamped here so that PDs stay strictly inside (0, 1) and never overflow. */
  clamp: 30,
} as const;

/** PD floors of terminal statuses; any of them also forces class D. */
export const STATUS_FLOORS: Readonly<Partial<Record<SubjectState, number>>> = {
  bankruptcy: 0.99,
  dissolved: 0.95,
  'forced-dissolution': 0.9,
  removed: 0.9,
  deceased: 0.8,
  liquidation: 0.75,
  emigrated: 0.6,
};

const STATUS_TEXT: Readonly<Partial<Record<SubjectState, string>>> = {
  bankruptcy: 'The company is in bankruptcy proceedings',
  dissolved: 'The company is dissolved',
  'forced-dissolution': 'The company is being forcibly dissolved',
  removed: 'The subject has been removed from the registry',
  deceased: 'The person is registered as deceased',
  liquidation: 'The company is in liquidation',
  emigrated: 'The person is registered as emigrated',
};

export interface AssessRiskInput {
  readonly snapshot: Snapshot;
  readonly paymentExperience: PaymentExperience | null;
  /** `YYYY-MM-DD`: the day the assessment is for (ages, recency). */
  readonly today: string;
  readonly bands?: RiskBands;
}

const DAYS_PER_YEAR = 365.25;

/**
 * Assesses a subject's 12-month probability of default, its risk class A–D and the top five reasons
 * (largest contribution to the log-odds first). Deterministic and pure: the same input gives the
 * same assessment. The PD is always finite in [0, 1]; accounts that are missing or contradict
 * themselves add an `INSUFFICIENT_DATA` reason instead of a number.
 *
 * @example
 * const assessment = assessRisk({ snapshot, paymentExperience: null, today: '2026-11-01' });
 * assessment.class; // e.g. 'B'
 * assessment.reasons[0]; // e.g. { code: 'PAYMENT_REMARKS_UNRESOLVED', text: '3 unresolved payment remarks …', contribution: 2.77 }
 */
export function assessRisk(input: AssessRiskInput): RiskAssessment {
  const reasons: Candidate[] = [];
  const result = evaluate(input, reasons);
  return {
    class: result.riskClass,
    pd: result.pd,
    reasons: topReasons(reasons, result.insufficient),
    model: RISK_MODEL_ID,
  };
}

/**
 * The class and PD of {@link assessRisk} without building reasons: for bulk re-scoring (a whole
 * portfolio after a band or policy change) where only the class matters. About twice as fast
 * because the accounts part skips the accounts model's reason texts.
 *
 * @example
 * assessRiskFast({ snapshot, paymentExperience: null, today: '2026-11-01' }); // { class: 'B', pd: 0.0116… }
 */
export function assessRiskFast(input: AssessRiskInput): { class: RiskClass; pd: number } {
  const result = evaluate(input, null);
  return { class: result.riskClass, pd: result.pd };
}

/**
 * A reason before the cut to the top five. The accounts model's factor reasons carry no text yet:
 * their texts (ratios formatted as percentages) are most of the cost of an assessment, and only
 * the few that make the top five are ever read.
 */
interface Candidate {
  readonly code: string;
  /** Rounded to 3 decimals, as reported. */
  readonly contribution: number;
  readonly text: string | Render;
  /** Arguments of `text` when it is still to be rendered. */
  readonly a: number;
  readonly b: number;
  readonly s: string;
  /** For an accounts factor: the factor, its exact contribution and figures. */
  readonly factor: Factor | null;
  readonly exact: number;
  readonly accounts: AccountsFactors | null;
}

/** Builds a reason's text from its candidate; module-level functions, so deferring allocates nothing. */
type Render = (c: Candidate) => string;

/** Where reasons go; null when the caller wants only the numbers. */
type Sink = Candidate[] | null;

const ACCOUNTS_PARAMS = loadAccountsParams(DEFAULT_ACCOUNTS_PARAMS, 'shared/domain/risk/accounts-params.ts');
const ACCOUNTS_BETAS = FEATURES.map((f) => ACCOUNTS_PARAMS.coefficients[f.name] ?? 0);
const ACCOUNTS_BASE = ACCOUNTS_PARAMS.intercept + ACCOUNTS_PARAMS.horizonShift;

/** The accounts model's log-odds without its reasons (same params, features and clamp as scoreAccounts). */
function accountsLogOdds(accounts: NonNullable<Snapshot['accounts']>): number | null {
  const features = featuresOf(keyFiguresFromAccounts(accounts), ACCOUNTS_PARAMS.reference);
  if (features === null) return null;
  let logOdds = ACCOUNTS_BASE;
  for (let i = 0; i < ACCOUNTS_BETAS.length; i++)
    logOdds += (ACCOUNTS_BETAS[i] ?? 0) * (features.values[i] ?? 0);
  return Math.min(RISK_TERMS.clamp, Math.max(-RISK_TERMS.clamp, logOdds));
}

function evaluate(
  input: AssessRiskInput,
  reasons: Sink,
): { pd: number; riskClass: RiskClass; insufficient: RiskReason | null } {
  const { snapshot } = input;
  const today = epochDay(input.today);
  if (Number.isNaN(today)) {
    throw new InputError(
      `assessRisk: today: not a calendar date (expected YYYY-MM-DD), got '${input.today}'`,
    );
  }
  const business = snapshot.kind === 'business';
  let insufficient: RiskReason | null = null;
  let logOdds: number;

  if (business) {
    const accounts = snapshot.accounts;
    const problem = accounts === null ? 'no annual accounts are available' : contradiction(accounts, today);
    let scored = false;
    logOdds = RISK_TERMS.businessPrior;
    if (accounts !== null && problem === null) {
      if (reasons === null) {
        const fast = accountsLogOdds(accounts);
        if (fast !== null) {
          logOdds = fast;
          scored = true;
        }
      } else {
        const figures = keyFiguresFromAccounts(accounts);
        const factors = accountsFactors(figures, ACCOUNTS_PARAMS);
        if (factors !== null && Number.isFinite(factors.logOdds)) {
          logOdds = factors.logOdds;
          scored = true;
          for (let k = 0; k < FACTOR_ORDER.length; k++) {
            const c = factors.contributions[k] ?? 0;
            const factor = FACTOR_ORDER[k];
            if (factor === undefined || !(Math.abs(c) >= MIN_REASON_CONTRIBUTION)) continue;
            reasons.push({
              code: accountsReasonCode(factor, c, factors),
              contribution: Math.round(c * 1000) / 1000,
              text: accountsText,
              a: 0,
              b: 0,
              s: '',
              factor,
              exact: c,
              accounts: factors,
            });
          }
        } else if (factors === null) {
          // Rare: the accounts model's own words for why the figures cannot be scored.
          insufficient = scoreAccounts(figures).reasons.find((r) => r.code === 'INSUFFICIENT_DATA') ?? null;
        }
      }
    }
    if (!scored) {
      if (reasons !== null) {
        const why =
          insufficient?.text ??
          `The accounts cannot be scored: ${problem ?? 'too few key figures are reported'}.`;
        insufficient = {
          code: 'INSUFFICIENT_DATA',
          text: `${why.replace(/\.$/, '')}; the PD rests on company age, size and credit data.`,
          contribution: 0,
        };
      }
      logOdds += sizeTerm(snapshot.employees, reasons);
    }
    logOdds += ageTerm(snapshot.identity.foundedOn, today, reasons);
    logOdds += filingTerms(snapshot, today, reasons);
  } else {
    logOdds = RISK_TERMS.individualPrior;
    logOdds += addressTerms(snapshot, reasons);
  }

  logOdds += remarkTerms(snapshot, today, business, reasons);
  logOdds += collectionTerm(snapshot, today, reasons);
  logOdds += debtRegisterTerms(snapshot, business, reasons);
  if (input.paymentExperience !== null) logOdds += experienceTerms(input.paymentExperience, reasons);
  logOdds += stateTerms(snapshot, reasons);

  const score = snapshot.credit.score;
  if (score !== null && Number.isFinite(score)) {
    const bureau = RISK_TERMS.bureau;
    const implied = bureau.prior + bureau.slope * (50 - score);
    const contribution = bureau.weight * (implied - logOdds);
    logOdds += contribution;
    push(reasons, 'BUREAU_SCORE', bureauText, contribution, score);
  }

  const clamp = RISK_TERMS.clamp;
  if (!(logOdds > -clamp)) logOdds = Number.isNaN(logOdds) ? clamp : -clamp;
  if (logOdds > clamp) logOdds = clamp;
  let pd = 1 / (1 + Math.exp(-logOdds));

  const terminal = terminalState(snapshot);
  if (terminal !== null) {
    const floor = STATUS_FLOORS[terminal] ?? 0.5;
    const contribution = pd < floor ? logit(floor) - logOdds : 0;
    if (pd < floor) pd = floor;
    if (reasons !== null) {
      push(
        reasons,
        `STATUS_${terminal.toUpperCase().replace(/-/g, '_')}`,
        `${STATUS_TEXT[terminal]}.`,
        contribution,
      );
    }
  }

  return {
    pd,
    riskClass: riskClassOf(pd, { insolvent: terminal !== null, bands: input.bands }),
    insufficient,
  };
}

function push(
  reasons: Sink,
  code: string,
  text: string | Render,
  contribution: number,
  a = 0,
  b = 0,
  s = '',
): void {
  if (reasons === null) return;
  reasons.push({
    code,
    text,
    contribution: Math.round(contribution * 1000) / 1000,
    a,
    b,
    s,
    factor: null,
    exact: contribution,
    accounts: null,
  });
}

const accountsText: Render = (c) =>
  c.factor !== null && c.accounts !== null ? accountsReason(c.factor, c.exact, c.accounts).text : '';
const bureauText: Render = (c) =>
  `The credit bureau scores the subject ${Math.round(c.a)} of 100 (${c.a >= 50 ? 'at or above' : 'below'} average).`;
const sizeText: Render = (c) => `The company has ${c.a} employees.`;
const youngText: Render = (c) =>
  `The company was founded ${formatYears(c.a)} ago; young companies fail more often.`;
const establishedText: Render = (c) => `The company has existed for ${formatYears(c.a)}.`;
const overdueText: Render = (c) => `The annual accounts are overdue${c.s === '' ? '' : ` (due ${c.s})`}.`;
const outdatedText: Render = (c) =>
  `The latest annual accounts are for a period that ended on ${c.s}, over two years ago.`;
const unresolvedText: Render = ({ a: unresolved, b: recent }) => {
  const noun = unresolved === 1 ? 'unresolved payment remark' : 'unresolved payment remarks';
  const when =
    recent === unresolved
      ? ' in the last 12 months'
      : recent === 0
        ? ', all older than 12 months'
        : `, ${recent} of them in the last 12 months`;
  return `${unresolved} ${noun}${when}.`;
};
const resolvedText: Render = (c) =>
  `${c.a} ${c.a === 1 ? 'payment remark' : 'payment remarks'} resolved in the last 2 years.`;
const collectionsText: Render = (c) =>
  `${c.a} ${c.a === 1 ? 'open debt collection case' : 'open debt collection cases'}.`;
const debtText: Render = (c) =>
  `${formatAmount(c.a)} ${c.s} in the debt register (${c.b} ${c.b === 1 ? 'entry' : 'entries'}).`;
/** `s` is 'none' when the ledger gives no days beyond terms. */
const experienceText: Render = ({ a: dbt, b: paydex, s }) => {
  const pays =
    s === 'none'
      ? ''
      : dbt > 0.5
        ? `Pays our invoices ${Math.round(dbt)} days beyond terms on average`
        : dbt < -0.5
          ? `Pays our invoices ${Math.round(-dbt)} days early on average`
          : 'Pays our invoices on the due date on average';
  return `${pays}${pays === '' ? 'Our PAYDEX' : ' (PAYDEX'} ${Math.round(paydex)}${pays === '' ? '' : ')'}.`;
};
const trendFellText: Render = (c) => `PAYDEX fell ${c.a} points in the last 90 days.`;
const trendRoseText: Render = (c) => `PAYDEX rose ${c.a} points in the last 90 days.`;
const severeText: Render = (c) => `One of our invoices was ${Math.round(c.a)} days beyond terms.`;

/**
 * Largest contribution first (ties by code, for determinism); INSUFFICIENT_DATA is never cut. Texts
 * of accounts factors are built here, for the survivors only.
 */
function topReasons(candidates: Candidate[], insufficient: RiskReason | null): RiskReason[] {
  candidates.sort(byContribution);
  const keep = insufficient === null ? MAX_REASONS : MAX_REASONS - 1;
  const reasons: RiskReason[] = [];
  for (let i = 0; i < candidates.length && i < keep; i++) {
    const c = candidates[i];
    if (c === undefined) break;
    reasons.push({
      code: c.code,
      text: typeof c.text === 'string' ? c.text : c.text(c),
      contribution: c.contribution,
    });
  }
  if (insufficient !== null) {
    reasons.push(insufficient);
    reasons.sort(byContribution);
  }
  return reasons;
}

function byContribution(
  a: Pick<RiskReason, 'code' | 'contribution'>,
  b: Pick<RiskReason, 'code' | 'contribution'>,
): number {
  return b.contribution - a.contribution || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** Why a set of accounts cannot be trusted, or null. */
function contradiction(accounts: NonNullable<Snapshot['accounts']>, today: number): string | null {
  const periodEnd = epochDay(accounts.periodEnd);
  if (Number.isNaN(periodEnd)) return 'the accounting period has no valid end date';
  if (periodEnd > today) return `the accounting period ends in the future (${accounts.periodEnd})`;
  const { totalAssets, totalLiabilities, equity } = accounts;
  if (totalAssets !== null && totalAssets < 0) return 'total assets are negative';
  if (totalLiabilities !== null && totalLiabilities < 0) return 'total liabilities are negative';
  if (totalAssets !== null && totalAssets > 0 && totalLiabilities === 0) {
    return 'total liabilities are reported as zero';
  }
  if (totalAssets !== null && totalAssets > 0 && totalLiabilities !== null && equity !== null) {
    // A balance sheet that does not balance is a data error, not a signal.
    if (Math.abs(totalAssets - totalLiabilities - equity) > 0.05 * totalAssets) {
      return 'equity and liabilities do not add up to total assets';
    }
  }
  return null;
}

function sizeTerm(employees: number | null, reasons: Sink): number {
  if (employees === null) return 0;
  const size = RISK_TERMS.size;
  if (employees === 0) {
    push(reasons, 'COMPANY_NO_EMPLOYEES', 'The company reports no employees.', size.none);
    return size.none;
  }
  if (employees >= 50) {
    push(reasons, 'COMPANY_SIZE', sizeText, size.medium, employees);
    return size.medium;
  }
  if (employees >= 10) {
    push(reasons, 'COMPANY_SIZE', sizeText, size.small, employees);
    return size.small;
  }
  return size.micro;
}

function ageTerm(foundedOn: string | null, today: number, reasons: Sink): number {
  if (foundedOn === null) return 0;
  const founded = epochDay(foundedOn);
  if (Number.isNaN(founded) || founded > today) return 0;
  const years = (today - founded) / DAYS_PER_YEAR;
  const points = RISK_TERMS.age;
  let contribution = points[points.length - 1]?.[1] ?? 0;
  for (let i = 1; i < points.length; i++) {
    const upper = points[i];
    const lower = points[i - 1];
    if (upper === undefined || lower === undefined) break;
    if (years <= upper[0]) {
      contribution = lower[1] + ((years - lower[0]) / (upper[0] - lower[0])) * (upper[1] - lower[1]);
      break;
    }
  }
  if (contribution > 0) {
    push(reasons, 'COMPANY_YOUNG', youngText, contribution, years);
  } else if (contribution < 0) {
    push(reasons, 'COMPANY_ESTABLISHED', establishedText, contribution, years);
  }
  return contribution;
}

function formatYears(years: number): string {
  if (years < 1) {
    const months = Math.max(1, Math.round(years * 12));
    return months === 1 ? '1 month' : `${months} months`;
  }
  const rounded = years < 10 ? Math.round(years * 10) / 10 : Math.round(years);
  return rounded === 1 ? '1 year' : `${rounded} years`;
}

function filingTerms(snapshot: Snapshot, today: number, reasons: Sink): number {
  const filing = snapshot.accountsFiling;
  if (filing?.overdue === true) {
    push(reasons, 'ACCOUNTS_OVERDUE', overdueText, RISK_TERMS.accountsOverdue, 0, 0, filing.nextDue ?? '');
    return RISK_TERMS.accountsOverdue;
  }
  const lastEnd = snapshot.accounts?.periodEnd ?? filing?.lastPeriodEnd ?? null;
  if (lastEnd === null) return 0;
  const end = epochDay(lastEnd);
  if (Number.isNaN(end) || today - end <= RISK_TERMS.accountsOutdatedDays) return 0;
  push(reasons, 'ACCOUNTS_OUTDATED', outdatedText, RISK_TERMS.accountsOutdated, 0, 0, lastEnd);
  return RISK_TERMS.accountsOutdated;
}

function remarkTerms(snapshot: Snapshot, today: number, business: boolean, reasons: Sink): number {
  const terms = business ? RISK_TERMS.remarks.business : RISK_TERMS.remarks.individual;
  let unresolved = 0;
  let recent = 0;
  let resolved = 0;
  for (const remark of snapshot.credit.paymentRemarks) {
    const resolvedOn = remark.resolvedOn === null ? Number.NaN : epochDay(remark.resolvedOn);
    if (resolvedOn <= today) {
      if (today - resolvedOn <= RISK_TERMS.resolvedMemoryDays) resolved++;
      continue;
    }
    unresolved++;
    // A registration date that does not parse counts as recent: the cautious reading.
    if (!(today - epochDay(remark.registeredOn) >= 365)) recent++;
  }
  let total = 0;
  if (unresolved > 0) {
    const contribution = terms.unresolved * Math.log1p(unresolved) + terms.recent * Math.log1p(recent);
    push(reasons, 'PAYMENT_REMARKS_UNRESOLVED', unresolvedText, contribution, unresolved, recent);
    total += contribution;
  }
  if (resolved > 0) {
    const contribution = terms.resolved * Math.log1p(resolved);
    push(reasons, 'PAYMENT_REMARKS_RESOLVED', resolvedText, contribution, resolved);
    total += contribution;
  }
  return total;
}

function collectionTerm(snapshot: Snapshot, today: number, reasons: Sink): number {
  let open = 0;
  for (const c of snapshot.credit.collectionCases) {
    if (c.closedOn === null || !(epochDay(c.closedOn) <= today)) open++;
  }
  if (open === 0) return 0;
  const contribution = RISK_TERMS.collections * Math.log1p(open);
  push(reasons, 'COLLECTION_CASES_OPEN', collectionsText, contribution, open);
  return contribution;
}

function debtRegisterTerms(snapshot: Snapshot, business: boolean, reasons: Sink): number {
  const entries = snapshot.credit.debtRegister;
  if (entries.length === 0) return 0;
  let amount = 0;
  let publicClaims = false;
  let currency = '';
  for (const entry of entries) {
    if (entry.amount.amount > 0) amount += entry.amount.amount;
    currency = entry.amount.currency;
    if (business && /tax|public/i.test(entry.kind)) publicClaims = true;
  }
  let total = 0;
  if (amount > 0) {
    const terms = business ? RISK_TERMS.debtRegister.business : RISK_TERMS.debtRegister.individual;
    const contribution = Math.min(
      RISK_TERMS.debtRegister.cap,
      terms.coefficient * Math.log1p(amount / terms.scale),
    );
    push(reasons, 'DEBT_REGISTER', debtText, contribution, amount, entries.length, currency);
    total += contribution;
  }
  if (publicClaims) {
    push(
      reasons,
      'DEBT_REGISTER_PUBLIC_CLAIMS',
      'Unpaid tax or other public claims are registered against the company.',
      RISK_TERMS.publicClaims,
    );
    total += RISK_TERMS.publicClaims;
  }
  return total;
}

function formatAmount(amount: number): string {
  return Math.round(amount)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function experienceTerms(experience: PaymentExperience, reasons: Sink): number {
  const paydex = experience.paydex;
  if (paydex === null || !Number.isFinite(paydex)) return 0;
  const experiences = experience.paidInvoices + experience.openOverdue;
  const weight = Math.min(1, experiences / RISK_TERMS.paydexFullWeightExperiences);
  let total = 0;
  const contribution = RISK_TERMS.paydex * (80 - paydex) * weight;
  const dbt = experience.weightedDaysBeyondTerms;
  const none = dbt === null ? 'none' : '';
  if (contribution > 0)
    push(reasons, 'PAYMENT_EXPERIENCE_SLOW', experienceText, contribution, dbt ?? 0, paydex, none);
  else if (contribution < 0)
    push(reasons, 'PAYMENT_EXPERIENCE_PROMPT', experienceText, contribution, dbt ?? 0, paydex, none);
  total += contribution;

  const trend = experience.paydexTrend;
  if (trend !== null && Number.isFinite(trend) && trend !== 0) {
    const { trendWorsening: worse, trendImproving: better } = RISK_TERMS;
    const c =
      (trend < 0
        ? worse.coefficient * Math.min(worse.cap, -trend)
        : better.coefficient * Math.min(better.cap, trend)) * weight;
    const points = Math.abs(Math.round(trend));
    if (c > 0) push(reasons, 'PAYDEX_TREND_WORSENING', trendFellText, c, points);
    else if (c < 0) push(reasons, 'PAYDEX_TREND_IMPROVING', trendRoseText, c, points);
    total += c;
  }

  const max = experience.maxDaysBeyondTerms;
  const severe = RISK_TERMS.severeDelay;
  if (max !== null && max > severe.fromDays) {
    const c = Math.min(
      severe.cap,
      severe.coefficient * Math.log1p((max - severe.fromDays) / severe.fromDays),
    );
    push(reasons, 'PAYMENT_SEVERE_DELAY', severeText, c, max);
    total += c;
  }
  return total;
}

function addressTerms(snapshot: Snapshot, reasons: Sink): number {
  if (snapshot.status.addressProtected) {
    push(
      reasons,
      'ADDRESS_PROTECTED',
      'The address is protected: collection and legal service may be harder.',
      RISK_TERMS.addressProtected,
    );
    return RISK_TERMS.addressProtected;
  }
  const { home, postal } = snapshot.addresses;
  if (home === null && postal === null) {
    push(reasons, 'ADDRESS_UNKNOWN', 'No current address is registered.', RISK_TERMS.addressUnknown);
    return RISK_TERMS.addressUnknown;
  }
  return 0;
}

const RESTRUCTURING_KINDS = new Set([
  'restructuring',
  'administration',
  'receivership',
  'voluntary-arrangement',
]);

function stateTerms(snapshot: Snapshot, reasons: Sink): number {
  const { state, proceedings } = snapshot.status;
  let restructuring = state === 'restructuring';
  for (const p of proceedings) if (RESTRUCTURING_KINDS.has(p.kind)) restructuring = true;
  if (restructuring && terminalState(snapshot) === null) {
    push(
      reasons,
      'STATUS_RESTRUCTURING',
      'The company is in restructuring, administration or a similar proceeding.',
      RISK_TERMS.restructuring,
    );
    return RISK_TERMS.restructuring;
  }
  if (state === 'unknown') {
    push(reasons, 'STATUS_UNKNOWN', 'The registry status is unknown.', RISK_TERMS.stateUnknown);
    return RISK_TERMS.stateUnknown;
  }
  return 0;
}

const TERMINAL_PROCEEDINGS: Readonly<Partial<Record<ProceedingKind, SubjectState>>> = {
  bankruptcy: 'bankruptcy',
  liquidation: 'liquidation',
  'forced-dissolution': 'forced-dissolution',
};

/** The most severe terminal state from the status or an open proceeding, or null. */
function terminalState(snapshot: Snapshot): SubjectState | null {
  const { state, proceedings } = snapshot.status;
  let worst: SubjectState | null = STATUS_FLOORS[state] === undefined ? null : state;
  for (const p of proceedings) {
    const kind = TERMINAL_PROCEEDINGS[p.kind];
    const floor = kind === undefined ? undefined : STATUS_FLOORS[kind];
    if (
      kind !== undefined &&
      floor !== undefined &&
      (worst === null || floor > (STATUS_FLOORS[worst] ?? 0))
    ) {
      worst = kind;
    }
  }
  return worst;
}
