/**
 * Newer facts win. Each source of a snapshot says as of when its facts are (a bureau's report date,
 * else the time the fetch started); a check whose answer is older, for any source, than what the
 * stored state already holds from that source is stale: a delayed answer, or a slower check that
 * started before the one that committed. Writing it would turn newer facts back (a committed
 * bankruptcy "active" again) and announce them a second time when the newer answer returns.
 *
 * As-of times are compared per source only: sources' clocks and resolutions differ (a report date
 * is a day, a fetch time a millisecond), and one source's newer answer says nothing about another's.
 * Equal as-of is not stale: the same report read again, or a same-day report whose date cannot tell.
 */
import { z } from 'zod';
import { IsoTimestamp, type SourceRef } from './snapshot.ts';

/** Per source (provider name), the as-of of the facts stored from it, as `toISOString()` text. */
export const AsOf = z.record(z.string(), IsoTimestamp);
export type AsOf = z.infer<typeof AsOf>;

export type Freshness = 'newer' | 'same' | 'older';

/**
 * The as-of of each source of an answer, normalized to `toISOString()` (so that text order is time
 * order, as the store's conditional write compares it); the latest when a source appears twice.
 *
 * @example
 * asOfOf([{ provider: 'credmon-bureau', fetchedAt: '2026-07-20T06:00:00.000Z', asOf: '2026-07-19T00:00:00Z' }]);
 * // { 'credmon-bureau': '2026-07-19T00:00:00.000Z' }
 */
export function asOfOf(sources: readonly SourceRef[]): AsOf {
  const result: AsOf = {};
  for (const source of sources) {
    const at = new Date(source.asOf ?? source.fetchedAt).toISOString();
    const known = result[source.provider];
    if (known === undefined || at > known) result[source.provider] = at;
  }
  return result;
}

/**
 * How an answer's as-of compares with the stored one: `older` when any of its sources is older than
 * that source's stored as-of, `same` when every source equals it, else `newer` (a source not stored
 * before counts as newer).
 *
 * @example
 * freshnessOf({ brreg: '2026-07-20T06:00:00.000Z' }, { brreg: '2026-07-20T05:59:00.000Z' }); // 'older'
 * freshnessOf({ brreg: '2026-07-20T06:00:00.000Z' }, { brreg: '2026-07-20T06:00:00.000Z' }); // 'same'
 */
export function freshnessOf(stored: Readonly<AsOf> | null, incoming: Readonly<AsOf>): Freshness {
  let newer = false;
  for (const [provider, at] of Object.entries(incoming)) {
    const before = stored?.[provider];
    if (before === undefined) {
      newer = true;
      continue;
    }
    const a = Date.parse(at);
    const b = Date.parse(before);
    if (a < b) return 'older';
    if (a > b) newer = true;
  }
  return newer ? 'newer' : 'same';
}

/**
 * The as-of to store with a committed answer: per source the later of the stored and the answer's,
 * so a source the answer did not include keeps what it had.
 *
 * @example
 * mergeAsOf({ brreg: '2026-07-19T06:00:00.000Z', ch: '2026-07-01T06:00:00.000Z' }, { brreg: '2026-07-20T06:00:00.000Z' });
 * // { brreg: '2026-07-20T06:00:00.000Z', ch: '2026-07-01T06:00:00.000Z' }
 */
export function mergeAsOf(stored: Readonly<AsOf> | null, incoming: Readonly<AsOf>): AsOf {
  const merged: AsOf = { ...(stored ?? {}) };
  for (const [provider, at] of Object.entries(incoming)) {
    const before = merged[provider];
    if (before === undefined || Date.parse(at) > Date.parse(before)) merged[provider] = at;
  }
  return merged;
}
