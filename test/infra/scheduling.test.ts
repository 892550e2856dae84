import { Match } from 'aws-cdk-lib/assertions';
import { FEED_POLL_SCHEDULE } from '#lib/constructs/scheduling.ts';
import { FUNCTION_SCHEDULES, SCHEDULES } from '#shared/catalogue.ts';
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

  it('invokes the feed-poll function every 5 minutes for the feed tier (no tier fan-out)', () => {
    expect(FEED_POLL_SCHEDULE.expression).toBe('rate(5 minutes)');
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Description: 'credmon feed poll',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FeedPollFunction'), 'Arn'] },
        Input: JSON.stringify({ requestedBy: 'schedule' }),
      }),
    });
    const fanOutFeed = template.findResources('AWS::Scheduler::Schedule', {
      Properties: { Target: Match.objectLike({ Input: Match.stringLikeRegexp('"tier":"feed"') }) },
    });
    expect(Object.keys(fanOutFeed)).toEqual([]);
  });

  it('invokes the outbox sweeper on its catalogue schedule', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: FUNCTION_SCHEDULES.outboxSweeper.expression,
      ScheduleExpressionTimezone: FUNCTION_SCHEDULES.outboxSweeper.timeZone,
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('OutboxSweeperFunction'), 'Arn'] },
      }),
    });
  });

  it('lets the scheduler role only send to the fan-out queue and its DLQ and invoke the scheduled functions, for this account', () => {
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
    expect(new Set(actions)).toEqual(
      new Set(['sqs:SendMessage', 'kms:Decrypt', 'kms:GenerateDataKey*', 'lambda:InvokeFunction']),
    );
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
