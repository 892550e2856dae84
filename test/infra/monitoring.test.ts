import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, QUEUES } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

/** Logical-id prefix of the monitoring construct's resources (other constructs have queues and logs too). */
const MONITORING = 'CredmonMonitoring';

const queueFed = Object.values(FUNCTIONS).filter((fn) => 'source' in fn);

describe('CredmonMonitoring: queues', () => {
  const { template } = synthCredmon();

  it.each(Object.values(QUEUES))('$name is KMS-encrypted and redrives to its DLQ', (queue) => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: queue.visibilityTimeoutSeconds,
      MessageRetentionPeriod: queue.retentionDays * 86_400,
      KmsMasterKeyId: Match.anyValue(),
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: queue.maxReceiveCount },
    });
  });

  it('has one encrypted dead-letter queue per work queue', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const dlqs = Object.entries(queues)
      .filter(([id, q]) => id.startsWith(MONITORING) && q.Properties.RedrivePolicy === undefined)
      .map(([, q]) => q);
    expect(dlqs).toHaveLength(Object.keys(QUEUES).length);
    for (const dlq of dlqs) expect(dlq.Properties.KmsMasterKeyId).toBeDefined();
  });

  it('denies every queue action without TLS', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    const monitoring = Object.keys(policies).filter((id) => id.startsWith(MONITORING));
    expect(monitoring).toHaveLength(2 * Object.keys(QUEUES).length);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it.each(queueFed)('visibility of $name source queue ≥ 6 × its timeout', (fn) => {
    const queue = QUEUES[fn.source.queue];
    expect(queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * fn.timeoutSeconds);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `credmon ${fn.name}`,
      Timeout: fn.timeoutSeconds,
    });
  });
});

describe('CredmonMonitoring: functions', () => {
  const { template } = synthCredmon();

  it.each(queueFed)('$name runs on ARM64, nodejs22.x, with active tracing', (fn) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `credmon ${fn.name}`,
      Architectures: ['arm64'],
      Runtime: 'nodejs22.x',
      MemorySize: fn.memoryMb,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: Match.anyValue() },
      KmsKeyArn: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: Match.anyValue(),
          ALERTS_TOPIC_ARN: Match.anyValue(),
          MONITOR_QUEUE_URL: Match.anyValue(),
          MONITOR_DLQ_URL: Match.anyValue(),
          FAN_OUT_QUEUE_URL: Match.anyValue(),
          EVENT_BUS_NAME: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'credmon',
          POWERTOOLS_METRICS_NAMESPACE: 'credmon',
          CREDMON_BUREAUS: Match.anyValue(),
          CREDMON_TOKEN_KEY: '{{resolve:secretsmanager:credmon/token-key:SecretString:::}}',
          CREDMON_SEAL_KEY: '{{resolve:secretsmanager:credmon/seal-key:SecretString:::}}',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
  });

  it.each(queueFed)('$name is fed by its queue with partial batch failures and a concurrency cap', (fn) => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: fn.source.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: fn.source.maxConcurrency },
      ...(fn.source.maxBatchingWindowSeconds > 0
        ? { MaximumBatchingWindowInSeconds: fn.source.maxBatchingWindowSeconds }
        : {}),
    });
  });

  it('caps the monitor at the tightest bureau limit', () => {
    // Prepare / Act
    const { template: limited } = synthCredmon({
      config: { bureaus: { companiesHouse: { baseUrl: 'https://ch.example', maxConcurrency: 3 } } },
    });
    // Assess
    limited.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: FUNCTIONS.monitor.source.batchSize,
      ScalingConfig: { MaximumConcurrency: 3 },
    });
  });

  it('keeps function logs in retained log groups with the configured retention', () => {
    const { template: custom } = synthCredmon({ config: { logRetentionDays: 30 } });
    const logGroups = Object.keys(custom.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.filter((id) => id.startsWith(MONITORING))).toHaveLength(queueFed.length);
    custom.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { RetentionInDays: 30 },
    });
  });

  it('passes the bureaus as CREDMON_BUREAUS with the API key resolved from Secrets Manager', () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: `credmon ${FUNCTIONS.monitor.name}` },
      }),
    );
    const bureaus = JSON.stringify(fn?.Properties.Environment.Variables.CREDMON_BUREAUS);
    expect(bureaus).toContain('\\"baseUrl\\":\\"https://data.brreg.no\\"');
    expect(bureaus).toContain('regnskap');
    expect(bureaus).toContain('{{resolve:secretsmanager:credmon/companies-house-api-key:SecretString:::}}');
    expect(bureaus).toContain('\\"creditBureau\\":null');
  });

  it('bundles the configured credit policy file and points CREDMON_POLICY_FILE at it', () => {
    const { template: withPolicy } = synthCredmon({ config: { policyFile: 'config/credit-policy.json' } });
    withPolicy.hasResourceProperties('AWS::Lambda::Function', {
      Description: `credmon ${FUNCTIONS.monitor.name}`,
      Environment: { Variables: Match.objectLike({ CREDMON_POLICY_FILE: '/var/task/credit-policy.json' }) },
    });
  });

  it('lets only the fan-out re-queue its own continuations', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `credmon ${FUNCTIONS.fanOut.name}`,
      RecursiveLoop: 'Allow',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: `credmon ${FUNCTIONS.monitor.name}`,
      RecursiveLoop: Match.absent(),
    });
  });
});
