/** AWS Lambda entry of the fan-out function: configuration is read and validated once, at init. */
import { compose } from '#shared/composition.ts';
import { loadRuntimeConfig } from '#shared/config.ts';
import { createObservability } from '#shared/observability.ts';
import { createFanOutHandler } from './create-handler.ts';

const config = loadRuntimeConfig(process.env);
const { store, queue } = compose(config);

export const handler = createFanOutHandler({
  ...createObservability({ serviceName: 'credmon-fan-out' }),
  fanOut: { store, queue, now: () => new Date() },
  settings: { subjectsPerJob: config.subjectsPerJob },
});
