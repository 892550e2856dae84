/**
 * The generated world's state: the latent health that drives everything, and the facts the
 * registries and the bureau publish about each subject. Renderers (render/*) turn this state into
 * wire formats; world.ts moves it forward one day at a time.
 */
import type { Tier } from '#shared/domain/subject.ts';
import { addDays, daysBetween, epochDay } from './calendar.ts';
import { randomCompanyNumber, randomFnr, randomOrgnr } from './ids.ts';
import {
  BUSINESS_SUFFIXES,
  BUSINESS_WORDS,
  FIRST_NAMES,
  INDUSTRIES,
  LAST_NAMES,
  MIDDLE_NAMES,
  NO_PLACES,
  NO_STREETS,
  UK_FIRST_NAMES,
  UK_LAST_NAMES,
  UK_PLACES,
  UK_STREETS,
  UK_SUFFIXES,
  UK_WORDS,
} from './names.ts';
import { integer, mixSeed, mulberry32, normal, pick, type Random } from './prng.ts';

export interface PersonName {
  first: string;
  middle: string | null;
  last: string;
}

export interface Officer {
  name: PersonName;
  birthDate: string;
  from: string;
  to: string | null;
}

export interface SimAddress {
  lines: string[];
  postalCode: string;
  city: string;
  municipality: string | null;
  municipalityNumber: string | null;
}

export interface Remark {
  id: string;
  type: string;
  amount: number;
  registeredDate: string;
  settledDate: string | null;
}

export interface Collection {
  id: string;
  amount: number;
  openedDate: string;
  closedDate: string | null;
}

export interface DebtEntry {
  id: string;
  type: string;
  amount: number;
  registeredDate: string;
}

export interface CreditState {
  currency: string;
  remarks: Remark[];
  collections: Collection[];
  debts: DebtEntry[];
  score: number | null;
  limit: number | null;
  /** The bureau's view of health: it lags the truth and only moves on material change. */
  bureauHealth: number;
  /** A persistent per-subject error of the bureau's score. */
  scoreNoise: number;
  nextId: number;
  /** Open remarks and collection cases, as of the last score refresh. */
  openRemarks: number;
  openCollections: number;
  /** Something the score reads changed since the last refresh. */
  dirty: boolean;
}

export interface Accounts {
  id: number;
  journalnr: string;
  year: number;
  periodStart: string;
  periodEnd: string;
  filedOn: string;
  currency: string;
  revenue: number;
  operatingCosts: number;
  financeIncome: number;
  financeCosts: number;
  currentAssets: number;
  fixedAssets: number;
  shortTermDebt: number;
  longTermDebt: number;
  equity: number;
  paidInEquity: number;
  small: boolean;
}

export type BusinessStatus =
  | 'active'
  /** UK: in administration, Companies House `company_status: "administration"`. */
  | 'administration'
  | 'bankruptcy'
  | 'liquidation'
  | 'forced-dissolution'
  | 'dissolved'
  | 'removed';

export interface Terms {
  portfolioId: string;
  tier: Tier;
  creditLimit: number;
  paymentTermsDays: number;
  exposure: number;
}

