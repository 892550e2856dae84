/**
 * The embedded AWS: DynamoDB (dynalite) and SQS + SNS (fauxqs) in this process, on loopback ports.
 * The handlers talk to it through the ordinary AWS SDK clients, pointed here by endpoint overrides.
 */

import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import type { AwsEndpoints } from '#shared/adapters/aws/clients.ts';

export interface EmbeddedAws {
  readonly endpoints: AwsEndpoints;
  readonly region: string;
  stop(): Promise<void>;
}

export interface EmbeddedAwsOptions {
  /** Directory for on-disk state; in memory when absent. */
  readonly dataDir?: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Fixed ports; 0 (default) picks free ones. */
  readonly dynamodbPort?: number;
  readonly sqsPort?: number;
  /** @default 'eu-north-1' */
  readonly region?: string;
}

/**
 * Starts dynalite and fauxqs. Resolves when both listen.
 *
 * @example
 * const aws = await startEmbeddedAws();
 * // aws.endpoints.dynamodb === 'http://127.0.0.1:40123'
 * await aws.stop();
 */
export async function startEmbeddedAws(options: EmbeddedAwsOptions = {}): Promise<EmbeddedAws> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'eu-north-1';
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });

  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: join(options.dataDir, 'dynamodb') } : {}),
  });
  await listen(dynamo, options.dynamodbPort ?? 0, host, 'DynamoDB');
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  // fauxqs is ESM-only and loaded on demand so that importing this module stays cheap.
  const { startFauxqs } = await withoutSqliteNotice(() => import('fauxqs'));
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  try {
    const sqsDir = options.dataDir ? join(options.dataDir, 'sqs-sns') : undefined;
    if (sqsDir) mkdirSync(sqsDir, { recursive: true });
    fauxqs = await startFauxqs({
      port: options.sqsPort ?? 0,
      // Names the queue URLs' host (sqs.<region>.localhost); clients still connect to `host`.
      host: 'localhost',
      logger: false,
      defaultRegion: region,
      ...(sqsDir ? { dataDir: sqsDir } : {}),
    });
  } catch (error) {
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    throw portError(error, options.sqsPort ?? 0, 'SQS/SNS');
  }
  const messagingUrl = `http://${host}:${fauxqs.port}`;
  return {
    region,
    endpoints: { dynamodb: `http://${host}:${dynamoPort}`, sqs: messagingUrl, sns: messagingUrl },
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}

/**
 * Loads a module without Node's "SQLite is an experimental feature" warning: fauxqs keeps its state
 * in node:sqlite, and the notice on every `npm start` says nothing about credmon. Other warnings pass.
 */
async function withoutSqliteNotice<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/^SQLite is an experimental feature/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function listen(server: import('node:http').Server, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(portError(error, port, what)));
    server.listen(port, host, () => resolve());
  });
}

function portError(error: unknown, port: number, what: string): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') return new Error(`port ${port} is already in use (embedded ${what})`);
  return error instanceof Error ? error : new Error(String(error));
}
