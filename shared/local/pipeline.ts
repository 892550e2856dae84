/**
 * The whole pipeline on one machine: the embedded AWS, the resources from the catalogue, and the
 * same handlers that run in Lambda, fed by local event-source pollers.
 */

import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClientOptions } from '#shared/adapters/aws/clients.ts';
import { brregFeedSources } from '#shared/adapters/bureaus/brreg/feed-source.ts';
import type { HttpTransport } from '#shared/adapters/bureaus/transport.ts';
import { deadLetterJob } from '#shared/adapters/messaging/dead-letter.ts';
import { DynamoCursorStore } from '#shared/adapters/store/cursor-store.ts';
import { FUNCTIONS, type QueueKey } from '#shared/catalogue.ts';
import type { Composition } from '#shared/composition.ts';
import type { RuntimeConfig } from '#shared/config.ts';
import type { Tier } from '#shared/domain/subject.ts';
import { createObservability } from '#shared/observability.ts';
import type { PollFeedResult } from '#shared/use-cases/poll-feed.ts';
import type { FanOutRequest } from '#shared/use-cases/ports.ts';
import type { SweepOutboxesResult } from '#shared/use-cases/sweep-outboxes.ts';
import { createFanOutHandler } from '../../functions/fan-out/create-handler.ts';
import { createFeedPollHandler } from '../../functions/feed-poll/create-handler.ts';
import { createMonitorHandler } from '../../functions/monitor/create-handler.ts';
import { createOutboxSweeperHandler } from '../../functions/outbox-sweeper/create-handler.ts';
import { LOCAL_PREFIX, type LocalResources } from './bootstrap.ts';
import type { EmbeddedAws } from './embedded-aws.ts';
import type { IamEnforcer } from './iam/enforcer.ts';
import { invokeScheduled } from './invoke.ts';
import { type Poller, startPoller } from './poller.ts';
import { type BureauPacing, SIMULATED_PACING } from './simulated-bureaus.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './stack.ts';

export interface LocalPipelineOptions {
  /** Where the deployed bureaus' hosts are routed: the simulator's URL. */
  readonly simulatorUrl: string;
  /** Resilience settings scaled to the simulated clock. @default SIMULATED_PACING */
  readonly pacing?: BureauPacing;
  /** The deployment the pipeline stands in for (see LocalStackOptions.deployment). */
  readonly deployment?: LocalStackOptions['deployment'];
  /** The (simulated) clock of the run. */
  readonly now: () => Date;
  readonly dataDir?: string;
  readonly transport?: HttpTransport;
  readonly instrument?: AwsClientOptions['instrument'];
  readonly afterCommit?: (subjectId: string) => void;
  /** See MonitorDependencies.skipUnchanged. @default true */
  readonly skipUnchanged?: boolean;
  readonly metricsSink?: (line: string) => void;
  readonly logSink?: (line: string) => void;
  /** Seconds before a failed record is retried. @default 1 */
  readonly retryDelaySeconds?: number;
  /** Monitor concurrency (the bureaus' rate limit is the real ceiling). @default catalogue */
  readonly monitorConcurrency?: number;
  readonly onInvocationError?: (error: unknown) => void;
  /** Fraction of monitor jobs delivered twice at once (fault proofs; see PollerOptions). @default 0 */
  readonly duplicateRate?: number;
  /** Source of the duplicate draws. @default Math.random */
  readonly duplicateRandom?: () => number;
  /** Fixed ports of the embedded AWS; free ones when absent. */
  readonly ports?: LocalStackOptions['ports'];
}

