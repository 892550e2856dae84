/**
 * The analysts' door in AWS: a scheduled DynamoDB point-in-time export to S3 (full daily, and
 * incremental where configured), a Glue table over the exports (DynamoDB JSON, one daily
 * partition projected from the path), an Athena workgroup with encrypted, enforced results, and
 * one Athena named query per analyst query of shared/analytics/queries.ts — the same queries
 * `credmon query` runs on DuckDB locally.
 */
import { CfnElement, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { bindParameters, NAMED_QUERIES } from '#shared/analytics/queries.ts';
import { athenaQueryString, GLUE_ITEM_TYPE } from '#shared/analytics/views.ts';
import { EDGE_FUNCTIONS } from '#shared/catalogue.ts';
import { CredmonFunction } from './function.ts';

/** Where full exports land in the bucket; the Glue table reads `<prefix>/full/dt=YYYY-MM-DD/`. */
export const EXPORT_PREFIX = 'exports';
/** The Glue table over the full exports. */
export const EXPORT_TABLE_NAME = 'table_export';

export interface CredmonAnalyticsProps {
  /** The credmon table (point-in-time recovery on). */
  readonly table: dynamodb.ITable;
  /** Key of the exports, the query results and the function's environment. */
  readonly encryptionKey: kms.IKey;
  /**
   * When the full export runs.
   * @default 'cron(30 2 * * ? *)' in Europe/Oslo, after the night's tier runs
   */
  readonly fullExportSchedule?: { readonly expression: string; readonly timeZone: string };
  /**
   * Incremental exports every this long (15 minutes to 24 hours), each covering that window.
   * @default - none
   */
  readonly incrementalEvery?: Duration;
  /**
   * How long exports and query results are kept.
   * @default Duration.days(90)
   */
  readonly retention?: Duration;
  /**
   * Glue database name.
   * @default 'credmon'
   */
  readonly databaseName?: string;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** @default process.cwd() */
  readonly entryRoot?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

export class CredmonAnalytics extends Construct {
  readonly exportsBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly exportFunction: CredmonFunction;
  readonly database: glue.CfnDatabase;
  readonly exportTable: glue.CfnTable;
  readonly workGroup: athena.CfnWorkGroup;
  readonly namedQueries: Readonly<Record<string, athena.CfnNamedQuery>>;

  constructor(scope: Construct, id: string, props: CredmonAnalyticsProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.retention ?? Duration.days(90);
    const stack = Stack.of(this);
    const destroy = removalPolicy === RemovalPolicy.DESTROY;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging writes only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
      autoDeleteObjects: false,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket of the analytics buckets; logging it into itself would loop.',
    });
    const bucket = (name: string, logPrefix: string) =>
      new s3.Bucket(this, name, {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: props.encryptionKey,
        bucketKeyEnabled: true,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: logPrefix,
        lifecycleRules: [{ expiration: retention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
        removalPolicy,
        autoDeleteObjects: false,
      });
    this.exportsBucket = bucket('Exports', 'exports/');
    this.resultsBucket = bucket('QueryResults', 'query-results/');

    // The export function: starts ExportTableToPointInTime; DynamoDB writes the files itself.
    const deadLetterQueue = new sqs.Queue(this, 'ExportDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    Validations.of(deadLetterQueue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the export schedule and function.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This queue is itself the dead-letter queue of the export schedule and function.',
      },
    );
    this.exportFunction = new CredmonFunction(this, 'ExportFunction', {
      name: EDGE_FUNCTIONS.exportTable.name,
      entry: EDGE_FUNCTIONS.exportTable.entry,
      entryRoot: props.entryRoot,
      description: 'credmon scheduled DynamoDB export to S3',
      roleDescription: 'credmon table export: start point-in-time exports to the exports bucket',
      memorySize: EDGE_FUNCTIONS.exportTable.memoryMb,
      timeout: Duration.seconds(EDGE_FUNCTIONS.exportTable.timeoutSeconds),
      onFailure: { deadLetterQueue },
      environment: {
        TABLE_ARN: props.table.tableArn,
        EXPORT_BUCKET: this.exportsBucket.bucketName,
        EXPORT_KMS_KEY_ID: props.encryptionKey.keyArn,
        NODE_OPTIONS: '--enable-source-maps',
      },
      environmentEncryption: props.encryptionKey,
      logRetention: props.logRetention,
      removalPolicy,
    });
    const role = this.exportFunction.executionRole;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ExportTable',
        actions: ['dynamodb:ExportTableToPointInTime'],
        resources: [props.table.tableArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteExportFiles',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [this.exportsBucket.arnForObjects(`${EXPORT_PREFIX}/*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UseDataKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.exportsBucket)}.Arn>/${EXPORT_PREFIX}/*]`,
      reason:
        'Export files get names DynamoDB chooses (export id, data file names): writes are limited to the exports prefix of the one bucket.',
    });

    const schedules = new scheduler.ScheduleGroup(this, 'Schedules', {});
    const full = props.fullExportSchedule ?? { expression: 'cron(30 2 * * ? *)', timeZone: 'Europe/Oslo' };
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'credmon export schedules: invoke the export function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(this.exportFunction)}.Arn>:*]`,
      reason:
        "The scheduler target's grant covers the export function's versions and aliases; it names no other function.",
    });
    const invoke = (input: Record<string, unknown>) =>
      new targets.LambdaInvoke(this.exportFunction, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject(input),
        deadLetterQueue,
        maxEventAge: Duration.hours(6),
        retryAttempts: 5,
      });
    new scheduler.Schedule(this, 'FullExport', {
      description: 'credmon full table export',
      scheduleGroup: schedules,
      schedule: scheduler.ScheduleExpression.expression(full.expression, TimeZone.of(full.timeZone)),
      target: invoke({ type: 'full' }),
    });
    if (props.incrementalEvery) {
      const minutes = props.incrementalEvery.toMinutes();
      if (minutes < 15 || minutes > 1440) {
        throw new Error(
          `incrementalEvery must be 15 minutes to 24 hours (DynamoDB's window), got ${minutes} minutes`,
        );
      }
      new scheduler.Schedule(this, 'IncrementalExport', {
        description: 'credmon incremental table export',
        scheduleGroup: schedules,
        schedule: scheduler.ScheduleExpression.rate(props.incrementalEvery),
        target: invoke({ type: 'incremental', windowMinutes: minutes }),
      });
    }

    const databaseName = props.databaseName ?? 'credmon';
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: databaseName,
        description: 'credmon analytics: DynamoDB exports of the credmon table',
      },
    });
    const exportsLocation = `s3://${this.exportsBucket.bucketName}/${EXPORT_PREFIX}/full/`;
    this.exportTable = new glue.CfnTable(this, 'ExportTable', {
      catalogId: stack.account,
      databaseName,
      tableInput: {
        name: EXPORT_TABLE_NAME,
        description:
          'Full DynamoDB exports (DYNAMODB_JSON), one partition per day (dt); see shared/analytics',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'dt', type: 'string' }],
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          // Partition projection: no crawler, no partition maintenance.
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': 'NOW-3YEARS,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${exportsLocation}dt=\${dt}/`,
        },
        storageDescriptor: {
          location: exportsLocation,
          columns: [{ name: 'item', type: GLUE_ITEM_TYPE }],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            // The manifests and checksum files beside the data are not items: skip them.
            parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
          },
        },
      },
    });
    this.exportTable.addResourceDependency(this.database);

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-credmon-analytics`.slice(0, 128),
      description: 'credmon analysts: named queries over the table exports',
      state: 'ENABLED',
      recursiveDeleteOption: destroy,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
        },
      },
    });

    const namedQueries: Record<string, athena.CfnNamedQuery> = {};
    for (const query of NAMED_QUERIES) {
      const { names } = bindParameters(query);
      const parameters =
        names.length > 0
          ? ` Execution parameters, one per ? in order: ${names.join(', ')} (${query.parameters.map((parameter) => `${parameter.name}: ${parameter.description}, e.g. '${parameter.default}'`).join('; ')}).`
          : '';
      const named = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: `credmon-${query.name}`,
        description: `${query.description}${parameters}`.slice(0, 1024),
        database: databaseName,
        workGroup: this.workGroup.ref,
        queryString: athenaQueryString(query, { database: databaseName, table: EXPORT_TABLE_NAME }),
      });
      named.addResourceDependency(this.workGroup);
      named.addResourceDependency(this.exportTable);
      namedQueries[query.name] = named;
    }
    this.namedQueries = namedQueries;
  }
}

/** The CloudFormation logical id of a construct's default resource (cdk-nag names findings by it). */
function logicalId(construct: Construct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}
