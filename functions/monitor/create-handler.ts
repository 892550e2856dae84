/**
 * The monitor function: SQS monitor jobs in, partial batch failures out. Wiring only: parsing,
 * Powertools and the mapping of failures to retry / dead-letter; the work is monitorSubject().
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSRecord } from 'aws-lambda';
import { parseRecordBody, sqsPartialBatchHandler } from '#shared/adapters/lambda/sqs-batch.ts';
import { QUEUES } from '#shared/catalogue.ts';
import { outcomeOf, reasonOf, TransientError } from '#shared/errors.ts';
import type { Observability } from '#shared/observability.ts';
import { type MonitorDependencies, monitorSubject } from '#shared/use-cases/monitor-subject.ts';
import { type JobSubject, MonitorJob } from '#shared/use-cases/ports.ts';

export interface MonitorHandlerDependencies extends Observability {
  readonly monitor: MonitorDependencies;
  /**
   * Sends subjects to the dead-letter queue with the reason: those that exhausted their attempts,
   * and at once those whose error retrying cannot help ({@link outcomeOf} is `dead-letter`).
   */
  deadLetter(job: MonitorJob, reasons: Record<string, string>, attempts: number): Promise<void>;
  /** Requeues the subjects of a job that failed, alone, to be retried after a delay. */
  requeue(job: MonitorJob, delaySeconds: number): Promise<void>;
  /** Attempts per subject (and receives per record) before it is dead-lettered with its reason. */
  readonly maxAttempts?: number;
  /** Subjects of one job checked at once. @default 5 */
  readonly subjectConcurrency?: number;
  /** Delay before attempt n + 1. @default 10 s × 2^(n-1), at most 900 s (SQS's limit) */
  readonly retryDelaySeconds?: (attempt: number) => number;
  /** Source of the retry jitter (0 ≤ x < 1). @default Math.random */
  readonly random?: () => number;
  /**
   * Remaining invocation time below which no further subject is started: one subject's worst-case
   * check (bureau timeouts × attempts) must still fit, or Lambda ends the invocation mid-check and
   * the whole batch returns after the visibility timeout. The subjects not started are requeued
   * without using an attempt. @default 30 s
   */
  readonly reserveMs?: number;
}

const defaultRetryDelay = (attempt: number) => Math.min(900, 10 * 2 ** (attempt - 1));

/**
 * @example
 * export const handler = createMonitorHandler({ monitor, deadLetter, logger, metrics });
 */
export function createMonitorHandler(deps: MonitorHandlerDependencies) {
  const { logger, metrics } = deps;
  const maxAttempts = deps.maxAttempts ?? QUEUES.monitorJobs.maxReceiveCount;
  const retryDelay = deps.retryDelaySeconds ?? defaultRetryDelay;
  const random = deps.random ?? Math.random;
  const subjectConcurrency = deps.subjectConcurrency ?? 5;
  const reserveMs = deps.reserveMs ?? 30_000;

  const processRecord = async (record: SQSRecord, context: Context): Promise<void> => {
    const job = parseRecordBody(record, MonitorJob, 'monitor job');
    const failures: Record<string, string> = {};
    // The longest wait a bureau asked for (Retry-After, an open circuit's remaining time).
    let waitAskedMs = 0;
    const toRetry: JobSubject[] = [];
    // Retrying cannot help these (a malformed payload, a configuration or input error).
    const toDeadLetter: JobSubject[] = [];
    // A few subjects at a time: bureau calls wait on the network, and a subject late in a job
    // should not wait for every one before it.
    const outOfTime = () => context.getRemainingTimeInMillis() < reserveMs;
    const notStarted = await forEachConcurrently(
      job.subjects,
      subjectConcurrency,
      outOfTime,
      async (subject) => {
        try {
          const outcome = await monitorSubject(subject, deps.monitor);
          metrics.addMetric('Checks', MetricUnit.Count, 1);
          if (outcome.kind === 'changed') {
            metrics.addMetric('Changes', MetricUnit.Count, 1);
            metrics.addMetric('AlertsPublished', MetricUnit.Count, outcome.alerts.length);
          } else if (outcome.kind === 'republished') {
            metrics.addMetric('AlertsRepublished', MetricUnit.Count, outcome.alerts.length);
          } else if (outcome.kind === 'not-found') {
            // Done, not failed: the subject is marked and alerted once; a retry would pay again.
            metrics.addMetric('NotFound', MetricUnit.Count, 1);
            metrics.addMetric('AlertsPublished', MetricUnit.Count, outcome.alerts.length);
          } else if (outcome.kind === 'stale') {
            // An answer older than the stored facts: refused, not an error, nothing to retry.
            metrics.addMetric('StaleAnswers', MetricUnit.Count, 1);
          }
        } catch (error) {
          const outcome = outcomeOf(error);
          metrics.addMetric('CheckErrors', MetricUnit.Count, 1);
          logger.warn('check failed', { subjectId: subject.id, outcome, reason: reasonOf(error) });
          failures[subject.id] = reasonOf(error);
          if (error instanceof TransientError) waitAskedMs = Math.max(waitAskedMs, error.retryAfterMs ?? 0);
          (outcome === 'dead-letter' ? toDeadLetter : toRetry).push(subject);
        }
      },
    );
    if (notStarted.length > 0) {
      // Not a failure: they go round again at once, on the attempt they had.
      await deps.requeue({ ...job, subjects: notStarted }, 0);
      metrics.addMetric('DeferredForTime', MetricUnit.Count, notStarted.length);
    }
    if (toRetry.length === 0 && toDeadLetter.length === 0) return;
    // Only the failing subjects go round again: retrying the whole job would re-check the others
    // and, with several subjects per job, make one flaky subject exhaust everyone's attempts.
    const attempt = Math.max(job.attempt ?? 1, Number(record.attributes.ApproximateReceiveCount ?? '1'));
    if (attempt >= maxAttempts) toDeadLetter.push(...toRetry.splice(0));
    if (toDeadLetter.length > 0) {
      const reasons = Object.fromEntries(
        toDeadLetter.map((subject) => [subject.id, failures[subject.id] ?? '']),
      );
      await deps.deadLetter({ ...job, subjects: toDeadLetter }, reasons, attempt);
      metrics.addMetric('DeadLettered', MetricUnit.Count, toDeadLetter.length);
    }
    if (toRetry.length === 0) return;
    // Retrying before an open breaker half-opens would only spend the subject's attempts; and the
    // jobs that failed together (an outage, an open breaker) are spread over one more retry delay,
    // so that they do not all return to the bureau in the same second.
    const base = retryDelay(attempt);
    const delay = Math.max(base, Math.ceil(waitAskedMs / 1000)) + Math.floor(random() * (base + 1));
    await deps.requeue({ ...job, subjects: toRetry, attempt: attempt + 1 }, Math.min(900, delay));
    metrics.addMetric('Requeued', MetricUnit.Count, toRetry.length);
  };

  return sqsPartialBatchHandler(processRecord, metrics);
}

/** Works through `items` a few at a time until `stop()` says so; returns the items not started. */
async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  stop: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<T[]> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return items.slice(next);
}
