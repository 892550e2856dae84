/**
 * A bureau's rate limit across Lambda environments, on the embedded DynamoDB: three environments
 * (three resilient clients, each with its own token bucket, as three monitor environments have)
 * share one quota counted in the table, so the bureau never sees more than its quota in any span of
 * the quota's period, while the same three without the shared count would send it all at once.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAwsClients } from '#shared/adapters/aws/clients.ts';
import { createResilientClient, type ResilientClientOptions } from '#shared/adapters/bureaus/http.ts';
import { type Quota, sharedQuota, slotsOf } from '#shared/adapters/bureaus/quota.ts';
import { keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { DynamoQuotaCounter } from '#shared/adapters/store/dynamo-quota-counter.ts';
import { createTable } from '#shared/local/bootstrap.ts';
import { testAws } from '../support/test-aws.ts';

const QUOTA: Quota = { requests: 60, perSeconds: 1 };
const ENVIRONMENTS = 3;
const CALLS_PER_ENVIRONMENT = 30;

/** A bureau that answers `{}` at once and remembers when each request arrived. */
async function countingBureau(): Promise<{ url: string; arrivals: number[]; server: Server }> {
  const arrivals: number[] = [];
  const server = createServer((_req, res) => {
    arrivals.push(Date.now());
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals, server };
}

/** The most arrivals within any span of `spanMs`. */
function busiestSpan(arrivals: readonly number[], spanMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= spanMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

const CLIENT: Omit<ResilientClientOptions, 'provider'> = {
  timeoutMs: 5000,
  maxAttempts: 1,
  baseDelayMs: 10,
  maxDelayMs: 5000,
  rateLimitPerSecond: 1000,
  breaker: { failureThreshold: 50, resetAfterMs: 1000 },
};

async function runEnvironments(
  url: string,
  counter: DynamoQuotaCounter | null,
  bureau: string,
): Promise<void> {
  const environments = Array.from({ length: ENVIRONMENTS }, () =>
    createResilientClient(keepAliveTransport, {
      ...CLIENT,
      provider: bureau,
      ...(counter ? { sharedLimit: sharedQuota({ bureau, quota: QUOTA, counter, maxWaitMs: 5000 }) } : {}),
    }),
  );
  await Promise.all(
    environments.flatMap((client) =>
      Array.from({ length: CALLS_PER_ENVIRONMENT }, (_, n) => client.getJson(`${url}/company/${n}`)),
    ),
  );
}

describe('a bureau quota shared by several Lambda environments', () => {
  const tableName = `quota-${Date.now()}`;
  const { dynamodb, dynamodbRaw } = createAwsClients(testAws());
  const counter = new DynamoQuotaCounter(dynamodb, { tableName });

  beforeAll(async () => {
    await createTable(dynamodbRaw, tableName);
  });

  it('holds the quota in every span of its period, and every call is made', async () => {
    // Prepare
    const bureau = await countingBureau();
    try {
      // Act
      await runEnvironments(bureau.url, counter, 'bureau-shared');

      // Assess
      expect(bureau.arrivals).toHaveLength(ENVIRONMENTS * CALLS_PER_ENVIRONMENT);
      expect(busiestSpan(bureau.arrivals, QUOTA.perSeconds * 1000)).toBeLessThanOrEqual(QUOTA.requests);
      const { slotMs, allowance } = slotsOf(QUOTA);
      const perSlot = new Map<number, number>();
      for (const at of bureau.arrivals)
        perSlot.set(Math.floor(at / slotMs), (perSlot.get(Math.floor(at / slotMs)) ?? 0) + 1);
      expect(Math.max(...perSlot.values())).toBeLessThanOrEqual(allowance);
    } finally {
      bureau.server.close();
    }
  }, 30_000);

  it('is what holds it: the same environments without the shared count exceed it', async () => {
    const bureau = await countingBureau();
    try {
      await runEnvironments(bureau.url, null, 'bureau-unshared');
      expect(busiestSpan(bureau.arrivals, QUOTA.perSeconds * 1000)).toBeGreaterThan(QUOTA.requests);
    } finally {
      bureau.server.close();
    }
  });

  it('counts claims conditionally: a claim past the allowance counts nothing', async () => {
    const slot = 1_000_000;
    expect(await counter.claim('bureau-claims', slot, 8, 10)).toBe(true);
    expect(await counter.claim('bureau-claims', slot, 3, 10)).toBe(false);
    expect(await counter.claim('bureau-claims', slot, 2, 10)).toBe(true);
    expect(await counter.claim('bureau-claims', slot, 1, 10)).toBe(false);
    expect(await counter.claim('bureau-claims', slot + 1000, 10, 10)).toBe(true);
  });
});
