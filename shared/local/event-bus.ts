/**
 * The embedded EventBridge: the `credmon` bus on a loopback port, speaking PutEvents (the JSON
 * protocol the AWS SDK uses), so the monitor's EventBridge adapter runs unchanged against it. It
 * applies the catalogue's rules with EventBridge's pattern semantics (./event-pattern.ts), delivers
 * matching events' `detail` to the local queues and topic, and keeps the archive of alert events
 * (JSON lines in the data directory) that `credmon replay` replays.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { PUT_EVENTS_MAX_BYTES, putEventsEntrySize } from '#shared/adapters/messaging/eventbridge-bus.ts';
import { EVENT_BUS, EVENT_RULES, type EventRuleDefinition, type QueueKey } from '#shared/catalogue.ts';
import { AlertV1 } from '#shared/domain/alert.ts';
import type { AlertPublisher } from '#shared/use-cases/ports.ts';
import { matchesPattern } from './event-pattern.ts';

/** An event as EventBridge hands it to rules and archives it. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
  readonly 'replay-name'?: string;
}

export interface LocalEventBusOptions {
  readonly sqs: SQSClient;
  readonly queueUrls: Readonly<Record<QueueKey, string>>;
  /** Delivers to the alerts topic (the replay rule's target). */
  readonly alertsTopic: AlertPublisher;
  readonly region: string;
  /** Data directory: the archive lives in `<dataDir>/eventbridge/`; in memory when absent. */
  readonly dataDir?: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Called when a rule's target refuses an event (EventBridge would retry, then dead-letter). */
  readonly onDeliveryError?: (rule: string, error: unknown) => void;
}

export interface LocalEventBus {
  readonly endpoint: string;
  readonly busName: string;
  readonly busArn: string;
  /** Archived alert events whose time is in [since, until), oldest first. */
  archived(since: Date, until?: Date): BusEvent[];
  /** Replays archived events of [since, until) through the rules, as StartReplay does. */
  replay(name: string, since: Date, until?: Date): Promise<number>;
  stop(): Promise<void>;
}

const LOCAL_ACCOUNT = '000000000000';

/** Where the local archive is kept in a data directory. */
export function archivePath(dataDir: string): string {
  return join(dataDir, 'eventbridge', `${EVENT_BUS.name}-archive.jsonl`);
}

/**
 * Reads the archive of a data directory (for `credmon replay` on a stopped directory).
 *
 * @example
 * readArchive('.credmon', new Date('2026-03-01')); // alert events since 1 March
 */
export function readArchive(dataDir: string, since: Date, until?: Date): BusEvent[] {
  const file = archivePath(dataDir);
  if (!existsSync(file)) return [];
  return inWindow(parseArchive(readFileSync(file, 'utf8'), file), since, until);
}

function parseArchive(text: string, file: string): BusEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line, index) => {
      try {
        return JSON.parse(line) as BusEvent;
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not a JSON event`, { cause: error });
      }
    });
}

function inWindow(events: readonly BusEvent[], since: Date, until?: Date): BusEvent[] {
  return events
    .filter((event) => {
      const time = Date.parse(event.time);
      return time >= since.getTime() && (until === undefined || time < until.getTime());
    })
    .sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * @example
 * const bus = await startLocalEventBus({ sqs, queueUrls, alertsTopic, region: 'eu-north-1' });
 * // AWS_ENDPOINT_URL_EVENTBRIDGE=bus.endpoint, EVENT_BUS_NAME=bus.busName
 */
export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const busName = EVENT_BUS.name;
  const busArn = `arn:aws:events:${options.region}:${LOCAL_ACCOUNT}:event-bus/${busName}`;
  const file = options.dataDir ? archivePath(options.dataDir) : null;
  if (file) mkdirSync(dirname(file), { recursive: true });
  const memoryArchive: BusEvent[] = [];

  const deliver = async (rule: EventRuleDefinition, event: BusEvent): Promise<void> => {
    try {
      if ('queue' in rule.target) {
        await options.sqs.send(
          new SendMessageCommand({
            QueueUrl: options.queueUrls[rule.target.queue],
            MessageBody: JSON.stringify(event.detail),
          }),
        );
      } else {
        await options.alertsTopic.publish([AlertV1.parse(event.detail)]);
      }
    } catch (error) {
      options.onDeliveryError?.(rule.name, error);
    }
  };
  const route = async (event: BusEvent): Promise<void> => {
    for (const rule of EVENT_RULES) if (matchesPattern(rule.pattern, event)) await deliver(rule, event);
  };

  const putEvents = async (body: unknown) => {
    const entries = (body as { Entries?: unknown })?.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      return { status: 400, payload: error('ValidationException', 'Entries must hold 1 to 10 entries') };
    }
    const size = (entries as Record<string, unknown>[]).reduce(
      (sum, entry) => sum + putEventsEntrySize(entry),
      0,
    );
    if (size > PUT_EVENTS_MAX_BYTES) {
      // AWS's own answer to an oversized request: the whole call fails, no entry is put.
      return {
        status: 400,
        payload: error('ValidationException', 'Total size of the entries in the request is over the limit.'),
      };
    }
    const results: Record<string, string>[] = [];
    for (const entry of entries as Record<string, unknown>[]) {
      const bus = entry.EventBusName;
      if (bus !== undefined && bus !== busName && bus !== busArn) {
        results.push({
          ErrorCode: 'NotAuthorizedForSourceException',
          ErrorMessage: `no event bus ${String(bus)}`,
        });
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? ''));
      } catch {
        detail = undefined;
      }
      if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string' || !isObject(detail)) {
        results.push({
          ErrorCode: 'MalformedDetail',
          ErrorMessage: 'Source, DetailType and a JSON object Detail are required',
        });
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT,
        time: eventTime(entry.Time),
        region: options.region,
        resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
        detail,
      };
      if (matchesPattern(EVENT_BUS.archivePattern, event)) {
        if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
        else memoryArchive.push(event);
      }
      await route(event);
      results.push({ EventId: event.id });
    }
    const failed = results.filter((result) => result.ErrorCode !== undefined).length;
    return { status: 200, payload: { FailedEntryCount: failed, Entries: results } };
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((failure: unknown) => {
      respond(
        response,
        500,
        error('InternalException', failure instanceof Error ? failure.message : String(failure)),
      );
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') {
      respond(
        response,
        400,
        error('UnknownOperationException', `the local bus supports PutEvents only, not ${target}`),
      );
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      respond(response, 400, error('SerializationException', 'the request body is not JSON'));
      return;
    }
    const { status, payload } = await putEvents(body);
    respond(response, status, payload);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (failure: NodeJS.ErrnoException) =>
      reject(
        failure.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} is already in use (local event bus)`)
          : failure,
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const archived = (since: Date, until?: Date) =>
    file
      ? options.dataDir
        ? readArchive(options.dataDir, since, until)
        : []
      : inWindow(memoryArchive, since, until);

  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    busName,
    busArn,
    archived,
    async replay(name, since, until) {
      const events = archived(since, until);
      for (const event of events) await route({ ...event, 'replay-name': name });
      return events.length;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function eventTime(time: unknown): string {
  // The SDK's JSON protocol sends timestamps as epoch seconds.
  if (typeof time === 'number') return new Date(time * 1000).toISOString();
  if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) return new Date(time).toISOString();
  return new Date().toISOString();
}

function error(type: string, message: string) {
  return { __type: type, message };
}

function respond(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(payload));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
