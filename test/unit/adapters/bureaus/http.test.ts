import {
  createResilientClient,
  parseRetryAfter,
  type ResilientClientOptions,
} from '#shared/adapters/bureaus/http.ts';
import {
  CircuitOpenError,
  MalformedPayloadError,
  ResponseTooLargeError,
  TransientError,
} from '#shared/errors.ts';
import { type FakeTransport, fakeTransport, ok } from './support.ts';

const URL_ = 'https://bureau.test/company/00002065?key=secret-in-query';

/** A clock that only moves when the client sleeps. */
function fakeClock() {
  const clock = { t: 0, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
}

function options(overrides: Partial<ResilientClientOptions> = {}) {
  const { clock, now, sleep } = fakeClock();
  const base: ResilientClientOptions = {
    provider: 'test-bureau',
    timeoutMs: 1000,
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 5000,
    rateLimitPerSecond: 1000,
    breaker: { failureThreshold: 10, resetAfterMs: 30_000 },
    sleep,
    now,
    random: () => 0,
    ...overrides,
  };
  return { clock, options: base };
}

const unavailable = ok('{"error":"busy"}', 503);

/** A client whose breaker the transport's first answer (a failure) opened, now half-open. */
async function halfOpenClient(transport: FakeTransport) {
  const { clock, options: o } = options({
    maxAttempts: 1,
    breaker: { failureThreshold: 1, resetAfterMs: 1000 },
  });
  const client = createResilientClient(transport, o);
  await expect(client.getJson(URL_)).rejects.toBeInstanceOf(TransientError);
  clock.t += 1000;
  return client;
}

describe('createResilientClient', () => {
  it('retries 5xx with exponential backoff and returns the first success', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: [unavailable, unavailable, ok('{"a":1}')] });
    const { clock, options: o } = options();
    const client = createResilientClient(transport, o);
    // Act
    const response = await client.getJson(URL_);
    // Assess
    expect(response).toMatchObject({ status: 200, body: { a: 1 } });
    expect(transport.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('jitters the backoff between half and all of the exponential cap', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: [unavailable, ok('{}')] });
    const { clock, options: o } = options({ random: () => 0.999 });
    // Act
    await createResilientClient(transport, o).getJson(URL_);
    // Assess
    expect(clock.sleeps).toEqual([100]);
  });

  it('retries network errors', async () => {
    // Prepare
    let calls = 0;
    const transport = fakeTransport({
      [`GET ${URL_}`]: () => {
        calls += 1;
        if (calls === 1) throw new TypeError('fetch failed');
        return ok('[]');
      },
    });
    const { options: o } = options();
    // Act
    const response = await createResilientClient(transport, o).getJson(URL_);
    // Assess
    expect(response.body).toEqual([]);
    expect(calls).toBe(2);
  });

  it('does not ask again for an answer too large to read, nor count it against the breaker', async () => {
    // Prepare
    const transport = fakeTransport({
      [`GET ${URL_}`]: () => {
        throw new ResponseTooLargeError('answer for /company/00002065 exceeds 20 MB decoded');
      },
    });
    const { options: o } = options({ breaker: { failureThreshold: 1, resetAfterMs: 30_000 } });
    const client = createResilientClient(transport, o);
    // Act
    const outcome = client.getJson(URL_);
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(transport.requests).toHaveLength(1);
    expect(client.breakerState()).toBe('closed');
  });

  it('honours Retry-After in seconds on 429 without counting it against the breaker', async () => {
    // Prepare
    const transport = fakeTransport({
      [`GET ${URL_}`]: [ok('{}', 429, { 'retry-after': '2' }), ok('{"ok":true}')],
    });
    const { clock, options: o } = options({ breaker: { failureThreshold: 1, resetAfterMs: 1000 } });
    const client = createResilientClient(transport, o);
    // Act
    const response = await client.getJson(URL_);
    // Assess
    expect(response.body).toEqual({ ok: true });
    expect(clock.sleeps).toEqual([2000]);
    expect(client.breakerState()).toBe('closed');
  });

  it('honours Retry-After as an HTTP date', () => {
    // Prepare
    const now = Date.parse('2026-10-05T10:00:00Z');
    // Act
    const ms = parseRetryAfter('Mon, 05 Oct 2026 10:00:03 GMT', now);
    // Assess
    expect(ms).toBe(3000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('hands a Retry-After longer than the maximum delay to the queue', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: ok('{}', 429, { 'retry-after': '60' }) });
    const { clock, options: o } = options();
    // Act
    const error = await createResilientClient(transport, o)
      .getJson(URL_)
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(60_000);
    expect(transport.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts with a TransientError naming the path only', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: unavailable });
    const { options: o } = options();
    // Act
    const error = await createResilientClient(transport, o)
      .getJson(URL_, { authorization: 'Basic c2VjcmV0LWtleTo=' })
      .catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toBe(
      'test-bureau: GET /company/00002065 failed after 3 attempts (HTTP 503)',
    );
    expect((error as Error).message).not.toMatch(/secret|Basic/);
    expect(transport.requests).toHaveLength(3);
  });

  it('times out a hung request and retries it', async () => {
    // Prepare
    const transport = fakeTransport({
      [`GET ${URL_}`]: [() => new Promise(() => undefined), ok('{"late":false}')],
    });
    const { options: o } = options({ timeoutMs: 5 });
    // Act
    const response = await createResilientClient(transport, o).getJson(URL_);
    // Assess
    expect(response.body).toEqual({ late: false });
    expect(transport.requests[0]?.timeoutMs).toBe(5);
  });

  it('returns 404 and 410 to the caller without retrying', async () => {
    // Prepare
    const transport = fakeTransport({
      'GET https://bureau.test/a': ok('{"status":404}', 404),
      'GET https://bureau.test/b': ok('{"organisasjonsnummer":"936127088"}', 410),
    });
    const { options: o } = options();
    const client = createResilientClient(transport, o);
    // Act
    const [a, b] = [
      await client.getJson('https://bureau.test/a'),
      await client.getJson('https://bureau.test/b'),
    ];
    // Assess
    expect(a.status).toBe(404);
    expect(b).toMatchObject({ status: 410, body: { organisasjonsnummer: '936127088' } });
    expect(transport.requests).toHaveLength(2);
  });

  it('returns an answer the caller declares final instead of retrying it', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: ok('{"message":"permanent"}', 500) });
    const { options: o } = options();
    // Act
    const response = await createResilientClient(transport, o).getJson(
      URL_,
      {},
      { isFinal: (s) => s === 500 },
    );
    // Assess
    expect(response).toMatchObject({ status: 500, body: { message: 'permanent' } });
    expect(transport.requests).toHaveLength(1);
  });

  it('rejects a 2xx body that is not JSON as malformed, for the queue to retry', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: ok('<html>maintenance</html>') });
    const { options: o } = options();
    // Act
    const error = await createResilientClient(transport, o)
      .getJson(URL_)
      .catch((e: unknown) => e);
    // Assess
    expect(transport.requests).toHaveLength(3);
    expect(error).toBeInstanceOf(MalformedPayloadError);
    expect((error as MalformedPayloadError).details).toEqual({
      provider: 'test-bureau',
      path: '/company/00002065',
      issues: ['(body): not valid JSON'],
      notJson: true,
    });
    expect((error as MalformedPayloadError).outcome).toBe('retry');
  });

  it('asks again after a cut-off 2xx body and returns the next good answer', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: [ok('{"navn":"EQUI\u0000'), ok('{"a":1}')] });
    const { options: o } = options();
    // Act
    const response = await createResilientClient(transport, o).getJson(URL_);
    // Assess
    expect(response).toMatchObject({ status: 200, body: { a: 1 } });
    expect(transport.requests).toHaveLength(2);
  });

  it('posts JSON with a content type', async () => {
    // Prepare
    const transport = fakeTransport({ 'POST https://bureau.test/lookup': ok('{}') });
    const { options: o } = options();
    // Act
    await createResilientClient(transport, o).postJson('https://bureau.test/lookup', { country: 'NO' });
    // Assess
    expect(transport.requests[0]).toMatchObject({
      method: 'POST',
      body: '{"country":"NO"}',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
  });

  it('opens the breaker when failures fill the window, fails fast, then half-opens and closes', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: [unavailable, unavailable, ok('{"back":true}')] });
    const { clock, options: o } = options({
      maxAttempts: 1,
      breaker: { failureThreshold: 2, resetAfterMs: 30_000 },
    });
    const client = createResilientClient(transport, o);
    await expect(client.getJson(URL_)).rejects.toBeInstanceOf(TransientError);
    await expect(client.getJson(URL_)).rejects.toBeInstanceOf(TransientError);
    // Act
    const failedFast = await client.getJson(URL_).catch((e: unknown) => e);
    const whileOpen = client.breakerState();
    clock.t += 30_000;
    const afterReset = client.breakerState();
    const trial = await client.getJson(URL_);
    // Assess
    expect(failedFast).toBeInstanceOf(CircuitOpenError);
    expect((failedFast as CircuitOpenError).retryAfterMs).toBe(30_000);
    expect(whileOpen).toBe('open');
    expect(afterReset).toBe('half-open');
    expect(trial.body).toEqual({ back: true });
    expect(client.breakerState()).toBe('closed');
    expect(transport.requests).toHaveLength(3);
  });

  it('stays closed through clustered failures of a bureau having a bad day, and opens in an outage', async () => {
    // Prepare: 50 good calls, then four rounds of 5 failures in a row among 45 good ones (10 %), then an outage.
    let outage = false;
    let served = 0;
    const transport = fakeTransport({
      [`GET ${URL_}`]: () => {
        served += 1;
        if (outage) return unavailable;
        const round = served - 50;
        return round > 0 && (round - 1) % 50 < 5 ? unavailable : ok('{}');
      },
    });
    const { options: o } = options({
      maxAttempts: 1,
      breaker: { failureThreshold: 5, resetAfterMs: 30_000 },
    });
    const client = createResilientClient(transport, o);
    const call = () =>
      client.getJson(URL_).then(
        () => 'ok',
        (e: unknown) => (e instanceof CircuitOpenError ? 'open' : 'failed'),
      );
    // Act
    const badDay: string[] = [];
    for (let i = 0; i < 250; i++) badDay.push(await call());
    outage = true;
    const duringOutage: string[] = [];
    for (let i = 0; i < 40; i++) duringOutage.push(await call());
    // Assess
    expect(badDay.filter((r) => r === 'failed')).toHaveLength(20);
    expect(badDay).not.toContain('open');
    // Half of the 50-call window must have failed: 25 failures after healthy traffic.
    expect(duringOutage.indexOf('open')).toBe(25);
    expect(duringOutage.slice(25).every((r) => r === 'open')).toBe(true);
  });

  it.each([
    ['succeeds', ok('{"back":true}'), ['ok', 'ok', 'ok', 'ok', 'ok'], 5],
    ['fails', unavailable, ['failed', 'open', 'open', 'open', 'open'], 1],
  ])(
    'holds callers that arrive during the half-open trial until it %s',
    async (_outcome, trialAnswer, outcomes, requestsAfterReset) => {
      // Prepare: an open breaker, and a trial answer that waits until every caller has arrived.
      let releaseTrial: () => void = () => {};
      const trialGate = new Promise<void>((resolve) => {
        releaseTrial = resolve;
      });
      let afterReset = 0;
      const transport = fakeTransport({
        [`GET ${URL_}`]: [
          unavailable,
          async () => {
            afterReset += 1;
            await trialGate;
            return trialAnswer;
          },
          () => {
            afterReset += 1;
            return ok('{"back":true}');
          },
        ],
      });
      const client = await halfOpenClient(transport);
      // Act: five checks requeued while the breaker was open come back at once.
      const calls = Array.from({ length: 5 }, () =>
        client.getJson(URL_).then(
          () => 'ok',
          (e: unknown) => (e instanceof CircuitOpenError ? 'open' : 'failed'),
        ),
      );
      await new Promise((resolve) => setImmediate(resolve));
      releaseTrial();
      // Assess: one trial, then either everyone through or everyone failed fast without a request.
      expect(await Promise.all(calls)).toEqual(outcomes);
      expect(afterReset).toBe(requestsAfterReset);
    },
  );

  it('reopens the breaker when the half-open trial fails', async () => {
    // Prepare
    const transport = fakeTransport({ [`GET ${URL_}`]: unavailable });
    const client = await halfOpenClient(transport);
    // Act
    await expect(client.getJson(URL_)).rejects.toBeInstanceOf(TransientError);
    // Assess
    expect(client.breakerState()).toBe('open');
    await expect(client.getJson(URL_)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('spaces concurrent callers by the shared rate limit', async () => {
    // Prepare
    const { clock, options: o } = options({ rateLimitPerSecond: 2, burst: 1 });
    const sentAt: number[] = [];
    const transport = fakeTransport({
      [`GET ${URL_}`]: () => {
        sentAt.push(clock.t);
        return ok('{}');
      },
    });
    const client = createResilientClient(transport, o);
    // Act
    await Promise.all([
      client.getJson(URL_),
      client.getJson(URL_),
      client.getJson(URL_),
      client.getJson(URL_),
    ]);
    // Assess
    expect(sentAt).toEqual([0, 500, 1000, 1500]);
  });

  it('lets a burst through before the rate applies', async () => {
    // Prepare
    const { clock, options: o } = options({ rateLimitPerSecond: 2 });
    const sentAt: number[] = [];
    const transport = fakeTransport({
      [`GET ${URL_}`]: () => {
        sentAt.push(clock.t);
        return ok('{}');
      },
    });
    const client = createResilientClient(transport, o);
    // Act
    await Promise.all([client.getJson(URL_), client.getJson(URL_), client.getJson(URL_)]);
    // Assess
    expect(sentAt).toEqual([0, 0, 500]);
  });
});
