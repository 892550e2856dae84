/**
 * The one shape of every SQS-fed credmon function: Powertools' partial batch processing (only the
 * failed records return to the queue), metrics flushed after every invocation, middy around it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

/**
 * @example
 * export const handler = sqsPartialBatchHandler(async (record) => { ... }, metrics);
 */
export function sqsPartialBatchHandler(
  processRecord: (record: SQSRecord, context: Context) => Promise<void>,
  metrics: Metrics,
) {
  const lambdaHandler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    try {
      return await processPartialResponse(
        event,
        (record: SQSRecord) => processRecord(record, context),
        processor,
        {
          context,
          throwOnFullBatchFailure: false,
        },
      );
    } finally {
      // A batch whose every record failed to parse recorded nothing, and locally concurrent
      // invocations share one Metrics: an empty flush would only warn on the console.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}

/**
 * Parses an SQS record's JSON body with a schema; the error names the message and the field.
 *
 * @example
 * const job = parseRecordBody(record, MonitorJob, 'monitor job');
 */
export function parseRecordBody<S extends z.ZodType>(record: SQSRecord, schema: S, what: string): z.infer<S> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (error) {
    throw new Error(`${what} ${record.messageId}: body is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${what} ${record.messageId}: ${issue?.path.join('.') || '(body)'}: ${issue?.message}`);
  }
  return parsed.data;
}
