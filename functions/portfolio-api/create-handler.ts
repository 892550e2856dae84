/**
 * The portfolio API: an API Gateway HTTP API (IAM auth) over the portfolio use cases. Wiring only:
 * routing, zod-validated bodies and query strings, status codes; the work is in
 * shared/use-cases/import-portfolio.ts. Logs carry method, route, status and subject ids only:
 * never a body (national ids, names).
 *
 * Routes: POST /subjects, POST /subjects:import (text/csv), DELETE /subjects/{id},
 * GET /subjects?class=&tier=&portfolio=&limit=&cursor=, GET /subjects/{id}, GET /subjects/{id}/alerts.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer as APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { z } from 'zod';
import { RiskClass } from '#shared/domain/risk/assessment.ts';
import { SubjectId, Tier } from '#shared/domain/subject.ts';
import { InputError } from '#shared/errors.ts';
import type { Observability } from '#shared/observability.ts';
import {
  addSubject,
  importPortfolio,
  listSubjects,
  type PortfolioDependencies,
  type PortfolioReader,
  removeSubject,
  type SubjectHistorySource,
  showSubject,
  subjectAlerts,
} from '#shared/use-cases/import-portfolio.ts';

export interface PortfolioApiDependencies extends Observability {
  readonly portfolio: PortfolioDependencies;
  readonly reader: PortfolioReader;
  readonly history: SubjectHistorySource;
}

const text = z.string().trim().min(1);
const amount = z.number().nonnegative().nullable().optional();

/** POST /subjects: one subject, the columns of a portfolio file as JSON. */
export const SubjectBody = z.strictObject({
  id: SubjectId,
  kind: z.enum(['business', 'individual']),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code'),
  registryId: text.nullable().optional(),
  nationalId: text.nullable().optional(),
  /** Accepted for symmetry with the file; never stored for individuals. */
  name: z.string().nullable().optional(),
  portfolio: text.max(64),
  tier: Tier,
  creditLimit: amount,
  paymentTermsDays: z.number().int().nonnegative().nullable().optional(),
  exposure: amount,
});
export type SubjectBody = z.infer<typeof SubjectBody>;

/** GET /subjects query string. */
export const ListQuery = z.strictObject({
  class: RiskClass.optional(),
  tier: Tier.optional(),
  portfolio: text.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: text.optional(),
});

type Result = APIGatewayProxyStructuredResultV2;

/**
 * @example
 * export const handler = createPortfolioApiHandler({ portfolio: { store, sealer, tokenKey }, reader, history: store, logger, metrics });
 */
export function createPortfolioApiHandler(deps: PortfolioApiDependencies) {
  const { logger, metrics } = deps;

  const route = async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath.replace(/\/+$/, '') || '/';
    if (path === '/subjects' && method === 'POST') {
      const body = parseBody(SubjectBody, jsonBody(event));
      const outcome = await addSubject(body, deps.portfolio);
      return json(outcome === 'created' ? 201 : 200, { id: body.id, outcome });
    }
    if (path === '/subjects:import' && method === 'POST') {
      const report = await importPortfolio(rawBody(event), 'request body', deps.portfolio);
      metrics.addMetric('SubjectsImported', MetricUnit.Count, report.imported);
      metrics.addMetric('RowsRejected', MetricUnit.Count, report.rejected.length);
      metrics.publishStoredMetrics();
      return json(200, report);
    }
    if (path === '/subjects' && method === 'GET') {
      const query = parseBody(ListQuery, event.queryStringParameters ?? {});
      const page = await listSubjects(
        { riskClass: query.class ?? null, tier: query.tier ?? null, portfolioId: query.portfolio ?? null },
        deps.reader,
        { cursor: query.cursor ?? null, limit: query.limit },
      );
      return json(200, page);
    }
    const match = /^\/subjects\/([^/]+)(\/alerts)?$/.exec(path);
    if (match) {
      const id = parseBody(SubjectId, decodeURIComponent(match[1] ?? ''));
      if (match[2] && method === 'GET') {
        const state = await deps.portfolio.store.get(id);
        if (!state) return notFound(id);
        return json(200, { id, alerts: await subjectAlerts(id, deps.history) });
      }
      if (!match[2] && method === 'GET') {
        const details = await showSubject(id, { store: deps.portfolio.store, history: deps.history });
        return details ? json(200, details) : notFound(id);
      }
      if (!match[2] && method === 'DELETE') {
        return (await removeSubject(id, deps.portfolio.store)) ? { statusCode: 204 } : notFound(id);
      }
    }
    return json(404, { error: `no route ${method} ${path}` });
  };

  const lambdaHandler = async (event: APIGatewayProxyEventV2): Promise<Result> => {
    const routeKey = `${event.requestContext.http.method} ${event.rawPath}`;
    let result: Result;
    try {
      result = await route(event);
    } catch (error) {
      if (error instanceof InputError) {
        result = json(400, { error: error.message });
      } else {
        logger.error('request failed', { route: routeKey, error: error as Error });
        result = json(500, { error: 'internal error' });
      }
    }
    logger.info('request', {
      route: routeKey,
      status: result.statusCode,
      caller: event.requestContext.authorizer?.iam?.userArn,
    });
    return result;
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}

function json(statusCode: number, body: unknown): Result {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

const notFound = (id: string): Result => json(404, { error: `no subject ${id}` });

function rawBody(event: APIGatewayProxyEventV2): Uint8Array {
  if (!event.body) throw new InputError('body: missing');
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const bytes = rawBody(event);
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InputError('body: not valid JSON');
  }
}

/** Parses with zod; the first problem, with its path, becomes a 400. */
function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw new InputError(`${where}: ${issue?.message}`);
  }
  return parsed.data;
}
