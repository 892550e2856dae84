/** The portfolio API handler with API Gateway HTTP API (v2, IAM auth) events, on the embedded AWS. */
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { createPortfolioApiHandler } from '#functions/portfolio-api/create-handler.ts';
import { composePortfolio, loadPortfolioConfig } from '#shared/adapters/store/portfolio-composition.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';
import { createObservability } from '#shared/observability.ts';
import { drainFanOut } from './support/fan-out-requests.ts';

function event(
  method: string,
  rawPath: string,
  options: { body?: string; query?: Record<string, string>; base64?: boolean } = {},
): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined
      ? { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }
      : {}),
    isBase64Encoded: options.base64 === true,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: '$default',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
      authorizer: {
        iam: {
          accessKey: 'AKIA',
          accountId: '123456789012',
          callerId: 'AIDA',
          cognitoIdentity: null as never,
          principalOrgId: null as never,
          userArn: 'arn:aws:iam::123456789012:user/erp',
          userId: 'AIDA',
        },
      },
    },
  };
}

describe('portfolio API', () => {
  let stack: LocalStack;
  let logs: string[];
  let call: (e: APIGatewayProxyEventV2WithIAMAuthorizer) => Promise<APIGatewayProxyStructuredResultV2>;

  beforeAll(async () => {
    stack = await startLocalStack();
    logs = [];
    // Composed as the Lambda entry does, from its deployed environment, under its deployed role.
    const { portfolio, reader, history } = composePortfolio(
      loadPortfolioConfig(stack.environments['portfolio-api'] ?? {}),
      { instrument: stack.iam.instrumentFor('portfolio-api') },
    );
    const handler = createPortfolioApiHandler({
      ...createObservability({
        serviceName: 'test',
        logSink: (line) => logs.push(line),
        metricsSink: () => {},
      }),
      portfolio,
      reader,
      history,
    });
    call = (e) => handler(e, {} as Context) as Promise<APIGatewayProxyStructuredResultV2>;
  });
  afterAll(async () => {
    await stack.stop();
    stack.iam.assertNoDenials();
  });

  const body = (result: APIGatewayProxyStructuredResultV2) => JSON.parse(String(result.body));

  it('enrols one subject, then reports it unchanged', async () => {
    const subject = {
      id: 'eq',
      kind: 'business',
      country: 'NO',
      registryId: '923609016',
      portfolio: 'core',
      tier: 'daily',
      creditLimit: 1000,
    };
    const created = await call(event('POST', '/subjects', { body: JSON.stringify(subject) }));
    const again = await call(event('POST', '/subjects', { body: JSON.stringify(subject) }));
    expect([created.statusCode, body(created)]).toEqual([201, { id: 'eq', outcome: 'created' }]);
    expect([again.statusCode, body(again).outcome]).toEqual([200, 'unchanged']);
  });

  it('asks for the baseline of a subject it enrols or imports, monthly or not, on the event bus', async () => {
    // Prepare
    await drainFanOut(stack);
    const one = {
      id: 'api-m',
      kind: 'business',
      country: 'NO',
      registryId: '974760673',
      portfolio: 'core',
      tier: 'monthly',
    };
    const file = `${PORTFOLIO_COLUMNS.join(',')}\napi-w,business,GB,SC571653,,Acme,late,weekly,,,\n`;

    // Act
    await call(event('POST', '/subjects', { body: JSON.stringify(one) }));
    await call(event('POST', '/subjects:import', { body: file }));
    const requests = await drainFanOut(stack);

    // Assess
    expect(requests.sort((a, b) => String(a.subjectId).localeCompare(String(b.subjectId)))).toEqual([
      { subjectId: 'api-m', tier: 'monthly' },
      { subjectId: 'api-w', tier: 'weekly' },
    ]);
  });

  it('answers 400 naming the field for an invalid body, and never logs the body', async () => {
    const badSchema = await call(
      event('POST', '/subjects', { body: JSON.stringify({ id: 'x', kind: 'robot' }) }),
    );
    const badDigit = await call(
      event('POST', '/subjects', {
        body: JSON.stringify({
          id: 'p',
          kind: 'individual',
          country: 'NO',
          nationalId: '10038000582',
          name: 'Per Hansen',
          portfolio: 'retail',
          tier: 'monthly',
        }),
      }),
    );
    const notJson = await call(event('POST', '/subjects', { body: '{' }));
    expect([badSchema.statusCode, body(badSchema).error]).toEqual([400, expect.stringMatching(/^kind: /)]);
    expect(body(badDigit)).toEqual({
      error: 'nationalId: not a valid Norwegian national id (mod-11 check digits)',
    });
    expect(body(notJson)).toEqual({ error: 'body: not valid JSON' });
    expect(logs.join('\n')).not.toMatch(/10038000582|Per Hansen/);
    expect(logs.some((line) => line.includes('"status":400'))).toBe(true);
  });

  it('imports a CSV body, lists with filters, shows, lists alerts and deletes', async () => {
    const csv = [
      PORTFOLIO_COLUMNS.join(','),
      'sc,business,GB,SC571653,,Acme,uk,weekly,,,',
      'kari,individual,NO,,10038000581,Kari Nordmann,retail,monthly,,,',
      'typo,business,GB,SC57165,,Typo,uk,weekly,,,',
    ].join('\n');

    const imported = await call(event('POST', '/subjects:import', { body: csv, base64: true }));
    const uk = await call(event('GET', '/subjects', { query: { portfolio: 'uk', tier: 'weekly' } }));
    const paged = await call(event('GET', '/subjects', { query: { limit: '1' } }));
    const next = await call(event('GET', '/subjects', { query: { limit: '1', cursor: body(paged).cursor } }));
    const shown = await call(event('GET', '/subjects/kari'));
    const alerts = await call(event('GET', '/subjects/kari/alerts'));
    const deleted = await call(event('DELETE', '/subjects/kari'));
    const deletedAgain = await call(event('DELETE', '/subjects/kari/'));
    const unknown = await call(event('GET', '/subjects/ghost'));
    const badQuery = await call(event('GET', '/subjects', { query: { class: 'E' } }));
    const malformed = await call(event('POST', '/subjects:import', { body: 'id,kind\n' }));
    const noRoute = await call(event('PUT', '/subjects'));

    expect(body(imported)).toMatchObject({
      imported: 2,
      unchanged: 0,
      rejected: [{ line: 4, reason: expect.stringMatching(/^registryId: SC57165 /) }],
    });
    expect(body(uk).subjects.map((s: { id: string }) => s.id)).toEqual(['sc']);
    expect(body(paged).subjects).toHaveLength(1);
    expect(body(next).subjects).toHaveLength(1);
    expect(body(next).subjects[0].id).not.toBe(body(paged).subjects[0].id);
    expect(body(shown)).toMatchObject({
      id: 'kari',
      monitored: true,
      subject: { kind: 'individual', portfolioId: 'retail' },
    });
    expect(body(alerts)).toEqual({ id: 'kari', alerts: [] });
    expect([deleted.statusCode, deletedAgain.statusCode, unknown.statusCode]).toEqual([204, 204, 404]);
    expect(badQuery.statusCode).toBe(400);
    expect(body(malformed).error).toMatch(
      /request body:1: not a portfolio header: missing columns .*; nothing was imported/,
    );
    expect(noRoute.statusCode).toBe(404);
  });
});