export interface Business {
  kind: 'business';
  id: string;
  country: 'NO' | 'GB';
  registryId: string;
  name: string;
  previousNames: { name: string; from: string; to: string }[];
  legalForm: 'AS' | 'ENK' | 'ASA' | 'ltd' | 'plc';
  industry: (typeof INDUSTRIES)[number];
  foundedOn: string;
  employees: number;
  shareCapital: number;
  address: SimAddress;
  ukJurisdiction: string;
  manager: Officer | null;
  board: Officer[];
  formerOfficers: (Officer & { role: string })[];
  auditor: { orgnr: string; name: string } | null;
  /** Size of the business: revenue in a healthy year, in the accounts' currency. */
  baseRevenue: number;
  accounts: Accounts[];
  /** NO: day of the year (0-based) this year's accounts get filed; null = not filed this year. */
  filingDayOfYear: number | null;
  filingYear: number;
  /** UK: when the next accounts get filed; null = they will not be. */
  plannedFiling: string | null;
  /** UK: the accounting reference date's month (1–12); accounts are due 9 months after it. */
  referenceMonth: number;
  overdueSince: string | null;
  status: BusinessStatus;
  /** When each proceeding began. */
  administrationSince: string | null;
  bankruptcySince: string | null;
  liquidationSince: string | null;
  forcedSince: string | null;
  deletedOn: string | null;
  removedOn: string | null;
  health: number;
  credit: CreditState;
  terms: Terms;
  filings: { date: string; madeUpTo: string; transactionId: string; barcode: string }[];
  random: Random;
  /**
   * Draws for administration alone: a stream of its own, so that adding the event left every other
   * draw of every subject, and so the history of each company that never enters administration, as it was.
   */
  distress: Random;
}

export type PersonStatus = 'active' | 'emigrated' | 'deceased';

export interface Individual {
  kind: 'individual';
  id: string;
  country: 'NO';
  nationalId: string;
  name: PersonName;
  birthDate: string;
  address: SimAddress | null;
  addressProtected: boolean;
  status: PersonStatus;
  statusDate: string | null;
  defaulted: boolean;
  /** Relative mortality for the age at the start (a year-long run ignores ageing). */
  mortality: number;
  health: number;
  credit: CreditState;
  terms: Terms;
  random: Random;
}

export type Subject = Business | Individual;

/** Day of the year, 0-based, of a `YYYY-MM-DD` date. */
export function dayOfYear(date: string): number {
  return epochDay(date) - epochDay(`${date.slice(0, 4)}-01-01`);
}

/**
 * Daily standard deviation of the latent health's random walk (the population's spread is 1): about
 * 0.4 of that spread a year, because credit quality is persistent.
 */
export const HEALTH_DAILY_SD = 0.02;

/** Brønnøysund's deadline: accounts for year Y are due on 31 July Y+1 (day 211/212 of the year). */
export const NO_DEADLINE_DAY_OF_YEAR = 211;

export function personName(random: Random, uk: boolean): PersonName {
  return {
    first: pick(random, uk ? UK_FIRST_NAMES : FIRST_NAMES),
    middle: random() < 0.3 ? pick(random, MIDDLE_NAMES) : null,
    last: pick(random, uk ? UK_LAST_NAMES : LAST_NAMES),
  };
}

export function birthDate(random: Random, fromYear: number, toYear: number): string {
  return addDays(`${integer(random, fromYear, toYear)}-01-01`, integer(random, 0, 364));
}

export function officer(random: Random, uk: boolean, from: string): Officer {
  return { name: personName(random, uk), birthDate: birthDate(random, 1950, 1998), from, to: null };
}

export function address(random: Random, country: 'NO' | 'GB'): SimAddress {
  if (country === 'NO') {
    const place = pick(random, NO_PLACES);
    return {
      lines: [`${pick(random, NO_STREETS)} ${integer(random, 1, 120)}`],
      postalCode: place.postnummer,
      city: place.poststed,
      municipality: place.kommune,
      municipalityNumber: place.kommunenummer,
    };
  }
  const place = pick(random, UK_PLACES);
  return {
    lines: [`${integer(random, 1, 200)} ${pick(random, UK_STREETS)}`],
    postalCode: place.postal_code,
    city: place.locality,
    municipality: null,
    municipalityNumber: null,
  };
}

export function businessName(random: Random, country: 'NO' | 'GB', legalForm: string): string {
  if (country === 'GB') return `${pick(random, UK_WORDS)} ${pick(random, UK_SUFFIXES)} LIMITED`.toUpperCase();
  const base = `${pick(random, BUSINESS_WORDS)} ${pick(random, BUSINESS_SUFFIXES)}`.toUpperCase();
  return legalForm === 'ENK' ? base : `${base} ${legalForm}`;
}

