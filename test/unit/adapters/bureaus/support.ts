/** Test doubles for bureau adapters: fixtures from test/fixtures and a routing fake transport. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createResilientClient, type ResilientClient } from '#shared/adapters/bureaus/http.ts';
import type { SubjectForFetch } from '#shared/adapters/bureaus/provider.ts';
import type { HttpRequest, HttpResponse, HttpTransport } from '#shared/adapters/bureaus/transport.ts';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures');

export function fixture(source: string, name: string): string {
  return readFileSync(join(FIXTURES, source, name), 'utf8');
}

export function fixtureJson(source: string, name: string): unknown {
  return JSON.parse(fixture(source, name));
}

export type Answer = HttpResponse | ((request: HttpRequest) => HttpResponse | Promise<HttpResponse>);

export function ok(body: string, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body };
}

export interface FakeTransport extends HttpTransport {
  requests: HttpRequest[];
}

/**
 * Serves answers by `METHOD url`; a list is served in turn (the last one repeats). An unknown route
 * fails the test loudly instead of pretending a network.
 */
export function fakeTransport(routes: Record<string, Answer | Answer[]>): FakeTransport {
  const served = new Map<string, number>();
  const requests: HttpRequest[] = [];
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    const key = `${request.method} ${request.url}`;
    const route = routes[key];
    if (route === undefined) throw new Error(`fake transport: no route for ${key}`);
    const list = Array.isArray(route) ? route : [route];
    const index = served.get(key) ?? 0;
    served.set(key, index + 1);
    const answer = list[Math.min(index, list.length - 1)]!;
    return typeof answer === 'function' ? answer(request) : answer;
  };
  return Object.assign(transport, { requests });
}

/** A client that never waits: retries and rate limits run instantly. */
export function instantClient(transport: HttpTransport, provider = 'test'): ResilientClient {
  return createResilientClient(transport, {
    provider,
    timeoutMs: 1000,
    maxAttempts: 3,
    baseDelayMs: 10,
    maxDelayMs: 100,
    rateLimitPerSecond: 1000,
    breaker: { failureThreshold: 100, resetAfterMs: 1000 },
    sleep: async () => undefined,
  });
}

export const PARTY_KEY = 'test-party-key';

export function business(
  country: string,
  registryId: string,
  id = `${country}-${registryId}`,
): SubjectForFetch {
  return {
    id,
    kind: 'business',
    country,
    registryId,
    personToken: null,
    portfolioId: 'p1',
    tier: 'daily',
    creditLimit: null,
    paymentTermsDays: null,
    exposure: null,
    nationalId: null,
  };
}

export function individual(nationalId: string, personToken: string): SubjectForFetch {
  return {
    id: 'person-1',
    kind: 'individual',
    country: 'NO',
    registryId: null,
    personToken,
    portfolioId: 'p1',
    tier: 'monthly',
    creditLimit: null,
    paymentTermsDays: null,
    exposure: null,
    nationalId,
  };
}
