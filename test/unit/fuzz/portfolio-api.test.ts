/**
 * Fuzzing the portfolio API's input boundary: any body, path or query string gets a 2xx or a 400
 * that names the field, never a 500; a rejected request writes nothing; no national id reaches a log.
 */
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import fc from 'fast-check';
import { createPortfolioApiHandler } from '#functions/portfolio-api/create-handler.ts';
import { createSealer } from '#shared/adapters/crypto/sealer.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import { createObservability } from '#shared/observability.ts';
import { InMemoryStore } from '../../support/in-memory-store.ts';

/** A valid Norwegian national id (mod-11) that must never be logged. */
const NATIONAL_ID = '10038000582';

const VALID_BUSINESS = {
  id: 'eq',
  kind: 'business',
  country: 'NO',
  registryId: '923609016',
  portfolio: 'core',
  tier: 'daily',
  creditLimit: 1000,
};
const VALID_PERSON = {
  id: 'p1',
  kind: 'individual',
  country: 'NO',
  nationalId: NATIONAL_ID,
  name: 'Per Hansen',
  portfolio: 'retail',
  tier: 'monthly',
};
const FIELDS = [...new Set([...Object.keys(VALID_BUSINESS), ...Object.keys(VALID_PERSON)])];

function event(
  method: string,
  rawPath: string,
  options: { body?: string; query?: Record<string, string> } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'fuzz',
      routeKey: '$default',
      stage: '$default',
    },
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

function api() {
  const store = new InMemoryStore();
  const logs: string[] = [];
  const handler = createPortfolioApiHandler({
    ...createObservability({
      serviceName: 'fuzz',
      logSink: (line) => logs.push(line),
      metricsSink: () => {},
    }),
    portfolio: { store, sealer: createSealer('a-seal-key-for-tests'), tokenKey: 'a-token-key-for-tests' },
    reader: {
      portfolios: async () => [],
      pagePortfolio: async () => ({ subjectIds: [], cursor: null }),
      summaries: async () => [],
    },
    history: { history: async () => [] },
  });
  const call = async (e: APIGatewayProxyEventV2WithIAMAuthorizer) => {
    const result = (await handler(e, {} as Context)) as APIGatewayProxyStructuredResultV2;
    const body = result.body === undefined ? null : (JSON.parse(result.body) as { error?: string });
    return { status: result.statusCode ?? 0, body };
  };
  return { store, logs, call };
}

/** A 400's message starts with the field (or `body`) at fault, then says what is wrong. */
const NAMED_ERROR = /^[A-Za-z][\w.]*: \S/;

describe('fuzz: portfolio API', () => {
  it('answers any POST /subjects body with a 2xx or a 400 naming the field, and a 400 writes nothing', async () => {
    // Prepare
    const bodies = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .dictionary(fc.constantFrom(...FIELDS, 'extra'), fc.jsonValue())
        .map((value) => JSON.stringify(value)),
    );
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const { store, call } = api();
        const answer = await call(event('POST', '/subjects', { body }));
        expect([200, 201, 400]).toContain(answer.status);
        if (answer.status === 400) {
          expect(answer.body?.error).toMatch(NAMED_ERROR);
          expect(store.states.size).toBe(0);
        } else {
          expect(store.states.size).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers a valid body with one field replaced by any value with a 2xx or a 400 naming that field', async () => {
    // Prepare
    const mutation = fc.record({
      base: fc.constantFrom(VALID_BUSINESS, VALID_PERSON),
      field: fc.constantFrom(...FIELDS),
      value: fc.jsonValue(),
    });
    const statuses = new Set<number>();
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(mutation, async ({ base, field, value }) => {
        const { store, logs, call } = api();
        const answer = await call(
          event('POST', '/subjects', { body: JSON.stringify({ ...base, [field]: value }) }),
        );
        expect([200, 201, 400]).toContain(answer.status);
        if (answer.status === 400) {
          // Either the replaced field is at fault, or (for kind/country) a field it makes required.
          expect(answer.body?.error).toMatch(NAMED_ERROR);
          expect(store.states.size).toBe(0);
        } else {
          expect(store.states.size).toBe(1);
        }
        expect(logs.join('\n')).not.toContain(NATIONAL_ID);
        statuses.add(answer.status);
      }),
      { numRuns: 300 },
    );
    // Both outcomes were exercised: some replacements are harmless, most are not.
    expect(statuses).toEqual(new Set([201, 400]));
  });

  it('answers any import body with a report or a 400, and a rejected file writes nothing', async () => {
    // Prepare
    const header = PORTFOLIO_COLUMNS.join(',');
    const files = fc.oneof(
      fc.string(),
      fc
        .array(
          fc.array(fc.string(), { maxLength: 12 }).map((cells) => cells.join(',')),
          { maxLength: 6 },
        )
        .map((rows) => [header, ...rows].join('\n')),
    );
    const statuses = new Set<number>();
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(files, async (file) => {
        const { store, call } = api();
        const answer = await call(event('POST', '/subjects:import', { body: file }));
        expect([200, 400]).toContain(answer.status);
        statuses.add(answer.status);
        if (answer.status === 400) {
          expect(answer.body?.error).toEqual(expect.any(String));
          expect(store.states.size).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
    expect(statuses).toEqual(new Set([200, 400]));
  });

  it('answers any path, method and query string without a 500', async () => {
    // Prepare
    const requests = fc.record({
      method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
      path: fc.oneof(
        fc.constantFrom('/subjects', '/subjects/eq', '/subjects/eq/alerts', '/', '/subjects:import'),
        fc.webPath(),
        fc.string().map((s) => `/subjects/${encodeURIComponent(s)}`),
      ),
      query: fc.option(
        fc.dictionary(fc.constantFrom('class', 'tier', 'portfolio', 'limit', 'cursor', 'x'), fc.string()),
        {
          nil: undefined,
        },
      ),
    });
    // Act / Assess
    await fc.assert(
      fc.asyncProperty(requests, async ({ method, path, query }) => {
        const { call } = api();
        const answer = await call(event(method, path, query ? { query } : {}));
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        if (answer.status === 400) expect(answer.body?.error).toMatch(NAMED_ERROR);
      }),
      { numRuns: 300 },
    );
  });
});