/** Accounts for one year, from the business's health then: the risk model reads these, with noise. */
export function makeAccounts(business: Business, year: number, health: number, filedOn: string): Accounts {
  const random = business.random;
  const revenue = Math.round(business.baseRevenue * Math.exp(0.08 * health + 0.12 * normal(random)));
  const margin = 0.03 + 0.05 * health + 0.05 * normal(random);
  const totalAssets = Math.round(revenue * Math.exp(-0.4 + 0.4 * normal(random)));
  const equityRatio = Math.min(0.85, Math.max(-0.4, 0.22 + 0.14 * health + 0.1 * normal(random)));
  const currentRatio = 1.2 * Math.exp(0.25 * health + 0.25 * normal(random));
  const currentAssets = Math.round(totalAssets * (0.35 + 0.45 * random()));
  const equity = Math.round(totalAssets * equityRatio);
  const totalDebt = totalAssets - equity;
  const shortTermDebt = Math.round(Math.min(currentAssets / currentRatio, totalDebt * 0.95));
  const longTermDebt = totalDebt - shortTermDebt;
  const operatingResult = Math.round(revenue * margin);
  const nextId = business.accounts.length === 0 ? integer(random, 4_000_000, 6_000_000) : 0;
  return {
    id: nextId || (business.accounts.at(-1)?.id ?? 0) + integer(random, 50_000, 400_000),
    journalnr: `${year + 1}${String(integer(random, 100_000, 999_999))}`,
    year,
    periodStart:
      business.country === 'NO'
        ? `${year}-01-01`
        : addDays(ukPeriodEnd(business.referenceMonth, year - 1), 1),
    periodEnd: business.country === 'NO' ? `${year}-12-31` : ukPeriodEnd(business.referenceMonth, year),
    filedOn,
    currency: business.country === 'NO' ? 'NOK' : 'GBP',
    revenue,
    operatingCosts: revenue - operatingResult,
    financeIncome: Math.round(currentAssets * 0.01),
    financeCosts: Math.round(Math.max(0, longTermDebt) * 0.05),
    currentAssets,
    fixedAssets: totalAssets - currentAssets,
    shortTermDebt,
    longTermDebt,
    equity,
    paidInEquity: Math.min(business.shareCapital, Math.max(equity, 0)),
    small: revenue < 70_000_000,
  };
}

const TIERS: readonly Tier[] = [
  'daily',
  'daily',
  'weekly',
  'weekly',
  'weekly',
  'monthly',
  'monthly',
  'monthly',
];

function terms(random: Random, portfolioId: string, size: number): Terms {
  const creditLimit = Math.max(5_000, Math.round((size * (0.005 + 0.02 * random())) / 5_000) * 5_000);
  return {
    portfolioId,
    tier: pick(random, TIERS),
    creditLimit,
    paymentTermsDays: pick(random, [14, 30, 30, 45, 60]),
    exposure: Math.round(creditLimit * 0.9 * random()),
  };
}

function emptyCredit(random: Random, currency: string, health: number): CreditState {
  return {
    currency,
    remarks: [],
    collections: [],
    debts: [],
    score: null,
    limit: null,
    bureauHealth: health,
    scoreNoise: 6 * normal(random),
    nextId: 1,
    openRemarks: 0,
    openCollections: 0,
    dirty: true,
  };
}

/** Stream numbers of mixSeed: 1 businesses, 2 individuals, 3 the AR ledger (ledger.ts), 4 administration. */
const DISTRESS_STREAM = 4;

/**
 * A new business as it stands on `startDate`: some already file late, a few are already in
 * proceedings or deleted, as in any real debtor book.
 */
