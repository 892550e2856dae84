/**
 * The fan-out function: tier requests (from the schedules and from its own continuations) in,
 * monitor jobs out. Wiring only; the work is fanOut().
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { parseRecordBody, sqsPartialBatchHandler } from '#shared/adapters/lambda/sqs-batch.ts';
import type { Observability } from '#shared/observability.ts';
import { FanOutRequest } from '#shared/use-cases/ports.ts';
import { type FanOutDependencies, type FanOutSettings, fanOut } from '#shared/use-cases/run-tier.ts';

export interface FanOutHandlerDependencies extends Observability {
  readonly fanOut: Omit<FanOutDependencies, 'remainingMs'>;
  readonly settings?: FanOutSettings;
}

/**
 * @example
 * export const handler = createFanOutHandler({ fanOut: { store, queue, now }, logger, metrics });
 */
export function createFanOutHandler(deps: FanOutHandlerDependencies) {
  const { logger, metrics } = deps;
  return sqsPartialBatchHandler(async (record, context) => {
    const request = parseRecordBody(record, FanOutRequest, 'fan-out request');
    const result = await fanOut(
      request,
      { ...deps.fanOut, remainingMs: () => context.getRemainingTimeInMillis() },
      deps.settings,
    );
    metrics.addMetric('SubjectsEnqueued', MetricUnit.Count, result.subjects);
    metrics.addMetric('MonitorJobs', MetricUnit.Count, result.jobs);
    logger.info('fan-out', { tier: request.tier, shard: request.shard, ...result });
  }, metrics);
}
