/**
 * The workers: one SQS work queue (with DLQ) per catalogue queue and one Lambda per queue-fed
 * catalogue function, wired with an SQS event source (partial batch failures, batching window,
 * maximum concurrency). Each function gets its own role with only the permissions its job needs.
 */
import * as path from 'node:path';
import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  FUNCTIONS,
  type FunctionDefinition,
  QUEUES,
  type QueueDefinition,
  type QueueKey,
  TABLE,
} from '#shared/catalogue.ts';
import { CredmonFunction } from './function.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * cdk-nag acknowledgement for every function given the monitoring environment (its
 * `CREDMON_BUREAUS` carries the API key's dynamic reference inside JSON).
 */
export const BUREAUS_SECRET_ACKNOWLEDGEMENT = {
  id: 'CloudFormation-Validate::E1050',
  reason:
    "False positive: the API key's dynamic reference sits inside the CREDMON_BUREAUS JSON and the linter reads up to the JSON's last '}}'; CloudFormation resolves the reference at its own closing braces.",
} as const;

/** Powertools service name and CloudWatch namespace of credmon's custom metrics. */
export const METRICS_NAMESPACE = 'credmon';

/** A bureau's endpoint and the concurrency it allows credmon. */
export interface BureauEndpoint {
  readonly baseUrl: string;
  readonly maxConcurrency: number;
}

export interface CredmonMonitoringProps {
  /** The credmon table. */
  readonly table: dynamodb.ITable;
  /** Key of the table, the queues and the alerts topic. */
  readonly encryptionKey: kms.IKey;
  /** Topic the monitor publishes alerts to. */
  readonly alertsTopic: sns.ITopic;
  /** Bus the monitor puts alert events on. */
  readonly eventBus: events.IEventBus;
  /**
   * Bureau endpoints, passed to the functions as `BUREAUS` (JSON).
   * @default - none: adapters fall back to their own defaults
   */
  readonly bureaus?: Readonly<Record<string, BureauEndpoint>>;
  /**
   * Secrets Manager secret names, resolved by CloudFormation at deploy time into the functions'
   * (KMS-encrypted) environment: the Companies House API key (inside `CREDMON_BUREAUS`), the
   * person-token key (`CREDMON_TOKEN_KEY`) and the national-id sealing key (`CREDMON_SEAL_KEY`).
   * @default - no API key; token and seal keys from `credmon/token-key` and `credmon/seal-key`
   */
  readonly secretNames?: {
    readonly companiesHouseApiKey?: string;
    readonly tokenKey?: string;
    readonly sealKey?: string;
  };
  /**
   * The company's credit policy file, bundled with the monitor as `credit-policy<ext>`.
   * @default - the built-in policy
   */
  readonly policyFile?: string;
  /**
   * Overrides the monitor's event source maximum concurrency (the tightest bureau limit).
   * @default - the catalogue's value
   */
  readonly monitorMaxConcurrency?: number;
  /**
   * Days of alert and snapshot history, passed on for the TTL the monitor writes.
   * @default - alerts 400, history 730
   */
  readonly retentionDays?: { readonly alerts: number; readonly history: number };
  /**
   * Retention of the functions' log groups.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Directory the catalogue's entry paths are resolved against.
   * @default process.cwd() (the repository root when run by the CDK CLI)
   */
  readonly entryRoot?: string;
  /**
   * What happens to queues and log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

type CatalogueFunction = FunctionDefinition & { readonly source: NonNullable<FunctionDefinition['source']> };

export class CredmonMonitoring extends Construct {
  /** Work queues by catalogue key. */
  readonly queues: Readonly<Record<QueueKey, WorkQueue>>;
  /** Queue-fed functions by catalogue key. */
  readonly functions: Readonly<Record<string, CredmonFunction>>;
  readonly fanOut: CredmonFunction;
  readonly monitor: CredmonFunction;
  /** The runtime configuration every credmon function reads (shared/config.ts), for other workers. */
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CredmonMonitoringProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const entryRoot = props.entryRoot ?? process.cwd();
    const stack = Stack.of(this);
    const queueFed = Object.entries(FUNCTIONS as Record<string, FunctionDefinition>).filter(
      (entry): entry is [string, CatalogueFunction] => entry[1].source !== undefined,
    );

    const queue = (key: QueueKey, definition: QueueDefinition): WorkQueue => {
      const consumer = queueFed.find(([, fn]) => fn.source.queue === key)?.[1];
      return new WorkQueue(this, `${pascal(definition.name)}Queue`, {
        definition,
        encryptionKey: props.encryptionKey,
        consumerTimeout: consumer ? Duration.seconds(consumer.timeoutSeconds) : undefined,
        removalPolicy,
      });
    };
    this.queues = {
      fanOut: queue('fanOut', QUEUES.fanOut),
      monitorJobs: queue('monitorJobs', QUEUES.monitorJobs),
    };

