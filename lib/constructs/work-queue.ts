/**
 * A work queue of the catalogue with its dead-letter queue: both KMS-encrypted with a
 * customer-managed key and reachable over TLS only; redrive after `maxReceiveCount` receives.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDefinition } from '#shared/catalogue.ts';
import { checkVisibilityTimeout } from './function.ts';

/** Dead letters are kept as long as SQS allows, for inspection and redrive. */
const DLQ_RETENTION = Duration.days(14);

export interface WorkQueueProps {
  /** The queue as the catalogue defines it. */
  readonly definition: QueueDefinition;
  /** Key that encrypts the queue and its dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * Timeout of the consuming function: the visibility timeout must be at least six times it.
   * @default - not checked
   */
  readonly consumerTimeout?: Duration;
  /**
   * What happens to the queues when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const { definition } = props;
    const visibilityTimeout = Duration.seconds(definition.visibilityTimeoutSeconds);
    if (props.consumerTimeout) {
      checkVisibilityTimeout(
        definition.name,
        definition.visibilityTimeoutSeconds,
        props.consumerTimeout.toSeconds(),
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      dataKeyReuse: Duration.minutes(15),
      enforceSSL: true,
      removalPolicy,
    } as const;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This is the dead-letter queue: its messages are inspected and redriven, not dead-lettered again.',
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      visibilityTimeout,
      retentionPeriod: Duration.days(definition.retentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
  }
}
