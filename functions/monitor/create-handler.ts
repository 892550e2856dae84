/**
 * The monitor function: SQS monitor jobs in, partial batch failures out. Wiring only: parsing,
 * Powertools and the mapping of failures to retry / dead-letter; the work is monitorSubject().
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { parseRecordBody, sqsPartialBatchHandler } from '#shared/adapters/lambda/sqs-batch.ts';
import { QUEUES } from '#shared/catalogue.ts';
import { outcomeOf, reasonOf } from '#shared/errors.ts';
import type { Observability } from '#shared/observability.ts';
import { type MonitorDependencies, monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import { type JobSubject, MonitorJob } from '#shared/use-cases/ports.ts';

export interface MonitorHandlerDependencies extends Observability {
  readonly monitor: MonitorDependencies;
  /** Sends subjects that exhausted their retries to the dead-letter queue, with the reason. */
  deadLetter(job: MonitorJob, reasons: Record<string, string>): Promise<void>;
  /** Receives after which a failing record is dead-lettered by the handler, with its reason. */
  readonly maxReceiveCount?: number;
}

/**
 * @example
 * export const handler = createMonitorHandler({ monitor, deadLetter, logger, metrics });
 */
export function createMonitorHandler(deps: MonitorHandlerDependencies) {
  const { logger, metrics } = deps;
  const maxReceiveCount = deps.maxReceiveCount ?? QUEUES.monitorJobs.maxReceiveCount;

  const processRecord = async (record: SQSRecord): Promise<void> => {
    const job = parseRecordBody(record, MonitorJob, 'monitor job');
    const failures: Record<string, string> = {};
    const failed: JobSubject[] = [];
    for (const subject of job.subjects) {
      try {
        const outcome = await monitorSubject(subject, deps.monitor);
        metrics.addMetric('Checks', MetricUnit.Count, 1);
        if (outcome.kind === 'changed') {
          metrics.addMetric('Changes', MetricUnit.Count, 1);
          metrics.addMetric('AlertsPublished', MetricUnit.Count, outcome.alerts.length);
        } else if (outcome.kind === 'republished') {
          metrics.addMetric('AlertsRepublished', MetricUnit.Count, outcome.alerts.length);
        }
      } catch (error) {
        metrics.addMetric('CheckErrors', MetricUnit.Count, 1);
        logger.warn('check failed', {
          subjectId: subject.id,
          outcome: outcomeOf(error),
          reason: reasonOf(error),
        });
        failures[subject.id] = reasonOf(error);
        failed.push(subject);
      }
    }
    if (failed.length === 0) return;
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    if (receiveCount >= maxReceiveCount) {
      // Last attempt: dead-letter only the failing subjects, with why, instead of the whole job.
      await deps.deadLetter({ ...job, subjects: failed }, failures);
      metrics.addMetric('DeadLettered', MetricUnit.Count, failed.length);
      return;
    }
    throw new Error(`${failed.length} of ${job.subjects.length} subjects failed; retried by the queue`);
  };

  return sqsPartialBatchHandler(processRecord, metrics);
}
