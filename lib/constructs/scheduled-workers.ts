/**
 * The scheduled workers: the feed poll (reads the registries' change feeds from their cursors and
 * sends monitor jobs for the subjects they name) and the outbox sweeper (republishes alerts left in
 * outboxes). Both are invoked by EventBridge Scheduler (see scheduling.ts), and each role holds only
 * what its job needs: the feed poll may read the registry index, read and move its cursor items and
 * send to the monitor queue; the sweeper may read the outbox index, read and clear subject state
 * items and publish to the alerts topic.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTIONS, type FunctionDefinition, TABLE } from '#shared/catalogue.ts';
import { CredmonFunction } from './function.ts';
import { BUREAUS_SECRET_ACKNOWLEDGEMENT } from './monitoring.ts';

export interface CredmonScheduledWorkersProps {
  /** The credmon table. */
  readonly table: dynamodb.ITable;
  /** Key of the table, the monitor queue and the alerts topic; encrypts the environment too. */
  readonly encryptionKey: kms.IKey;
  /** Queue the feed poll sends monitor jobs to. */
  readonly monitorQueue: sqs.IQueue;
  /** Topic the sweeper republishes to. */
  readonly alertsTopic: sns.ITopic;
  /** The functions' runtime configuration (CredmonMonitoring.environment). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Retention of the functions' log groups.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Directory the catalogue's entry paths are resolved against.
   * @default process.cwd()
   */
  readonly entryRoot?: string;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class CredmonScheduledWorkers extends Construct {
  readonly feedPoll: CredmonFunction;
  readonly outboxSweeper: CredmonFunction;

  constructor(scope: Construct, id: string, props: CredmonScheduledWorkersProps) {
    super(scope, id);
    const table = props.table.tableArn;
    const useKey = () =>
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      });

    this.feedPoll = this.worker('FeedPoll', FUNCTIONS.feedPoll, props, [
      new iam.PolicyStatement({
        sid: 'QueryRegistryIndex',
        actions: ['dynamodb:Query'],
        resources: [`${table}/index/${TABLE.indexes.registry.name}`],
      }),
      new iam.PolicyStatement({
        sid: 'ReadMoveCursors',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [table],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CURSOR#*'] } },
      }),
      new iam.PolicyStatement({
        sid: 'SendMonitorJobs',
        actions: ['sqs:SendMessage'],
        resources: [props.monitorQueue.queueArn],
      }),
      useKey(),
    ]);

    this.outboxSweeper = this.worker('OutboxSweeper', FUNCTIONS.outboxSweeper, props, [
      new iam.PolicyStatement({
        sid: 'QueryOutboxIndex',
        actions: ['dynamodb:Query'],
        resources: [`${table}/index/${TABLE.indexes.outbox.name}`],
      }),
      new iam.PolicyStatement({
        // Completing a pending check writes its history items (PutItem) before clearing the outbox.
        sid: 'ReadClearOutboxes',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SUBJECT#*'] } },
      }),
      new iam.PolicyStatement({
        sid: 'RepublishAlerts',
        actions: ['sns:Publish'],
        resources: [props.alertsTopic.topicArn],
      }),
      useKey(),
    ]);
  }

  private worker(
    id: string,
    definition: FunctionDefinition,
    props: CredmonScheduledWorkersProps,
    statements: readonly iam.PolicyStatement[],
  ): CredmonFunction {
    const fn = new CredmonFunction(this, `${id}Function`, {
      name: definition.name,
      entry: definition.entry,
      entryRoot: props.entryRoot,
      memorySize: definition.memoryMb,
      timeout: Duration.seconds(definition.timeoutSeconds),
      // One poll or sweep at a time: a second one would only race the first for the same items.
      reservedConcurrentExecutions: 1,
      // Scheduled every few minutes: a failed run is simply the next run's work, never retried late.
      retryAttempts: 0,
      environment: props.environment,
      environmentEncryption: props.encryptionKey,
      onFailure: {
        withoutDeadLetterQueue:
          'Invoked by its schedule every few minutes with no payload worth keeping: a failed poll leaves the feed cursor where it was and a failed sweep leaves the outbox pending, so the next run redoes the work; the Errors and OutboxAge alarms report failures.',
      },
      acknowledgements: [
        BUREAUS_SECRET_ACKNOWLEDGEMENT,
        {
          id: 'Serverless-LambdaAsyncFailureDestination',
          reason:
            'Same as the DLQ: the next scheduled run is the retry, and the function alarms report failures.',
        },
      ],
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    for (const statement of statements) fn.addToRolePolicy(statement);
    return fn;
  }
}
