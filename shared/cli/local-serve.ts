/**
 * `credmon local --serve`: the console side of shared/local/serve.ts. Prints what a developer needs
 * to point their tools at the stack, reports each simulated day, and shuts down cleanly on SIGINT or
 * SIGTERM (a second signal exits at once).
 */
import { resolve } from 'node:path';
import { type ServeAnnouncement, serve, type WorldRecipe } from '#shared/local/serve.ts';
import type { FaultRates } from '#shared/simulator/server.ts';
import type { CliIO } from './command.ts';

export interface ServeCliOptions {
  readonly dataDir: string;
  readonly port: number | undefined;
  readonly daySeconds: number;
  readonly recipe: WorldRecipe;
  readonly faults: FaultRates;
  readonly seed: number;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly logSink?: (line: string) => void;
  /** Resolves when the process is asked to stop; SIGINT/SIGTERM by default (tests pass their own). */
  readonly stopSignal?: Promise<string>;
}

/**
 * @example
 * await runServe({ dataDir: '.credmon', port: 4566, daySeconds: 10, recipe, faults, seed: 1, json: false, quiet: false }, io);
 */
export async function runServe(options: ServeCliOptions, io: CliIO): Promise<number> {
  const dataDir = resolve(io.cwd, options.dataDir);
  // Listen before starting: a signal during start-up must still stop cleanly, not kill the process.
  const stopSignal = options.stopSignal ?? processSignal();
  const serving = await serve({
    dataDir,
    recipe: options.recipe,
    daySeconds: options.daySeconds,
    faults: options.faults,
    seed: options.seed,
    ...(options.port ? { port: options.port } : {}),
    ...(options.logSink ? { logSink: options.logSink } : {}),
    onEvent(event) {
      if (event.kind === 'day') {
        if (!options.quiet) {
          io.stdout.write(
            `day ${event.day} ${event.date}: ${event.tiers.length > 0 ? `${event.tiers.join(', ')} run requested` : 'no schedule due'}\n`,
          );
        }
      } else {
        const message = event.error instanceof Error ? event.error.message : String(event.error);
        io.stderr.write(`credmon local --serve: ${message}\n`);
      }
    },
  });
  const { announcement } = serving;
  if (options.json) io.stdout.write(`${JSON.stringify(announcement)}\n`);
  else io.stdout.write(`${describe(announcement, serving.stack.state.day, options.daySeconds)}\n`);

  const signal = await stopSignal;
  io.stderr.write(`credmon local --serve: ${signal}, stopping (letting running batches finish)\n`);
  await serving.stop();
  io.stderr.write('credmon local --serve: stopped\n');
  return 0;
}

function processSignal(): Promise<string> {
  return new Promise((done) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) process.exit(130);
      received = true;
      done(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function describe(a: ServeAnnouncement, day: number, daySeconds: number): string {
  const q = a.resources.queues;
  const rows: [string, string][] = [
    ['region', a.region],
    ['credentials', `${a.credentials.accessKeyId} / ${a.credentials.secretAccessKey} (dummy)`],
    ['SQS + SNS', a.endpoints.edge],
    ['DynamoDB', a.endpoints.dynamodb],
    ['simulator', a.endpoints.simulator],
    ['table', a.resources.table],
    ['alerts topic', a.resources.alertsTopicArn],
    ['fan-out queue', `${q.fanOut.url}  (${q.fanOut.arn})`],
    ['fan-out DLQ', `${q.fanOut.dlqUrl}  (${q.fanOut.dlqArn})`],
    ['monitor queue', `${q.monitorJobs.url}  (${q.monitorJobs.arn})`],
    ['monitor DLQ', `${q.monitorJobs.dlqUrl}  (${q.monitorJobs.dlqArn})`],
  ];
  const clock =
    daySeconds > 0
      ? `simulated day ${day}, one day every ${daySeconds} s`
      : `simulated day ${day}, clock stopped (runs on 'credmon run --tier')`;
  return [
    `credmon local --serve: serving ${a.dataDir} (pid ${a.pid})`,
    ...rows.map(([name, value]) => `  ${name.padEnd(14)}${value}`),
    `  written to ${a.dataDir}/endpoints.json; eval "$(credmon env --data-dir ${a.dataDir})" exports them`,
    `  ${clock}; Ctrl-C stops`,
  ].join('\n');
}
