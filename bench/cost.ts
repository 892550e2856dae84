/**
 * The cost of a number of checks at list prices, from what one measured run used per check.
 */
import { PRICES, type PriceTable } from './prices.ts';

/** What the measured run used, per check (averages over the timed checks). */
export interface PerCheckUsage {
  readonly sqsRequests: number;
  readonly snsRequests: number;
  /** Events put on the EventBridge bus (alert copies). */
  readonly eventBridgeEvents: number;
  /** Other billed API requests that have no per-request price of their own here (DynamoDB is billed in units). */
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  /** Per function: invocations per check and busy seconds per check, with its memory. */
  readonly functions: readonly {
    readonly name: string;
    readonly memoryMb: number;
    readonly invocations: number;
    readonly seconds: number;
  }[];
  /** Log and EMF bytes per check (CloudWatch Logs ingestion). */
  readonly logBytes: number;
}

/** Usage that does not grow with checks: schedules firing, per day of operation. */
export interface FixedDailyUsage {
  readonly scheduledInvocations: number;
  /** Empty long polls of the SQS event source mappings, which poll whether or not there is work. */
  readonly idleReceives: number;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface CostEstimate {
  readonly checks: number;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
}

/**
 * Prices `checks` checks (e.g. 1,000,000) and the schedules of the `days` they take.
 *
 * @example
 * const estimate = costOf(1_000_000, usage, { scheduledInvocations: 577, idleReceives: 43_200 }, 100);
 * estimate.totalUsd; // dollars at the recorded list prices
 */
export function costOf(
  checks: number,
  usage: PerCheckUsage,
  fixed: FixedDailyUsage,
  days: number,
  prices: PriceTable = PRICES,
): CostEstimate {
  const lines: CostLine[] = [];
  const add = (item: string, quantity: number, unit: string, unitUsd: number) =>
    lines.push({ item, quantity, unit, usd: quantity * unitUsd });
  const invocations = usage.functions.reduce((sum, fn) => sum + fn.invocations, 0) * checks;
  const gbSeconds = usage.functions.reduce((sum, fn) => sum + (fn.memoryMb / 1024) * fn.seconds, 0) * checks;
  add('Lambda requests', invocations, 'requests', prices.lambdaRequest.usd);
  add('Lambda duration (arm64)', gbSeconds, 'GB-s', prices.lambdaArmGbSecond.usd);
  add('SQS requests', usage.sqsRequests * checks, 'requests', prices.sqsRequest.usd);
  add('SNS publishes', usage.snsRequests * checks, 'requests', prices.snsPublish.usd);
  add('EventBridge events', usage.eventBridgeEvents * checks, 'events', prices.eventBridgeEvent.usd);
  add('DynamoDB reads', usage.dynamoReadUnits * checks, 'RRU', prices.dynamoReadUnit.usd);
  add('DynamoDB writes', usage.dynamoWriteUnits * checks, 'WRU', prices.dynamoWriteUnit.usd);
  add(
    'EventBridge Scheduler',
    fixed.scheduledInvocations * days,
    'invocations',
    prices.schedulerInvocation.usd,
  );
  add('SQS idle polling (event sources)', fixed.idleReceives * days, 'requests', prices.sqsRequest.usd);
  add('CloudWatch Logs ingestion', (usage.logBytes * checks) / 1e9, 'GB', prices.logsIngestedGb.usd);
  return { checks, lines, totalUsd: lines.reduce((sum, line) => sum + line.usd, 0) };
}
