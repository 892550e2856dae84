/**
 * Enhetsregisteret's update feeds: every change to every entity (`oppdateringer/enheter`, numbered
 * by `oppdateringsid`) and to every entity's roles (`oppdateringer/roller`, CloudEvents numbered by
 * `id`). The feed poller keeps the last id it processed and asks for the page after it; the registry
 * ids it returns are matched against monitored subjects, which are then fetched in full. A poller
 * with no cursor yet asks for the feed's head as of now, never for the feed from its first entry.
 */
import { createResilientClient, pathOf, type ResilientClient, unexpectedStatus } from '../http.ts';
import { parseWire } from '../parse.ts';
import type { HttpTransport } from '../transport.ts';
import { BrregOppdateringer, BrregRolleOppdateringer } from './wire.ts';

export const BrregChangeType = ['Ny', 'Endring', 'Sletting', 'Fjernet', 'Ukjent'] as const;
export type BrregChangeType = (typeof BrregChangeType)[number];

export interface BrregFeedChange {
  registryId: string;
  changeType: BrregChangeType;
  updateId: number;
  /** ISO timestamp of the change in the registry. */
  changedAt: string;
  /** JSON-Patch paths of the change, when the feed was asked to include them; else empty. */
  paths: string[];
}

export interface BrregFeedPage {
  /** In ascending `updateId` order. */
  changes: BrregFeedChange[];
  /** The highest id on the page, the next cursor; null for an empty page (keep the old cursor). */
  lastUpdateId: number | null;
}

