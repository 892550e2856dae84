import type { Context, SQSRecord } from 'aws-lambda';
import { createMonitorHandler } from '#functions/monitor/create-handler.ts';
import { snapshotHash } from '#shared/domain/hash.ts';
import { emptySnapshot } from '#shared/domain/snapshot.ts';
import { CircuitOpenError, MalformedPayloadError } from '#shared/errors.ts';
import { createObservability } from '#shared/observability.ts';
import type { MonitorDependencies } from '#shared/use-cases/monitor-subject.ts';
import type { JobSubject, MonitorJob } from '#shared/use-cases/ports.ts';

const context = { getRemainingTimeInMillis: () => 60_000, functionName: 'monitor' } as unknown as Context;

const unchanged = emptySnapshot({ subjectId: 'x', kind: 'business', country: 'NO' });

const subject = (id: string): JobSubject => ({
  id,
  kind: 'business',
  country: 'NO',
  registryId: '923609016',
  personToken: null,
  sealedNationalId: null,
  version: 1,
  hash: snapshotHash(unchanged),
});

function record(job: MonitorJob, receiveCount = 1): SQSRecord {
  return {
    messageId: 'm1',
    body: JSON.stringify(job),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  } as unknown as SQSRecord;
}

const malformed = (id: string) =>
  new MalformedPayloadError(
    `brreg: GET /enhetsregisteret/api/enheter/${id}/roller: rollegrupper: expected array`,
    {
      provider: 'brreg',
      path: `/enhetsregisteret/api/enheter/${id}/roller`,
      issues: ['rollegrupper: expected array'],
    },
  );

function handlerWith(failing: Set<string>, garbled: Set<string> = new Set(), jitter = 0) {
  const requeued: { job: MonitorJob; delay: number }[] = [];
  const deadLettered: { job: MonitorJob; reasons: Record<string, string>; attempts: number }[] = [];
  const monitor = {
    // Unchanged unless told to fail: the job's hash matches what the bureau returns.
    fetchSnapshot: async (job: JobSubject) => {
      if (failing.has(job.id)) throw new Error(`bureau down for ${job.id}`);
      if (garbled.has(job.id)) throw malformed(job.id);
      return { snapshot: unchanged, sources: [], warnings: [] };
    },
  } as unknown as MonitorDependencies;
  const handler = createMonitorHandler({
    ...createObservability({ serviceName: 'test', logSink: () => {}, metricsSink: () => {} }),
    monitor: { ...monitor, skipUnchanged: true },
    deadLetter: async (job, reasons, attempts) => {
      deadLettered.push({ job, reasons, attempts });
    },
    requeue: async (job, delay) => {
      requeued.push({ job, delay });
    },
    maxAttempts: 3,
    retryDelaySeconds: (attempt) => attempt * 10,
    random: () => jitter,
  });
  return { handler, requeued, deadLettered };
}

const job = (attempt?: number): MonitorJob => ({
  tier: 'daily',
  runId: 'r',
  requestedAt: '2026-07-20T06:00:00.000Z',
  subjects: [subject('ok'), subject('flaky')],
  ...(attempt ? { attempt } : {}),
});

