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

/** The batch calls AWS limits by their total size: where their entries and bodies are, the limit, AWS's code. */
const BATCH_LIMITS: Record<string, { entries: string; body: string; maxBytes: number; code: string }> = {
  'SNS.PublishBatch': {
    entries: 'PublishBatchRequestEntries',
    body: 'Message',
    maxBytes: SNS_MAX_BYTES,
    code: 'BatchRequestTooLong',
  },
  'SQS.SendMessageBatch': {
    entries: 'Entries',
    body: 'MessageBody',
    maxBytes: SQS_MAX_BYTES,
    code: 'AWS.SimpleQueueService.BatchRequestTooLong',
  },
};

function check(service: string, operation: string, input: Record<string, unknown>): void {
  const limit = BATCH_LIMITS[`${service}.${operation}`];
  if (!limit) return;
  const entries = (input[limit.entries] ?? []) as Record<string, unknown>[];
  const total = entries.reduce(
    (sum, entry) => sum + messageSize(entry[limit.body], entry.MessageAttributes),
    0,
  );
  if (total > limit.maxBytes)
    throw new AwsLimitError(
      limit.code,
      `${service} ${operation}: the entries add up to ${total} bytes, over the limit of ${limit.maxBytes}`,
    );
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
