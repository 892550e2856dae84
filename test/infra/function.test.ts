import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CredmonFunction,
  type CredmonFunctionProps,
  checkVisibilityTimeout,
} from '#lib/constructs/function.ts';
import { FIXTURE_ENTRY_ROOT } from './synth.ts';

interface Statement {
  readonly Action: string | string[];
}

/** A stack with one construct scope `Workers` to create functions in; bundling skipped. */
function workersScope(): { stack: Stack; scope: Construct; key: kms.Key } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  return { stack, scope: new Construct(stack, 'Workers'), key: new kms.Key(stack, 'Key') };
}

function props(key: kms.IKey, overrides: Partial<CredmonFunctionProps> = {}): CredmonFunctionProps {
  return {
    name: 'feed-poll',
    entry: 'functions/feed-poll/handler.ts',
    entryRoot: FIXTURE_ENTRY_ROOT,
    memorySize: 512,
    timeout: Duration.seconds(60),
    environmentEncryption: key,
    onFailure: { withoutDeadLetterQueue: 'the next scheduled run redoes the work' },
    ...overrides,
  };
}

/** A work queue with a dead-letter queue and the given visibility timeout. */
function workQueue(scope: Construct, visibilitySeconds: number): sqs.Queue {
  return new sqs.Queue(scope, 'Jobs', {
    visibilityTimeout: Duration.seconds(visibilitySeconds),
    deadLetterQueue: { queue: new sqs.Queue(scope, 'JobsDeadLetters'), maxReceiveCount: 5 },
  });
}

describe('CredmonFunction', () => {
  it('runs bundled Node 22 on ARM64 with X-Ray tracing and a KMS-encrypted environment', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    // Act
    new CredmonFunction(scope, 'FeedPollFunction', props(key, { environment: { TABLE_NAME: 'credmon' } }));
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: lambda.Runtime.NODEJS_22_X.name,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 60,
      Description: 'credmon feed-poll',
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
      Environment: { Variables: { TABLE_NAME: 'credmon' } },
    });
  });

  it('keeps its logs three months by default in a retained log group of its own', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    // Act
    const fn = new CredmonFunction(scope, 'FeedPollFunction', props(key));
    // Assess
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: logs.RetentionDays.THREE_MONTHS },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: {
        LogGroup: { Ref: stack.getLogicalId(fn.functionLogGroup.node.defaultChild as logs.CfnLogGroup) },
      },
    });
  });

  it('takes the retention and removal policy it is given', () => {
    const { stack, scope, key } = workersScope();
    new CredmonFunction(
      scope,
      'FeedPollFunction',
      props(key, { logRetention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY }),
    );
    Template.fromStack(stack).hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Delete',
    });
  });

  it('has a role of its own with no managed policy: log writes and X-Ray only until callers grant more', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    // Act
    new CredmonFunction(scope, 'FeedPollFunction', props(key));
    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'credmon feed-poll function',
      ManagedPolicyArns: Match.absent(),
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap((s) =>
        Array.isArray(s.Action) ? s.Action : [s.Action],
      ),
    );
    expect(new Set(actions)).toEqual(
      new Set([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
      ]),
    );
  });

  it('creates its log group and role beside it, named after its id, so existing logical ids stay', () => {
    // Prepare
    const { scope, key } = workersScope();
    // Act
    const fn = new CredmonFunction(scope, 'FeedPollFunction', props(key));
    const unprefixed = new CredmonFunction(new Construct(scope, 'Ledger'), 'Function', props(key));
    // Assess
    expect(fn.node.scope).toBe(scope);
    expect(scope.node.tryFindChild('FeedPollLogs')).toBe(fn.functionLogGroup);
    expect(scope.node.tryFindChild('FeedPollRole')).toBe(fn.executionRole);
    expect(fn.role).toBe(fn.executionRole);
    expect(unprefixed.functionLogGroup.node.id).toBe('Logs');
    expect(unprefixed.executionRole.node.id).toBe('Role');
  });

  it('refuses an id its siblings cannot be named after', () => {
    const { scope, key } = workersScope();
    expect(() => new CredmonFunction(scope, 'FeedPoll', props(key))).toThrow(/must end with 'Function'/);
  });

  it('sends failed invocations to the dead-letter queue it is given', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    const deadLetters = new sqs.Queue(scope, 'DeadLetters');
    // Act
    new CredmonFunction(scope, 'ExportFunction', props(key, { onFailure: { deadLetterQueue: deadLetters } }));
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: {
        TargetArn: {
          'Fn::GetAtt': [stack.getLogicalId(deadLetters.node.defaultChild as sqs.CfnQueue), 'Arn'],
        },
      },
    });
  });

  it('applies the scheduled-worker options it is given and leaves the others unset', () => {
    const { stack, scope, key } = workersScope();
    new CredmonFunction(
      scope,
      'FeedPollFunction',
      props(key, { reservedConcurrentExecutions: 1, retryAttempts: 0 }),
    );
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      RecursiveLoop: Match.absent(),
      DeadLetterConfig: Match.absent(),
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });
});

