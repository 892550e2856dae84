/**
 * Validation of a portfolio file, one row at a time: which rows can be enrolled, and for each
 * rejected row its line and a reason that names the column. Pure: the caller decodes the bytes and
 * splits the CSV records; this module checks the header and the values.
 *
 * Privacy: reasons never repeat a national id or a name; individuals' names are read and dropped
 * (credmon keeps only what the bureau reports about a person).
 */
import type { SubjectKind } from './snapshot.ts';
import { SubjectId, type Tier } from './subject.ts';

/** The columns of a portfolio file, in the documented order (any order is accepted). */
export const PORTFOLIO_COLUMNS = [
  'id',
  'kind',
  'country',
  'registryId',
  'nationalId',
  'name',
  'portfolio',
  'tier',
  'creditLimit',
  'paymentTermsDays',
  'exposure',
] as const;
export type PortfolioColumn = (typeof PORTFOLIO_COLUMNS)[number];

/**
 * Countries credmon can monitor, and what with: businesses through the national registry (and the
 * credit bureau where configured), individuals through the credit bureau only.
 */
export const MONITORABLE_COUNTRIES = {
  NO: { registry: 'Brønnøysundregistrene', feed: true },
  GB: { registry: 'Companies House', feed: false },
} as const satisfies Record<string, { registry: string; feed: boolean }>;
export type MonitorableCountry = keyof typeof MONITORABLE_COUNTRIES;

/** Tiers a file may use when the deployment configures none: `feed` is added for feed countries. */
export const DEFAULT_IMPORT_TIERS: readonly Tier[] = ['daily', 'weekly', 'monthly'];

