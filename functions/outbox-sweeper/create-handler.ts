/**
 * The outbox-sweeper function: invoked by EventBridge Scheduler, republishes alerts left pending in
 * outboxes and emits `OutboxAgeSeconds`, the age of the oldest outbox still pending, which the
 * operations alarm watches. Wiring only; the work is sweepOutboxes().
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Observability } from '#shared/observability.ts';
import {
  type SweepOutboxesDependencies,
  type SweepOutboxesResult,
  type SweepOutboxesSettings,
  sweepOutboxes,
} from '#shared/use-cases/sweep-outboxes.ts';

export interface OutboxSweeperHandlerDependencies extends Observability {
  readonly sweep: SweepOutboxesDependencies;
  readonly settings?: SweepOutboxesSettings;
}

/**
 * @example
 * export const handler = createOutboxSweeperHandler({ sweep: { store, publisher, now }, logger, metrics });
 */
export function createOutboxSweeperHandler(deps: OutboxSweeperHandlerDependencies) {
  const { logger, metrics } = deps;
  const lambdaHandler = async (): Promise<SweepOutboxesResult> => {
    try {
      const result = await sweepOutboxes(deps.sweep, deps.settings);
      metrics.addMetric('OutboxAgeSeconds', MetricUnit.Seconds, result.oldestPendingSeconds);
      metrics.addMetric('OutboxesSwept', MetricUnit.Count, result.swept);
      metrics.addMetric('AlertsRepublished', MetricUnit.Count, result.alerts);
      metrics.addMetric('OutboxSweepFailures', MetricUnit.Count, result.failures.length);
      for (const failure of result.failures) logger.warn('outbox republish failed', { ...failure });
      if (result.swept > 0 || result.failures.length > 0) {
        logger.info('outboxes swept', {
          swept: result.swept,
          alerts: result.alerts,
          failed: result.failures.length,
          oldestPendingSeconds: result.oldestPendingSeconds,
        });
      }
      return result;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}