describe('monitor handler', () => {
  it('waits at least as long as an open circuit asks before retrying', async () => {
    const requeued: number[] = [];
    const handler = createMonitorHandler({
      ...createObservability({ serviceName: 'test', logSink: () => {}, metricsSink: () => {} }),
      monitor: {
        fetchSnapshot: async () => {
          throw new CircuitOpenError('brreg: circuit open', { retryAfterMs: 25_500 });
        },
      } as unknown as MonitorDependencies,
      deadLetter: async () => {},
      requeue: async (_job, delay) => {
        requeued.push(delay);
      },
      retryDelaySeconds: () => 1,
      random: () => 0,
    });
    await handler({ Records: [record(job())] }, context);
    expect(requeued).toEqual([26]);
  });

  it('starts no subject once the remaining time is short, and requeues those not started on the same attempt', async () => {
    // Prepare: 40 s left; every check takes 15 s of it; 30 s must stay in reserve
    let remainingMs = 40_000;
    const shrinking = { ...context, getRemainingTimeInMillis: () => remainingMs } as Context;
    const checked: string[] = [];
    const requeued: { job: MonitorJob; delay: number }[] = [];
    const handler = createMonitorHandler({
      ...createObservability({ serviceName: 'test', logSink: () => {}, metricsSink: () => {} }),
      monitor: {
        skipUnchanged: true,
        fetchSnapshot: async (subjectJob: JobSubject) => {
          checked.push(subjectJob.id);
          remainingMs -= 15_000;
          return { snapshot: unchanged, sources: [], warnings: [] };
        },
      } as unknown as MonitorDependencies,
      deadLetter: async () => {},
      requeue: async (requeuedJob, delay) => {
        requeued.push({ job: requeuedJob, delay });
      },
      subjectConcurrency: 1,
      reserveMs: 30_000,
    });
    const long: MonitorJob = { ...job(2), subjects: ['a', 'b', 'c', 'd'].map(subject) };
    // Act
    const response = await handler({ Records: [record(long)] }, shrinking);
    // Assess: 'a' ran with 40 s left; after it 25 s were left, so b, c and d wait for a fresh invocation
    expect(checked).toEqual(['a']);
    expect(response.batchItemFailures).toEqual([]);
    expect(requeued).toHaveLength(1);
    expect(requeued[0]?.job.subjects.map((s) => s.id)).toEqual(['b', 'c', 'd']);
    expect(requeued[0]?.job.attempt).toBe(2);
    expect(requeued[0]?.delay).toBe(0);
  });

  it('requeues only the failing subjects, with the next attempt number and a delay', async () => {
    // Prepare
    const { handler, requeued, deadLettered } = handlerWith(new Set(['flaky']));
    // Act
    const response = await handler({ Records: [record(job())] }, context);
    // Assess: the record succeeded; only 'flaky' goes round again.
    expect(response.batchItemFailures).toEqual([]);
    expect(requeued).toHaveLength(1);
    expect(requeued[0]?.job.subjects.map((s) => s.id)).toEqual(['flaky']);
    expect(requeued[0]?.job.attempt).toBe(2);
    expect(requeued[0]?.delay).toBe(10);
    expect(deadLettered).toEqual([]);
  });

  it('spreads the retries of jobs that failed together over up to one more retry delay', async () => {
    // Prepare: the largest jitter draw.
    const { handler, requeued } = handlerWith(new Set(['flaky']), new Set(), 0.999);
    // Act
    await handler({ Records: [record(job())] }, context);
    // Assess: attempt 1's delay is 10 s; the spread adds up to 10 s more.
    expect(requeued[0]?.delay).toBe(20);
  });

  it('dead-letters a subject with its reason once its attempts are used up', async () => {
    const { handler, requeued, deadLettered } = handlerWith(new Set(['flaky']));
    const response = await handler({ Records: [record(job(3))] }, context);
    expect(response.batchItemFailures).toEqual([]);
    expect(requeued).toEqual([]);
    expect(deadLettered[0]?.job.subjects.map((s) => s.id)).toEqual(['flaky']);
    expect(deadLettered[0]?.reasons).toEqual({ flaky: 'Error: bureau down for flaky' });
    expect(deadLettered[0]?.attempts).toBe(3);
  });

  it('dead-letters a malformed payload on its first attempt, with its reason, and retries the rest', async () => {
    // Prepare: retrying a payload that does not match its format cannot help; a crash can.
    const { handler, requeued, deadLettered } = handlerWith(new Set(['flaky']), new Set(['ok']));
    // Act
    const response = await handler({ Records: [record(job())] }, context);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(deadLettered).toHaveLength(1);
    expect(deadLettered[0]?.job.subjects.map((s) => s.id)).toEqual(['ok']);
    expect(deadLettered[0]?.attempts).toBe(1);
    expect(deadLettered[0]?.reasons).toEqual({
      ok: 'MalformedPayloadError: brreg: GET /enhetsregisteret/api/enheter/ok/roller: rollegrupper: expected array',
    });
    expect(requeued.map((r) => r.job.subjects.map((s) => s.id))).toEqual([['flaky']]);
  });

  it('requeues a body that was not JSON at all, like any transport fault', async () => {
    // Prepare
    const requeued: string[] = [];
    const deadLettered: string[] = [];
    const handler = createMonitorHandler({
      ...createObservability({ serviceName: 'test', logSink: () => {}, metricsSink: () => {} }),
      monitor: {
        fetchSnapshot: async () => {
          throw new MalformedPayloadError('brreg: response for /enhetsregisteret/api/enheter/1 is not JSON', {
            provider: 'brreg',
            path: '/enhetsregisteret/api/enheter/1',
            issues: ['(body): not valid JSON'],
            notJson: true,
          });
        },
      } as unknown as MonitorDependencies,
      deadLetter: async (failed) => {
        deadLettered.push(...failed.subjects.map((s) => s.id));
      },
      requeue: async (failed) => {
        requeued.push(...failed.subjects.map((s) => s.id));
      },
    });
    // Act
    await handler({ Records: [record(job())] }, context);
    // Assess
    expect({ requeued, deadLettered }).toEqual({ requeued: ['ok', 'flaky'], deadLettered: [] });
  });

  it('fails an unparseable record alone and flushes no empty metrics set', async () => {
    // Prepare
    const metricLines: string[] = [];
    const logLines: string[] = [];
    // Powertools' Metrics writes its own warnings through a Console on process.stderr.
    const stderr = jest.spyOn(process.stderr, 'write');
    const handler = createMonitorHandler({
      ...createObservability({
        serviceName: 'test',
        logSink: (line) => logLines.push(line),
        metricsSink: (line) => metricLines.push(line),
      }),
      monitor: {} as MonitorDependencies,
      deadLetter: async () => {},
      requeue: async () => {},
    });
    const garbage = { ...record(job()), messageId: 'm2', body: '{not json' } as SQSRecord;
    try {
      // Act
      const response = await handler({ Records: [garbage] }, context);
      // Assess
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
      expect(metricLines).toEqual([]);
      expect(logLines.join('\n')).not.toContain('No application metrics');
      expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).not.toContain(
        'No application metrics',
      );
    } finally {
      stderr.mockRestore();
    }
  });
});
