import type { Template } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, TABLE } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every Allow statement of the inline policies attached to the role of the function described. */
function statementsOf(template: Template, functionName: string): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: `credmon ${functionName}` },
  });
  const [fn] = Object.values(functions);
  const roleId: string = fn?.Properties.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((statement) => statement.Effect === 'Allow');
}

const actionsOf = (statements: readonly Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

const resourcesFor = (statements: readonly Statement[], action: string): string =>
  JSON.stringify(statements.filter((s) => actionsOf([s]).includes(action)).map((s) => s.Resource));

describe('least privilege', () => {
  const { template } = synthCredmon();
  const fanOut = statementsOf(template, FUNCTIONS.fanOut.name);
  const monitor = statementsOf(template, FUNCTIONS.monitor.name);

  it('finds both functions and their policies', () => {
    expect(fanOut.length).toBeGreaterThan(0);
    expect(monitor.length).toBeGreaterThan(0);
  });

  it('fan-out queries only the tier index and reads state items', () => {
    const actions = actionsOf(fanOut);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', 'dynamodb:GetItem']));
    expect(resourcesFor(fanOut, 'dynamodb:Query')).toContain(`/index/${TABLE.indexes.tier.name}`);
    expect(resourcesFor(fanOut, 'dynamodb:Query')).not.toContain('/index/*');
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it('fan-out sends to the monitor and fan-out queues and cannot publish alerts', () => {
    const actions = actionsOf(fanOut);
    expect(resourcesFor(fanOut, 'sqs:SendMessage')).toMatch(/MonitorJobsQueue.*FanOutQueue/);
    expect(actions.some((a) => a.startsWith('sns:'))).toBe(false);
    expect(actions.some((a) => a.startsWith('events:'))).toBe(false);
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('monitor reads and writes subject items on the table, never Scan or delete', () => {
    const actions = actionsOf(monitor);
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:Query',
      ]),
    );
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteTable',
      'dynamodb:*',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  it('monitor publishes alerts, puts alert events and uses the data key', () => {
    const actions = actionsOf(monitor);
    expect(actions).toEqual(
      expect.arrayContaining(['sns:Publish', 'events:PutEvents', 'kms:Decrypt', 'kms:GenerateDataKey']),
    );
    expect(resourcesFor(monitor, 'sns:Publish')).toContain('AlertsTopic');
    expect(resourcesFor(monitor, 'sns:Publish')).not.toContain('OperationsTopic');
    expect(resourcesFor(monitor, 'events:PutEvents')).toContain('AlertsBus');
  });

  it('monitor requeues failed subjects to its own queue and dead-letters to its own DLQ, nowhere else', () => {
    // Both are recovery paths: a requeue denied in AWS would return the whole job after the full
    // visibility timeout and repeat every paid bureau call of it.
    const requeue = monitor.find((s) => s.Sid === 'RequeueFailedSubjects');
    expect(JSON.stringify(requeue?.Resource)).toMatch(/MonitorJobsQueue[0-9A-F]{8}"/);
    const targets = resourcesFor(monitor, 'sqs:SendMessage');
    expect(targets).toMatch(/MonitorJobsQueueDeadLetterQueue/);
    expect(targets).not.toMatch(/FanOutQueue/);
  });

  it('no function reads secrets at run time: CloudFormation resolves them at deploy', () => {
    expect(actionsOf([...fanOut, ...monitor]).some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('grants no wildcard action and no wildcard resource beyond X-Ray', () => {
    for (const statement of [...fanOut, ...monitor]) {
      for (const action of actionsOf([statement])) expect(action).not.toMatch(/\*/);
      if (statement.Resource === '*') {
        expect(actionsOf([statement]).every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('uses no managed policies on the function roles', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
