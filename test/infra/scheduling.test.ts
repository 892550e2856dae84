import { Match } from 'aws-cdk-lib/assertions';
import { FEED_POLL_SCHEDULE } from '#lib/constructs/scheduling.ts';
import { SCHEDULES } from '#shared/catalogue.ts';
import { synthCredmon } from './synth.ts';

describe('CredmonScheduling', () => {
  const { template } = synthCredmon();

  it.each(SCHEDULES)('runs the $tier tier at $expression in $timeZone into the fan-out queue', (schedule) => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: schedule.expression,
      ScheduleExpressionTimezone: schedule.timeZone,
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FanOutQueue[0-9A-F]+$'), 'Arn'] },
        Input: JSON.stringify({ tier: schedule.tier, requestedBy: 'schedule' }),
        RoleArn: Match.anyValue(),
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FanOutQueueDeadLetterQueue'), 'Arn'] },
        },
      },
    });
  });

  it('polls the change feeds every 5 minutes', () => {
    expect(FEED_POLL_SCHEDULE.expression).toBe('rate(5 minutes)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({ Input: JSON.stringify({ tier: 'feed', requestedBy: 'schedule' }) }),
    });
  });

  it('lets the scheduler role only send to the fan-out queue and its DLQ, for this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ],
      },
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('Scheduling') },
    });
    const actions = Object.values(policies).flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
    );
    expect(new Set(actions)).toEqual(new Set(['sqs:SendMessage', 'kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('takes expressions and time zones from the deployment config, disabled tiers kept', () => {
    // Prepare / Act
    const { template: custom } = synthCredmon({
      config: {
        tiers: {
          daily: { expression: 'cron(30 7 * * ? *)', timeZone: 'Europe/London' },
          monthly: { enabled: false },
        },
      },
    });
    // Assess
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
    });
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ Input: Match.stringLikeRegexp('monthly') }),
      State: 'DISABLED',
    });
  });
});
