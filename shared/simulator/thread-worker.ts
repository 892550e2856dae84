/**
 * The worker side of shared/simulator/thread.ts: builds the world from its recipe, serves it over
 * HTTP and answers the host's calls through shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startSimulator } from './server.ts';
import { STATS_FIELDS, type ThreadEvent, type ThreadRequest, type ThreadStart } from './thread.ts';
import { worldFrom } from './world-source.ts';

const port = parentPort;
if (port === null) throw new Error('shared/simulator/thread-worker.ts runs as a worker thread only');
const start = workerData as ThreadStart;
const control = new Int32Array(start.control);
const stats = new Float64Array(start.stats);
const post = (event: ThreadEvent) => port.postMessage(event);

try {
  const world = worldFrom(start.source);
  world.advanceTo(start.day);
  const simulator = await startSimulator({ ...start.options, world });
  const done = (failed: boolean) => {
    Atomics.store(control, 1, failed ? 1 : 0);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  };
  port.on('message', (request: ThreadRequest) => {
    if (request.op === 'close') {
      void simulator.close().then(() => {
        post({ type: 'closed' });
        port.close();
      });
      return;
    }
    try {
      if (request.op === 'setDay') simulator.setDay(request.day);
      else if (request.op === 'passNoon') simulator.passNoon();
      else {
        const counts = simulator.stats();
        STATS_FIELDS.forEach((field, index) => {
          stats[index] = counts[field];
        });
      }
      done(false);
    } catch {
      done(true);
    }
  });
  post({ type: 'ready', url: simulator.url });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  port.close();
}
