/** AWS Lambda entry of the outbox-sweeper function: configuration is read and validated once, at init. */
import { compose } from '#shared/composition.ts';
import { loadRuntimeConfig } from '#shared/config.ts';
import { createObservability } from '#shared/observability.ts';
import { createOutboxSweeperHandler } from './create-handler.ts';

const config = loadRuntimeConfig(process.env);
const { store, publisher } = compose(config);

export const handler = createOutboxSweeperHandler({
  // The OutboxAge alarm watches the metric under the `service: credmon` dimension.
  ...createObservability({ serviceName: 'credmon' }),
  sweep: { store, publisher, now: () => new Date() },
});
