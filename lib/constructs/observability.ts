/**
 * Operations view of credmon: alarms on dead letters, queue age, function errors and throttles
 * and on credmon's own metrics (outbox age, open bureau circuits), sent to an encrypted
 * operations topic (optionally e-mailed), and one CloudWatch dashboard.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Namespace and dimension the functions' Powertools metrics are emitted with. */
export const CUSTOM_METRICS = { namespace: 'credmon', dimensions: { service: 'credmon' } } as const;

export interface ObservedQueue {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface CredmonObservabilityProps {
  /** Key that encrypts the operations topic (CloudWatch is allowed to use it). */
  readonly encryptionKey: kms.IKey;
  /** Work queues by name. */
  readonly queues: Readonly<Record<string, ObservedQueue>>;
  /** Functions by name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /**
   * E-mail address subscribed to the operations topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Age of the oldest work message that raises an alarm.
   * @default Duration.minutes(30)
   */
  readonly maxMessageAge?: Duration;
  /**
   * Age of the oldest unpublished outbox that raises an alarm.
   * @default Duration.minutes(15)
   */
  readonly maxOutboxAge?: Duration;
  /**
   * Dashboard name.
   * @default - `<stack name>-credmon`
   */
  readonly dashboardName?: string;
}

export class CredmonObservability extends Construct {
  readonly operationsTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: CredmonObservabilityProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.operationsTopic = new sns.Topic(this, 'OperationsTopic', {
      displayName: 'credmon operations',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // Alarm actions publish as CloudWatch: it needs the key of the encrypted topic.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishEncrypted',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (props.alarmEmail) {
      const email = this.operationsTopic.addSubscription(
        new subscriptions.EmailSubscription(props.alarmEmail),
      );
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'Alarm e-mail is a notification only: alarm state stays in CloudWatch and on the dashboard, and undeliverable e-mail copies would sit in a queue nobody reads.',
      });
    }
    const action = new actions.SnsAction(this.operationsTopic);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, alarmProps);
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
      return created;
    };

    const queueWidgets: cloudwatch.IWidget[] = [];
    for (const [name, observed] of Object.entries(props.queues)) {
      const deadLetters = observed.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      const age = observed.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      alarm(`${name}DeadLetters`, {
        alarmDescription: `credmon ${name}: messages in the dead-letter queue (inspect, then redrive)`,
        metric: deadLetters,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}OldestMessage`, {
        alarmDescription: `credmon ${name}: work is waiting too long`,
        metric: age,
        threshold: (props.maxMessageAge ?? Duration.minutes(30)).toSeconds(),
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      queueWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${name} queue`,
          left: [observed.queue.metricApproximateNumberOfMessagesVisible(), deadLetters],
          right: [age],
        }),
      );
    }

    const functionWidgets: cloudwatch.IWidget[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
      const throttles = fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
      alarm(`${name}Errors`, {
        alarmDescription: `credmon ${name}: invocations failed`,
        metric: errors,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}Throttles`, {
        alarmDescription: `credmon ${name}: invocations throttled`,
        metric: throttles,
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      functionWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${name} function`,
          left: [fn.metricInvocations(), errors, throttles],
          right: [fn.metricDuration({ statistic: cloudwatch.Stats.p(99) })],
        }),
      );
    }

    const outboxAge = new cloudwatch.Metric({
      namespace: CUSTOM_METRICS.namespace,
      metricName: 'OutboxAgeSeconds',
      dimensionsMap: { ...CUSTOM_METRICS.dimensions },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    });
    const circuitOpen = new cloudwatch.Metric({
      namespace: CUSTOM_METRICS.namespace,
      metricName: 'BureauCircuitOpen',
      dimensionsMap: { ...CUSTOM_METRICS.dimensions },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    });
    alarm('OutboxAge', {
      alarmDescription:
        'credmon: alerts wait unpublished in an outbox (publishing or the sweeper is failing)',
      metric: outboxAge,
      threshold: (props.maxOutboxAge ?? Duration.minutes(15)).toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('BureauCircuitOpen', {
      alarmDescription: 'credmon: a bureau circuit breaker is open (the bureau is failing or rate limiting)',
      metric: circuitOpen,
      threshold: 1,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'credmon alarms', alarms: this.alarms, width: 24 })],
        queueWidgets,
        functionWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Outbox age (s)', left: [outboxAge] }),
          new cloudwatch.GraphWidget({ title: 'Bureau circuits open', left: [circuitOpen] }),
        ],
      ],
    });
  }
}
