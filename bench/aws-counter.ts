/**
 * Counts what the pipeline asks of AWS: requests per service and command, and DynamoDB capacity
 * units. An AWS SDK middleware, installed through createAwsClients' `instrument` hook, so the same
 * code paths that run in Lambda are counted, against the embedded AWS.
 *
 * Capacity: the middleware asks every DynamoDB data-plane command for `ReturnConsumedCapacity:
 * 'TOTAL'` and sums what the service reports (dynalite computes it from item sizes with DynamoDB's
 * rounding: 4 KB read units, halved when eventually consistent; 1 KB write units). Neither dynalite
 * nor the TOTAL figure includes writes to global secondary indexes, which on-demand tables bill as
 * write request units too: those are estimated from each write's attributes (one unit per index
 * whose key or projected attributes the write touches; index items here are far below 1 KB).
 * When a response carries no capacity at all, units are estimated from the item's JSON size and
 * the request is counted in `estimatedRequests`.
 */
import { TABLE } from '#shared/catalogue.ts';

/** Requests that AWS does not bill or that only the local harness makes. */
const UNBILLED = new Set([
  'SQS.GetQueueAttributes',
  'SQS.CreateQueue',
  'SQS.GetQueueUrl',
  'SQS.SetQueueAttributes',
  'SNS.Subscribe',
  'SNS.CreateTopic',
  'DynamoDB.CreateTable',
  'DynamoDB.DescribeTable',
  'DynamoDB.UpdateTable',
]);

/** Suffix of `billed` keys for receives that returned nothing (see {@link usagePer}). */
export const IDLE = ' (empty)';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** Table indexes with the attributes each holds: its keys, the table's keys and its projection. */
const INDEX_ATTRIBUTES: readonly (readonly string[])[] = Object.values(TABLE.indexes).map((index) => [
  index.partitionKey,
  index.sortKey,
  ...(index.projection === 'job' ? TABLE.jobAttributes : []),
]);

export interface AwsCounts {
  /** Requests per `Service.Operation`, e.g. `DynamoDB.GetItem`, `SQS.ReceiveMessage`. */
  readonly requests: Record<string, number>;
  /**
   * Requests as AWS bills them: SQS and SNS bill every 64 KB chunk of a request's payload as one
   * request (a batch of ten small messages is one); other services one per call.
   */
  readonly billed: Record<string, number>;
  /** Receives per queue URL that returned messages: each is one invocation of the consuming function. */
  readonly nonEmptyReceives: Record<string, number>;
  /** Read capacity units as reported (or estimated). */
  readUnits: number;
  /** Write capacity units on the table as reported (or estimated). */
  writeUnits: number;
  /** Estimated write units on global secondary indexes (see the module comment). */
  indexWriteUnits: number;
  /** DynamoDB requests whose response carried no ConsumedCapacity (units estimated). */
  estimatedRequests: number;
}

/** The summary the benchmark reports, per `perChecks` checks. */
export interface AwsUsage {
  readonly billableRequests: number;
  readonly byService: Record<string, number>;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly capacityUnits: number;
}

interface Args {
  input: Record<string, unknown>;
}
interface Result {
  output: Record<string, unknown>;
}
type Handler = (args: Args) => Promise<Result>;
interface Context {
  readonly clientName?: string;
  readonly commandName?: string;
}
/** The part of an SDK v3 client the middleware needs (every client has it). */
interface Instrumentable {
  readonly middlewareStack: {
    add(
      middleware: (next: Handler, context: Context) => Handler,
      options: { step: 'initialize'; name: string; priority?: 'high' | 'normal' | 'low' },
    ): void;
  };
}

/** `DynamoDBClient` → `DynamoDB`, `GetItemCommand` → `GetItem`. */
function operationKey(context: Context): { service: string; operation: string } {
  const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
  const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
  return { service, operation };
}

