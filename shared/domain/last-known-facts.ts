/**
 * When a registry stops publishing a subject's details — a deleted entity answers with little more
 * than its name and deletion date, a removed one with nothing — the facts credmon last saw stay on
 * the snapshot. Only the status moves; a disappearing address or board is not news, and alerting on
 * each of them would bury the one alert that is (dissolved, removed from the registry).
 */
import type { Snapshot, SubjectState } from './snapshot.ts';

/** States in which a registry no longer publishes the subject's details. */
export const UNPUBLISHED_STATES: ReadonlySet<SubjectState> = new Set(['dissolved', 'removed']);

/**
 * Fills what the registry stopped publishing from the previous snapshot. The credit bureau's part is
 * kept as fetched: a bureau that drops a dissolved company's score or limit has told us something.
 *
 * @example
 * withLastKnownFacts(active, dissolvedWithoutAddress).addresses; // the active snapshot's addresses
 */
export function withLastKnownFacts(previous: Snapshot | null, next: Snapshot): Snapshot {
  if (!previous || !UNPUBLISHED_STATES.has(next.status.state)) return next;
  const identity = next.identity;
  return {
    ...next,
    identity: {
      ...identity,
      name: identity.name ?? previous.identity.name,
      legalForm: identity.legalForm ?? previous.identity.legalForm,
      industryCode: identity.industryCode ?? previous.identity.industryCode,
      foundedOn: identity.foundedOn ?? previous.identity.foundedOn,
    },
    addresses: {
      business: next.addresses.business ?? previous.addresses.business,
      postal: next.addresses.postal ?? previous.addresses.postal,
      home: next.addresses.home ?? previous.addresses.home,
    },
    roles: next.roles.length > 0 ? next.roles : previous.roles,
    accounts: next.accounts ?? previous.accounts,
    accountsFiling: next.accountsFiling ?? previous.accountsFiling,
    employees: next.employees ?? previous.employees,
    shareCapital: next.shareCapital ?? previous.shareCapital,
  };
}
