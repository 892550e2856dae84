/**
 * The composition root: builds the adapters a function needs from its validated configuration.
 * One place, used by the Lambda handlers in AWS and by the local pipeline alike.
 */
import { readFileSync } from 'node:fs';
import { type AwsClientOptions, createAwsClients } from '#shared/adapters/aws/clients.ts';
import { type BureauProvider, createProviders, fetchSnapshot } from '#shared/adapters/bureaus/provider.ts';
import { type HttpTransport, keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { createSealer, type Sealer } from '#shared/adapters/crypto/sealer.ts';
import { EventBridgeBus } from '#shared/adapters/messaging/eventbridge-bus.ts';
import { SnsAlertPublisher } from '#shared/adapters/messaging/sns-alert-publisher.ts';
import { SqsJobQueue } from '#shared/adapters/messaging/sqs-job-queue.ts';
import { DynamoQuotaCounter } from '#shared/adapters/store/dynamo-quota-counter.ts';
import { DynamoSubjectStore } from '#shared/adapters/store/dynamo-subject-store.ts';
import type { RuntimeConfig } from '#shared/config.ts';
import { type CreditPolicy, loadCreditPolicy } from '#shared/domain/policy.ts';
import type { MonitorDependencies } from '#shared/use-cases/monitor-subject.ts';
import type { JobSubject } from '#shared/use-cases/ports.ts';
import defaultPolicy from '../config/credit-policy.json' with { type: 'json' };

export interface CompositionOptions {
  readonly transport?: HttpTransport;
  readonly instrument?: AwsClientOptions['instrument'];
  readonly now?: () => Date;
  readonly afterCommit?: (subjectId: string) => void;
  /** See MonitorDependencies.skipUnchanged (off only in the benchmark's comparison). @default true */
  readonly skipUnchanged?: boolean;
}

export interface Composition {
  readonly clients: ReturnType<typeof createAwsClients>;
  readonly store: DynamoSubjectStore;
  readonly queue: SqsJobQueue;
  readonly publisher: SnsAlertPublisher;
  /** The event bus (alert copies and control events); null when EVENT_BUS_NAME is not set. */
  readonly bus: EventBridgeBus | null;
  readonly providers: BureauProvider[];
  readonly sealer: Sealer;
  readonly policy: CreditPolicy;
  readonly monitor: MonitorDependencies;
}

/**
 * @example
 * const { monitor } = compose(loadRuntimeConfig(process.env));
 */
export function compose(config: RuntimeConfig, options: CompositionOptions = {}): Composition {
  const now = options.now ?? (() => new Date());
  const clients = createAwsClients({
    region: config.region,
    endpoints: config.endpoints,
    ...(options.instrument ? { instrument: options.instrument } : {}),
  });
  const store = new DynamoSubjectStore(clients.dynamodb, {
    tableName: config.tableName,
    historyRetentionDays: config.historyRetentionDays,
    now: () => now().getTime(),
  });
  const queue = new SqsJobQueue(clients.sqs, {
    monitorQueueUrl: config.monitorQueueUrl,
    fanOutQueueUrl: config.fanOutQueueUrl,
  });
  const publisher = new SnsAlertPublisher(clients.sns, config.alertsTopicArn);
  const bus = config.eventBusName ? new EventBridgeBus(clients.eventbridge, config.eventBusName) : null;
  const providers = createProviders(config.bureaus, options.transport ?? keepAliveTransport, {
    quotaCounter: new DynamoQuotaCounter(clients.dynamodb, { tableName: config.tableName }),
  });
  const sealer = createSealer(config.sealKey);
  const policy = config.policyFile
    ? loadCreditPolicy(JSON.parse(readFileSync(config.policyFile, 'utf8')), config.policyFile)
    : loadCreditPolicy(defaultPolicy, 'config/credit-policy.json');
  const monitor: MonitorDependencies = {
    store,
    publisher,
    ...(bus ? { alertBus: bus } : {}),
    policy,
    now,
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
    ...(options.skipUnchanged !== undefined ? { skipUnchanged: options.skipUnchanged } : {}),
    fetchSnapshot: (job: JobSubject) =>
      fetchSnapshot(
        {
          id: job.id,
          kind: job.kind,
          country: job.country,
          registryId: job.registryId,
          personToken: job.personToken,
          nationalId: job.sealedNationalId ? sealer.open(job.sealedNationalId) : null,
          // Only identity matters to the bureaus; commercial terms stay out of the fetch.
          portfolioId: '-',
          tier: 'daily',
          creditLimit: null,
          paymentTermsDays: null,
          exposure: null,
        },
        providers,
        { now: now(), partyKey: config.tokenKey },
      ),
  };
  return { clients, store, queue, publisher, bus, providers, sealer, policy, monitor };
}
