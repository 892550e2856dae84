/**
 * The fan-out function: tier requests (from the schedules and from its own continuations) in,
 * monitor jobs out. Wiring only; the work is fanOut().
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
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
  const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processRecord = async (record: SQSRecord) => {
      const parsed = FanOutRequest.safeParse(JSON.parse(record.body));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`fan-out request ${record.messageId}: ${issue?.path.join('.')}: ${issue?.message}`);
      }
      const result = await fanOut(
        parsed.data,
        { ...deps.fanOut, remainingMs: () => context.getRemainingTimeInMillis() },
        deps.settings,
      );
      metrics.addMetric('SubjectsEnqueued', MetricUnit.Count, result.subjects);
      metrics.addMetric('MonitorJobs', MetricUnit.Count, result.jobs);
      logger.info('fan-out', { tier: parsed.data.tier, shard: parsed.data.shard, ...result });
    };
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(event, processRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}
