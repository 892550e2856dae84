/**
 * A local stack: the embedded AWS, credmon's resources on it (from the catalogue) and the
 * composed adapters. The pipeline adds pollers to it; the other CLI commands (portfolio, export,
 * report, …) open one on a data directory to read and write the same state.
 */
import { type AwsClientOptions, createAwsClients } from '#shared/adapters/aws/clients.ts';
import type { BureauConfigInput } from '#shared/adapters/bureaus/provider.ts';
import type { HttpTransport } from '#shared/adapters/bureaus/transport.ts';
import { SnsAlertPublisher } from '#shared/adapters/messaging/sns-alert-publisher.ts';
import { type Composition, compose } from '#shared/composition.ts';
import { loadRuntimeConfig, type RuntimeConfig } from '#shared/config.ts';
import { bootstrapResources, type LocalResources } from './bootstrap.ts';
import type { EmbeddedAws } from './embedded-aws.ts';
import { startEmbeddedAwsThread } from './embedded-aws-thread.ts';
import { type LocalEventBus, startLocalEventBus } from './event-bus.ts';

/** Secrets of a local run: fixed, since local data is simulated, not real people's. */
export const LOCAL_TOKEN_KEY = 'credmon-local-token-key';
export const LOCAL_SEAL_KEY = 'credmon-local-seal-key';

/** Bureaus for a stack that never fetches (commands that only read and write state). */
const NO_BUREAUS: BureauConfigInput = {
  brreg: { baseUrl: 'http://127.0.0.1:9' },
  regnskap: { baseUrl: 'http://127.0.0.1:9' },
  companiesHouse: { baseUrl: 'http://127.0.0.1:9', apiKey: null },
  creditBureau: null,
};

export interface LocalStackOptions {
  /** Directory of on-disk state; in memory when absent. */
  readonly dataDir?: string;
  readonly bureaus?: BureauConfigInput;
  readonly now?: () => Date;
  readonly transport?: HttpTransport;
  readonly instrument?: AwsClientOptions['instrument'];
  readonly afterCommit?: (subjectId: string) => void;
  /** See MonitorDependencies.skipUnchanged. @default true */
  readonly skipUnchanged?: boolean;
  /** Fixed ports of the embedded AWS (`credmon local --serve --port`); free ones when absent. */
  readonly ports?: { readonly dynamodb?: number; readonly sqs?: number };
}

export interface LocalStack {
  readonly aws: EmbeddedAws;
  /** The embedded EventBridge bus: control events, the alert stream and its archive. */
  readonly bus: LocalEventBus;
  readonly resources: LocalResources;
  readonly config: RuntimeConfig;
  readonly composition: Composition;
  stop(): Promise<void>;
}

/**
 * @example
 * const stack = await startLocalStack({ dataDir: '.credmon' });
 * await stack.composition.store.get('acme');
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // In a worker thread: the emulated services' CPU is AWS's in production, not the pipeline's.
  const aws = await startEmbeddedAwsThread({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.ports?.dynamodb ? { dynamodbPort: options.ports.dynamodb } : {}),
    ...(options.ports?.sqs ? { sqsPort: options.ports.sqs } : {}),
  });
  let stopBus = async () => {};
  try {
    const admin = createAwsClients({ region: aws.region, endpoints: aws.endpoints });
    // Long enough that a slow invocation is never handed to a second worker; failures retry sooner.
    const resources = await bootstrapResources(
      { dynamodb: admin.dynamodbRaw, sqs: admin.sqs, sns: admin.sns },
      { visibilityTimeoutSeconds: { fanOut: 60, monitorJobs: 60 } },
    );
    const bus = await startLocalEventBus({
      sqs: admin.sqs,
      queueUrls: resources.queueUrls,
      alertsTopic: new SnsAlertPublisher(admin.sns, resources.alertsTopicArn),
      region: aws.region,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    stopBus = () => bus.stop();
    const config = loadRuntimeConfig(localEnvironment(aws, resources, options.bureaus ?? NO_BUREAUS, bus));
    const composition = compose(config, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.instrument ? { instrument: options.instrument } : {}),
      ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
      ...(options.skipUnchanged !== undefined ? { skipUnchanged: options.skipUnchanged } : {}),
    });
    return {
      aws,
      bus,
      resources,
      config,
      composition,
      async stop() {
        await bus.stop();
        await aws.stop();
      },
    };
  } catch (error) {
    await stopBus();
    await aws.stop();
    throw error;
  }
}

/** The environment a Lambda function of this stack would see (the `credmon env` of a local stack). */
export function localEnvironment(
  aws: EmbeddedAws,
  resources: LocalResources,
  bureaus: BureauConfigInput,
  bus?: Pick<LocalEventBus, 'busName' | 'endpoint'>,
): Record<string, string> {
  return {
    AWS_REGION: aws.region,
    TABLE_NAME: resources.tableName,
    MONITOR_QUEUE_URL: resources.queueUrls.monitorJobs,
    MONITOR_DLQ_URL: resources.dlqUrls.monitorJobs,
    FAN_OUT_QUEUE_URL: resources.queueUrls.fanOut,
    ALERTS_TOPIC_ARN: resources.alertsTopicArn,
    CREDMON_BUREAUS: JSON.stringify(bureaus),
    CREDMON_TOKEN_KEY: LOCAL_TOKEN_KEY,
    CREDMON_SEAL_KEY: LOCAL_SEAL_KEY,
    AWS_ENDPOINT_URL_DYNAMODB: aws.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: aws.endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: aws.endpoints.sns,
    ...(bus ? { EVENT_BUS_NAME: bus.busName, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint } : {}),
  };
}
