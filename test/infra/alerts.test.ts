import { Match } from 'aws-cdk-lib/assertions';
import { synthCredmon } from './synth.ts';

describe('CredmonAlerts', () => {
  const { template } = synthCredmon();

  it('encrypts the alerts topic with the customer-managed key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'credmon alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] },
    });
  });

  it('denies publishing and subscribing without TLS on every topic', () => {
    const policies = template.findResources('AWS::SNS::TopicPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('has a KMS-encrypted credmon event bus, an archive of alert events and an account-only policy', () => {
    template.hasResourceProperties('AWS::Events::EventBus', {
      Name: 'credmon',
      KmsKeyIdentifier: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['credmon.alerts'] },
      RetentionDays: 400,
      KmsKeyIdentifier: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Action: 'events:PutEvents',
        Principal: { AWS: Match.anyValue() },
      }),
    });
  });

  it('routes control events to the fan-out queue and replayed alerts to the topic, with the detail as message', () => {
    // Prepare
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((rule) =>
      String(rule.Properties.EventPattern?.source?.[0] ?? '').startsWith('credmon.'),
    );
    const byType = (detailType: string) =>
      rules.find((rule) => rule.Properties.EventPattern['detail-type']?.[0] === detailType);

    // Assess
    expect(rules).toHaveLength(3);
    for (const detailType of ['RunRequested', 'SubjectEnrolled']) {
      expect(byType(detailType)?.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/FanOutQueue(?!DeadLetter)/), 'Arn'] },
          InputPath: '$.detail',
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/FanOutQueueDeadLetterQueue/), 'Arn'] },
          },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
        }),
      ]);
    }
    const replay = rules.find((rule) => rule.Properties.EventPattern['replay-name']);
    expect(replay?.Properties.EventPattern).toEqual({
      source: ['credmon.alerts'],
      'replay-name': [{ exists: true }],
    });
    expect(replay?.Properties.Targets[0]).toMatchObject({
      Arn: { Ref: expect.stringMatching(/AlertsTopic/) },
    });
  });

  it('lets EventBridge deliver to the fan-out queue and the alerts topic only from credmon’s rules', () => {
    // Prepare
    const statements = [
      ...Object.values(template.findResources('AWS::SQS::QueuePolicy')),
      ...Object.values(template.findResources('AWS::SNS::TopicPolicy')),
    ].flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]);
    const fromEvents = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' &&
        JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }),
    );

    // Assess: every grant to the service names the rule it admits
    expect(fromEvents.length).toBeGreaterThanOrEqual(3);
    for (const statement of fromEvents) {
      expect(statement.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': expect.anything() } });
    }
    expect(fromEvents.map((statement) => statement.Action)).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'sns:Publish']),
    );
  });

  it('keeps archived alert events for the configured alert retention', () => {
    const { template: custom } = synthCredmon({ config: { alertRetentionDays: 90 } });
    custom.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 90 });
  });
});
