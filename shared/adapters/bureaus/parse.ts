/**
 * Parsing at the edge: every wire payload goes through a zod schema of the source's format, and a
 * mismatch becomes one {@link MalformedPayloadError} that names provider, URL path and field paths.
 * Issue texts carry zod's messages, which describe expectations, never the received values: a
 * person's payload cannot leak into a dead-letter reason this way.
 */
import type { z } from 'zod';
import type { Role, RoleType } from '#shared/domain/snapshot.ts';
import { MalformedPayloadError } from '#shared/errors.ts';

/**
 * Parses `body` with `schema` or throws a {@link MalformedPayloadError}.
 *
 * @example
 * const enhet = parseWire(BrregEnhet, response.body, { provider: 'brreg', path: '/enhetsregisteret/api/enheter/923609016' });
 */
export function parseWire<S extends z.ZodType>(
  schema: S,
  body: unknown,
  where: { provider: string; path: string },
): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new MalformedPayloadError(
    `${where.provider}: unexpected payload for ${where.path} (${issues.slice(0, 3).join('; ')}${issues.length > 3 ? '; …' : ''})`,
    { provider: where.provider, path: where.path, issues },
  );
}

/**
 * A calendar date from a source's date-ish string: keeps `YYYY-MM-DD` (also the date part of a
 * timestamp), turns empty strings and anything else into null.
 *
 * @example
 * isoDateOrNull('2021-07-01'); // '2021-07-01'
 * isoDateOrNull(''); // null
 */
export function isoDateOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(value);
  return match?.[1] ?? null;
}

/**
 * The earliest of several optional dates.
 *
 * @example
 * earliestDate(['2022-07-27', null, '2021-01-01']); // '2021-01-01'
 */
export function earliestDate(values: readonly (string | null | undefined)[]): string | null {
  const dates = values.map(isoDateOrNull).filter((d): d is string => d !== null);
  return dates.length === 0 ? null : (dates.sort()[0] ?? null);
}

/** Today's calendar date at `now`, in UTC: filing deadlines are compared against it. */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

const ROLE_ORDER: readonly RoleType[] = [
  'managing-director',
  'chair',
  'deputy-chair',
  'board-member',
  'deputy-board-member',
  'auditor',
  'accountant',
  'other',
];

/**
 * Roles in a stable order: registries reorder between fetches, and the snapshot hash must not move.
 *
 * @example
 * sortRoles(roles)[0]?.type; // 'managing-director' when there is one
 */
export function sortRoles(roles: readonly Role[]): Role[] {
  return [...roles].sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.type) - ROLE_ORDER.indexOf(b.type) ||
      a.sourceCode.localeCompare(b.sourceCode) ||
      a.party.ref.localeCompare(b.party.ref) ||
      (a.from ?? '').localeCompare(b.from ?? ''),
  );
}
