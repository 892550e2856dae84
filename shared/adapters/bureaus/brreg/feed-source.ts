/**
 * Brønnøysund's update feeds as the feed poll's page sources: one resilient client per process (its
 * own breaker and rate limit, apart from the entity checks'), shared by the entity and the roles
 * feed, and the feeds' changes marked by whether they can change a snapshot.
 */
import type { FeedPage } from '#shared/use-cases/poll-feed.ts';
import { createResilientClient, type ResilientClient } from '../http.ts';
import type { BureauConfig } from '../provider.ts';
import type { HttpTransport } from '../transport.ts';
import {
  needsFetch,
  readBrregFeed,
  readBrregFeedHead,
  readBrregRolesFeed,
  readBrregRolesFeedHead,
} from './feed.ts';

/** The cursor name of Enhetsregisteret's entity update feed. */
export const BRREG_ENTITY_FEED = 'brreg/enheter';
/** The cursor name of Enhetsregisteret's roles update feed. */
export const BRREG_ROLES_FEED = 'brreg/roller';

export interface FeedSource {
  /** Cursor name, `<provider>/<feed>`. */
  readonly feed: string;
  readonly country: 'NO';
  readPage(afterId: number, size: number): Promise<FeedPage>;
  /** The feed's head as of `at`: where a feed without a stored cursor starts. */
  readHead(at: Date): Promise<number>;
}

interface SourceOptions {
  readonly sleep?: (ms: number) => Promise<void>;
  /** A client shared with the other Brønnøysund feed; one is made when absent. */
  readonly client?: ResilientClient;
}

/**
 * The client of the feed poll: it runs alone every few minutes, not as a queue worker, so it can
 * afford to wait out a Retry-After and to ask a few more times rather than fail the whole poll.
 *
 * @example
 * const client = brregFeedClient(config.bureaus, fetchTransport);
 * const sources = [brregFeedSource(config.bureaus, fetchTransport, { client }), brregRolesFeedSource(config.bureaus, fetchTransport, { client })];
 */
export function brregFeedClient(
  bureaus: BureauConfig,
  transport: HttpTransport,
  options: { readonly sleep?: (ms: number) => Promise<void> } = {},
): ResilientClient {
  return createResilientClient(transport, {
    ...bureaus.http,
    maxAttempts: Math.max(bureaus.http.maxAttempts, 5),
    maxDelayMs: Math.max(bureaus.http.maxDelayMs, 5000),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    provider: 'brreg-feed',
  });
}

/**
 * @example
 * const source = brregFeedSource(config.bureaus, fetchTransport);
 * const page = await source.readPage(25175396, 500);
 */
export function brregFeedSource(
  bureaus: BureauConfig,
  transport: HttpTransport,
  options: SourceOptions = {},
): FeedSource {
  const client = options.client ?? brregFeedClient(bureaus, transport, options);
  return {
    feed: BRREG_ENTITY_FEED,
    country: 'NO',
    async readPage(afterId, size) {
      const page = await readBrregFeed(transport, bureaus.brreg.baseUrl, { afterId, size }, { client });
      return {
        lastId: page.lastUpdateId,
        changes: page.changes.map((change) => ({
          registryId: change.registryId,
          updateId: change.updateId,
          relevant: needsFetch(change),
        })),
      };
    },
    readHead: (at) => readBrregFeedHead(transport, bureaus.brreg.baseUrl, at, { client }),
  };
}

/**
 * The roles feed: every change it names is relevant, since the snapshot holds the managing
 * director, the board and the auditor, and the feed does not say which role changed.
 *
 * @example
 * const source = brregRolesFeedSource(config.bureaus, fetchTransport);
 * const page = await source.readPage(4012345, 500);
 */
export function brregRolesFeedSource(
  bureaus: BureauConfig,
  transport: HttpTransport,
  options: SourceOptions = {},
): FeedSource {
  const client = options.client ?? brregFeedClient(bureaus, transport, options);
  return {
    feed: BRREG_ROLES_FEED,
    country: 'NO',
    async readPage(afterId, size) {
      const page = await readBrregRolesFeed(transport, bureaus.brreg.baseUrl, { afterId, size }, { client });
      return {
        lastId: page.lastUpdateId,
        changes: page.changes.map((change) => ({
          registryId: change.registryId,
          updateId: change.updateId,
          relevant: true,
        })),
      };
    },
    readHead: (at) => readBrregRolesFeedHead(transport, bureaus.brreg.baseUrl, at, { client }),
  };
}

/**
 * Both Brønnøysund feeds on one client, in the order the feed poll reads them.
 *
 * @example
 * const feeds = brregFeedSources(config.bureaus, fetchTransport).map((source) => ({ ...source, store, cursors, queue, now }));
 */
export function brregFeedSources(
  bureaus: BureauConfig,
  transport: HttpTransport,
  options: { readonly sleep?: (ms: number) => Promise<void> } = {},
): FeedSource[] {
  const client = brregFeedClient(bureaus, transport, options);
  return [
    brregFeedSource(bureaus, transport, { client }),
    brregRolesFeedSource(bureaus, transport, { client }),
  ];
}
