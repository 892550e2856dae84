/**
 * Resilience around an {@link HttpTransport}: timeouts, retries with jittered exponential backoff,
 * Retry-After, a circuit breaker and a token-bucket rate limit. One client per provider per process:
 * every worker of the process shares its breaker and its rate limit, which is what the bureau sees.
 *
 * Classification happens here once, so adapters only see answers they can act on:
 * - 5xx, 429, timeouts and network errors are retried, then become {@link TransientError} (the queue
 *   retries the job later); an open breaker fails fast with {@link CircuitOpenError}.
 * - a 2xx whose body is not JSON is retried (usually a cut-off transfer), then is a
 *   {@link MalformedPayloadError} that the queue retries too.
 * - everything else (404, 410, other 4xx, and answers the adapter declares final) is returned.
 *
 * Messages name the provider and the URL path only: never headers (API keys), query strings or
 * request bodies (a person lookup carries a national id).
 */
import {
  CircuitOpenError,
  ConfigError,
  InputError,
  MalformedPayloadError,
  ResponseTooLargeError,
  TransientError,
} from '#shared/errors.ts';
import type { HttpResponse, HttpTransport } from './transport.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * When the breaker opens: over the last `windowSize` calls, at least `failureThreshold` failed and
 * they are at least `failureRate` of the calls in the window. A bureau that fails one call in six
 * (a bad day, not an outage) never opens it, while one that is down opens it after
 * `failureThreshold` calls on a fresh client and after about `windowSize · failureRate` failures
 * following healthy traffic.
 */
export interface BreakerOptions {
  readonly failureThreshold: number;
  /** Share of the window's calls that failed, in (0, 1]. @default 0.5 */
  readonly failureRate?: number;
  /** Calls remembered. @default 50 */
  readonly windowSize?: number;
  /** How long an open breaker fails fast before one trial call is let through. */
  readonly resetAfterMs: number;
}

