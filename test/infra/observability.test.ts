import { Match } from 'aws-cdk-lib/assertions';
import { FUNCTIONS, QUEUES } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

describe('CredmonObservability', () => {
  const { template } = synthCredmon();
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const metricNames = alarms.map((alarm) => alarm.Properties.MetricName);

  it('alarms on dead letters and message age for every queue', () => {
    const queues = Object.keys(QUEUES).length;
    expect(metricNames.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(queues);
    expect(metricNames.filter((m) => m === 'ApproximateAgeOfOldestMessage')).toHaveLength(queues);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('alarms on errors and throttles of every function', () => {
    const functions = Object.values(FUNCTIONS).length;
    expect(metricNames.filter((m) => m === 'Errors')).toHaveLength(functions);
    expect(metricNames.filter((m) => m === 'Throttles')).toHaveLength(functions);
  });

  it.each(['OutboxAgeSeconds', 'BureauCircuitOpen'])(
    'alarms on the custom metric %s in namespace credmon',
    (name) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'credmon',
        MetricName: name,
        Dimensions: [{ Name: 'service', Value: 'credmon' }],
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it('sends every alarm and recovery to the encrypted operations topic', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'credmon operations',
      KmsMasterKeyId: Match.anyValue(),
    });
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.OKActions).toHaveLength(1);
    }
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('subscribes the alarm e-mail only when configured, and has a dashboard', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const { template: withEmail } = synthCredmon({ config: { alarmEmail: 'ops@example.com' } });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