export interface LocalPipeline {
  readonly aws: EmbeddedAws;
  readonly resources: LocalResources;
  readonly config: RuntimeConfig;
  /** The operator's adapters (enrolment, reads): not a function's, so not under a function's role. */
  readonly composition: Composition;
  /** Each deployed function's environment, by short name. */
  readonly environments: LocalStack['environments'];
  /** IAM on every call of the pipeline's functions; `stop()` throws when any was denied. */
  readonly iam: IamEnforcer;
  /** Creates a queue subscribed to the alerts topic (raw delivery), optionally filtered. */
  subscribe(name: string, filterPolicy?: object): Promise<string>;
  /** Asks the fan-out for a tier run, as the schedule does. */
  requestTier(tier: Tier, requestedBy?: string): Promise<void>;
  /** Resolves when no job is queued or in flight anywhere in the pipeline. */
  waitIdle(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Runs the feed poll as its schedule does (with Lambda's asynchronous retries): the monitor jobs
   * it sends are on the queue when this resolves; `waitIdle()` waits for their checks.
   */
  pollFeeds(): Promise<PollFeedResult[]>;
  /** Runs the outbox sweeper as its schedule does. */
  sweepOutboxes(): Promise<SweepOutboxesResult>;
  queueDepths(): Promise<Record<string, number>>;
  /** Invocations running now, per function. */
  inFlight(): Record<string, number>;
  /**
   * `graceful`: let receives on the wire return rather than abort them (see Poller.stop).
   * `checkIam` (default true): throw IamDeniedError when any call was denied; a caller that reports
   * the denials itself (`credmon local --json`, the soak) turns it off.
   */
  stop(options?: { graceful?: boolean; checkIam?: boolean }): Promise<void>;
}

export async function startLocalPipeline(options: LocalPipelineOptions): Promise<LocalPipeline> {
  const stack = await startLocalStack({
    simulatorUrl: options.simulatorUrl,
    pacing: options.pacing ?? SIMULATED_PACING,
    ...(options.deployment ? { deployment: options.deployment } : {}),
    now: options.now,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.instrument ? { instrument: options.instrument } : {}),
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    ...(options.skipUnchanged !== undefined ? { skipUnchanged: options.skipUnchanged } : {}),
    ...(options.ports ? { ports: options.ports } : {}),
  });
  try {
    return withPollers(stack, options);
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

function withPollers(stack: LocalStack, options: LocalPipelineOptions): LocalPipeline {
  const { aws, resources, config, composition } = stack;
  // The operator's clients: subscriptions, tier requests and queue depths are not a function's calls.
  const { sqs, sns } = composition.clients;
  // Each function on its own environment and role, as deployed.
  const monitor = stack.composeFunction(FUNCTIONS.monitor.name, {
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
  const fanOut = stack.composeFunction(FUNCTIONS.fanOut.name);
  const feedPoll = stack.composeFunction(FUNCTIONS.feedPoll.name);
  const sweeper = stack.composeFunction(FUNCTIONS.outboxSweeper.name);
  const observe = (serviceName: string) =>
    createObservability({
      serviceName,
      logLevel: 'WARN',
      ...(options.metricsSink ? { metricsSink: options.metricsSink } : {}),
      logSink: options.logSink ?? (() => {}),
    });

  const monitorHandler = createMonitorHandler({
    ...observe('credmon-monitor'),
    monitor: monitor.monitor,
    deadLetter: (job, reasons, attempts) =>
      deadLetterJob(monitor.clients.sqs, config.monitorDlqUrl, job, reasons, attempts),
    requeue: (job, delaySeconds) => monitor.queue.sendMonitorJobs([job], { delaySeconds }),
    // Simulated days do not wait on wall-clock backoff: retry after the local retry delay.
    retryDelaySeconds: () => options.retryDelaySeconds ?? 1,
  });
  const fanOutHandler = createFanOutHandler({
    ...observe('credmon-fan-out'),
    fanOut: { store: fanOut.store, queue: fanOut.queue, now: options.now },
    settings: { subjectsPerJob: config.subjectsPerJob },
  });

  const feedPollHandler = createFeedPollHandler({
    ...observe('credmon-feed-poll'),
    feeds: brregFeedSources(config.bureaus, stack.transport).map((source) => ({
      ...source,
      store: feedPoll.store,
      cursors: new DynamoCursorStore(feedPoll.clients.dynamodb, {
        tableName: config.tableName,
        now: () => options.now().getTime(),
      }),
      queue: feedPoll.queue,
      now: options.now,
    })),
    settings: { subjectsPerJob: config.subjectsPerJob },
  });
  const sweeperHandler = createOutboxSweeperHandler({
    ...observe('credmon'),
    sweep: { store: sweeper.store, publisher: sweeper.publisher, now: options.now },
  });

  const pollers: Poller[] = [
    // The event source mapping polls with the function's role: its receives and deletes are checked too.
    startPoller(fanOut.clients.sqs, {
      name: FUNCTIONS.fanOut.name,
      queueUrl: resources.queueUrls.fanOut,
      queueArn: resources.queueArns.fanOut,
      handler: fanOutHandler,
      batchSize: FUNCTIONS.fanOut.source.batchSize,
      maxBatchingWindowSeconds: FUNCTIONS.fanOut.source.maxBatchingWindowSeconds,
      maxConcurrency: FUNCTIONS.fanOut.source.maxConcurrency,
      timeoutSeconds: FUNCTIONS.fanOut.timeoutSeconds,
      retryDelaySeconds: options.retryDelaySeconds ?? 1,
      ...(options.onInvocationError ? { onInvocationError: options.onInvocationError } : {}),
    }),
    startPoller(monitor.clients.sqs, {
      name: FUNCTIONS.monitor.name,
      queueUrl: resources.queueUrls.monitorJobs,
      queueArn: resources.queueArns.monitorJobs,
      handler: monitorHandler,
      batchSize: FUNCTIONS.monitor.source.batchSize,
      // Locally there is nothing to gain from waiting for fuller batches.
      maxBatchingWindowSeconds: 0,
      maxConcurrency: options.monitorConcurrency ?? FUNCTIONS.monitor.source.maxConcurrency,
      timeoutSeconds: FUNCTIONS.monitor.timeoutSeconds,
      retryDelaySeconds: options.retryDelaySeconds ?? 1,
      ...(options.onInvocationError ? { onInvocationError: options.onInvocationError } : {}),
      ...(options.duplicateRate ? { duplicateRate: options.duplicateRate } : {}),
      ...(options.duplicateRandom ? { random: options.duplicateRandom } : {}),
    }),
  ];

  const queueDepths = async (): Promise<Record<string, number>> => {
    const depths: Record<string, number> = {};
    const all: [string, string][] = [
      ...(Object.entries(resources.queueUrls) as [QueueKey, string][]),
      ...(Object.entries(resources.dlqUrls) as [QueueKey, string][]).map(([key, url]): [string, string] => [
        `${key}Dlq`,
        url,
      ]),
    ];
    for (const [key, url] of all) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      depths[key] =
        Number(Attributes.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    }
    return depths;
  };

  return {
    aws,
    resources,
    config,
    composition,
    environments: stack.environments,
    iam: stack.iam,
    async subscribe(name, filterPolicy) {
      const queueName = `${LOCAL_PREFIX}-${name}`;
      const created = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
      const queueUrl = created.QueueUrl ?? '';
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      );
      await sns.send(
        new SubscribeCommand({
          TopicArn: resources.alertsTopicArn,
          Protocol: 'sqs',
          Endpoint: Attributes?.QueueArn ?? '',
          Attributes: {
            RawMessageDelivery: 'true',
            ...(filterPolicy
              ? { FilterPolicy: JSON.stringify(filterPolicy), FilterPolicyScope: 'MessageAttributes' }
              : {}),
          },
        }),
      );
      return queueUrl;
    },
    async requestTier(tier, requestedBy = 'local') {
      const request: FanOutRequest = { tier, requestedBy, requestedAt: options.now().toISOString() };
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: resources.queueUrls.fanOut,
          MessageBody: JSON.stringify(request),
        }),
      );
    },
    async waitIdle({ timeoutMs = 600_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let quietChecks = 0;
      while (quietChecks < 2) {
        if (Date.now() > deadline) throw new Error(`the local pipeline did not drain within ${timeoutMs} ms`);
        const depths = await queueDepths();
        const busy =
          (depths.fanOut ?? 0) +
          (depths.monitorJobs ?? 0) +
          pollers.reduce((sum, poller) => sum + poller.inFlight(), 0);
        quietChecks = busy === 0 ? quietChecks + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, busy === 0 ? 30 : 50));
      }
    },
    pollFeeds: () =>
      invokeScheduled(
        {
          name: FUNCTIONS.feedPoll.name,
          timeoutSeconds: FUNCTIONS.feedPoll.timeoutSeconds,
          handler: feedPollHandler,
          ...(options.onInvocationError ? { onError: options.onInvocationError } : {}),
        },
        { requestedBy: 'schedule' },
      ),
    sweepOutboxes: () =>
      invokeScheduled(
        {
          name: FUNCTIONS.outboxSweeper.name,
          timeoutSeconds: FUNCTIONS.outboxSweeper.timeoutSeconds,
          handler: sweeperHandler,
          ...(options.onInvocationError ? { onError: options.onInvocationError } : {}),
        },
        { requestedBy: 'schedule' },
      ),
    queueDepths,
    inFlight: () => ({
      [FUNCTIONS.fanOut.name]: pollers[0]?.inFlight() ?? 0,
      [FUNCTIONS.monitor.name]: pollers[1]?.inFlight() ?? 0,
    }),
    async stop(stopOptions) {
      await Promise.all(pollers.map((poller) => poller.stop(stopOptions)));
      await stack.stop();
      if (stopOptions?.checkIam !== false) stack.iam.assertNoDenials();
    },
  };
}
