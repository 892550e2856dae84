/**
 * EventBridge Scheduler schedules that start tier runs: each sends `{ tier, requestedBy: 'schedule' }`
 * to the fan-out queue, in its own time zone. The `feed` tier's schedule invokes the feed-poll
 * function instead, and further schedules (the outbox sweeper) invoke their functions. One scheduler
 * role may only send to that queue and its dead-letter queue and invoke those functions.
 */
import { CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULES } from '#shared/catalogue.ts';
import type { Tier } from '#shared/domain/subject.ts';

/** The change-feed poll is not a tier run of the catalogue: its default lives here. */
export const FEED_POLL_SCHEDULE = { expression: 'rate(5 minutes)', timeZone: 'UTC' } as const;

export interface TierScheduleSpec {
  readonly tier: Tier;
  /** `cron(...)` or `rate(...)`. */
  readonly expression: string;
  /** IANA time zone the expression is read in. */
  readonly timeZone: string;
  /**
   * A disabled schedule is kept but does not run.
   * @default true
   */
  readonly enabled?: boolean;
}

export interface CredmonSchedulingProps {
  /** Queue the tier runs are sent to. */
  readonly fanOutQueue: sqs.IQueue;
  /**
   * Where deliveries that fail after retries go.
   * @default - no dead-letter queue
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * The schedules.
   * @default - the catalogue's tier schedules and a feed poll every 5 minutes (UTC)
   */
  readonly schedules?: readonly TierScheduleSpec[];
  /**
   * The function the `feed` tier's schedule invokes: the feed poll re-checks only the subjects the
   * change feeds name, where a fan-out would re-check the whole tier.
   * @default - the feed schedule sends `{ tier: 'feed' }` to the fan-out queue like the other tiers
   */
  readonly feedPollFunction?: lambda.IFunction;
  /**
   * Further schedules that invoke a function directly, e.g. the outbox sweeper.
   * @default - none
   */
  readonly functionSchedules?: readonly FunctionScheduleSpec[];
}

export interface FunctionScheduleSpec {
  /** Construct id and description of the schedule. */
  readonly name: string;
  /** `cron(...)` or `rate(...)`. */
  readonly expression: string;
  /** IANA time zone the expression is read in. */
  readonly timeZone: string;
  readonly function: lambda.IFunction;
}

export class CredmonScheduling extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  /** Schedules by tier. */
  readonly schedules: Readonly<Partial<Record<Tier, scheduler.Schedule>>>;

  constructor(scope: Construct, id: string, props: CredmonSchedulingProps) {
    super(scope, id);
    const specs: readonly TierScheduleSpec[] = props.schedules ?? [
      ...SCHEDULES,
      { tier: 'feed', ...FEED_POLL_SCHEDULE },
    ];

    this.group = new scheduler.ScheduleGroup(this, 'Group', {});
    const { account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      description: 'credmon schedules: send tier runs to the fan-out queue',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${this.group.scheduleGroupName}/*`,
            }),
          },
        },
      }),
    });

    // A scheduled function run that could not start within its interval is superseded by the next.
    const invoke = (fn: lambda.IFunction) => {
      const cfn = fn.node.defaultChild;
      if (cfn instanceof CfnElement) {
        const logicalId = String(Stack.of(this).resolve(Stack.of(this).getLogicalId(cfn)));
        Validations.of(this.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
          reason:
            "lambda:InvokeFunction on the function's versions and aliases (ARN:*), granted by the scheduler target; the function itself is named.",
        });
      }
      return new targets.LambdaInvoke(fn, {
        role: this.role,
        input: scheduler.ScheduleTargetInput.fromObject({ requestedBy: 'schedule' }),
        deadLetterQueue: props.deadLetterQueue,
        maxEventAge: Duration.minutes(5),
        retryAttempts: 2,
      });
    };
    const schedules: Partial<Record<Tier, scheduler.Schedule>> = {};
    for (const spec of specs) {
      const feedPoll = spec.tier === 'feed' ? props.feedPollFunction : undefined;
      schedules[spec.tier] = new scheduler.Schedule(this, `Tier-${spec.tier}`, {
        description: feedPoll ? 'credmon feed poll' : `credmon ${spec.tier} run`,
        scheduleGroup: this.group,
        schedule: scheduler.ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timeZone)),
        enabled: spec.enabled ?? true,
        target: feedPoll
          ? invoke(feedPoll)
          : new targets.SqsSendMessage(props.fanOutQueue, {
              role: this.role,
              input: scheduler.ScheduleTargetInput.fromObject({ tier: spec.tier, requestedBy: 'schedule' }),
              deadLetterQueue: props.deadLetterQueue,
              maxEventAge: Duration.hours(1),
              retryAttempts: 10,
            }),
      });
    }
    this.schedules = schedules;
    for (const spec of props.functionSchedules ?? []) {
      new scheduler.Schedule(this, `Function-${spec.name}`, {
        description: `credmon ${spec.name}`,
        scheduleGroup: this.group,
        schedule: scheduler.ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timeZone)),
        target: invoke(spec.function),
      });
    }
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "Sending to the KMS-encrypted fan-out queue needs data keys; the grant is scoped to that queue's one key ARN.",
    });
  }
}
