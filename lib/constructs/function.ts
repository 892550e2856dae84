/**
 * The one place credmon's Lambda functions are wired: bundled ESM on Node 22 / ARM64, X-Ray
 * tracing, a log group with retention, an execution role of their own with nothing but log writes
 * and X-Ray (callers add exactly what the job needs), a KMS-encrypted environment, and a deliberate
 * answer to failed invocations. `addQueueSource` wires an SQS work queue with partial batch
 * failures and checks the queue can outlast the function.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { type Acknowledgment, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** SQS's visibility timeout when a queue sets none. */
const SQS_DEFAULT_VISIBILITY_SECONDS = 30;

/**
 * What happens to an invocation that fails: a dead-letter queue keeps it, or the function needs
 * none and says why (the reason acknowledges cdk-nag's Serverless-LambdaDLQ finding).
 */
export type FunctionFailureHandling =
  | { readonly deadLetterQueue: sqs.IQueue }
  | { readonly withoutDeadLetterQueue: string };

export interface CredmonFunctionProps {
  /** Short name: descriptions read `credmon <name>` and the role's `credmon <name> function`. */
  readonly name: string;
  /** Handler file, relative to `entryRoot`; it exports `handler`. */
  readonly entry: string;
  /**
   * Directory `entry` is resolved against.
   * @default process.cwd() (the repository root when run by the CDK CLI)
   */
  readonly entryRoot?: string;
  /**
   * The function's description.
   * @default `credmon <name>`
   */
  readonly description?: string;
  /**
   * The execution role's description.
   * @default `credmon <name> function`
   */
  readonly roleDescription?: string;
  /** Memory in MB. */
  readonly memorySize: number;
  /** The function's timeout. */
  readonly timeout: Duration;
  /** Customer-managed key that encrypts the environment (it carries resolved secrets). */
  readonly environmentEncryption: kms.IKey;
  /**
   * Environment variables.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** Failed invocations: a dead-letter queue, or the reason the function needs none. */
  readonly onFailure: FunctionFailureHandling;
  /**
   * Retention of the function's log group.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Files copied into the bundle beside the handler, by name in the bundle (`/var/task/<name>`).
   * @default - the handler bundle only
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
  /**
   * Concurrency reserved (and capped) for the function.
   * @default - unreserved
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of a failed asynchronous invocation.
   * @default - Lambda's default (2)
   */
  readonly retryAttempts?: number;
  /**
   * Whether Lambda stops a recursive loop through the function.
   * @default - Lambda's default (terminate)
   */
  readonly recursiveLoop?: lambda.RecursiveLoop;
  /**
   * Further cdk-nag findings on the function that do not apply, each with its reason.
   * @default - none beyond the runtime and dead-letter ones this construct acknowledges itself
   */
  readonly acknowledgements?: readonly Acknowledgment[];
}

export interface QueueSourceProps {
  /** Messages per invocation. */
  readonly batchSize: number;
  /**
   * How long Lambda gathers messages before invoking.
   * @default - no batching window
   */
  readonly maxBatchingWindow?: Duration;
  /** Concurrent invocations the source may drive (at least 2). */
  readonly maxConcurrency: number;
}

export interface ObjectCreatedRuleProps {
  /** The bucket; it must announce its objects on EventBridge. */
  readonly bucket: s3.IBucket;
  /** The keys that invoke the function: a key prefix or suffix. */
  readonly key: { readonly prefix: string } | { readonly suffix: string };
  /** The rule's description. */
  readonly description: string;
  /**
   * What happens to the dead-letter queue when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface ObjectCreatedRule {
  readonly rule: events.Rule;
  /** Events the function could not take after retries. */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * A credmon Lambda function with its log group and execution role.
 *
 * The log group and role are created beside the function, in the same scope, named after the
 * function's id (`<prefix>Function` → `<prefix>Logs`, `<prefix>Role`), rather than inside a
 * construct of their own: credmon's functions, roles and log groups were deployed under those
 * paths before this construct existed, and a new construct layer would change every logical id and
 * so replace them.
 *
 * @example
 * const fn = new CredmonFunction(this, 'FeedPollFunction', {
 *   name: 'feed-poll',
 *   entry: 'functions/feed-poll/handler.ts',
 *   memorySize: 512,
 *   timeout: Duration.seconds(60),
 *   environmentEncryption: key,
 *   onFailure: { withoutDeadLetterQueue: 'the next scheduled run redoes the work' },
 * });
 * fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
 */
export class CredmonFunction extends nodejs.NodejsFunction {
  /** The function's own role: log writes and X-Ray, plus what callers add. */
  readonly executionRole: iam.Role;
  /** The function's log group. */
  readonly functionLogGroup: logs.LogGroup;
  /** Its short name (`monitor`, `fan-out`, …): the local runtime finds its environment and role by it. */
  readonly shortName: string;