export interface ResilientClientOptions {
  /** Names the provider in errors and owns the breaker, e.g. `brreg`. */
  readonly provider: string;
  readonly timeoutMs: number;
  /** Attempts per call, including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Cap of one backoff delay; a Retry-After longer than this is handed to the queue instead. */
  readonly maxDelayMs: number;
  readonly rateLimitPerSecond: number;
  /** Requests allowed back to back before the rate applies; defaults to `rateLimitPerSecond`. */
  readonly burst?: number;
  readonly breaker: BreakerOptions;
  /**
   * The bureau's limit shared with every other environment (see quota.ts), taken before each
   * attempt after the local rate limit; none when absent.
   */
  readonly sharedLimit?: () => Promise<void>;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface JsonResponse {
  readonly status: number;
  /** Parsed JSON; for a non-2xx answer whose body is not JSON, the raw text. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RequestOptions {
  /**
   * Declares an answer final although its status would be retried, e.g. Regnskapsregisteret's
   * permanent 500 for bank accounts. Returned to the caller as is, and not counted as a failure.
   */
  readonly isFinal?: (status: number, body: string) => boolean;
}

export interface ResilientClient {
  getJson(
    url: string,
    headers?: Readonly<Record<string, string>>,
    options?: RequestOptions,
  ): Promise<JsonResponse>;
  postJson(
    url: string,
    body: unknown,
    headers?: Readonly<Record<string, string>>,
    options?: RequestOptions,
  ): Promise<JsonResponse>;
  breakerState(): BreakerState;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wraps a transport with timeouts, retries, a circuit breaker and a shared rate limit.
 *
 * @example
 * const client = createResilientClient(fetchTransport, {
 *   provider: 'brreg', timeoutMs: 5000, maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000,
 *   rateLimitPerSecond: 10, breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
 * });
 * const { status, body } = await client.getJson('https://data.brreg.no/enhetsregisteret/api/enheter/923609016');
 */
export function createResilientClient(
  transport: HttpTransport,
  options: ResilientClientOptions,
): ResilientClient {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const { provider } = options;
  const limiter = tokenBucket(
    options.rateLimitPerSecond,
    options.burst ?? options.rateLimitPerSecond,
    now,
    sleep,
  );

  const failureRate = options.breaker.failureRate ?? 0.5;
  // A ring of the last calls' outcomes (1 = failed): the failure count moves by one per call.
  const window = new Uint8Array(Math.max(1, options.breaker.windowSize ?? 50));
  let calls = 0;
  let failures = 0;
  let next = 0;
  const remember = (failed: boolean): void => {
    if (calls === window.length) failures -= window[next] ?? 0;
    else calls += 1;
    window[next] = failed ? 1 : 0;
    if (failed) failures += 1;
    next = (next + 1) % window.length;
  };
  const forget = (): void => {
    window.fill(0);
    calls = 0;
    failures = 0;
    next = 0;
  };
  let openedAt: number | null = null;
  /** Settles when the half-open trial in flight has its outcome recorded; null when none is. */
  let trialSettled: Promise<void> | null = null;
  let settleTrial: () => void = () => {};

  const breakerState = (): BreakerState => {
    if (openedAt === null) return 'closed';
    return now() - openedAt >= options.breaker.resetAfterMs ? 'half-open' : 'open';
  };

  /**
   * Admits one attempt or fails fast. In half-open a single trial request goes through and the
   * callers that arrive meanwhile wait for its outcome: when the breaker half-opens, the checks
   * requeued while it was open come back together, and failing all but one of them fast would
   * spend their attempts on a bureau that is answering again.
   */
  const admit = async (path: string): Promise<{ trial: boolean }> => {
    for (;;) {
      const state = breakerState();
      if (state === 'closed') return { trial: false };
      if (state === 'half-open') {
        if (trialSettled === null) {
          trialSettled = new Promise<void>((resolve) => {
            settleTrial = () => {
              trialSettled = null;
              settleTrial = () => {};
              resolve();
            };
          });
          return { trial: true };
        }
        await trialSettled;
        continue;
      }
      const retryAfterMs =
        openedAt === null ? undefined : Math.max(0, openedAt + options.breaker.resetAfterMs - now());
      throw new CircuitOpenError(`${provider}: circuit open, ${path} not requested`, { retryAfterMs });
    }
  };

  const recordSuccess = (): void => {
    if (openedAt !== null) {
      // The bureau answers again: judge it afresh, not by the failures that opened the breaker.
      openedAt = null;
      forget();
    }
    remember(false);
  };

  const recordFailure = (trial: boolean): void => {
    remember(true);
    if (trial || (failures >= options.breaker.failureThreshold && failures >= failureRate * calls)) {
      openedAt = now();
    }
  };

  const backoff = (attempt: number): number => {
    const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    // Equal jitter: spreads retries of many workers while keeping a floor under the delay.
    return Math.round(cap / 2 + (random() * cap) / 2);
  };

  const request = async (
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    headers: Readonly<Record<string, string>>,
    requestOptions: RequestOptions | undefined,
  ): Promise<JsonResponse> => {
    const path = pathOf(url);
    let lastProblem = 'no attempt made';
    let lastRetryAfter: number | undefined;

    for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
      // A spent shared quota is no failure of the bureau: it waits, or hands the wait to the queue.
      await options.sharedLimit?.();
      const { trial } = await admit(path);
      let response: HttpResponse;
      try {
        await limiter();
        response = await withTimeout(
          transport({
            method,
            url,
            headers: { accept: 'application/json', ...headers },
            body,
            timeoutMs: options.timeoutMs,
          }),
          options.timeoutMs,
        );
      } catch (error) {
        // The bureau answered, too much: asking again gets the same answer.
        if (error instanceof ResponseTooLargeError) {
          recordSuccess();
          if (trial) settleTrial();
          throw error;
        }
        recordFailure(trial);
        if (trial) settleTrial();
        lastProblem = isTimeout(error) ? `timed out after ${options.timeoutMs} ms` : 'network error';
        lastRetryAfter = undefined;
        if (attempt < options.maxAttempts) await sleep(backoff(attempt));
        continue;
      }
      const { status } = response;
      const final = requestOptions?.isFinal?.(status, response.body) === true;
      // A 429 means the bureau is healthy but we are too fast: it does not count against the breaker.
      if (status >= 500 && !final) recordFailure(trial);
      else if (status !== 429) recordSuccess();
      if (trial) settleTrial();

      if (final) return { status, headers: response.headers, body: parseLenient(response.body) };
      if (status >= 200 && status < 300) {
        const parsed = parseJson(response.body);
        if (parsed.ok) return { status, headers: response.headers, body: parsed.value };
        // A 2xx body that is not JSON at all is most often a cut-off transfer: ask again. The last
        // attempt's garbage is a retryable malformed payload; well-formed JSON in the wrong shape is
        // caught by the adapter's schema and dead-lettered without a retry.
        lastProblem = 'answer not JSON';
        lastRetryAfter = undefined;
        if (attempt < options.maxAttempts) {
          await sleep(backoff(attempt));
          continue;
        }
        throw malformedBody(provider, path, parsed.error);
      }
      if (status === 429 || status >= 500) {
        lastProblem = `HTTP ${status}`;
        const retryAfter =
          status === 429 ? parseRetryAfter(response.headers['retry-after'], now()) : undefined;
        lastRetryAfter = retryAfter;
        if (retryAfter !== undefined && retryAfter > options.maxDelayMs) {
          // Sleeping this long would hold the worker: let the queue redeliver after the server's delay.
          throw new TransientError(`${provider}: ${method} ${path} rate limited (HTTP 429)`, {
            retryAfterMs: retryAfter,
          });
        }
        if (attempt < options.maxAttempts) await sleep(retryAfter ?? backoff(attempt));
        continue;
      }
      return { status, headers: response.headers, body: parseLenient(response.body) };
    }
    throw new TransientError(
      `${provider}: ${method} ${path} failed after ${options.maxAttempts} attempts (${lastProblem})`,
      {
        retryAfterMs: lastRetryAfter,
      },
    );
  };

