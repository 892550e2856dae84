/** AWS Lambda entry of the feed-poll function: configuration is read and validated once, at init. */
import { brregFeedSources } from '#shared/adapters/bureaus/brreg/feed-source.ts';
import { keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { DynamoCursorStore } from '#shared/adapters/store/cursor-store.ts';
import { compose } from '#shared/composition.ts';
import { loadRuntimeConfig } from '#shared/config.ts';
import { createObservability } from '#shared/observability.ts';
import { createFeedPollHandler } from './create-handler.ts';

const config = loadRuntimeConfig(process.env);
const { store, queue, clients } = compose(config);
const cursors = new DynamoCursorStore(clients.dynamodb, { tableName: config.tableName });

export const handler = createFeedPollHandler({
  ...createObservability({ serviceName: 'credmon-feed-poll' }),
  feeds: brregFeedSources(config.bureaus, keepAliveTransport).map((source) => ({
    ...source,
    store,
    cursors,
    queue,
    now: () => new Date(),
  })),
  settings: { subjectsPerJob: config.subjectsPerJob },
});
