/**
 * Where alerts leave credmon: the SNS alerts topic that downstream systems subscribe to (with
 * filter policies on the routing attributes), and the `credmon` event bus that the monitor puts
 * alert events on, archived for replay.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TOPICS } from '#shared/catalogue.ts';

/** `source` of the events the monitor puts on the bus. */
export const ALERT_EVENT_SOURCE = 'credmon';

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
      eventBusName: props.eventBusName ?? 'credmon',
      kmsKey: this.encryptionKey,
      description: 'credmon alert events (source credmon)',
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
      eventPattern: { source: [ALERT_EVENT_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(400),
      kmsKey: this.encryptionKey,
    });
  }
}