/** Attribute names a write sets or removes (UpdateItem) or stores (PutItem). */
export function touchedAttributes(operation: string, input: Record<string, unknown>): string[] {
  if (operation === 'PutItem') return Object.keys((input.Item as Record<string, unknown>) ?? {});
  if (operation !== 'UpdateItem') return [];
  const expression = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  const names = (input.ExpressionAttributeNames as Record<string, string>) ?? {};
  return [...expression.matchAll(/#\w+/g)].map((match) => names[match[0]] ?? match[0]);
}

/** Estimated index write units of one write: one per index holding a touched attribute. */
export function indexWritesOf(operation: string, input: Record<string, unknown>): number {
  const touched = new Set(touchedAttributes(operation, input));
  if (operation === 'PutItem') {
    // A put lands in a sparse index only when the item carries that index's partition key.
    return Object.values(TABLE.indexes).filter((index) => touched.has(index.partitionKey)).length;
  }
  return INDEX_ATTRIBUTES.filter((attributes) => attributes.some((name) => touched.has(name))).length;
}

function reportedUnits(output: Record<string, unknown>): number | null {
  const consumed = output.ConsumedCapacity;
  if (consumed === undefined || consumed === null) return null;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce(
    (sum: number, entry) => sum + Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0),
    0,
  );
}

/** Units from an item's size when the service reports none: 4 KB reads (halved if eventual), 1 KB writes. */
export function estimatedUnits(
  operation: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): number {
  const size = (item: unknown) => Buffer.byteLength(JSON.stringify(item ?? {}), 'utf8');
  if (READS.has(operation)) {
    const items = (output.Items as unknown[] | undefined) ?? (output.Item ? [output.Item] : []);
    const bytes = items.reduce((sum: number, item) => sum + size(item), 0);
    return Math.max(1, Math.ceil(bytes / 4096)) * (input.ConsistentRead === true ? 1 : 0.5);
  }
  return Math.max(1, Math.ceil(size(input.Item ?? input.ExpressionAttributeValues) / 1024));
}

/**
 * @example
 * const counter = createAwsCounter();
 * const pipeline = await startLocalPipeline({ ..., instrument: counter.instrument });
 * counter.reset(); await work(); counter.usage(checks, 1000).billableRequests;
 */
export function createAwsCounter() {
  let counts = emptyCounts();

  const middleware =
    (next: Handler, context: Context): Handler =>
    async (args) => {
      const { service, operation } = operationKey(context);
      const isData = service === 'DynamoDB' && (READS.has(operation) || WRITES.has(operation));
      const input = isData ? { ...args.input, ReturnConsumedCapacity: 'TOTAL' } : args.input;
      const key = `${service}.${operation}`;
      counts.requests[key] = (counts.requests[key] ?? 0) + 1;
      let result: Result;
      try {
        result = await next({ ...args, input });
      } catch (error) {
        // A failed conditional write still consumes a write unit.
        if (isData && WRITES.has(operation) && (error as Error).name === 'ConditionalCheckFailedException') {
          counts.writeUnits += 1;
        }
        counts.billed[key] = (counts.billed[key] ?? 0) + 1;
        throw error;
      }
      const received = ((result.output.Messages as unknown[] | undefined) ?? []).length;
      // An empty long poll is the event source idling: its number follows the clock, not the checks.
      const billedKey = operation === 'ReceiveMessage' && received === 0 ? `${key}${IDLE}` : key;
      counts.billed[billedKey] =
        (counts.billed[billedKey] ?? 0) + billedRequests(service, input, result.output);
      if (operation === 'ReceiveMessage' && received > 0) {
        const url = String(input.QueueUrl);
        counts.nonEmptyReceives[url] = (counts.nonEmptyReceives[url] ?? 0) + 1;
      }
      if (isData) {
        let units = reportedUnits(result.output);
        if (units === null) {
          counts.estimatedRequests++;
          units = estimatedUnits(operation, input, result.output);
        }
        if (READS.has(operation)) counts.readUnits += units;
        else {
          counts.writeUnits += units;
          counts.indexWriteUnits += indexWritesOf(operation, input);
        }
      }
      return result;
    };

  return {
    /** Pass as `instrument` to createAwsClients / startLocalPipeline. */
    instrument(client: unknown): void {
      (client as Instrumentable).middlewareStack.add(middleware, {
        step: 'initialize',
        name: 'credmonBenchCounter',
        priority: 'high',
      });
    },
    /** A copy of the counts so far. */
    snapshot(): AwsCounts {
      return {
        ...counts,
        requests: { ...counts.requests },
        billed: { ...counts.billed },
        nonEmptyReceives: { ...counts.nonEmptyReceives },
      };
    },
    reset(): void {
      counts = emptyCounts();
    },
  };
}

function emptyCounts(): AwsCounts {
  return {
    requests: {},
    billed: {},
    nonEmptyReceives: {},
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    estimatedRequests: 0,
  };
}

const CHUNK = 64 * 1024;

/**
 * How many requests AWS bills for one SQS or SNS call: one per started 64 KB of payload (message
 * bodies and attributes sent, or received), at least one.
 */
export function billedRequests(
  service: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): number {
  // EventBridge bills each event put (up to 64 KB), not each call.
  if (service === 'EventBridge' && Array.isArray(input.Entries)) return Math.max(1, input.Entries.length);
  if (service !== 'SQS' && service !== 'SNS') return 1;
  const bytes = (value: unknown) =>
    value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
  const entries = (input.Entries ?? input.PublishBatchRequestEntries) as
    | { MessageBody?: string; Message?: string; MessageAttributes?: unknown }[]
    | undefined;
  let payload = 0;
  if (entries) {
    for (const entry of entries)
      payload +=
        Buffer.byteLength(entry.MessageBody ?? entry.Message ?? '', 'utf8') + bytes(entry.MessageAttributes);
  } else if (typeof input.MessageBody === 'string' || typeof input.Message === 'string') {
    payload =
      Buffer.byteLength(String(input.MessageBody ?? input.Message), 'utf8') + bytes(input.MessageAttributes);
  }
  const received = output.Messages as { Body?: string; MessageAttributes?: unknown }[] | undefined;
  for (const message of received ?? [])
    payload += Buffer.byteLength(message.Body ?? '', 'utf8') + bytes(message.MessageAttributes);
  return Math.max(1, Math.ceil(payload / CHUNK));
}

/**
 * Scales counts to `per` checks (e.g. per 1,000), billable requests only. Empty receives (the
 * event source's idle long polls) are left out: they are billed by the hour of polling, not by the
 * check, and a 1-second local long poll makes twenty times as many as Lambda's 20-second ones;
 * {@link idleReceives} reports them.
 *
 * @example
 * usagePer(counts, 10_000, 1000); // { billableRequests: 14.2, capacityUnits: 3.1, ... }
 */
export function usagePer(counts: AwsCounts, checks: number, per: number): AwsUsage {
  const scale = checks > 0 ? per / checks : 0;
  const byService: Record<string, number> = {};
  let billable = 0;
  for (const [key, count] of Object.entries(counts.billed)) {
    if (UNBILLED.has(key) || key.endsWith(IDLE)) continue;
    billable += count;
    const service = key.split('.')[0] ?? key;
    byService[service] = (byService[service] ?? 0) + count * scale;
  }
  const readUnits = counts.readUnits * scale;
  const writeUnits = (counts.writeUnits + counts.indexWriteUnits) * scale;
  return {
    billableRequests: billable * scale,
    byService,
    readUnits,
    writeUnits,
    capacityUnits: readUnits + writeUnits,
  };
}

/** Empty receives in `counts` (idle long polls of the event source). */
export function idleReceives(counts: AwsCounts): number {
  return Object.entries(counts.billed)
    .filter(([key]) => key.endsWith(IDLE))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Billed requests of one operation in `counts` (e.g. `SNS.PublishBatch`). */
export function billedOf(counts: AwsCounts, key: string): number {
  return UNBILLED.has(key) ? 0 : (counts.billed[key] ?? 0);
}