export function createBusiness(
  seed: number,
  index: number,
  country: 'NO' | 'GB',
  startDate: string,
): Business {
  const random = mulberry32(mixSeed(seed, index, 1));
  const health = 0.3 + normal(random);
  const legalForm: Business['legalForm'] =
    country === 'GB'
      ? random() < 0.05
        ? 'plc'
        : 'ltd'
      : random() < 0.8
        ? 'AS'
        : random() < 0.9
          ? 'ENK'
          : 'ASA';
  const registryId = country === 'NO' ? randomOrgnr(random) : randomCompanyNumber(random, random() < 0.15);
  const foundedOn = birthDate(random, 1960, Number(startDate.slice(0, 4)) - 3);
  const baseRevenue = Math.round(Math.exp(15.5 + 1.4 * normal(random)) / (country === 'GB' ? 13 : 1));
  const place = address(random, country);
  const business: Business = {
    kind: 'business',
    id: `sim-${String(index).padStart(5, '0')}`,
    country,
    registryId,
    name: businessName(random, country, legalForm),
    previousNames: [],
    legalForm,
    industry: pick(random, INDUSTRIES),
    foundedOn,
    employees: Math.max(0, Math.round(baseRevenue / (country === 'GB' ? 90_000 : 1_500_000))),
    shareCapital:
      legalForm === 'ENK' ? 0 : country === 'GB' ? 100 : pick(random, [30_000, 30_000, 100_000, 1_000_000]),
    address: place,
    ukJurisdiction: registryId.startsWith('SC') ? 'scotland' : 'england-wales',
    manager: null,
    board: [],
    formerOfficers: [],
    auditor: null,
    baseRevenue,
    accounts: [],
    filingDayOfYear: null,
    filingYear: 0,
    plannedFiling: null,
    referenceMonth: random() < 0.6 ? 12 : integer(random, 1, 11),
    overdueSince: null,
    status: 'active',
    administrationSince: null,
    bankruptcySince: null,
    liquidationSince: null,
    forcedSince: null,
    deletedOn: null,
    removedOn: null,
    health,
    credit: emptyCredit(random, country === 'NO' ? 'NOK' : 'GBP', health),
    terms: terms(random, country === 'NO' ? 'nordics' : 'uk', baseRevenue),
    filings: [],
    random,
    distress: mulberry32(mixSeed(seed, index, DISTRESS_STREAM)),
  };
  const appointed = addDays(startDate, -integer(random, 100, 3000));
  if (country === 'NO') business.manager = officer(random, false, appointed);
  const boardSize = legalForm === 'ENK' ? 0 : integer(random, 1, 4);
  for (let i = 0; i < boardSize; i += 1) business.board.push(officer(random, country === 'GB', appointed));
  if (country === 'NO' && legalForm !== 'ENK' && random() < 0.85) business.auditor = auditorFirm(random);
  seedHistory(business, startDate);
  seedCredit(business.credit, random, business.health, startDate, false);
  return business;
}

export function auditorFirm(random: Random): { orgnr: string; name: string } {
  return { orgnr: randomOrgnr(random), name: `${pick(random, BUSINESS_WORDS).toUpperCase()} REVISJON AS` };
}

