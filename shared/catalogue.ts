/**
 * The one catalogue of credmon's AWS resources: tables, indexes, queues, topics, schedules and the
 * functions that consume them. The CDK stack (lib/) and the embedded AWS bootstrap (shared/local/)
 * both read it, so the cloud and the local pipeline cannot drift apart.
 *
 * Names here are logical; deployed names get the stack's prefix, local ones the data directory's.
 */
import type { Tier } from './domain/subject.ts';

export const TABLE = {
  name: 'credmon',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** TTL attribute on history items (epoch seconds). */
  ttlAttribute: 'expiresAt',
  indexes: {
    /**
     * Sparse, sharded: present only on monitored subjects' state items. `TIER#<tier>#<shard>`.
     * Projects what a monitor job needs, so unchanged checks never read the table.
     */
    tier: { name: 'tier-index', partitionKey: 'tierShard', sortKey: 'pk', projection: 'job' },
    /** Sparse: registry key of monitored businesses, for change feeds. `REG#<country>#<registryId>`. */
    registry: { name: 'registry-index', partitionKey: 'registryKey', sortKey: 'pk', projection: 'job' },
    /** Portfolio + class, for portfolio listings. `PF#<portfolio>`, `<class>#<subjectId>`. */
    portfolio: {
      name: 'portfolio-index',
      partitionKey: 'portfolioKey',
      sortKey: 'portfolioSort',
      projection: 'keys',
    },
    /** Sparse: subjects whose outbox holds unpublished alerts, oldest first, for the sweeper. */
    outbox: {
      name: 'outbox-index',
      partitionKey: 'outboxPending',
      sortKey: 'outboxSince',
      projection: 'keys',
    },
  },
  /** Non-key attributes projected into `projection: 'job'` indexes. */
  jobAttributes: [
    'subjectId',
    'kind',
    'country',
    'registryId',
    'personToken',
    'sealedNationalId',
    'version',
    'hash',
  ],
} as const;

/** Shards per tier in the sparse index: spreads a million subjects over partitions. */
export const TIER_SHARDS = 16;

/** Keys of {@link QUEUES}. */
export type QueueKey = 'fanOut' | 'monitorJobs';

export interface QueueDefinition {
  readonly name: string;
  /** Seconds; at least 6 × the consuming function's timeout. */
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly dlqName: string;
  readonly retentionDays: number;
}

export interface FunctionDefinition {
  readonly name: string;
  /** Path of the handler file, from the repository root. */
  readonly entry: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** For queue-fed functions. */
  readonly source?: {
    readonly queue: QueueKey;
    readonly batchSize: number;
    readonly maxBatchingWindowSeconds: number;
    /** Caps concurrent invocations: the bureaus' shared rate limit is the real ceiling. */
    readonly maxConcurrency: number;
  };
}

