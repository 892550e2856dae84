import type { Context, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { createObservability } from '#shared/observability.ts';
import type { MonitorDependencies } from '#shared/use-cases/monitor-subject.ts';
import { createMonitorHandler } from '../../../functions/monitor/create-handler.ts';

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'fuzz' } as unknown as Context;

function record(body: string, index: number): SQSRecord {
  return {
    messageId: `m${index}`,
    receiptHandle: 'r',
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'fuzz',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-north-1:000000000000:monitor-jobs',
    awsRegion: 'eu-north-1',
  };
}

describe('fuzz: monitor job bodies', () => {
  it('reports bad bodies as batch item failures and never throws out of the handler', async () => {
    // Prepare: a monitor whose every dependency fails, so that a well-formed job fails too.
    const failing = () => Promise.reject(new Error('no store in this test'));
    const monitor = {
      store: { get: failing },
      publisher: { publish: failing },
      fetchSnapshot: failing,
      policy: {},
      now: () => new Date('2026-07-15T06:00:00Z'),
    } as unknown as MonitorDependencies;
    const handler = createMonitorHandler({
      ...createObservability({ serviceName: 'fuzz', logSink: () => {}, metricsSink: () => {} }),
      monitor,
      deadLetter: async () => {},
      requeue: async () => {},
    });
    const body = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({
          tier: fc.constantFrom('daily', 'x'),
          runId: fc.string(),
          subjects: fc.array(fc.jsonValue()),
        })
        .map((value) => JSON.stringify(value)),
    );

    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), async (bodies) => {
        // Act
        const response = await handler({ Records: bodies.map(record) }, context);

        // Assess: every record failed (none is valid work that could succeed here), none threw.
        expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
          bodies.map((_, index) => `m${index}`),
        );
      }),
      { numRuns: 200 },
    );
  });
});
