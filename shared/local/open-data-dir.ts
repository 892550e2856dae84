/**
 * Opens a data directory for a CLI command (portfolio, export, query, report). The embedded AWS
 * keeps its state on disk there, and only one process can hold it open: when a `credmon local
 * --serve` process already serves the directory, commands talk to its endpoints instead.
 *
 * The serving process writes `<dataDir>/endpoints.json` ({@link ServedDataDir}): its pid and the
 * environment a Lambda function of that stack would see (table, queues, topic, endpoints, keys).
 * A file whose process is gone is stale and ignored.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type Composition, compose } from '#shared/composition.ts';
import { loadRuntimeConfig, type RuntimeConfig } from '#shared/config.ts';
import { InputError } from '#shared/errors.ts';
import type { LocalResources } from './bootstrap.ts';
import { acquireDataDirLock, isAlive, liveLockHolder } from './data-dir-lock.ts';
import { type LocalStackOptions, startLocalStack } from './stack.ts';

/** Name of the file a serving process writes into its data directory. */
export const ENDPOINTS_FILE = 'endpoints.json';

const QueueDetails = z.object({
  name: z.string(),
  url: z.string(),
  arn: z.string(),
  dlqName: z.string(),
  dlqUrl: z.string(),
  dlqArn: z.string(),
});

/** What a server announces for people and their tools (docs/local-stack.md), beside the environment. */
export const ServeDetails = z.object({
  dataDir: z.string(),
  region: z.string(),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  /** `edge` serves SQS and SNS (fauxqs); DynamoDB listens on its own port (edge + 1 with --port). */
  endpoints: z.object({
    edge: z.string(),
    sqs: z.string(),
    sns: z.string(),
    dynamodb: z.string(),
    simulator: z.string(),
  }),
  resources: z.object({
    table: z.string(),
    queues: z.object({ fanOut: QueueDetails, monitorJobs: QueueDetails }),
    alertsTopicArn: z.string(),
  }),
  statusFile: z.string(),
});
export type ServeDetails = z.infer<typeof ServeDetails>;

/** What `credmon local --serve` writes to `<dataDir>/endpoints.json`. */
export const ServedDataDir = z.object({
  /** The serving process; the file counts only while it is alive. */
  pid: z.number().int().positive(),
  startedAt: z.string().optional(),
  /** The stack's environment, as shared/local/stack.ts localEnvironment() returns it. */
  environment: z.record(z.string(), z.string()),
  ...ServeDetails.partial().shape,
});
export type ServedDataDir = z.infer<typeof ServedDataDir>;

/** An open data directory: the stack's configuration and adapters, and how to let go of it. */
export interface OpenedDataDir {
  readonly config: RuntimeConfig;
  readonly composition: Composition;
  /** True when another process serves the directory and this one only talks to it. */
  readonly served: boolean;
  /** The server's announcement (endpoints.json) when `served`. */
  readonly server: ServedDataDir | null;
  /** Queues and DLQs by catalogue key; null for a server that did not announce them. */
  readonly resources: LocalResources | null;
  close(): Promise<void>;
}

/**
 * Reads `<dataDir>/endpoints.json`; null when absent or when its process is no longer alive.
 * Throws {@link InputError} naming the file when it exists but is not what a server writes.
 *
 * @example
 * readServedDataDir('.credmon'); // { pid: 4242, environment: { TABLE_NAME: 'credmon-credmon', … } } | null
 */
export function readServedDataDir(dataDir: string): ServedDataDir | null {
  const file = join(dataDir, ENDPOINTS_FILE);
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`${file}: not valid JSON`, { cause: error });
  }
  const parsed = ServedDataDir.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return isAlive(parsed.data.pid) ? parsed.data : null;
}

/**
 * Announces that this process serves `dataDir` (for `credmon local --serve`). Written atomically
 * (temporary file, then rename) so a reader never sees half a file. Returns a function that
 * removes the file again.
 *
 * @example
 * const release = writeServedDataDir('.credmon', localEnvironment(aws, resources, bureaus));
 * // … serve …
 * release();
 */
export function writeServedDataDir(
  dataDir: string,
  environment: Record<string, string>,
  details?: ServeDetails,
): () => void {
  const file = join(dataDir, ENDPOINTS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const served: ServedDataDir = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    environment,
    ...details,
  };
  writeFileSync(temporary, `${JSON.stringify(served, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return () => rmSync(file, { force: true });
}

/**
 * Opens `dataDir`: through a live server's endpoints when there is one, otherwise by starting an
 * embedded AWS on the directory's on-disk state (startLocalStack). Always `close()` it.
 *
 * @example
 * const data = await openDataDir('.credmon');
 * try { await data.composition.store.get('acme'); } finally { await data.close(); }
 */
export async function openDataDir(
  dataDir: string,
  options: Omit<LocalStackOptions, 'dataDir'> = {},
): Promise<OpenedDataDir> {
  const served = await waitForServer(dataDir);
  if (served) {
    const config = loadRuntimeConfig(served.environment);
    const composition = compose(config, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.transport ? { transport: options.transport } : {}),
      ...(options.instrument ? { instrument: options.instrument } : {}),
    });
    return {
      config,
      composition,
      served: true,
      server: served,
      resources: resourcesOf(served),
      async close() {
        for (const client of Object.values(composition.clients)) client.destroy();
      },
    };
  }
  // Nobody serves it: this process opens the files, and must be their only writer meanwhile.
  const lock = acquireDataDirLock(dataDir, `credmon (pid ${process.pid})`);
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    stack = await startLocalStack({ ...options, dataDir });
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    config: stack.config,
    composition: stack.composition,
    served: false,
    server: null,
    resources: stack.resources,
    async close() {
      await stack.stop();
      lock.release();
    },
  };
}

/**
 * The live server of `dataDir`; waits (up to 15 s) for one that holds the lock but has not yet
 * announced its endpoints, so that a command started right after `--serve` talks to it.
 */
async function waitForServer(dataDir: string): Promise<ServedDataDir | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const served = readServedDataDir(dataDir);
    if (served) return served;
    const holder = liveLockHolder(dataDir);
    if (!holder?.command.includes('--serve') || Date.now() > deadline) return null;
    await new Promise((done) => setTimeout(done, 100));
  }
}

function resourcesOf(served: ServedDataDir): LocalResources | null {
  const queues = served.resources?.queues;
  if (!served.resources || !queues) return null;
  return {
    tableName: served.resources.table,
    queueUrls: { fanOut: queues.fanOut.url, monitorJobs: queues.monitorJobs.url },
    dlqUrls: { fanOut: queues.fanOut.dlqUrl, monitorJobs: queues.monitorJobs.dlqUrl },
    queueArns: { fanOut: queues.fanOut.arn, monitorJobs: queues.monitorJobs.arn },
    alertsTopicArn: served.resources.alertsTopicArn,
  };
}