export interface BrregFeedOptions {
  /** A shared client; without one, a small retrying client is made for this read. */
  client?: ResilientClient;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads the page of the update feed that follows `afterId`.
 *
 * @example
 * const { changes, lastUpdateId } = await readBrregFeed(fetchTransport, 'https://data.brreg.no', { afterId: 25175396, size: 500 });
 * // store lastUpdateId ?? 25175396 as the cursor
 */
export async function readBrregFeed(
  transport: HttpTransport,
  base: string,
  page: { afterId: number; size: number },
  options: BrregFeedOptions = {},
): Promise<BrregFeedPage> {
  const body = await getEntityFeed(
    transport,
    base,
    `oppdateringsid=${page.afterId + 1}&size=${page.size}`,
    options,
  );
  const changes = (body._embedded?.oppdaterteEnheter ?? [])
    // The cursor is exclusive whatever order or overlap the server answers with.
    .filter((entry) => entry.oppdateringsid > page.afterId)
    .map(
      (entry): BrregFeedChange => ({
        registryId: entry.organisasjonsnummer,
        changeType: changeTypeOf(entry.endringstype),
        updateId: entry.oppdateringsid,
        changedAt: entry.dato,
        paths: (entry.endringer ?? []).map((e) => e.path),
      }),
    )
    .sort((a, b) => a.updateId - b.updateId);
  const last = changes.at(-1);
  return { changes, lastUpdateId: last ? last.updateId : null };
}

/**
 * The entity feed's head as of `at`: a cursor after which every change is one made at or after
 * `at`. The feed is asked for its first change from `at` on (`dato`, inclusive), whose id less one
 * is the head; when nothing changed since, for its newest change (`sort=id,DESC`), all of which lie
 * before `at`. An empty feed's head is 0.
 *
 * @example
 * const head = await readBrregFeedHead(fetchTransport, 'https://data.brreg.no', new Date());
 * // store head as the cursor: the first poll reads only what changes from now on
 */
export async function readBrregFeedHead(
  transport: HttpTransport,
  base: string,
  at: Date,
  options: BrregFeedOptions = {},
): Promise<number> {
  const client = options.client ?? feedClient(transport, options);
  const since = await getEntityFeed(transport, base, `dato=${encodeURIComponent(at.toISOString())}&size=1`, {
    client,
  });
  const first = minId(since._embedded?.oppdaterteEnheter.map((entry) => entry.oppdateringsid));
  if (first !== null) return first - 1;
  const newest = await getEntityFeed(transport, base, 'sort=id,DESC&size=1', { client });
  return maxId(newest._embedded?.oppdaterteEnheter.map((entry) => entry.oppdateringsid)) ?? 0;
}

async function getEntityFeed(
  transport: HttpTransport,
  base: string,
  query: string,
  options: BrregFeedOptions,
): Promise<BrregOppdateringer> {
  const client = options.client ?? feedClient(transport, options);
  const url = `${trimBase(base)}${BRREG_ENTITY_FEED_PATH}?${query}`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  if (response.status !== 200) throw unexpectedStatus('brreg', path, response.status);
  return parseWire(BrregOppdateringer, response.body, { provider: 'brreg', path });
}

/** The entity feed's path on data.brreg.no. */
export const BRREG_ENTITY_FEED_PATH = '/enhetsregisteret/api/oppdateringer/enheter';
/** The roles feed's path on data.brreg.no. */
export const BRREG_ROLES_FEED_PATH = '/enhetsregisteret/api/oppdateringer/roller';

/** One entry of the roles feed: the roles of `registryId` changed. */
export interface BrregRolesChange {
  registryId: string;
  updateId: number;
  /** ISO timestamp of the change in the registry. */
  changedAt: string;
}

export interface BrregRolesPage {
  /** In ascending `updateId` order. */
  changes: BrregRolesChange[];
  /** The highest id on the page; null for an empty page (keep the old cursor). */
  lastUpdateId: number | null;
}

/**
 * Reads the page of the roles feed that follows `afterId` (the API's `afterId` is exclusive).
 *
 * @example
 * const { changes, lastUpdateId } = await readBrregRolesFeed(fetchTransport, 'https://data.brreg.no', { afterId: 4012345, size: 500 });
 */
export async function readBrregRolesFeed(
  transport: HttpTransport,
  base: string,
  page: { afterId: number; size: number },
  options: BrregFeedOptions = {},
): Promise<BrregRolesPage> {
  const events = await getRolesFeed(transport, base, `afterId=${page.afterId}&size=${page.size}`, options);
  const changes = events
    .filter((event) => event.id > page.afterId)
    .map(
      (event): BrregRolesChange => ({
        registryId: event.data.organisasjonsnummer,
        updateId: event.id,
        changedAt: event.time,
      }),
    )
    .sort((a, b) => a.updateId - b.updateId);
  const last = changes.at(-1);
  return { changes, lastUpdateId: last ? last.updateId : null };
}

/** How far back the roles feed's head is looked for when nothing changed since `at`. */
const ROLES_HEAD_LOOKBACK_DAYS = [1, 7, 31] as const;
/** Pages read to walk a lookback window to its end; a window beyond it starts from its last page read. */
const ROLES_HEAD_MAX_PAGES = 20;
const ROLES_HEAD_PAGE = 10_000;

/**
 * The roles feed's head as of `at`, as {@link readBrregFeedHead} for entities. The roles feed can be
 * asked from a time (`afterTime`) but not in descending order: when nothing changed since `at`, the
 * last day (then week, then month) before it is read to its end, and its newest id is the head.
 *
 * @example
 * const head = await readBrregRolesFeedHead(fetchTransport, 'https://data.brreg.no', new Date());
 */
export async function readBrregRolesFeedHead(
  transport: HttpTransport,
  base: string,
  at: Date,
  options: BrregFeedOptions = {},
): Promise<number> {
  const client = options.client ?? feedClient(transport, options);
  const afterTime = (date: Date) => `afterTime=${encodeURIComponent(date.toISOString())}`;
  const since = await getRolesFeed(transport, base, `${afterTime(at)}&size=1`, { client });
  const first = minId(since.map((event) => event.id));
  if (first !== null) return first - 1;
  for (const days of ROLES_HEAD_LOOKBACK_DAYS) {
    const from = new Date(at.getTime() - days * 86_400_000);
    let events = await getRolesFeed(transport, base, `${afterTime(from)}&size=${ROLES_HEAD_PAGE}`, {
      client,
    });
    let newest = maxId(events.map((event) => event.id));
    for (
      let pages = 1;
      newest !== null && events.length >= ROLES_HEAD_PAGE && pages < ROLES_HEAD_MAX_PAGES;
      pages++
    ) {
      events = await getRolesFeed(transport, base, `afterId=${newest}&size=${ROLES_HEAD_PAGE}`, { client });
      newest = maxId(events.map((event) => event.id)) ?? newest;
    }
    if (newest !== null) return newest;
  }
  return 0;
}

async function getRolesFeed(
  transport: HttpTransport,
  base: string,
  query: string,
  options: BrregFeedOptions,
): Promise<BrregRolleOppdateringer> {
  const client = options.client ?? feedClient(transport, options);
  const url = `${trimBase(base)}${BRREG_ROLES_FEED_PATH}?${query}`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  if (response.status !== 200) throw unexpectedStatus('brreg', path, response.status);
  return parseWire(BrregRolleOppdateringer, response.body, { provider: 'brreg', path });
}

function feedClient(transport: HttpTransport, options: BrregFeedOptions): ResilientClient {
  return createResilientClient(transport, {
    provider: 'brreg-feed',
    timeoutMs: 10_000,
    maxAttempts: 3,
    baseDelayMs: 250,
    maxDelayMs: 5000,
    rateLimitPerSecond: 5,
    breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

const trimBase = (base: string) => base.replace(/\/+$/, '');

function minId(ids: readonly number[] | undefined): number | null {
  return ids && ids.length > 0 ? Math.min(...ids) : null;
}

function maxId(ids: readonly number[] | undefined): number | null {
  return ids && ids.length > 0 ? Math.max(...ids) : null;
}

function changeTypeOf(value: string): BrregChangeType {
  return (BrregChangeType as readonly string[]).includes(value) ? (value as BrregChangeType) : 'Ukjent';
}

/** Top-level entity fields the snapshot is built from; a change elsewhere cannot change the snapshot. */
const TRACKED_FIELDS = new Set([
  'navn',
  'organisasjonsform',
  'naeringskode1',
  'forretningsadresse',
  'postadresse',
  'stiftelsesdato',
  'antallAnsatte',
  'kapital',
  'konkurs',
  'konkursdato',
  'underAvvikling',
  'underAvviklingDato',
  'underTvangsavviklingEllerTvangsopplosning',
  'tvangsavvikletPgaManglendeSlettingDato',
  'tvangsopplostPgaManglendeDagligLederDato',
  'tvangsopplostPgaManglendeRevisorDato',
  'tvangsopplostPgaManglendeRegnskapDato',
  'tvangsopplostPgaMangelfulltStyreDato',
  'sisteInnsendteAarsregnskap',
  'slettedato',
  'respons_klasse',
]);

/**
 * Whether a JSON-Patch path of a feed change touches a field the snapshot tracks: the poller can
 * skip re-fetching for changes to e.g. the phone number or the articles' text.
 *
 * @example
 * isTrackedBrregPath('/forretningsadresse/postnummer'); // true
 * isTrackedBrregPath('/telefon'); // false
 */
export function isTrackedBrregPath(path: string): boolean {
  const field = path.split('/')[1] ?? '';
  return TRACKED_FIELDS.has(field);
}

/**
 * Whether a change needs a fetch: new, deleted or removed entities always do; an `Endring` only if
 * any of its paths is tracked, or if the feed did not say which paths changed.
 *
 * @example
 * needsFetch({ registryId: '923609016', changeType: 'Endring', updateId: 1, changedAt: '…', paths: ['/telefon'] }); // false
 */
export function needsFetch(change: BrregFeedChange): boolean {
  if (change.changeType !== 'Endring' || change.paths.length === 0) return true;
  return change.paths.some(isTrackedBrregPath);
}