describe('CredmonFunction.addQueueSource', () => {
  it('reports partial batch failures and caps the concurrency the queue drives', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'MonitorFunction', props(key));
    const queue = workQueue(scope, 360);
    // Act
    fn.addQueueSource(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(2), maxConcurrency: 4 });
    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('accepts a visibility timeout of exactly six times the function timeout', () => {
    const { scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'MonitorFunction', props(key, { timeout: Duration.seconds(60) }));
    expect(() => fn.addQueueSource(workQueue(scope, 360), { batchSize: 1, maxConcurrency: 2 })).not.toThrow();
  });

  it('refuses a queue whose visibility timeout is below six times the function timeout', () => {
    const { scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'MonitorFunction', props(key, { timeout: Duration.seconds(60) }));
    expect(() => fn.addQueueSource(workQueue(scope, 359), { batchSize: 1, maxConcurrency: 2 })).toThrow(
      /visibility timeout 359s is below 6 × the consumer's timeout \(60s\)/,
    );
  });

  it("counts SQS's 30 s default when the queue sets no visibility timeout", () => {
    const { scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'MonitorFunction', props(key, { timeout: Duration.seconds(10) }));
    const queue = new sqs.Queue(scope, 'Jobs', {
      deadLetterQueue: { queue: new sqs.Queue(scope, 'JobsDeadLetters'), maxReceiveCount: 5 },
    });
    expect(() => fn.addQueueSource(queue, { batchSize: 1, maxConcurrency: 2 })).toThrow(/30s is below/);
  });

  it('refuses a work queue without a dead-letter queue', () => {
    const { scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'MonitorFunction', props(key));
    const queue = new sqs.Queue(scope, 'Jobs', { visibilityTimeout: Duration.seconds(360) });
    expect(() => fn.addQueueSource(queue, { batchSize: 1, maxConcurrency: 2 })).toThrow(/dead-letter queue/);
  });
});

describe('CredmonFunction.addObjectCreatedRule', () => {
  it('invokes the function for matching new objects with two retries and a dead-letter queue beside it', () => {
    // Prepare
    const { stack, scope, key } = workersScope();
    const fn = new CredmonFunction(scope, 'DropFunction', props(key));
    const bucket = new s3.Bucket(scope, 'DropBucket');
    // Act
    const { deadLetterQueue } = fn.addObjectCreatedRule({
      bucket,
      key: { suffix: '.csv' },
      description: 'a CSV file dropped',
    });
    // Assess
    expect(scope.node.tryFindChild('DropDeadLetterQueue')).toBe(deadLetterQueue);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SQS::Queue', {
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'a CSV file dropped',
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ suffix: '.csv' }] } },
      },
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 2 },
          DeadLetterConfig: {
            Arn: {
              'Fn::GetAtt': [stack.getLogicalId(deadLetterQueue.node.defaultChild as sqs.CfnQueue), 'Arn'],
            },
          },
        }),
      ],
    });
  });
});

describe('checkVisibilityTimeout', () => {
  it.each([
    [360, 60, true],
    [359, 60, false],
    [900, 150, true],
    [30, 29, false],
  ])('visibility %ss for a %ss consumer passes: %s', (visibility, timeout, passes) => {
    const check = () => checkVisibilityTimeout('jobs', visibility, timeout);
    if (passes) expect(check).not.toThrow();
    else expect(check).toThrow(/below 6 ×/);
  });
});