    const secret = (name: string): string => SecretValue.secretsManager(name).unsafeUnwrap();
    const apiKeyName = props.secretNames?.companiesHouseApiKey;
    const bureaus = props.bureaus ?? {};
    // The shape of shared/config.ts's CREDMON_BUREAUS (BureauConfig); extra fields are ignored there.
    const bureauConfig = {
      ...bureaus,
      companiesHouse: bureaus.companiesHouse
        ? { ...bureaus.companiesHouse, apiKey: apiKeyName ? secret(apiKeyName) : null }
        : undefined,
      creditBureau: bureaus.creditBureau ?? null,
    };
    const environment: Record<string, string> = {
      TABLE_NAME: props.table.tableName,
      ALERTS_TOPIC_ARN: props.alertsTopic.topicArn,
      MONITOR_QUEUE_URL: this.queues.monitorJobs.queue.queueUrl,
      MONITOR_DLQ_URL: this.queues.monitorJobs.deadLetterQueue.queueUrl,
      FAN_OUT_QUEUE_URL: this.queues.fanOut.queue.queueUrl,
      EVENT_BUS_NAME: props.eventBus.eventBusName,
      // esbuild writes source maps; Node applies them to stack traces only when asked.
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'credmon',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      CREDMON_ALERT_RETENTION_DAYS: String(props.retentionDays?.alerts ?? 400),
      CREDMON_HISTORY_RETENTION_DAYS: String(props.retentionDays?.history ?? 730),
      CREDMON_BUREAUS: stack.toJsonString(bureauConfig),
      CREDMON_TOKEN_KEY: secret(props.secretNames?.tokenKey ?? 'credmon/token-key'),
      CREDMON_SEAL_KEY: secret(props.secretNames?.sealKey ?? 'credmon/seal-key'),
    };

    const functions: Record<string, CredmonFunction> = {};
    for (const [key, definition] of queueFed) {
      const bundledPolicy = key === 'monitor' ? props.policyFile : undefined;
      const policyName = bundledPolicy ? `credit-policy${path.extname(bundledPolicy)}` : undefined;
      const fn = new CredmonFunction(this, `${pascal(definition.name)}Function`, {
        name: definition.name,
        entry: definition.entry,
        entryRoot,
        memorySize: definition.memoryMb,
        timeout: Duration.seconds(definition.timeoutSeconds),
        environment: policyName
          ? { ...environment, CREDMON_POLICY_FILE: `/var/task/${policyName}` }
          : environment,
        environmentEncryption: props.encryptionKey,
        // The fan-out re-queues its own continuations (page cursors): that loop is intended.
        recursiveLoop: definition.source.queue === 'fanOut' ? lambda.RecursiveLoop.ALLOW : undefined,
        ...(bundledPolicy && policyName ? { bundledFiles: { [policyName]: bundledPolicy } } : {}),
        onFailure: {
          withoutDeadLetterQueue:
            "Invoked only by its SQS event source: failed messages go to the source queue's dead-letter queue after maxReceiveCount.",
        },
        acknowledgements: [BUREAUS_SECRET_ACKNOWLEDGEMENT],
        logRetention: props.logRetention,
        removalPolicy,
      });
      fn.addQueueSource(this.queues[definition.source.queue].queue, {
        batchSize: definition.source.batchSize,
        maxBatchingWindow:
          definition.source.maxBatchingWindowSeconds > 0
            ? Duration.seconds(definition.source.maxBatchingWindowSeconds)
            : undefined,
        maxConcurrency:
          key === 'monitor'
            ? (props.monitorMaxConcurrency ?? definition.source.maxConcurrency)
            : definition.source.maxConcurrency,
      });
      functions[key] = fn;
    }
    this.functions = functions;

    const fanOut = functions.fanOut;
    const monitor = functions.monitor;
    if (!fanOut || !monitor) throw new Error('the catalogue must define the fanOut and monitor functions');
    this.fanOut = fanOut;
    this.monitor = monitor;
    this.environment = environment;

    this.grantFanOut(fanOut, props);
    this.grantMonitor(monitor, props);
  }

  /** Reads the tier index and state items; sends monitor jobs and its own continuations. */
  private grantFanOut(fn: lambda.IFunction, props: CredmonMonitoringProps): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'QueryTierIndex',
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${TABLE.indexes.tier.name}`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadStateItems',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.queues.monitorJobs.queue.queueArn, this.queues.fanOut.queue.queueArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
  }

  /**
   * Reads and writes subject items (no Scan, no delete), publishes alerts and alert events,
   * requeues a job's failed subjects to its own queue (with a delay) and sends jobs that retrying
   * cannot help straight to its dead-letter queue.
   */
  private grantMonitor(fn: lambda.IFunction, props: CredmonMonitoringProps): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadWriteSubjects',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [props.table.tableArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishAlerts',
        actions: ['sns:Publish'],
        resources: [props.alertsTopic.topicArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutAlertEvents',
        actions: ['events:PutEvents'],
        resources: [props.eventBus.eventBusArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RequeueFailedSubjects',
        actions: ['sqs:SendMessage'],
        resources: [this.queues.monitorJobs.queue.queueArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetterUnprocessableJobs',
        actions: ['sqs:SendMessage'],
        resources: [this.queues.monitorJobs.deadLetterQueue.queueArn],
      }),
    );
  }
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
