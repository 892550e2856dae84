/**
 * The AR ledger drop folder in AWS: an ERP puts its ledger export (CSV or JSON) under `incoming/`
 * in a bucket of its own (separate from the portfolio drop folder: other files, other readers,
 * other retention), S3 announces it on EventBridge, and one function stores each customer's
 * payment experience on its subject and writes a report under `reports/`. The bucket is
 * KMS-encrypted, TLS-only, versioned, private and access-logged; the function may update subject
 * items, read `incoming/*` and write `reports/*`, nothing else.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LEDGER_PREFIXES } from '#functions/ledger-drop/create-handler.ts';
import { EDGE_FUNCTIONS } from '#shared/catalogue.ts';
import { CredmonFunction } from './function.ts';

export interface CredmonLedgerDropProps {
  /** The credmon table. */
  readonly table: dynamodb.ITable;
  /** Key of the table; also encrypts the bucket and the function's environment. */
  readonly encryptionKey: kms.IKey;
  /**
   * Retention of the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Directory the handler entry path is resolved against.
   * @default process.cwd()
   */
  readonly entryRoot?: string;
  /**
   * What happens to the buckets and the log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * @example
 * new CredmonLedgerDrop(this, 'Ledger', { table: store.table, encryptionKey: store.key });
 */
export class CredmonLedgerDrop extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly function: CredmonFunction;
  /** Drop events the function could not take after retries. */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CredmonLedgerDropProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the ledger drop folder: logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'ledger/',
      // Ledgers are the company's commercial data: they leave once imported and reported.
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) }],
      removalPolicy,
    });
    // S3 → EventBridge, set on the bucket itself: no notification custom resource is needed.
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    this.function = new CredmonFunction(this, 'Function', {
      name: EDGE_FUNCTIONS.ledgerDrop.name,
      entry: EDGE_FUNCTIONS.ledgerDrop.entry,
      entryRoot: props.entryRoot,
      memorySize: EDGE_FUNCTIONS.ledgerDrop.memoryMb,
      timeout: Duration.seconds(EDGE_FUNCTIONS.ledgerDrop.timeoutSeconds),
      environment: {
        TABLE_NAME: props.table.tableName,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'credmon',
      },
      environmentEncryption: props.encryptionKey,
      onFailure: {
        withoutDeadLetterQueue:
          'Invoked asynchronously by an EventBridge rule whose target has its own dead-letter queue; the outcome of each file is its report.',
      },
      logRetention: props.logRetention,
      removalPolicy,
    });

    // setPaymentExperience: one conditional UpdateItem per customer; nothing else of the table.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StorePaymentExperience',
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadDroppedLedgers',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${LEDGER_PREFIXES.incoming}*`)],
      }),
    );
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${LEDGER_PREFIXES.reports}*`)],
      }),
    );

    const bucketId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket),
    );
    Validations.of(this.function.executionRole).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${LEDGER_PREFIXES.incoming}*]`,
        reason:
          'Any file dropped under incoming/ is a ledger to import: the function reads that prefix only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${LEDGER_PREFIXES.reports}*]`,
        reason: 'Each import report is written under reports/: the function writes that prefix only.',
      },
    );

    this.deadLetterQueue = this.function.addObjectCreatedRule({
      bucket: this.bucket,
      key: { prefix: LEDGER_PREFIXES.incoming },
      description: 'credmon: an AR ledger dropped into the ledger folder',
      removalPolicy,
    }).deadLetterQueue;
  }
}
