/**
 * Portfolio listings on the credmon table: the portfolio items (`PORTFOLIOS` / `PF#<portfolio>`)
 * name every portfolio, the sparse portfolio index (`PF#<portfolio>`, `<class>#<subjectId>`) holds
 * the monitored subjects of each by class, and one BatchGet reads their state items. Never a Scan.
 */
import { BatchGetCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#shared/catalogue.ts';
import type { RiskClass } from '#shared/domain/risk/assessment.ts';
import type { PortfolioPage, PortfolioReader, SubjectSummary } from '#shared/use-cases/import-portfolio.ts';
import { PORTFOLIOS_KEY, portfolioKeyOf } from './dynamo-subject-store.ts';

/** Attributes a listing needs: the enrolment and the class, not the (large) snapshot. */
const SUMMARY_ATTRIBUTES = [
  'subjectId',
  'subject',
  'monitored',
  'riskClass',
  'pd',
  'effectiveTier',
  'lastCheckedAt',
  'registryId',
] as const;

export class DynamoPortfolioReader implements PortfolioReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async portfolios(): Promise<string[]> {
    const names: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PORTFOLIOS_KEY },
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) names.push(String(item.portfolioId));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return names;
  }

  async pagePortfolio(
    portfolioId: string,
    riskClass: RiskClass | null,
    cursor: string | null,
    limit: number,
  ): Promise<PortfolioPage> {
    const index = TABLE.indexes.portfolio;
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: riskClass ? '#pk = :pk AND begins_with(#sort, :class)' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': index.partitionKey,
          ...(riskClass ? { '#sort': index.sortKey } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': portfolioKeyOf(portfolioId),
          ...(riskClass ? { ':class': `${riskClass}#` } : {}),
        },
        Limit: limit,
        ...(cursor
          ? { ExclusiveStartKey: JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) }
          : {}),
      }),
    );
    return {
      subjectIds: (page.Items ?? []).map((item) => String(item.pk).slice('SUBJECT#'.length)),
      cursor: page.LastEvaluatedKey
        ? Buffer.from(JSON.stringify(page.LastEvaluatedKey), 'utf8').toString('base64url')
        : null,
    };
  }

  async summaries(subjectIds: readonly string[]): Promise<SubjectSummary[]> {
    const found = new Map<string, SubjectSummary>();
    for (let i = 0; i < subjectIds.length; i += 100) {
      let keys: Record<string, unknown>[] = subjectIds
        .slice(i, i + 100)
        .map((id) => ({ pk: `SUBJECT#${id}`, sk: 'STATE' }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        const result = await this.db.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ProjectionExpression: SUMMARY_ATTRIBUTES.map((_, n) => `#a${n}`).join(', '),
                ExpressionAttributeNames: Object.fromEntries(
                  SUMMARY_ATTRIBUTES.map((name, n) => [`#a${n}`, name]),
                ),
              },
            },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const summary = toSummary(item);
          if (summary) found.set(summary.id, summary);
        }
        keys = (result.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    // BatchGet answers in any order: keep the index's order (class, then id).
    return subjectIds.flatMap((id) => {
      const summary = found.get(id);
      return summary ? [summary] : [];
    });
  }
}

function toSummary(item: Record<string, unknown>): SubjectSummary | null {
  const subject = item.subject as Record<string, unknown> | undefined;
  if (!subject) return null;
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    id: String(item.subjectId ?? subject.id),
    kind: subject.kind === 'individual' ? 'individual' : 'business',
    country: String(subject.country),
    registryId: typeof subject.registryId === 'string' ? subject.registryId : null,
    portfolioId: String(subject.portfolioId),
    tier: subject.tier as SubjectSummary['tier'],
    effectiveTier: (item.effectiveTier ?? subject.tier) as SubjectSummary['tier'],
    riskClass: (item.riskClass as RiskClass | undefined) ?? null,
    pd: number(item.pd),
    monitored: item.monitored === true,
    lastCheckedAt: typeof item.lastCheckedAt === 'string' ? item.lastCheckedAt : null,
    creditLimit: number(subject.creditLimit),
    paymentTermsDays: number(subject.paymentTermsDays),
    exposure: number(subject.exposure),
  };
}
