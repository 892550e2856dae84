/**
 * Health of a local stack (`credmon status`): queue and dead-letter depths, pending outboxes and the
 * oldest one's age, the last run per tier, and — from the serving process only, since they live in its
 * memory — the simulated day, running invocations and the bureau clients' circuit breakers.
 *
 * The serving process writes this to `<dataDir>/status.json` every second; `credmon status` reads the
 * live part from there and measures the rest itself through the AWS APIs.
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BreakerState } from '#shared/adapters/bureaus/http.ts';
import type { QueueKey } from '#shared/catalogue.ts';
import type { Tier } from '#shared/domain/subject.ts';
import type { SubjectStore } from '#shared/use-cases/ports.ts';
import type { LocalResources } from './bootstrap.ts';

export const STATUS_FILE = 'status.json';

export interface QueueStatus {
  /** Visible + in flight + delayed. */
  readonly depth: number;
  readonly inFlight: number;
  readonly dlq: number;
}

/** What only the serving process knows. */
export interface LiveStatus {
  readonly pid: number;
  readonly day: number;
  readonly date: string;
  readonly daySeconds: number;
  readonly inFlight: Record<string, number>;
  readonly breakers: Readonly<Record<string, BreakerState>>;
  readonly bureauRequests: number;
}

export interface StackStatus {
  readonly updatedAt: string;
  readonly queues: Record<QueueKey, QueueStatus>;
  readonly outbox: {
    /** Subjects with unpublished alerts (counted up to 1000). */
    readonly pending: number;
    /** `outboxSince` of the oldest (simulated time: the check that wrote it). */
    readonly oldestSince: string | null;
    /** Simulated seconds between the oldest outbox and the stack's clock; null when none. */
    readonly oldestAgeSeconds: number | null;
  };
  readonly lastRuns: Partial<
    Record<Tier, { day: number; date: string; requestedAt: string; requestedBy: string }>
  >;
  /** Null when no process serves the directory. */
  readonly live: LiveStatus | null;
}

export interface StatusSources {
  readonly sqs: SQSClient;
  readonly store: Pick<SubjectStore, 'pendingOutboxes' | 'get'>;
  readonly resources: Pick<LocalResources, 'queueUrls' | 'dlqUrls'>;
  readonly state: { readonly lastRuns: StackStatus['lastRuns'] } | null;
  readonly live: LiveStatus | null;
  /** The stack's clock, for the outbox age; the live simulated date at 06:00 UTC when absent. */
  readonly now?: Date;
}

/**
 * @example
 * const status = await collectStatus({ sqs, store, resources, state: readServeState(dir), live: null });
 * status.queues.monitorJobs.dlq; // 0
 */
export async function collectStatus(sources: StatusSources): Promise<StackStatus> {
  const queues = {} as Record<QueueKey, QueueStatus>;
  for (const key of Object.keys(sources.resources.queueUrls) as QueueKey[]) {
    const main = await counts(sources.sqs, sources.resources.queueUrls[key]);
    const dlq = await counts(sources.sqs, sources.resources.dlqUrls[key]);
    queues[key] = { depth: main.total, inFlight: main.inFlight, dlq: dlq.total };
  }
  const pending = await sources.store.pendingOutboxes('9999-12-31T00:00:00.000Z', 1000);
  const oldest = pending[0] ? await sources.store.get(pending[0]) : null;
  const oldestSince = oldest?.outboxSince ?? null;
  const now = sources.now ?? (sources.live ? new Date(`${sources.live.date}T06:00:00.000Z`) : new Date());
  return {
    updatedAt: new Date().toISOString(),
    queues,
    outbox: {
      pending: pending.length,
      oldestSince,
      oldestAgeSeconds: oldestSince
        ? Math.max(0, Math.round((now.getTime() - Date.parse(oldestSince)) / 1000))
        : null,
    },
    lastRuns: sources.state?.lastRuns ?? {},
    live: sources.live,
  };
}

async function counts(sqs: SQSClient, queueUrl: string): Promise<{ total: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  return {
    total:
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      inFlight +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
    inFlight,
  };
}

/**
 * Human-readable lines of a status.
 *
 * @example
 * formatStatus(status).join('\n');
 */
export function formatStatus(status: StackStatus, dataDir: string): string[] {
  const lines = [
    status.live
      ? `credmon: ${dataDir} served by process ${status.live.pid}, simulated day ${status.live.day} (${status.live.date})${status.live.daySeconds > 0 ? `, one day every ${status.live.daySeconds} s` : ', clock stopped'}`
      : `credmon: ${dataDir} is not served (figures read from its files)`,
  ];
  for (const [key, queue] of Object.entries(status.queues)) {
    lines.push(
      `  queue ${key.padEnd(12)} depth ${queue.depth} (in flight ${queue.inFlight}), DLQ ${queue.dlq}`,
    );
  }
  lines.push(
    `  outboxes pending ${status.outbox.pending}${status.outbox.oldestSince ? `, oldest since ${status.outbox.oldestSince} (${status.outbox.oldestAgeSeconds} s)` : ''}`,
  );
  const runs = Object.entries(status.lastRuns);
  lines.push(
    runs.length === 0
      ? '  last runs: none'
      : `  last runs: ${runs.map(([tier, run]) => `${tier} day ${run.day} (${run.date}, ${run.requestedBy})`).join('; ')}`,
  );
  if (status.live) {
    const breakers = Object.entries(status.live.breakers);
    lines.push(
      `  bureau breakers: ${breakers.map(([name, state]) => `${name} ${state}`).join(', ') || 'none'}`,
      `  running invocations: ${Object.entries(status.live.inFlight)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ')}; bureau requests ${status.live.bureauRequests}`,
    );
  }
  return lines;
}