/** Filed accounts, arrears and proceedings that already existed before the simulation starts. */
function seedHistory(business: Business, startDate: string): void {
  const random = business.random;
  const year = Number(startDate.slice(0, 4));
  const today = dayOfYear(startDate);
  if (business.country === 'NO') {
    planNoFiling(business, year);
    const arrears = random() < 0.02 + (business.health < -1 ? 0.05 : 0);
    const lastFiled = arrears
      ? year - 3
      : business.filingDayOfYear !== null && today >= business.filingDayOfYear
        ? year - 1
        : year - 2;
    for (const y of [lastFiled - 1, lastFiled]) {
      business.accounts.push(
        makeAccounts(business, y, business.health + 0.4 * normal(random), `${y + 1}-06-15`),
      );
    }
    if (arrears) business.overdueSince = `${year - 1}-08-01`;
    else if (lastFiled < year - 1 && today > NO_DEADLINE_DAY_OF_YEAR) business.overdueSince = `${year}-08-01`;
    // Chronic non-filers stay in arrears; those that filed this year have nothing left to file.
    if (arrears || lastFiled === year - 1) business.filingDayOfYear = null;
  } else {
    // Latest accounts made up to the last reference date whose 9-month deadline has passed.
    let madeUpYear = year - 1;
    while (ukDueDate(business.referenceMonth, madeUpYear) > startDate) madeUpYear -= 1;
    for (const y of [madeUpYear - 1, madeUpYear]) {
      const filed = addDays(ukDueDate(business.referenceMonth, y), -integer(random, 5, 120));
      business.accounts.push(makeAccounts(business, y, business.health + 0.4 * normal(random), filed));
      recordUkFiling(business, filed, ukPeriodEnd(business.referenceMonth, y));
    }
    if (random() < 0.04 + (business.health < -1 ? 0.1 : 0)) {
      // Already late when the simulation starts: the latest period was never filed.
      business.accounts.pop();
      business.filings.pop();
      business.overdueSince = addDays(ukDueDate(business.referenceMonth, madeUpYear), 1);
      business.plannedFiling = random() < 0.5 ? null : addDays(startDate, integer(random, 1, 90));
    } else {
      planUkFiling(business, madeUpYear + 1);
    }
  }
  const roll = random();
  const since = addDays(startDate, -integer(random, 10, 200));
  if (roll < 0.01) {
    business.status = 'bankruptcy';
    business.bankruptcySince = since;
  } else if (roll < 0.016) {
    business.status = 'liquidation';
    business.liquidationSince = since;
  } else if (roll < 0.022) {
    business.status = 'dissolved';
    business.deletedOn = since;
  }
}

/** NO: when this year's filing happens. Most file in June–July, some earlier, some late, a few never. */
export function planNoFiling(business: Business, year: number): void {
  const random = business.random;
  const roll = random();
  const never = 0.03 + (business.health < -1 ? 0.08 : 0);
  business.filingYear = year;
  if (roll < never) business.filingDayOfYear = null;
  else if (roll < never + 0.12) business.filingDayOfYear = integer(random, 40, 150);
  else if (roll < never + 0.9) business.filingDayOfYear = integer(random, 151, NO_DEADLINE_DAY_OF_YEAR);
  else business.filingDayOfYear = integer(random, NO_DEADLINE_DAY_OF_YEAR + 1, 330);
}

/** UK: most file in the last four months before the deadline; some late, a few never. */
export function planUkFiling(business: Business, year: number): void {
  const random = business.random;
  const due = ukDueDate(business.referenceMonth, year);
  const roll = random();
  const never = 0.05 + (business.health < -1 ? 0.1 : 0);
  if (roll < never) business.plannedFiling = null;
  else if (roll < never + 0.15) business.plannedFiling = addDays(due, integer(random, 1, 90));
  else business.plannedFiling = addDays(due, -integer(random, 0, 120));
}

