import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, TABLE } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** The statements of the role policy of the function described `credmon <name>`. */
function statementsOf(template: Template, name: string): Statement[] {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { Description: `credmon ${name} function` },
  });
  const [roleId] = Object.keys(roles);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statements: Statement[]) =>
  new Set(statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

describe('CredmonScheduledWorkers', () => {
  const { template } = synthCredmon();

  it.each([FUNCTIONS.feedPoll, FUNCTIONS.outboxSweeper])(
    '$name runs on ARM64 with one invocation at a time and no late retries',
    (fn) => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `credmon ${fn.name}`,
        Architectures: ['arm64'],
        Timeout: fn.timeoutSeconds,
        ReservedConcurrentExecutions: 1,
        TracingConfig: { Mode: 'Active' },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    },
  );

  it('lets the feed poll query the registry index, touch only cursor items, and send monitor jobs', () => {
    const statements = statementsOf(template, FUNCTIONS.feedPoll.name);
    expect(actionsOf(statements)).toEqual(
      new Set([
        'dynamodb:Query',
        'dynamodb:GetItem',
        'dynamodb:UpdateItem',
        'sqs:SendMessage',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
      ]),
    );
    const query = statements.find((s) => s.Sid === 'QueryRegistryIndex');
    expect(JSON.stringify(query?.Resource)).toContain(`/index/${TABLE.indexes.registry.name}`);
    expect(statements.find((s) => s.Sid === 'ReadMoveCursors')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CURSOR#*'] },
    });
    expect(JSON.stringify(statements.find((s) => s.Sid === 'SendMonitorJobs')?.Resource)).toMatch(
      /MonitorJobsQueue/,
    );
  });

  it('lets the sweeper query the outbox index, complete pending checks on subject items, and publish alerts; never Scan or delete', () => {
    const statements = statementsOf(template, FUNCTIONS.outboxSweeper.name);
    const actions = actionsOf(statements);
    expect(actions).toContain('sns:Publish');
    expect(actions).not.toContain('sqs:SendMessage');
    // Completing a pending check writes its history items before the outbox is cleared.
    expect(statements.find((s) => s.Sid === 'ReadClearOutboxes')?.Action).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) {
      expect(actions).not.toContain(forbidden);
    }
    const query = statements.find((s) => s.Sid === 'QueryOutboxIndex');
    expect(JSON.stringify(query?.Resource)).toContain(`/index/${TABLE.indexes.outbox.name}`);
    expect(statements.find((s) => s.Sid === 'ReadClearOutboxes')?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SUBJECT#*'] },
    });
  });

  it('never lets the feed poll publish alerts', () => {
    expect(actionsOf(statementsOf(template, FUNCTIONS.feedPoll.name))).not.toContain('sns:Publish');
  });

  it('alarms on the sweeper-emitted OutboxAgeSeconds under the service=credmon dimension', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'credmon',
      MetricName: 'OutboxAgeSeconds',
      Dimensions: [{ Name: 'service', Value: 'credmon' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: Match.arrayWith([
        Match.objectLike({ Value: { Ref: Match.stringLikeRegexp('OutboxSweeperFunction') } }),
      ]),
    });
  });
});
