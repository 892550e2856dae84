/** The worker side of shared/local/embedded-aws-thread.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { type EmbeddedAwsOptions, startEmbeddedAws } from './embedded-aws.ts';
import type { EmbeddedAwsEvent } from './embedded-aws-thread.ts';

const port = parentPort;
if (port === null) throw new Error('shared/local/embedded-aws-worker.ts runs as a worker thread only');
const post = (event: EmbeddedAwsEvent) => port.postMessage(event);

try {
  const aws = await startEmbeddedAws(workerData as EmbeddedAwsOptions);
  port.on('message', () => {
    aws.stop().then(
      () => post({ type: 'stopped' }),
      (error: unknown) =>
        post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  post({ type: 'ready', endpoints: aws.endpoints, region: aws.region });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