  constructor(scope: Construct, id: string, props: CredmonFunctionProps) {
    const prefix = siblingPrefix(id);
    const logGroup = new logs.LogGroup(scope, `${prefix}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // No managed policy: AWSLambdaBasicExecutionRole would allow writing to every log group.
    const role = new iam.Role(scope, `${prefix}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription ?? `credmon ${props.name} function`,
    });
    logGroup.grantWrite(role);
    const bundledFiles = Object.entries(props.bundledFiles ?? {});
    super(scope, id, {
      entry: path.join(props.entryRoot ?? process.cwd(), props.entry),
      // Found from the working directory by default; an explicit root carries its own lock file.
      ...(props.entryRoot && existsSync(path.join(props.entryRoot, 'package-lock.json'))
        ? { depsLockFilePath: path.join(props.entryRoot, 'package-lock.json') }
        : {}),
      handler: 'handler',
      description: props.description ?? `credmon ${props.name}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      ...given(props, 'reservedConcurrentExecutions', 'retryAttempts'),
      role,
      logGroup,
      ...('deadLetterQueue' in props.onFailure ? { deadLetterQueue: props.onFailure.deadLetterQueue } : {}),
      ...(props.environment ? { environment: { ...props.environment } } : {}),
      environmentEncryption: props.environmentEncryption,
      ...given(props, 'recursiveLoop'),
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node22',
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies still call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        ...(bundledFiles.length > 0
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_input: string, outputDir: string) =>
                  bundledFiles.map(
                    ([name, source]) => `cp "${path.resolve(source)}" "${path.join(outputDir, name)}"`,
                  ),
              },
            }
          : {}),
      },
    });
    this.executionRole = role;
    this.functionLogGroup = logGroup;
    this.shortName = props.name;

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
    const runtime =
      'nodejs22.x on purpose: the local pipeline runs the same code on Node 22 and the Lambda runtime tracks the local Node major.';
    Validations.of(this).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtime },
      { id: 'Serverless-LambdaLatestVersion', reason: runtime },
      ...(props.acknowledgements ?? []),
      ...('withoutDeadLetterQueue' in props.onFailure
        ? [{ id: 'Serverless-LambdaDLQ', reason: props.onFailure.withoutDeadLetterQueue }]
        : []),
    );
  }

  /**
   * Feeds the function from an SQS work queue, reporting partial batch failures so one bad message
   * is retried (and eventually dead-lettered) alone. The queue must have a dead-letter queue and a
   * visibility timeout of at least six times the function's timeout, as Lambda advises, so a
   * message is not redelivered while a throttled or retried batch still holds it.
   *
   * @example
   * fn.addQueueSource(workQueue.queue, { batchSize: 10, maxConcurrency: 5 });
   */
  addQueueSource(queue: sqs.IQueue, props: QueueSourceProps): void {
    if (queue instanceof sqs.Queue) {
      if (!queue.deadLetterQueue) {
        throw new Error(
          `${queue.node.path}: a work queue needs a dead-letter queue for messages that keep failing`,
        );
      }
      const cfn = queue.node.defaultChild as sqs.CfnQueue;
      checkVisibilityTimeout(
        queue.node.path,
        cfn.visibilityTimeout ?? SQS_DEFAULT_VISIBILITY_SECONDS,
        this.timeout?.toSeconds() ?? 3,
      );
    }
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.maxBatchingWindow,
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "SQS event source mappings support no on-failure destination; the source queue's redrive policy dead-letters failures.",
    });
  }

  /**
   * Invokes the function for each object created in a bucket under a key prefix or suffix, through an
   * EventBridge rule (no notification custom resource) that retries twice and then keeps the event
   * in an encrypted dead-letter queue. The queue and rule are created beside the function, named
   * after its id like its log group (`<prefix>DeadLetterQueue`, `<prefix>Rule`).
   *
   * @example
   * fn.addObjectCreatedRule({ bucket, key: { suffix: '.csv' }, description: 'credmon: a CSV file dropped' });
   */
  addObjectCreatedRule(props: ObjectCreatedRuleProps): ObjectCreatedRule {
    const scope = this.node.scope;
    if (!scope) throw new Error(`${this.node.path} has no scope to create its rule in`);
    const prefix = siblingPrefix(this.node.id);
    const deadLetterQueue = new sqs.Queue(scope, `${prefix}DeadLetterQueue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const reason = `This is the dead-letter queue of the rule '${props.description}'.`;
    Validations.of(deadLetterQueue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
    const rule = new events.Rule(scope, `${prefix}Rule`, {
      description: props.description,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucket.bucketName] }, object: { key: [props.key] } },
      },
      targets: [new targets.LambdaFunction(this, { retryAttempts: 2, deadLetterQueue })],
    });
    return { rule, deadLetterQueue };
  }
}

/**
 * Throws unless a queue's visibility timeout is at least six times its consumer's timeout.
 *
 * @example
 * checkVisibilityTimeout('monitor-jobs', 360, 60); // passes: 360 ≥ 6 × 60
 */
export function checkVisibilityTimeout(
  queue: string,
  visibilitySeconds: number,
  timeoutSeconds: number,
): void {
  if (visibilitySeconds < 6 * timeoutSeconds) {
    throw new Error(
      `queue ${queue}: visibility timeout ${visibilitySeconds}s is below 6 × the consumer's timeout (${timeoutSeconds}s)`,
    );
  }
}

/**
 * The options the caller set, keys included: aws-cdk-lib records which properties a construct was
 * given (CDKMetadata), so passing unset ones as `undefined` would change the template.
 */
function given<T extends object, K extends keyof T>(props: T, ...keys: K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (key in props) picked[key] = props[key];
  return picked as Pick<T, K>;
}

/** `MonitorFunction` → `Monitor`, `Function` → `` : the prefix of the sibling log group and role. */
function siblingPrefix(id: string): string {
  if (!id.endsWith('Function')) {
    throw new Error(
      `CredmonFunction id '${id}' must end with 'Function' (its log group and role are named after it)`,
    );
  }
  return id.slice(0, -'Function'.length);
}