/** A row that can be enrolled: a subject with an individual's clear national id (sealed later). */
export interface PortfolioRow {
  readonly line: number;
  readonly id: string;
  readonly kind: SubjectKind;
  readonly country: MonitorableCountry;
  readonly registryId: string | null;
  /** Individuals only; never logged, tokenized and sealed on enrolment. */
  readonly nationalId: string | null;
  readonly portfolioId: string;
  readonly tier: Tier;
  readonly creditLimit: number | null;
  readonly paymentTermsDays: number | null;
  readonly exposure: number | null;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface PortfolioValidation {
  readonly rows: PortfolioRow[];
  readonly rejected: RejectedRow[];
}

/** A CSV record as the reader yields it: 1-based line where it starts, and its fields. */
export interface PortfolioRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

export interface PortfolioValidationOptions {
  /** Tiers the deployment schedules. @default {@link DEFAULT_IMPORT_TIERS} */
  readonly tiers?: readonly Tier[];
}

/** The file as a whole cannot be read as a portfolio: nothing of it is imported. */
export class MalformedPortfolioError extends Error {
  override readonly name = 'MalformedPortfolioError';
}

/**
 * Checks the header: every column present once; extra columns are ignored. Returns each column's
 * index. Throws {@link MalformedPortfolioError} naming the missing or repeated columns.
 *
 * @example
 * portfolioHeader(['id', 'kind', …]); // { id: 0, kind: 1, … }
 */
export function portfolioHeader(fields: readonly string[], file = '<csv>'): Record<PortfolioColumn, number> {
  const names = fields.map((field, index) => (index === 0 ? field.replace(/^\uFEFF/, '') : field).trim());
  const repeated = PORTFOLIO_COLUMNS.filter((column) => names.filter((name) => name === column).length > 1);
  const missing = PORTFOLIO_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0 || repeated.length > 0) {
    const problems = [
      missing.length > 0 ? `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` : '',
      repeated.length > 0 ? `repeated column${repeated.length > 1 ? 's' : ''} ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    throw new MalformedPortfolioError(
      `${file}:1: not a portfolio header: ${problems.join('; ')} (expected ${PORTFOLIO_COLUMNS.join(',')})`,
    );
  }
  return Object.fromEntries(PORTFOLIO_COLUMNS.map((column) => [column, names.indexOf(column)])) as Record<
    PortfolioColumn,
    number
  >;
}

/**
 * Validates the records of a portfolio file (the first record is the header). Every data record
 * becomes a row or a rejection; a later row with an id seen before is rejected as a duplicate.
 *
 * @example
 * const { rows, rejected } = validatePortfolio(records, { file: 'debtors.csv' });
 * // rejected: [{ line: 4, reason: 'registryId: 923609017 is not a valid Norwegian organisation number (mod-11 check digit)' }]
 */
export function validatePortfolio(
  records: Iterable<PortfolioRecord>,
  options: PortfolioValidationOptions & { readonly file?: string } = {},
): PortfolioValidation {
  const rows: PortfolioRow[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  let header: Record<PortfolioColumn, number> | null = null;
  let width = 0;
  for (const record of records) {
    if (!header) {
      header = portfolioHeader(record.fields, options.file);
      width = record.fields.length;
      continue;
    }
    if (record.fields.length !== width) {
      rejected.push({
        line: record.line,
        reason: `row: expected ${width} fields as in the header, got ${record.fields.length}`,
      });
      continue;
    }
    const columns = header;
    const value = (column: PortfolioColumn) => (record.fields[columns[column]] ?? '').trim();
    const result = validateRow(value, record.line, options);
    if ('reason' in result) {
      rejected.push(result);
      continue;
    }
    const first = seen.get(result.id);
    if (first !== undefined) {
      rejected.push({ line: record.line, reason: `id: ${result.id} is a duplicate of line ${first}` });
      continue;
    }
    seen.set(result.id, record.line);
    rows.push(result);
  }
  if (!header) throw new MalformedPortfolioError(`${options.file ?? '<csv>'}: empty file, expected a header`);
  return { rows, rejected };
}

/**
 * Validates one row given by its column values. Reports every problem of the row, each naming its
 * column, in one reason.
 *
 * @example
 * validateRow((c) => values[c], 2); // PortfolioRow | { line: 2, reason: 'tier: hourly is not a tier (daily, weekly, monthly)' }
 */
export function validateRow(
  value: (column: PortfolioColumn) => string,
  line: number,
  options: PortfolioValidationOptions = {},
): PortfolioRow | RejectedRow {
  const problems: string[] = [];
  const problem = (column: PortfolioColumn, message: string) => problems.push(`${column}: ${message}`);

  const id = value('id');
  if (id === '') problem('id', 'missing');
  else if (!SubjectId.safeParse(id).success)
    problem('id', `${id} has characters other than letters, digits and . _ : -`);

  const kindText = value('kind').toLowerCase();
  const kind: SubjectKind | null = kindText === 'business' || kindText === 'individual' ? kindText : null;
  if (!kind)
    problem(
      'kind',
      kindText === '' ? 'missing (business or individual)' : `${value('kind')} is not business or individual`,
    );

  const countryText = value('country').toUpperCase();
  const country = countryText in MONITORABLE_COUNTRIES ? (countryText as MonitorableCountry) : null;
  if (!country) problem('country', countryProblem(countryText));

  const registryId = normalizeRegistryId(value('registryId'), country);
  const nationalId = value('nationalId').replace(/[\s-]/g, '');
  if (kind === 'business') {
    if (registryId === '') problem('registryId', 'missing: a business is monitored by its registry id');
    else if (country) {
      const bad = registryIdProblem(registryId, country);
      if (bad) problem('registryId', bad);
    }
    if (nationalId !== '') problem('nationalId', 'must be empty for a business');
  } else if (kind === 'individual') {
    if (nationalId === '') problem('nationalId', 'missing: an individual is monitored by national id');
    else if (country) {
      const bad = nationalIdProblem(nationalId, country);
      if (bad) problem('nationalId', bad);
    }
    if (registryId !== '') problem('registryId', 'must be empty for an individual');
  }

  const portfolioId = value('portfolio');
  if (portfolioId === '') problem('portfolio', 'missing');
  else if (!/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,63}$/u.test(portfolioId)) {
    problem('portfolio', `${portfolioId} must be 1–64 letters, digits, spaces or . _ : / -`);
  }

  const tier = tierOf(value('tier'), kind, country, options.tiers ?? DEFAULT_IMPORT_TIERS, problem);
  const creditLimit = amount(value('creditLimit'), 'creditLimit', false, problem);
  const paymentTermsDays = amount(value('paymentTermsDays'), 'paymentTermsDays', true, problem);
  const exposure = amount(value('exposure'), 'exposure', false, problem);

  if (problems.length > 0 || !kind || !country || !tier) return { line, reason: problems.join('; ') };
  return {
    line,
    id,
    kind,
    country,
    registryId: kind === 'business' ? registryId : null,
    nationalId: kind === 'individual' ? nationalId : null,
    portfolioId,
    tier,
    creditLimit,
    paymentTermsDays,
    exposure,
  };
}

function countryProblem(code: string): string {
  const supported = Object.keys(MONITORABLE_COUNTRIES).join(', ');
  if (code === '') return `missing (monitorable: ${supported})`;
  if (!/^[A-Z]{2}$/.test(code) || !ISO_COUNTRIES.has(code)) {
    return `${code} is not an ISO 3166-1 alpha-2 country code (monitorable: ${supported})`;
  }
  return `${code} has no supported registry (monitorable: ${supported})`;
}

function normalizeRegistryId(raw: string, country: MonitorableCountry | null): string {
  // Organisation numbers are often written in groups (923 609 016); company numbers in lower case.
  if (country === 'NO') return raw.replace(/\s/g, '');
  return raw.replace(/\s/g, '').toUpperCase();
}

function registryIdProblem(registryId: string, country: MonitorableCountry): string | null {
  if (country === 'NO') {
    if (!/^\d{9}$/.test(registryId)) return `${registryId} is not a Norwegian organisation number (9 digits)`;
    return isValidOrganisationNumber(registryId)
      ? null
      : `${registryId} is not a valid Norwegian organisation number (mod-11 check digit)`;
  }
  return isValidCompanyNumber(registryId)
    ? null
    : `${registryId} is not a UK company number (8 digits, or 2 letters and 6 digits such as SC571653)`;
}

/** National ids are never echoed: a rejection names the rule, not the number. */
function nationalIdProblem(nationalId: string, country: MonitorableCountry): string | null {
  if (country === 'NO') {
    if (!/^\d{11}$/.test(nationalId)) return 'not a Norwegian national id (11 digits)';
    return isValidNorwegianNationalId(nationalId)
      ? null
      : 'not a valid Norwegian national id (mod-11 check digits)';
  }
  return isValidNationalInsuranceNumber(nationalId)
    ? null
    : 'not a UK National Insurance number (2 letters, 6 digits, A–D)';
}

function tierOf(
  raw: string,
  kind: SubjectKind | null,
  country: MonitorableCountry | null,
  tiers: readonly Tier[],
  problem: (column: PortfolioColumn, message: string) => void,
): Tier | null {
  const text = raw.toLowerCase();
  const feedAllowed = kind === 'business' && country !== null && MONITORABLE_COUNTRIES[country].feed;
  const allowed = feedAllowed && !tiers.includes('feed') ? [...tiers, 'feed' as const] : tiers;
  if (text === '') {
    problem('tier', `missing (${allowed.join(', ')})`);
    return null;
  }
  if ((allowed as readonly string[]).includes(text)) return text as Tier;
  if (text === 'feed') {
    problem('tier', 'feed is only for businesses in a country with a change feed (NO)');
    return null;
  }
  problem('tier', `${raw} is not a tier (${allowed.join(', ')})`);
  return null;
}

/** Optional non-negative amount; `integer` for day counts. Plain decimals only: 1500 or 1500.50. */
function amount(
  raw: string,
  column: PortfolioColumn,
  integer: boolean,
  problem: (column: PortfolioColumn, message: string) => void,
): number | null {
  if (raw === '') return null;
  if (!/^-?\d+(\.\d+)?$/.test(raw)) {
    problem(column, `${raw} is not a number (digits with an optional decimal point)`);
    return null;
  }
  const number = Number(raw);
  if (number < 0) problem(column, `${raw} is negative`);
  else if (integer && !Number.isInteger(number)) problem(column, `${raw} is not a whole number of days`);
  else if (!Number.isFinite(number)) problem(column, `${raw} is too large`);
  else return number;
  return null;
}

const ORGANISATION_NUMBER_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
const NATIONAL_ID_WEIGHTS_1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const NATIONAL_ID_WEIGHTS_2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** mod-11 check digit over the first `weights.length` digits; null where no digit is valid. */
function mod11(digits: string, weights: readonly number[]): number | null {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

/**
 * Norwegian organisation number: 9 digits, the last a mod-11 check digit (weights 3 2 7 6 5 4 3 2).
 *
 * @example
 * isValidOrganisationNumber('923609016'); // true (Equinor ASA)
 */
export function isValidOrganisationNumber(value: string): boolean {
  return /^\d{9}$/.test(value) && mod11(value, ORGANISATION_NUMBER_WEIGHTS) === Number(value[8]);
}

/**
 * Norwegian national id (fødselsnummer or D-number): 11 digits, the last two mod-11 check digits.
 *
 * @example
 * isValidNorwegianNationalId('10038000581'); // true
 */
export function isValidNorwegianNationalId(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const k1 = mod11(value, NATIONAL_ID_WEIGHTS_1);
  if (k1 === null || k1 !== Number(value[9])) return false;
  const k2 = mod11(value, NATIONAL_ID_WEIGHTS_2);
  return k2 !== null && k2 === Number(value[10]);
}

/**
 * UK company number: 8 characters, 8 digits (England and Wales) or 2 letters and 6 digits
 * (SC Scotland, NI Northern Ireland, OC LLPs, …).
 *
 * @example
 * isValidCompanyNumber('SC571653'); // true
 */
export function isValidCompanyNumber(value: string): boolean {
  return /^(\d{8}|[A-Z]{2}\d{6})$/.test(value);
}

/**
 * UK National Insurance number: two prefix letters (not D F I Q U V; second not O), 6 digits, A–D.
 *
 * @example
 * isValidNationalInsuranceNumber('AB123456C'); // true
 */
export function isValidNationalInsuranceNumber(value: string): boolean {
  const upper = value.toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(upper)) return false;
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(upper.slice(0, 2));
}

/** ISO 3166-1 alpha-2 codes, to tell a typo from a country credmon does not monitor. */
const ISO_COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);
