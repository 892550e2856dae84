/**
 * AWS list prices the benchmark turns its counts into money with. Region US East (N. Virginia),
 * on-demand, no free tier, no savings plans; recorded 2026-11-23 from the public pricing pages
 * named in `source` (not fetched by the benchmark: check them before quoting a figure).
 */
export const PRICE_REGION = 'us-east-1';
export const PRICES_RECORDED = '2026-11-23';

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

export const PRICES = {
  /** First 7.5 billion GB-seconds a month. */
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaRequest: { usd: 0.2 / 1e6, unit: 'request', source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Standard queues; every 64 KB chunk of a payload is one request. */
  sqsRequest: {
    usd: 0.4 / 1e6,
    unit: 'request (64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  /** Publishes (PublishBatch: per 64 KB chunk); deliveries to SQS subscribers are free. */
  snsPublish: {
    usd: 0.5 / 1e6,
    unit: 'request (64 KB chunk)',
    source: 'https://aws.amazon.com/sns/pricing/',
  },
  /** On-demand, after the November 2024 reduction. */
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  /** Custom events put on a bus (each 64 KB chunk is one event). */
  eventBridgeEvent: {
    usd: 1 / 1e6,
    unit: 'custom event',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  schedulerInvocation: {
    usd: 1 / 1e6,
    unit: 'scheduled invocation',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  /** Standard log class ingestion (rough: storage and queries are extra). */
  logsIngestedGb: {
    usd: 0.5,
    unit: 'GB of logs ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  /** First 10,000 custom metrics (EMF): billed per metric-month, not per check. */
  customMetricMonth: {
    usd: 0.3,
    unit: 'custom metric per month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
} as const satisfies Record<string, Price>;

export type PriceTable = { readonly [K in keyof typeof PRICES]: Pick<Price, 'usd'> };
