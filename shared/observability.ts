/**
 * Powertools logger and metrics for credmon's functions. Personal data never reaches either: log
 * subject ids and tokens only. Locally, metrics (EMF) can be redirected to a sink instead of stdout.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'credmon';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export interface ObservabilityOptions {
  readonly serviceName: string;
  /** Where EMF lines go instead of stdout (the local pipeline writes them to a file). */
  readonly metricsSink?: (line: string) => void;
  /** Where log lines go instead of stdout. */
  readonly logSink?: (line: string) => void;
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

export function createObservability(options: ObservabilityOptions): Observability {
  const sinkConsole = (sink: (line: string) => void) =>
    ({
      log: (line: string) => sink(line),
      info: (line: string) => sink(line),
      warn: (line: string) => sink(line),
      error: (line: string) => sink(line),
      debug: (line: string) => sink(line),
    }) as unknown as Console;
  const logger = new Logger({
    serviceName: options.serviceName,
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  if (options.logSink) {
    // Powertools writes through its own Console instance; redirecting it keeps the format intact.
    (logger as unknown as { console: Console }).console = sinkConsole(options.logSink);
  }
  // Metrics' own warnings go through the logger (structured, and to its sink), not a bare console.
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: options.serviceName, logger });
  if (options.metricsSink) {
    (metrics as unknown as { console: Console }).console = sinkConsole(options.metricsSink);
  }
  return { logger, metrics };
}
