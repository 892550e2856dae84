/**
 * A local SQS event source with the semantics of Lambda's event source mapping: batches of up to
 * `batchSize` records (with a batching window), at most `maxConcurrency` invocations at once,
 * partial batch failures (only reported records stay), the queue's visibility timeout and its
 * redrive policy (maxReceiveCount → DLQ, applied by the embedded SQS).
 *
 * One local liberty: failed records are made visible again after `retryDelaySeconds` instead of
 * the full visibility timeout, so that simulated days do not wait on wall-clock minutes.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  readonly name: string;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: SqsHandler;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly maxConcurrency: number;
  readonly timeoutSeconds: number;
  /** @default 1 */
  readonly retryDelaySeconds?: number;
  /** Called when an invocation throws (the whole batch returns to the queue). */
  readonly onInvocationError?: (error: unknown) => void;
  /**
   * Fraction of received messages (0 to 1) also handed to a second, concurrent invocation: SQS's
   * at-least-once delivery, made frequent for fault proofs. The copy's outcome is not reported
   * back to the queue; the original's is. @default 0
   */
  readonly duplicateRate?: number;
  /** Source of the duplicate draws. @default Math.random */
  readonly random?: () => number;
}

export interface Poller {
  /** Invocations running now. */
  inFlight(): number;
  invocations(): number;
  /** Messages handed to a second invocation (see {@link PollerOptions.duplicateRate}). */
  duplicated(): number;
  /**
   * Stops polling and waits for running invocations. `graceful` first lets receives already on the
   * wire return (at most the 1 s long poll) instead of aborting them: an aborted receive can leave
   * messages in flight until their visibility timeout ends, which a long-running stack would then
   * see only minutes after a restart.
   */
  stop(options?: { graceful?: boolean }): Promise<void>;
}

/**
 * @example
 * const poller = startPoller(sqs, { name: 'monitor', queueUrl, queueArn, handler, batchSize: 10, ... });
 * await poller.stop(); // lets running invocations finish
 */
export function startPoller(sqs: SQSClient, options: PollerOptions): Poller {
  let running = true;
  let inFlight = 0;
  let invocations = 0;
  let duplicated = 0;
  const abort = new AbortController();
  const random = options.random ?? Math.random;
  const duplicateRate = options.duplicateRate ?? 0;

  /** A second delivery of the same messages, racing the first one. */
  const invokeCopy = async (copies: Message[]): Promise<void> => {
    inFlight++;
    invocations++;
    duplicated += copies.length;
    try {
      const event: SQSEvent = { Records: copies.map((message) => toRecord(message, options.queueArn)) };
      await options.handler(
        event,
        localLambdaContext(options.name, Date.now() + options.timeoutSeconds * 1000),
      );
    } catch (error) {
      options.onInvocationError?.(error);
    } finally {
      inFlight--;
    }
  };

  const worker = async () => {
    while (running) {
      let messages: Message[];
      try {
        messages = await receiveBatch(sqs, options, abort.signal, () => running);
      } catch (error) {
        if (!running) return;
        options.onInvocationError?.(error);
        await sleep(200);
        continue;
      }
      if (messages.length === 0) continue;
      const copies = duplicateRate > 0 ? messages.filter(() => random() < duplicateRate) : [];
      const copy = copies.length > 0 ? invokeCopy(copies) : Promise.resolve();
      inFlight++;
      invocations++;
      try {
        await invoke(sqs, options, messages);
      } finally {
        inFlight--;
      }
      await copy;
    }
  };
  const workers = Array.from({ length: options.maxConcurrency }, () => worker());

  return {
    inFlight: () => inFlight,
    invocations: () => invocations,
    duplicated: () => duplicated,
    async stop({ graceful = false } = {}) {
      running = false;
      if (graceful) await Promise.race([Promise.all(workers), sleep(2_000)]);
      abort.abort();
      await Promise.all(workers);
    },
  };
}

async function receiveBatch(
  sqs: SQSClient,
  options: PollerOptions,
  signal: AbortSignal,
  isRunning: () => boolean,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + options.maxBatchingWindowSeconds * 1000;
  do {
    const result = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, options.batchSize - messages.length),
        WaitTimeSeconds: messages.length === 0 ? 1 : 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    const received = result.Messages ?? [];
    messages.push(...received);
    if (received.length === 0 && messages.length > 0) break;
  } while (
    isRunning() &&
    messages.length > 0 &&
    messages.length < options.batchSize &&
    Date.now() < deadline
  );
  return messages;
}

async function invoke(sqs: SQSClient, options: PollerOptions, messages: Message[]): Promise<void> {
  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn)) };
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const context = localLambdaContext(options.name, deadline);
  let failedIds: Set<string>;
  try {
    const response = await options.handler(event, context);
    failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
  } catch (error) {
    options.onInvocationError?.(error);
    failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
  }
  const succeeded = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
  const failed = messages.filter((message) => failedIds.has(message.MessageId ?? ''));
  if (succeeded.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: succeeded.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
  if (failed.length > 0) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: failed.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: options.retryDelaySeconds ?? 1,
        })),
      }),
    );
  }
}

function toRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          dataType: value.DataType ?? 'String',
          stringValue: value.StringValue,
          stringListValues: [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'local',
  };
}

/**
 * The Lambda context a local invocation gets: the function's name and the time left before its
 * deadline, which handlers read to stop paging or batching in time.
 *
 * @example
 * await handler(event, localLambdaContext('monitor', Date.now() + 60_000));
 */
export function localLambdaContext(name: string, deadline: number, memoryMb = 1024): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `credmon-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:credmon-${name}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/credmon-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
