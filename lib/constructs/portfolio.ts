/**
 * Portfolio management in AWS: an HTTP API (API Gateway HTTP API, IAM auth) for credit teams and
 * ERPs, and an S3 drop folder for CSV imports. Two functions, each with only the table actions its
 * routes need (the portfolio index, never a Scan); the drop bucket is KMS-encrypted, TLS-only,
 * versioned, private, with server access logs.
 */
import { Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EDGE_FUNCTIONS, type FunctionDefinition, TABLE } from '#shared/catalogue.ts';
import { CredmonFunction } from './function.ts';

/** Routes of the portfolio API. */
export const PORTFOLIO_ROUTES: readonly { readonly method: apigw.HttpMethod; readonly path: string }[] = [
  { method: apigw.HttpMethod.POST, path: '/subjects' },
  { method: apigw.HttpMethod.POST, path: '/subjects:import' },
  { method: apigw.HttpMethod.GET, path: '/subjects' },
  { method: apigw.HttpMethod.GET, path: '/subjects/{id}' },
  { method: apigw.HttpMethod.DELETE, path: '/subjects/{id}' },
  { method: apigw.HttpMethod.GET, path: '/subjects/{id}/alerts' },
];

export interface CredmonPortfolioProps {
  /** The credmon table. */
  readonly table: dynamodb.ITable;
  /** Key of the table; also encrypts the drop bucket and the functions' environment. */
  readonly encryptionKey: kms.IKey;
  /** The credmon bus: each enrolment puts a SubjectEnrolled there, for its baseline check. */
  readonly eventBus: events.IEventBus;
  /**
   * Secrets Manager names of the person-token and national-id sealing keys.
   * @default - `credmon/token-key` and `credmon/seal-key`
   */
  readonly secretNames?: { readonly tokenKey?: string; readonly sealKey?: string };
  /**
   * Retention of the functions' and the API's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Directory the handler entry paths are resolved against.
   * @default process.cwd()
   */
  readonly entryRoot?: string;
  /**
   * What happens to buckets and log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class CredmonPortfolio extends Construct {
  readonly api: apigw.HttpApi;
  readonly apiFunction: CredmonFunction;
  readonly dropFunction: CredmonFunction;
  readonly dropBucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  /** Drop events the function could not take after retries. */
  readonly dropDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CredmonPortfolioProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const secret = (name: string): string => SecretValue.secretsManager(name).unsafeUnwrap();
    const environment = {
      TABLE_NAME: props.table.tableName,
      EVENT_BUS_NAME: props.eventBus.eventBusName,
      CREDMON_TOKEN_KEY: secret(props.secretNames?.tokenKey ?? 'credmon/token-key'),
      CREDMON_SEAL_KEY: secret(props.secretNames?.sealKey ?? 'credmon/seal-key'),
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'credmon',
    };

    const fn = (id: 'ApiFunction' | 'DropFunction', definition: FunctionDefinition): CredmonFunction =>
      new CredmonFunction(this, id, {
        name: definition.name,
        entry: definition.entry,
        entryRoot: props.entryRoot,
        memorySize: definition.memoryMb,
        timeout: Duration.seconds(definition.timeoutSeconds),
        environment,
        environmentEncryption: props.encryptionKey,
        onFailure: {
          withoutDeadLetterQueue:
            'Synchronous (API) or S3-invoked with the report as its outcome: a failed import is visible in the missing report and the logs, and S3 retries it.',
        },
        logRetention: retention,
        removalPolicy,
      });

    // ——— API ———
    this.apiFunction = fn('ApiFunction', EDGE_FUNCTIONS.portfolioApi);
    this.grantSubjects(this.apiFunction, props, { list: true, erase: true });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention, removalPolicy });
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'credmon portfolio API (IAM auth)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: true,
    });
    const integration = new HttpLambdaIntegration('Portfolio', this.apiFunction);
    for (const route of PORTFOLIO_ROUTES) {
      this.api.addRoutes({ path: route.path, methods: [route.method], integration });
    }
    const stage = this.api.defaultStage?.node.defaultChild as apigw.CfnStage | undefined;
    if (stage) {
      stage.accessLogSettings = {
        destinationArn: accessLogs.logGroupArn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          caller: '$context.identity.userArn',
          method: '$context.httpMethod',
          route: '$context.routeKey',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
        }),
      };
      stage.defaultRouteSettings = { throttlingBurstLimit: 50, throttlingRateLimit: 25 };
    }

    // ——— drop folder ———
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
      reason: 'This is the server access log bucket of the drop folder: logging it into itself would loop.',
    });
    this.dropBucket = new s3.Bucket(this, 'DropBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'drop/',
      // Files hold national ids of individuals: they leave once imported and reported.
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) }],
      removalPolicy,
    });
    this.dropFunction = fn('DropFunction', EDGE_FUNCTIONS.portfolioDrop);
    this.grantSubjects(this.dropFunction, props, { list: false, erase: false });
    this.dropFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadDroppedFiles',
        actions: ['s3:GetObject'],
        resources: [this.dropBucket.arnForObjects('*.csv')],
      }),
    );
    this.dropFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteReports',
        actions: ['s3:PutObject'],
        resources: [this.dropBucket.arnForObjects('*.result.json')],
      }),
    );
    const bucketId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(this.dropBucket.node.defaultChild as s3.CfnBucket),
    );
    Validations.of(this.dropFunction.executionRole).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*.csv]`,
        reason: 'Any CSV file dropped into the folder is an import: the function reads CSV files only.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*.result.json]`,
        reason:
          'Each import report is written next to its file: the function writes *.result.json objects only.',
      },
    );
    // S3 → EventBridge → function, set on the bucket itself: no CDK custom resource (with its
    // managed-policy role) is needed, as it would be for bucket notifications.
    (this.dropBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    this.dropDeadLetterQueue = this.dropFunction.addObjectCreatedRule({
      bucket: this.dropBucket,
      key: { suffix: '.csv' },
      description: 'credmon: a CSV file dropped into the portfolio folder',
      removalPolicy,
    }).deadLetterQueue;
  }

  /**
   * Subject items: read and enrol (GetItem, UpdateItem); listings Query the portfolio index and
   * BatchGet state items; removal of an individual deletes its history (BatchWriteItem). No Scan.
   * Enrolments put their baseline requests on the bus.
   */
  private grantSubjects(
    fn: lambda.IFunction,
    props: CredmonPortfolioProps,
    options: { readonly list: boolean; readonly erase: boolean },
  ): void {
    const actions = ['dynamodb:GetItem', 'dynamodb:UpdateItem'];
    if (options.list) actions.push('dynamodb:Query', 'dynamodb:BatchGetItem');
    if (options.erase) actions.push('dynamodb:BatchWriteItem');
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'Subjects', actions, resources: [props.table.tableArn] }),
    );
    if (options.list) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'QueryPortfolioIndex',
          actions: ['dynamodb:Query'],
          resources: [`${props.table.tableArn}/index/${TABLE.indexes.portfolio.name}`],
        }),
      );
    }
    // A new subject's baseline request (SubjectEnrolled), routed by the bus to the fan-out.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RequestBaselines',
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
  }
}
