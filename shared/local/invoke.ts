/**
 * Local stand-in for a scheduled Lambda invocation: EventBridge Scheduler invokes the function
 * asynchronously, and Lambda retries a failed asynchronous invocation twice. The same handler runs
 * with a Lambda-like context whose remaining time counts down from the function's timeout.
 */
import type { Context } from 'aws-lambda';
import { localLambdaContext } from './poller.ts';

export interface ScheduledInvocation<R> {
  /** The function's name, as in the catalogue. */
  readonly name: string;
  readonly timeoutSeconds: number;
  readonly handler: (event: unknown, context: Context) => Promise<R>;
  /** Retries after a failed invocation, as Lambda's asynchronous invocation does. @default 2 */
  readonly retries?: number;
  /** Told about each failed attempt. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

/**
 * Invokes a scheduled handler as the scheduler would; throws the last error when every attempt failed.
 *
 * @example
 * const results = await invokeScheduled({ name: 'feed-poll', timeoutSeconds: 120, handler }, { requestedBy: 'schedule' });
 */
export async function invokeScheduled<R>(invocation: ScheduledInvocation<R>, event: unknown): Promise<R> {
  const attempts = 1 + (invocation.retries ?? 2);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const deadline = Date.now() + invocation.timeoutSeconds * 1000;
    try {
      return await invocation.handler(event, localLambdaContext(invocation.name, deadline, 512));
    } catch (error) {
      lastError = error;
      invocation.onError?.(error, attempt);
    }
  }
  throw lastError;
}