export function ukPeriodEnd(referenceMonth: number, year: number): string {
  const next =
    referenceMonth === 12 ? `${year + 1}-01-01` : `${year}-${String(referenceMonth + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
}

/** Companies House: private companies file within 9 months of the accounting reference date. */
export function ukDueDate(referenceMonth: number, year: number): string {
  const key = referenceMonth * 10_000 + year;
  let due = dueDates.get(key);
  if (due === undefined) {
    due = computeUkDueDate(referenceMonth, year);
    dueDates.set(key, due);
  }
  return due;
}

const dueDates = new Map<number, string>();

function computeUkDueDate(referenceMonth: number, year: number): string {
  const end = ukPeriodEnd(referenceMonth, year);
  const month = Number(end.slice(5, 7)) + 9;
  const dueYear = Number(end.slice(0, 4)) + Math.floor((month - 1) / 12);
  const dueMonth = ((month - 1) % 12) + 1;
  return ukPeriodEnd(dueMonth, dueYear);
}

export function recordUkFiling(business: Business, date: string, madeUpTo: string): void {
  const random = business.random;
  const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const barcode = Array.from({ length: 8 }, () => letters[integer(random, 0, letters.length - 1)]).join('');
  const transactionId = Buffer.from(`${business.registryId}${date}${barcode}`)
    .toString('base64url')
    .slice(0, 24);
  business.filings.push({ date, madeUpTo, transactionId, barcode });
}

/** Old remarks, collection cases and debts that weak subjects carry into the simulation. */
function seedCredit(
  credit: CreditState,
  random: Random,
  health: number,
  startDate: string,
  person: boolean,
): void {
  const weakness = Math.max(0, -health);
  const remarks = Math.floor(weakness * 1.5 * random() + (random() < 0.05 ? 1 : 0));
  for (let i = 0; i < remarks; i += 1)
    addRemark(credit, random, addDays(startDate, -integer(random, 5, 600)), person);
  if (random() < 0.1 + 0.3 * weakness)
    addCollection(credit, random, addDays(startDate, -integer(random, 5, 300)), 1);
  const debts = person ? integer(random, 0, 3) : random() < 0.05 + 0.1 * weakness ? 1 : 0;
  for (let i = 0; i < debts; i += 1)
    addDebt(credit, random, addDays(startDate, -integer(random, 30, 2000)), person);
}

export function addRemark(credit: CreditState, random: Random, date: string, person: boolean): void {
  credit.remarks.push({
    id: `R${String(credit.nextId++).padStart(6, '0')}`,
    type: pick(
      random,
      person
        ? ['unpaid-invoice', 'court-judgment', 'distraint']
        : ['unpaid-invoice', 'unpaid-invoice', 'court-judgment', 'distraint', 'bankruptcy-petition'],
    ),
    amount: Math.round(Math.exp(9 + 1.2 * normal(random))),
    registeredDate: date,
    settledDate: null,
  });
}

export function addCollection(credit: CreditState, random: Random, date: string, scale: number): void {
  credit.collections.push({
    id: `C${String(credit.nextId++).padStart(6, '0')}`,
    amount: Math.round(scale * Math.exp(9.5 + normal(random))),
    openedDate: date,
    closedDate: null,
  });
}

export function addDebt(credit: CreditState, random: Random, date: string, person: boolean): void {
  credit.debts.push({
    id: `D${String(credit.nextId++).padStart(6, '0')}`,
    type: pick(
      random,
      person ? ['unsecured-loan', 'credit-card', 'credit-card', 'unsecured-loan'] : ['tax', 'public-claim'],
    ),
    amount: Math.round(Math.exp(10.5 + normal(random))),
    registeredDate: date,
  });
}

/**
 * A new individual on `startDate`, with a valid fødselsnummer. Their health is the latent ability to
 * pay; the bureau sees it through remarks, collection and the debt register.
 */
export function createIndividual(seed: number, index: number, startDate: string): Individual {
  const random = mulberry32(mixSeed(seed, index, 2));
  // Individual numbers 000–499 are 1900s births only: keep birth years in that range.
  const born = birthDate(random, 1945, 1999);
  const health = 0.2 + normal(random);
  const protectedAddress = random() < 0.02;
  const individual: Individual = {
    kind: 'individual',
    id: `sim-${String(index).padStart(5, '0')}`,
    country: 'NO',
    nationalId: randomFnr(random, born).fnr,
    name: personName(random, false),
    birthDate: born,
    address: protectedAddress ? null : address(random, 'NO'),
    addressProtected: protectedAddress,
    status: 'active',
    statusDate: null,
    defaulted: false,
    mortality: Math.exp((daysBetween(born, startDate) / 365.25 - 55) / 12),
    health,
    credit: emptyCredit(random, 'NOK', health),
    terms: terms(random, 'consumers', 400_000),
    random,
  };
  seedCredit(individual.credit, random, health, startDate, true);
  return individual;
}
