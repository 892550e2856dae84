/**
 * Keyed-hash tokens for personal identifiers. National identity numbers and individuals' names never
 * appear in keys, logs, metrics or alerts: everywhere they would, a token from here stands instead.
 * The key (a secret of the deployment) makes tokens unguessable from the small space of national ids.
 */
import { createHmac } from 'node:crypto';

/**
 * Token of a national identity number within a country.
 *
 * @example
 * personToken({ country: 'NO', nationalId: '01017012345' }, key); // 'pt_3f1c…' (32 hex digits)
 */
export function personToken(input: { country: string; nationalId: string }, key: string): string {
  const normalized = `${input.country.toUpperCase()}:${input.nationalId.replace(/\s|-/g, '')}`;
  return `pt_${hmac(normalized, key)}`;
}

/**
 * Stable reference of a person holding a role (a director, an auditor), from what the registry
 * identifies them by: name and birth date. Same person, same token, without storing either in alerts.
 *
 * @example
 * partyToken({ name: 'Kari Nordmann', birthDate: '1970-01-01' }, key); // 'pp_…'
 */
export function partyToken(input: { name: string; birthDate: string | null }, key: string): string {
  const normalized = `${input.name.trim().replace(/\s+/g, ' ').toLowerCase()}|${input.birthDate ?? ''}`;
  return `pp_${hmac(normalized, key)}`;
}

function hmac(value: string, key: string): string {
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 32);
}
