/**
 * Registry identifiers with their real check digits, so that adapters' validation sees the same
 * numbers it would see in production.
 */
import { integer, type Random } from './prng.ts';

const ORGNR_WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
const FNR_WEIGHTS_1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const FNR_WEIGHTS_2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** mod-11 check digit; null where the remainder makes the number invalid (never issued). */
function mod11(digits: readonly number[], weights: readonly number[]): number | null {
  let sum = 0;
  for (let i = 0; i < weights.length; i += 1) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? null : check;
}

function digitsOf(value: string): number[] {
  return [...value].map(Number);
}

/**
 * Whether a Norwegian organisation number has a valid mod-11 check digit.
 *
 * @example
 * isValidOrgnr('923609016'); // true (Equinor)
 */
export function isValidOrgnr(orgnr: string): boolean {
  if (!/^\d{9}$/.test(orgnr)) return false;
  const digits = digitsOf(orgnr);
  return mod11(digits, ORGNR_WEIGHTS) === digits[8];
}

/**
 * A random valid organisation number (they start with 8 or 9).
 *
 * @example
 * isValidOrgnr(randomOrgnr(mulberry32(1))); // true
 */
export function randomOrgnr(random: Random): string {
  for (;;) {
    const base = `${integer(random, 8, 9)}${String(integer(random, 0, 9_999_999)).padStart(7, '0')}`;
    const check = mod11(digitsOf(base), ORGNR_WEIGHTS);
    if (check !== null) return `${base}${check}`;
  }
}

/**
 * Whether a Norwegian fødselsnummer has valid date digits and both mod-11 check digits.
 *
 * @example
 * isValidFnr('01017012345'); // false
 */
export function isValidFnr(fnr: string): boolean {
  if (!/^\d{11}$/.test(fnr)) return false;
  const digits = digitsOf(fnr);
  const k1 = mod11(digits, FNR_WEIGHTS_1);
  if (k1 === null || k1 !== digits[9]) return false;
  const k2 = mod11(digits, FNR_WEIGHTS_2);
  return k2 !== null && k2 === digits[10];
}

/**
 * A valid fødselsnummer for a birth date in 1900–1999 (individual numbers 000–499 belong to that
 * century), and the birth date itself.
 *
 * @example
 * const { fnr } = randomFnr(mulberry32(1), '1970-05-17'); // isValidFnr(fnr) === true
 */
export function randomFnr(random: Random, birthDate: string): { fnr: string } {
  const [year, month, day] = birthDate.split('-');
  const datePart = `${day}${month}${year?.slice(2)}`;
  for (;;) {
    const base = `${datePart}${String(integer(random, 0, 499)).padStart(3, '0')}`;
    const k1 = mod11(digitsOf(base), FNR_WEIGHTS_1);
    if (k1 === null) continue;
    const k2 = mod11(digitsOf(`${base}${k1}`), FNR_WEIGHTS_2);
    if (k2 === null) continue;
    return { fnr: `${base}${k1}${k2}` };
  }
}

/**
 * A Companies House company number: 8 digits for England and Wales, `SC` + 6 digits for Scotland.
 *
 * @example
 * randomCompanyNumber(mulberry32(1), false); // e.g. '04817263'
 */
export function randomCompanyNumber(random: Random, scottish: boolean): string {
  if (scottish) return `SC${String(integer(random, 100_000, 799_999))}`;
  return String(integer(random, 1_000_000, 14_999_999)).padStart(8, '0');
}
