/**
 * Change-to-alert latency in the feed tier, the poll interval excluded: from the moment the feed
 * poll enqueues the monitor job naming a changed subject (its SendMessageBatch returned) to the
 * moment the alert is received from a subscriber's SQS queue. Each simulated day the world moves
 * on, the feed poll runs once (as its schedule would), and a subscriber long-polls its queue.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalPipeline } from '#shared/local/pipeline.ts';
import { startSimulatorThread } from '#shared/simulator/thread.ts';
import { DEFAULT_START_DATE } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import { BENCH_PACING } from './pipeline.ts';

export interface LatencyBenchOptions {
  readonly subjects: number;
  readonly days: number;
  readonly seed?: number;
  /** See WorldOptions.eventRateScale. @default 1 */
  readonly eventRateScale?: number;
  readonly log?: (line: string) => void;
}

export interface LatencyResult {
  readonly tier: 'feed';
  /** Alerts matched to the feed poll's job for their subject. */
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Subjects the feed polls sent for a check. */
  readonly feedChecks: number;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

interface Args {
  input: Record<string, unknown>;
}
type Handler = (args: Args) => Promise<{ output: Record<string, unknown> }>;
interface Instrumentable {
  readonly middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * @example
 * const { p99Ms } = await benchFeedLatency({ subjects: 10_000, days: 5 });
 */
export async function benchFeedLatency(options: LatencyBenchOptions): Promise<LatencyResult> {
  const log = options.log ?? (() => {});
  // As in bench/pipeline.ts: the bureaus' CPU is a worker thread's, not the pipeline's.
  const simulator = await startSimulatorThread({
    source: {
      kind: 'generated',
      options: {
        seed: options.seed ?? 2,
        subjects: options.subjects,
        startDate: DEFAULT_START_DATE,
        ...(options.eventRateScale ? { eventRateScale: options.eventRateScale } : {}),
      },
    },
  });
  const { world } = simulator;
  /** When the job naming each subject was enqueued, while a feed poll runs. */
  const enqueuedAt = new Map<string, number>();
  let polling = false;
  let monitorQueueUrl = '';
  const instrument = (client: unknown) => {
    (client as Instrumentable).middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (
          polling &&
          context.commandName === 'SendMessageBatchCommand' &&
          args.input.QueueUrl === monitorQueueUrl
        ) {
          const now = performance.now();
          for (const entry of (args.input.Entries as { MessageBody?: string }[]) ?? []) {
            const job = JSON.parse(entry.MessageBody ?? '{}') as { subjects?: { id: string }[] };
            for (const subject of job.subjects ?? []) enqueuedAt.set(subject.id, now);
          }
        }
        return result;
      },
      { step: 'initialize', name: 'credmonBenchEnqueueTime' },
    );
  };
  const pipeline = await startLocalPipeline({
    simulatorUrl: simulator.url,
    pacing: BENCH_PACING,
    now: () => new Date(`${world.today()}T06:00:00.000Z`),
    instrument,
    metricsSink: () => {},
    logSink: () => {},
  });
  monitorQueueUrl = pipeline.resources.queueUrls.monitorJobs;
  // The subscriber's own client: its receives are the subscriber's business, not the pipeline's.
  const subscriber = new SQSClient({
    region: pipeline.aws.region,
    endpoint: pipeline.aws.endpoints.sqs,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const latencies: number[] = [];
  let feedChecks = 0;
  let receiving = true;
  /** The simulated date of the current poll: only its alerts are timed. */
  let pollDate = '';
  /** performance.now() of the receiver's last receive that started on an empty queue and stayed empty. */
  let lastEmptyStart = 0;
  try {
    const queueUrl = await pipeline.subscribe('bench-latency');
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });
    for (const tier of ['daily', 'weekly', 'monthly', 'feed'] as const)
      await pipeline.requestTier(tier, 'bench');
    await pipeline.waitIdle();

    const receiver = (async () => {
      while (receiving) {
        const started = performance.now();
        const { Messages = [] } = await subscriber.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const now = performance.now();
        if (Messages.length === 0) lastEmptyStart = started;
        for (const message of Messages) {
          const alert = JSON.parse(message.Body ?? '{}') as {
            subject?: { id?: string };
            detectedAt?: string;
          };
          const sent = enqueuedAt.get(alert.subject?.id ?? '');
          // Alerts of earlier checks of the same subject (the baselines) are not the poll's.
          if (sent !== undefined && alert.detectedAt?.startsWith(pollDate)) latencies.push(now - sent);
        }
        if (Messages.length > 0) {
          await subscriber.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
      }
    })();
    /** Resolves once the subscriber's queue has been seen empty after now: no backlog ahead of the next alerts. */
    const drained = async () => {
      const since = performance.now();
      while (lastEmptyStart < since) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    // Day 0's baseline alerts (one per subject) are drained before the first poll.
    await drained();

    for (let day = 1; day <= options.days; day++) {
      simulator.setDay(day);
      pollDate = world.today();
      enqueuedAt.clear();
      polling = true;
      const results = await pipeline.pollFeeds();
      polling = false;
      feedChecks += enqueuedAt.size;
      await pipeline.waitIdle();
      // SNS → SQS delivery is asynchronous: the receiver gets the last alerts within its long poll.
      await drained();
      log(
        `  feed day ${day}: ${results.length} feed(s) polled, ${enqueuedAt.size} subjects enqueued, ${latencies.length} alerts so far`,
      );
    }
    receiving = false;
    await receiver;
  } finally {
    receiving = false;
    subscriber.destroy();
    await pipeline.stop();
    await simulator.close();
  }
  return {
    tier: 'feed',
    samples: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length > 0 ? Math.max(...latencies) : Number.NaN,
    feedChecks,
  };
}
