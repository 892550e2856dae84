/**
 * AWS's request size limits that the embedded emulators do not enforce: fauxqs accepts an SNS
 * PublishBatch of any aggregate size, while SNS refuses one over 256 KB, and SQS one over 1 MiB.
 * An SDK middleware on every local client refuses what AWS would, with AWS's error code, so that a
 * batch that would fail in the account fails locally too. (EventBridge's PutEvents limit is the
 * embedded bus's own: event-bus.ts.)
 */
import { messageSize, SNS_MAX_BYTES, SQS_MAX_BYTES } from '#shared/adapters/messaging/batches.ts';

type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;
interface Context {
  readonly clientName?: string;
  readonly commandName?: string;
}

/** An error as the SDK raises a service's refusal: name and Code are AWS's error code. */
export class AwsLimitError extends Error {
  readonly $fault = 'client';
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

function check(service: string, operation: string, input: Record<string, unknown>): void {
  if (service === 'SNS' && operation === 'PublishBatch') {
    const entries = (input.PublishBatchRequestEntries ?? []) as Record<string, unknown>[];
    const total = entries.reduce(
      (sum, entry) => sum + messageSize(entry.Message, entry.MessageAttributes),
      0,
    );
    if (total > SNS_MAX_BYTES)
      throw new AwsLimitError(
        'BatchRequestTooLong',
        `The length of all the messages put together is more than the limit (${total} > ${SNS_MAX_BYTES} bytes).`,
      );
  }
  if (service === 'SQS' && operation === 'SendMessageBatch') {
    const entries = (input.Entries ?? []) as Record<string, unknown>[];
    const total = entries.reduce(
      (sum, entry) => sum + messageSize(entry.MessageBody, entry.MessageAttributes),
      0,
    );
    if (total > SQS_MAX_BYTES)
      throw new AwsLimitError(
        'AWS.SimpleQueueService.BatchRequestTooLong',
        `Batch requests cannot be longer than ${SQS_MAX_BYTES} bytes (${total}).`,
      );
  }
}

/**
 * Adds the limit checks to an SDK client (as CompositionOptions.instrument does).
 *
 * @example
 * createAwsClients({ region, endpoints, instrument: enforceAwsLimits });
 */
export function enforceAwsLimits(client: unknown): void {
  const middleware =
    (next: Next, context: Context): Next =>
    async (args) => {
      check(
        (context.clientName ?? '').replace(/Client$/, ''),
        (context.commandName ?? '').replace(/Command$/, ''),
        args.input,
      );
      return next(args);
    };
  (client as { middlewareStack: { add(m: unknown, o: Record<string, unknown>): void } }).middlewareStack.add(
    middleware,
    { step: 'initialize', name: 'credmonLocalAwsLimits', priority: 'high' },
  );
}
