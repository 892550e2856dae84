/**
 * Where alerts leave credmon: the SNS alerts topic that downstream systems subscribe to (with
 * filter policies on the routing attributes), and the `credmon` event bus that the monitor puts
 * alert events on, archived for replay. The bus is also credmon's control plane: the catalogue's
 * rules route control events (a tier run, a baseline check) to the fan-out queue and replayed
 * alert events back to the topic.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_BUS, EVENT_RULES, type EventPattern, type QueueKey, TOPICS } from '#shared/catalogue.ts';

/** `source` of the alert events the monitor puts on the bus. */
export const ALERT_EVENT_SOURCE = EVENT_BUS.sources.alerts;

export interface CredmonEventRoutingProps {
  /** Rule targets of the catalogue, by queue key. */
  readonly queues: Readonly<Record<QueueKey, sqs.IQueue>>;
  /** Where events go that a target refused after retries. */
  readonly deadLetterQueue: sqs.IQueue;
}

export interface CredmonAlertsProps {
  /**
   * Key that encrypts the topic, the bus and its archive.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the archive keeps alert events (replayable).
   * @default Duration.days(400)
   */
  readonly archiveRetention?: Duration;
  /**
   * Name of the event bus.
   * @default 'credmon'
   */
  readonly eventBusName?: string;
  /**
   * Removal policy of the key created when none is given.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class CredmonAlerts extends Construct {
  readonly topic: sns.Topic;
  readonly eventBus: events.EventBus;
  readonly archive: events.Archive;
  readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: CredmonAlertsProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: 'credmon alerts', enableKeyRotation: true, removalPolicy });

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `credmon ${TOPICS.alerts.name}`,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });

    this.eventBus = new events.EventBus(this, 'Bus', {
      eventBusName: props.eventBusName ?? EVENT_BUS.name,
      kmsKey: this.encryptionKey,
      description: 'credmon control events and alert events',
    });
    // Only principals of this account may put events on the bus.
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AccountPutEventsOnly',
        principals: [new iam.AccountPrincipal(Stack.of(this).account)],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }),
    );

    this.archive = this.eventBus.archive('Archive', {
      description: 'credmon alert events, for replay',
      eventPattern: cdkPattern(EVENT_BUS.archivePattern),
      retention: props.archiveRetention ?? Duration.days(400),
      kmsKey: this.encryptionKey,
    });
  }

  /**
   * Creates the catalogue's rules on the bus: each sends the matching event's `detail` to its
   * queue or to the alerts topic, retrying for an hour and then dead-lettering. The targets'
   * resource policies admit only these rules (aws:SourceArn).
   *
   * @example
   * credmon.alerts.routeEvents({ queues: { fanOut, monitorJobs }, deadLetterQueue: fanOutDlq });
   */
  routeEvents(props: CredmonEventRoutingProps): events.Rule[] {
    return EVENT_RULES.map((definition) => {
      const target = new RuleOnlyTarget(
        'queue' in definition.target ? props.queues[definition.target.queue] : this.topic,
        this.encryptionKey,
        { deadLetterQueue: props.deadLetterQueue, retryAttempts: 10, maxEventAge: Duration.hours(1) },
      );
      return new events.Rule(this, `Rule-${definition.name}`, {
        eventBus: this.eventBus,
        description: definition.description,
        eventPattern: cdkPattern(definition.pattern),
        targets: [target],
      });
    });
  }
}

/**
 * A queue or topic target that only its rule may deliver to: the resource policy admits
 * events.amazonaws.com on condition of the rule's ARN (the stock targets grant encrypted queues and
 * topics to the whole service), and the key lets EventBridge encrypt what it delivers. The target
 * gets the event's `detail` as its message.
 */
class RuleOnlyTarget implements events.IRuleTarget {
  constructor(
    private readonly destination: sqs.IQueue | sns.ITopic,
    private readonly key: kms.IKey,
    private readonly base: targets.TargetBaseProps,
  ) {}

  bind(rule: events.IRule): events.RuleTargetConfig {
    const isQueue = 'queueArn' in this.destination;
    const arn = isQueue
      ? (this.destination as sqs.IQueue).queueArn
      : (this.destination as sns.ITopic).topicArn;
    const service = new iam.ServicePrincipal('events.amazonaws.com');
    this.destination.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [service],
        actions: [isQueue ? 'sqs:SendMessage' : 'sns:Publish'],
        resources: [arn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [service],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(rule).account } },
      }),
    );
    if (this.base.deadLetterQueue)
      targets.addToDeadLetterQueueResourcePolicy(rule, this.base.deadLetterQueue);
    return {
      ...targets.bindBaseTargetConfig(this.base),
      arn,
      input: events.RuleTargetInput.fromEventPath('$.detail'),
      targetResource: this.destination,
    };
  }
}

/** The catalogue's patterns are EventBridge JSON; the CDK renders them as given (detail-type too). */
function cdkPattern(pattern: EventPattern): events.EventPattern {
  return pattern as events.EventPattern;
}
