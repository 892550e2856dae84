/**
 * Enhetsregisteret's update feed: every change to every entity, numbered by `oppdateringsid`. The
 * feed poller keeps the last id it processed and asks for the page after it; the registry ids it
 * returns are matched against monitored subjects, which are then fetched in full.
 */
import { createResilientClient, pathOf, type ResilientClient, unexpectedStatus } from '../http.ts';
import { parseWire } from '../parse.ts';
import type { HttpTransport } from '../transport.ts';
import { BrregOppdateringer } from './wire.ts';

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
  const client =
    options.client ??
    createResilientClient(transport, {
      provider: 'brreg-feed',
      timeoutMs: 10_000,
      maxAttempts: 3,
      baseDelayMs: 250,
      maxDelayMs: 5000,
      rateLimitPerSecond: 5,
      breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  const url = `${base.replace(/\/+$/, '')}/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=${page.afterId + 1}&size=${page.size}`;
  const path = pathOf(url);
  const response = await client.getJson(url);
  if (response.status !== 200) throw unexpectedStatus('brreg', path, response.status);
  const body = parseWire(BrregOppdateringer, response.body, { provider: 'brreg', path });

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