  return {
    getJson: (url, headers = {}, requestOptions) => request('GET', url, undefined, headers, requestOptions),
    postJson: (url, body, headers = {}, requestOptions) =>
      request(
        'POST',
        url,
        JSON.stringify(body),
        { 'content-type': 'application/json', ...headers },
        requestOptions,
      ),
    breakerState,
  };
}

/**
 * The error for an answer an adapter did not expect: credentials rejected ⇒ {@link ConfigError},
 * other client errors ⇒ {@link InputError}; both dead-letter because a retry cannot help.
 *
 * @example
 * if (response.status !== 200) throw unexpectedStatus('brreg', '/enhetsregisteret/api/enheter/1', response.status);
 */
export function unexpectedStatus(provider: string, path: string, status: number): Error {
  if (status === 401 || status === 403)
    return new ConfigError(`${provider}: credentials rejected (HTTP ${status}) for ${path}`);
  return new InputError(`${provider}: unexpected HTTP ${status} for ${path}`);
}

/**
 * The URL's path without query string or fragment: what errors may name.
 *
 * @example
 * pathOf('https://x.test/a/b?key=1'); // '/a/b'
 */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

/**
 * Retry-After in milliseconds, from delta-seconds or an HTTP date; undefined when absent or invalid.
 *
 * @example
 * parseRetryAfter('3', Date.now()); // 3000
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

function malformedBody(provider: string, path: string, cause: unknown): MalformedPayloadError {
  return new MalformedPayloadError(
    `${provider}: response for ${path} is not JSON`,
    { provider, path, issues: ['(body): not valid JSON'], notJson: true },
    { cause },
  );
}

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

class RequestTimeout extends Error {
  override readonly name = 'TimeoutError';
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** A transport that ignores its timeout (a test double, a hung socket) must not hold the worker. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A token bucket whose takers queue in arrival order, so concurrent callers of one client are spaced
 * by the rate rather than racing for the same token.
 */
function tokenBucket(
  perSecond: number,
  burst: number,
  now: () => number,
  sleep: (ms: number) => Promise<void>,
): () => Promise<void> {
  const capacity = Math.max(1, burst);
  const perMs = perSecond / 1000;
  let tokens = capacity;
  let refilledAt = now();
  let queue: Promise<void> = Promise.resolve();

  const refill = (): void => {
    const t = now();
    tokens = Math.min(capacity, tokens + (t - refilledAt) * perMs);
    refilledAt = t;
  };

  const take = async (): Promise<void> => {
    if (perSecond <= 0) return;
    refill();
    while (tokens < 1) {
      await sleep(Math.ceil((1 - tokens) / perMs));
      refill();
    }
    tokens -= 1;
  };

  return () => {
    const turn = queue.then(take);
    queue = turn.catch(() => undefined);
    return turn;
  };
}
