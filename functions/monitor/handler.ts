/** AWS Lambda entry of the monitor function: configuration is read and validated once, at init. */
import { deadLetterJob } from '#shared/adapters/messaging/dead-letter.ts';
import { compose } from '#shared/composition.ts';
import { loadRuntimeConfig } from '#shared/config.ts';
import { createObservability } from '#shared/observability.ts';
import { createMonitorHandler } from './create-handler.ts';

const config = loadRuntimeConfig(process.env);
const { monitor, clients, queue } = compose(config);

export const handler = createMonitorHandler({
  ...createObservability({ serviceName: 'credmon-monitor' }),
  monitor,
  deadLetter: (job, reasons, attempts) =>
    deadLetterJob(clients.sqs, config.monitorDlqUrl, job, reasons, attempts),
  requeue: (job, delaySeconds) => queue.sendMonitorJobs([job], { delaySeconds }),
});
