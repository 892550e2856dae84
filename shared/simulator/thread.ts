/**
 * The simulator in a worker thread. In production a bureau is a remote service whose CPU is not
 * credmon's; in one local process its HTTP server and answer rendering would share the event loop
 * with the pipeline it serves. Here the worker owns the listening world and this thread keeps an
 * identical copy (same recipe, same day) for the portfolio, the clock and the ground truth.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { passNoonOf } from './intraday.ts';
import type { Simulator, SimulatorOptions, SimulatorStats } from './server.ts';
import type { SimWorld } from './types.ts';
import { type WorldSource, worldFrom } from './world-source.ts';

export type { WorldSource } from './world-source.ts';

export interface SimulatorThreadOptions extends Omit<SimulatorOptions, 'world'> {
  /** How both copies of the world are built; they must be deterministic in it (seeded worlds are). */
  readonly source: WorldSource;
  /** The day both copies start at. @default 0 */
  readonly day?: number;
  /** How long a day change may take in the worker before it counts as hung. @default 120000 */
  readonly callTimeoutMs?: number;
}

/** Messages of the worker protocol (shared/simulator/thread-worker.ts). */
export type ThreadRequest =
  | { readonly op: 'setDay'; readonly day: number }
  | { readonly op: 'passNoon' }
  | { readonly op: 'stats' }
  | { readonly op: 'close' };

export interface ThreadStart {
  readonly source: WorldSource;
  readonly day: number;
  readonly options: Omit<SimulatorOptions, 'world'>;
  /** [0]: completed calls (the worker bumps and notifies it), [1]: 1 when the last call failed. */
  readonly control: SharedArrayBuffer;
  /** The answer of a `stats` call: requests, faults, timeouts, malformed, throttled. */
  readonly stats: SharedArrayBuffer;
}

export type ThreadEvent =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

export const STATS_FIELDS = [
  'requests',
  'faults',
  'timeouts',
  'malformed',
  'throttled',
  'stale',
  'delayed',
] as const;

/**
 * Starts the simulator in a worker thread; the handle behaves as {@link Simulator} (`setDay` and
 * `stats` wait for the worker, so a day change is in force before the next request is sent).
 *
 * @example
 * const sim = await startSimulatorThread({
 *   source: { kind: 'generated', options: { seed: 1, subjects: 100, startDate: '2026-07-15' } },
 * });
 * sim.world.portfolio(); // this thread's copy
 * sim.setDay(1);
 * await sim.close();
 */
export async function startSimulatorThread(options: SimulatorThreadOptions): Promise<Simulator> {
  const { source, day = 0, callTimeoutMs = 120_000, ...simulatorOptions } = options;
  const world: SimWorld = worldFrom(source);
  world.advanceTo(day);
  const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const stats = new Float64Array(new SharedArrayBuffer(STATS_FIELDS.length * Float64Array.BYTES_PER_ELEMENT));
  const start: ThreadStart = {
    source,
    day,
    options: simulatorOptions,
    control: control.buffer as SharedArrayBuffer,
    stats: stats.buffer as SharedArrayBuffer,
  };
  const worker = new Worker(fileURLToPath(new URL('./thread-worker.ts', import.meta.url)), {
    workerData: start,
  });
  let exited = false;
  let closed: Promise<void> | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(new Error(`simulator thread: ${error.message}`, { cause: error }));
    const onExit = (code: number) =>
      reject(new Error(`simulator thread exited (code ${code}) before listening`));
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (event: ThreadEvent) => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (event.type === 'ready') resolve(event.url);
      else reject(new Error(`simulator thread: ${event.type === 'failed' ? event.message : event.type}`));
    });
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  worker.on('exit', () => {
    exited = true;
  });
  // A crashed worker shows up as failed calls and refused connections, not as an unhandled error.
  worker.on('error', () => {});

  /** A synchronous call: the caller's thread waits for the worker, which never waits for it. */
  const call = (request: ThreadRequest): void => {
    if (exited) throw new Error(`simulator thread: ${request.op} after the worker exited`);
    const before = Atomics.load(control, 0);
    worker.postMessage(request);
    if (request.op === 'setDay') world.advanceTo(request.day);
    if (request.op === 'passNoon') passNoonOf(world);
    const deadline = Date.now() + callTimeoutMs;
    while (Atomics.load(control, 0) === before) {
      const left = deadline - Date.now();
      if (left <= 0 || exited) throw new Error(`simulator thread: no answer to ${request.op}`);
      Atomics.wait(control, 0, before, Math.min(left, 1000));
    }
    if (Atomics.load(control, 1) === 1) throw new Error(`simulator thread: ${request.op} failed`);
  };

  return {
    url,
    world,
    setDay: (next) => call({ op: 'setDay', day: next }),
    passNoon: () => call({ op: 'passNoon' }),
    day: () => world.day(),
    today: () => world.today(),
    stats: (): SimulatorStats => {
      call({ op: 'stats' });
      const [requests = 0, faults = 0, timeouts = 0, malformed = 0, throttled = 0, stale = 0, delayed = 0] =
        stats;
      return { requests, faults, timeouts, malformed, throttled, stale, delayed };
    },
    close: () => {
      closed ??= (async () => {
        if (exited) return;
        const done = new Promise<void>((resolve) => {
          worker.on('message', (event: ThreadEvent) => {
            if (event.type === 'closed') resolve();
          });
          worker.once('exit', () => resolve());
        });
        worker.postMessage({ op: 'close' } satisfies ThreadRequest);
        await done;
        await worker.terminate();
      })();
      return closed;
    },
  };
}
