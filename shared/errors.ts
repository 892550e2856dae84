/**
 * credmon's error hierarchy. Every error that crosses a boundary is one of these, and
 * {@link outcomeOf} maps each to what the pipeline does with it, in one place.
 */

/** What the pipeline does with a failed unit of work. */
export type FailureOutcome =
  /** Leave the message on the queue: it is retried after the visibility timeout, then dead-lettered. */
  | 'retry'
  /** Send straight to the dead-letter queue with the reason: retrying cannot help. */
  | 'dead-letter'
  /** Not a failure of the job: becomes a domain event (e.g. removed from the registry). */
  | 'event';

export abstract class CredmonError extends Error {
  abstract readonly outcome: FailureOutcome;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Bad configuration at start-up: names the missing or invalid key. */
export class ConfigError extends CredmonError {
  override readonly name = 'ConfigError';
  readonly outcome = 'dead-letter' as const;
}

/** Bad input from a user or a file: names what and where (file, line, field). */
export class InputError extends CredmonError {
  override readonly name = 'InputError';
  readonly outcome = 'dead-letter' as const;
}

/** A bureau or AWS dependency failed in a way a later attempt may not: 5xx, timeout, 429, network. */
export class TransientError extends CredmonError {
  override readonly name: string = 'TransientError';
  readonly outcome = 'retry' as const;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  /** The server's own Retry-After, when it gave one. */
  readonly retryAfterMs: number | undefined;
}

/** A provider's circuit breaker is open: fail fast, retry later. */
export class CircuitOpenError extends TransientError {
  override readonly name = 'CircuitOpenError';
}

/**
 * A bureau answered with a payload that does not match its documented format. JSON of the wrong
 * shape is dead-lettered at once: asking again gets the same answer. A body that is not JSON at all
 * (`notJson`: still so on the client's last attempt) is most often a cut-off transfer or a proxy's
 * error page, so the queue retries it like any transport fault before it is dead-lettered.
 */
export class MalformedPayloadError extends CredmonError {
  override readonly name = 'MalformedPayloadError';
  readonly outcome: FailureOutcome;
  constructor(
    message: string,
    readonly details: { provider: string; path: string; issues: string[]; notJson?: boolean },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.outcome = details.notJson ? 'retry' : 'dead-letter';
  }
}

/**
 * The registry does not know the subject (404). Not a failure of the job: the monitor turns it into
 * one `subject-not-found` alert and marks the subject, so asking again (a paid call) cannot help.
 * `provider` and `status` say who answered what; the message names the registry id or the subject
 * id, never a national id.
 */
export class SubjectNotFoundError extends CredmonError {
  override readonly name = 'SubjectNotFoundError';
  readonly outcome = 'event' as const;
  constructor(
    message: string,
    readonly details: { readonly provider: string; readonly status: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * DynamoDB refused an item over its 400 KB limit. The same answer would be refused again, so
 * retrying only repeats the paid bureau calls: the subject goes to the dead-letter queue with this
 * reason, and the next check (after the answer shrinks, or a fix) starts afresh.
 */
export class ItemTooLargeError extends CredmonError {
  override readonly name = 'ItemTooLargeError';
  readonly outcome = 'dead-letter' as const;
}

/**
 * A bureau answer larger than the transport accepts (on the wire, or once decompressed). Buffering
 * it would exhaust the function's memory, and asking again gets the same answer: dead-lettered with
 * this reason, without a retry.
 */
export class ResponseTooLargeError extends CredmonError {
  override readonly name = 'ResponseTooLargeError';
  readonly outcome = 'dead-letter' as const;
}

/** A concurrent writer moved the subject's version: re-read and retry. */
export class VersionConflictError extends CredmonError {
  override readonly name = 'VersionConflictError';
  readonly outcome = 'retry' as const;
}

/**
 * Maps any thrown value to a pipeline outcome. Unknown errors retry: a crash must never lose a change.
 *
 * @example
 * outcomeOf(new TransientError('503 from brreg')); // 'retry'
 */
export function outcomeOf(error: unknown): FailureOutcome {
  return error instanceof CredmonError ? error.outcome : 'retry';
}

/** A one-line reason, safe to log and to put on a dead-lettered message. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
