/**
 * credmon as one construct: the store, the work queues and workers, the schedules, the alerts
 * topic and bus, and the operations alarms. `CredmonStack` is this construct alone in a stack;
 * embed it in your own stack to deploy credmon next to other resources.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_SCHEDULES } from '#shared/catalogue.ts';
import { CredmonAlerts } from './constructs/alerts.ts';
import { CredmonAnalytics } from './constructs/analytics.ts';
import { CredmonLedgerDrop } from './constructs/ledger.ts';
import {
  type BureauEndpoint,
  CredmonMonitoring,
  type CredmonMonitoringProps,
} from './constructs/monitoring.ts';
import { CredmonObservability } from './constructs/observability.ts';
import { CredmonPortfolio } from './constructs/portfolio.ts';
import { CredmonScheduledWorkers } from './constructs/scheduled-workers.ts';
import { CredmonScheduling, type TierScheduleSpec } from './constructs/scheduling.ts';
import { CredmonStore } from './constructs/store.ts';

export interface CredmonProps {
  /**
   * Tier run and feed poll schedules.
   * @default - the catalogue's tier schedules and a feed poll every 5 minutes
   */
  readonly schedules?: readonly TierScheduleSpec[];
  /**
   * Bureau endpoints and the concurrency each allows.
   * @default - none: the adapters' own defaults
   */
  readonly bureaus?: Readonly<Record<string, BureauEndpoint>>;
  /**
   * The monitor's event source maximum concurrency.
   * @default - the catalogue's value
   */
  readonly monitorMaxConcurrency?: number;
  /**
   * Secrets Manager secret names resolved into the functions' encrypted environment at deploy.
   * @default - no Companies House API key; `credmon/token-key` and `credmon/seal-key`
   */
  readonly secretNames?: CredmonMonitoringProps['secretNames'];
  /**
   * The company's credit policy file, bundled with the monitor.
   * @default - the built-in policy
   */
  readonly policyFile?: string;
  /**
   * How long alert history and archived alert events are kept.
   * @default Duration.days(400)
   */
  readonly alertRetention?: Duration;
  /**
   * How long snapshot history is kept.
   * @default Duration.days(730)
   */
  readonly historyRetention?: Duration;
  /**
   * Retention of the functions' logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Incremental table exports every this long (15 minutes to 24 hours); the full export is daily.
   * @default - full exports only
   */
  readonly incrementalExportEvery?: Duration;
  /**
   * E-mail address that receives operations alarms.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * What happens to the table, key, queues and logs when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Key for the table, queues, topics and bus.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Directory the catalogue's handler entry paths are resolved against.
   * @default process.cwd()
   */
  readonly entryRoot?: string;
}

export class Credmon extends Construct {
  readonly encryptionKey: kms.IKey;
  readonly store: CredmonStore;
  readonly alerts: CredmonAlerts;
  readonly monitoring: CredmonMonitoring;
  readonly scheduling: CredmonScheduling;
  readonly scheduledWorkers: CredmonScheduledWorkers;
  readonly observability: CredmonObservability;
  readonly analytics: CredmonAnalytics;
  /** The S3 drop folder for the company's AR ledger (payment experience). */
  readonly ledger: CredmonLedgerDrop;
  readonly portfolio: CredmonPortfolio;

  constructor(scope: Construct, id: string, props: CredmonProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const alertRetention = props.alertRetention ?? Duration.days(400);
    const historyRetention = props.historyRetention ?? Duration.days(730);
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'credmon data: table, queues, topics, event bus',
        enableKeyRotation: true,
        removalPolicy,
      });

    this.store = new CredmonStore(this, 'Store', { encryptionKey: this.encryptionKey, removalPolicy });
    this.alerts = new CredmonAlerts(this, 'Alerts', {
      encryptionKey: this.encryptionKey,
      archiveRetention: alertRetention,
      removalPolicy,
    });
    this.monitoring = new CredmonMonitoring(this, 'Monitoring', {
      table: this.store.table,
      encryptionKey: this.encryptionKey,
      alertsTopic: this.alerts.topic,
      eventBus: this.alerts.eventBus,
      bureaus: props.bureaus,
      secretNames: props.secretNames,
      policyFile: props.policyFile,
      monitorMaxConcurrency: props.monitorMaxConcurrency,
      retentionDays: { alerts: alertRetention.toDays(), history: historyRetention.toDays() },
      logRetention: props.logRetention,
      entryRoot: props.entryRoot,
      removalPolicy,
    });
    this.scheduledWorkers = new CredmonScheduledWorkers(this, 'ScheduledWorkers', {
      table: this.store.table,
      encryptionKey: this.encryptionKey,
      monitorQueue: this.monitoring.queues.monitorJobs.queue,
      alertsTopic: this.alerts.topic,
      environment: this.monitoring.environment,
      logRetention: props.logRetention,
      entryRoot: props.entryRoot,
      removalPolicy,
    });
    this.alerts.routeEvents({
      queues: {
        fanOut: this.monitoring.queues.fanOut.queue,
        monitorJobs: this.monitoring.queues.monitorJobs.queue,
      },
      deadLetterQueue: this.monitoring.queues.fanOut.deadLetterQueue,
    });
    this.scheduling = new CredmonScheduling(this, 'Scheduling', {
      fanOutQueue: this.monitoring.queues.fanOut.queue,
      deadLetterQueue: this.monitoring.queues.fanOut.deadLetterQueue,
      schedules: props.schedules,
      feedPollFunction: this.scheduledWorkers.feedPoll,
      functionSchedules: [
        { ...FUNCTION_SCHEDULES.outboxSweeper, function: this.scheduledWorkers.outboxSweeper },
      ],
    });
    this.observability = new CredmonObservability(this, 'Observability', {
      encryptionKey: this.encryptionKey,
      queues: this.monitoring.queues,
      functions: {
        ...this.monitoring.functions,
        feedPoll: this.scheduledWorkers.feedPoll,
        outboxSweeper: this.scheduledWorkers.outboxSweeper,
      },
      alarmEmail: props.alarmEmail,
    });
    this.analytics = new CredmonAnalytics(this, 'Analytics', {
      table: this.store.table,
      encryptionKey: this.encryptionKey,
      incrementalEvery: props.incrementalExportEvery,
      logRetention: props.logRetention,
      entryRoot: props.entryRoot,
      removalPolicy,
    });
    this.portfolio = new CredmonPortfolio(this, 'Portfolio', {
      table: this.store.table,
      encryptionKey: this.encryptionKey,
      eventBus: this.alerts.eventBus,
      secretNames: { tokenKey: props.secretNames?.tokenKey, sealKey: props.secretNames?.sealKey },
      logRetention: props.logRetention,
      entryRoot: props.entryRoot,
      removalPolicy,
    });
    this.ledger = new CredmonLedgerDrop(this, 'Ledger', {
      table: this.store.table,
      encryptionKey: this.encryptionKey,
      logRetention: props.logRetention,
      entryRoot: props.entryRoot,
      removalPolicy,
    });
  }
}
