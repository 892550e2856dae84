/**
 * Brønnøysund's update feed as the feed poll's page source: one resilient client per process (its
 * own breaker and rate limit, apart from the entity checks'), and the feed's changes marked by
 * whether they can change a snapshot.
 */
import type { FeedPage } from '#shared/use-cases/poll-feed.ts';
import { createResilientClient } from '../http.ts';
import type { BureauConfig } from '../provider.ts';
import type { HttpTransport } from '../transport.ts';
import { needsFetch, readBrregFeed } from './feed.ts';

/** The cursor name of Enhetsregisteret's entity update feed. */
export const BRREG_ENTITY_FEED = 'brreg/enheter';

export interface FeedSource {
  /** Cursor name, `<provider>/<feed>`. */
  readonly feed: string;
  readonly country: 'NO';
  readPage(afterId: number, size: number): Promise<FeedPage>;
}

/**
 * @example
 * const source = brregFeedSource(config.bureaus, fetchTransport);
 * const page = await source.readPage(25175396, 500);
 */
export function brregFeedSource(
  bureaus: BureauConfig,
  transport: HttpTransport,
  options: { readonly sleep?: (ms: number) => Promise<void> } = {},
): FeedSource {
  const client = createResilientClient(transport, {
    ...bureaus.http,
    // The poll runs alone every few minutes, not as a queue worker: it can afford to wait out a
    // Retry-After and to ask a few more times rather than fail the whole poll.
    maxAttempts: Math.max(bureaus.http.maxAttempts, 5),
    maxDelayMs: Math.max(bureaus.http.maxDelayMs, 5000),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    provider: 'brreg-feed',
  });
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
  };
}