export const FUNCTIONS = {
  fanOut: {
    name: 'fan-out',
    entry: 'functions/fan-out/handler.ts',
    timeoutSeconds: 300,
    memoryMb: 512,
    source: { queue: 'fanOut', batchSize: 1, maxBatchingWindowSeconds: 0, maxConcurrency: 4 },
  },
  monitor: {
    name: 'monitor',
    entry: 'functions/monitor/handler.ts',
    timeoutSeconds: 120,
    memoryMb: 1024,
    source: { queue: 'monitorJobs', batchSize: 10, maxBatchingWindowSeconds: 1, maxConcurrency: 8 },
  },
  /** Invoked by its schedule: reads the change feeds from their cursors, sends monitor jobs. */
  feedPoll: {
    name: 'feed-poll',
    entry: 'functions/feed-poll/handler.ts',
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  /** Invoked by its schedule: republishes alerts left pending in outboxes. */
  outboxSweeper: {
    name: 'outbox-sweeper',
    entry: 'functions/outbox-sweeper/handler.ts',
    timeoutSeconds: 120,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDefinition>;

/**
 * The functions at the pipeline's edges, each deployed by its own construct: the portfolio API and
 * drop folder, the ledger drop folder and the scheduled table export. Neither fed by credmon's
 * queues nor run by the local pipeline; defined here so that every deployed function has one
 * definition (the benchmark bundles them all).
 */
export const EDGE_FUNCTIONS = {
  portfolioApi: {
    name: 'portfolio-api',
    entry: 'functions/portfolio-api/handler.ts',
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  portfolioDrop: {
    name: 'portfolio-drop',
    entry: 'functions/portfolio-drop/handler.ts',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  ledgerDrop: {
    name: 'ledger-drop',
    entry: 'functions/ledger-drop/handler.ts',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  exportTable: {
    name: 'export-table',
    entry: 'functions/export-table/handler.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
  },
} as const satisfies Record<string, FunctionDefinition>;

export const QUEUES = {
  /** Tier runs and their continuations (page cursors): keeps each fan-out invocation short. */
  fanOut: {
    name: 'fan-out',
    visibilityTimeoutSeconds: 6 * FUNCTIONS.fanOut.timeoutSeconds,
    maxReceiveCount: 5,
    dlqName: 'fan-out-dlq',
    retentionDays: 4,
  },
  /** Monitor jobs: several subjects per message. */
  monitorJobs: {
    name: 'monitor-jobs',
    visibilityTimeoutSeconds: 6 * FUNCTIONS.monitor.timeoutSeconds,
    maxReceiveCount: 5,
    dlqName: 'monitor-jobs-dlq',
    retentionDays: 14,
  },
} as const satisfies Record<string, QueueDefinition>;

export const TOPICS = {
  /** Every alert, with routing fields as message attributes for subscription filter policies. */
  alerts: { name: 'alerts' },
} as const;

export interface ScheduleDefinition {
  readonly name: string;
  /** EventBridge Scheduler expression: `cron(...)` or `rate(...)`. */
  readonly expression: string;
  readonly timeZone: string;
  /** What the schedule asks for; delivered to the fan-out queue. */
  readonly tier: Tier;
}

/** Default schedules. Times are local to `timeZone`; deployments may override them. */
export const SCHEDULES: readonly ScheduleDefinition[] = [
  { name: 'tier-daily', expression: 'cron(0 6 * * ? *)', timeZone: 'Europe/Oslo', tier: 'daily' },
  { name: 'tier-weekly', expression: 'cron(0 5 ? * MON *)', timeZone: 'Europe/Oslo', tier: 'weekly' },
  { name: 'tier-monthly', expression: 'cron(0 4 1 * ? *)', timeZone: 'Europe/Oslo', tier: 'monthly' },
];

/** Keys of {@link FUNCTIONS} invoked directly by a schedule rather than fed by a queue. */
export type ScheduledFunctionKey = 'feedPoll' | 'outboxSweeper';

export interface FunctionScheduleDefinition {
  readonly name: string;
  /** EventBridge Scheduler expression: `cron(...)` or `rate(...)`. */
  readonly expression: string;
  readonly timeZone: string;
  /** The function the schedule invokes. */
  readonly function: ScheduledFunctionKey;
}

/**
 * Schedules that invoke a function directly. The feed poll is the `feed` tier's schedule (its
 * expression is configured with the tiers); the sweeper runs at the pace the outbox alarm assumes.
 */
export const FUNCTION_SCHEDULES = {
  feedPoll: { name: 'feed-poll', expression: 'rate(5 minutes)', timeZone: 'UTC', function: 'feedPoll' },
  outboxSweeper: {
    name: 'outbox-sweeper',
    expression: 'rate(5 minutes)',
    timeZone: 'UTC',
    function: 'outboxSweeper',
  },
} as const satisfies Record<ScheduledFunctionKey, FunctionScheduleDefinition>;

/** An EventBridge event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html). */
export type EventPattern = { readonly [field: string]: readonly unknown[] | EventPattern };

export interface EventRuleDefinition {
  readonly name: string;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Where matching events go: the event's `detail` is the message. */
  readonly target: { readonly queue: QueueKey } | { readonly topic: keyof typeof TOPICS };
}

/**
 * The `credmon` event bus: control events in, a copy of every alert out (archived for replay).
 * The CDK stack creates these rules; the local bus (shared/local/event-bus.ts) applies the same.
 */
export const EVENT_BUS = {
  name: 'credmon',
  sources: { control: 'credmon.control', alerts: 'credmon.alerts' },
  /** Archived for replay: every alert event. */
  archivePattern: { source: ['credmon.alerts'] },
} as const;

export const EVENT_RULES: readonly EventRuleDefinition[] = [
  {
    name: 'run-requested',
    description: 'A tier run asked for on the bus goes to the fan-out, like a scheduled one',
    pattern: { source: ['credmon.control'], 'detail-type': ['RunRequested'] },
    target: { queue: 'fanOut' },
  },
  {
    name: 'subject-enrolled',
    description: 'A newly enrolled subject gets its baseline check now, through the fan-out',
    pattern: { source: ['credmon.control'], 'detail-type': ['SubjectEnrolled'] },
    target: { queue: 'fanOut' },
  },
  {
    name: 'alerts-replay',
    description: 'Replayed alert events (only they carry replay-name) go back to the alerts topic',
    pattern: { source: ['credmon.alerts'], 'replay-name': [{ exists: true }] },
    target: { topic: 'alerts' },
  },
];
