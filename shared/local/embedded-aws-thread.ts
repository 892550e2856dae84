/**
 * The embedded AWS in a worker thread. dynalite and fauxqs are servers on loopback: in AWS their
 * work is the services', not credmon's, and in the pipeline's own thread they would share its
 * event loop. The worker starts them (on-disk state included) and hands back the endpoints.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AwsEndpoints } from '#shared/adapters/aws/clients.ts';
import type { EmbeddedAws, EmbeddedAwsOptions } from './embedded-aws.ts';

/** What the worker (shared/local/embedded-aws-worker.ts) posts back. */
export type EmbeddedAwsEvent =
  | { readonly type: 'ready'; readonly endpoints: AwsEndpoints; readonly region: string }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'stopped' };

/**
 * Starts dynalite and fauxqs in a worker thread; the same contract as `startEmbeddedAws`.
 *
 * @example
 * const aws = await startEmbeddedAwsThread({ dataDir: '.credmon' });
 * // aws.endpoints.dynamodb === 'http://127.0.0.1:40123'
 * await aws.stop();
 */
export async function startEmbeddedAwsThread(options: EmbeddedAwsOptions = {}): Promise<EmbeddedAws> {
  const worker = new Worker(fileURLToPath(new URL('./embedded-aws-worker.ts', import.meta.url)), {
    workerData: options,
  });
  let exited = false;
  worker.on('exit', () => {
    exited = true;
  });
  const ready = await new Promise<Extract<EmbeddedAwsEvent, { type: 'ready' }>>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    const onExit = (code: number) =>
      reject(new Error(`embedded AWS thread exited (code ${code}) before listening`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (event: EmbeddedAwsEvent) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (event.type === 'ready') resolve(event);
      else
        reject(
          new Error(event.type === 'failed' ? event.message : 'embedded AWS thread stopped before listening'),
        );
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  // A crashed emulator shows up as refused connections, as a crashed service would.
  worker.on('error', () => {});
  let stopped: Promise<void> | null = null;
  return {
    endpoints: ready.endpoints,
    region: ready.region,
    stop() {
      stopped ??= (async () => {
        if (exited) return;
        const done = new Promise<void>((resolve, reject) => {
          worker.on('message', (event: EmbeddedAwsEvent) => {
            if (event.type === 'stopped') resolve();
            if (event.type === 'failed') reject(new Error(`embedded AWS: stopping failed: ${event.message}`));
          });
          worker.once('exit', () => resolve());
        });
        worker.postMessage('stop');
        try {
          await done;
        } finally {
          await worker.terminate();
        }
      })();
      return stopped;
    },
  };
}
