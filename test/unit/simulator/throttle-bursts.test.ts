import { request } from 'node:http';
import { startSimulator } from '#shared/simulator/server.ts';
import { createWorld } from '#shared/simulator/world.ts';

const world = createWorld({ seed: 1, subjects: 20, startDate: '2026-07-15' });
const orgnr = world.portfolio().find((s) => s.country === 'NO' && s.kind === 'business')?.registryId ?? '';

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startSimulator throttle bursts', () => {
  it('answers a run of consecutive requests 429 once a burst starts', async () => {
    // Prepare: every request outside a burst starts one, so 429s come in runs of exactly `length`.
    const sim = await startSimulator({ world, throttleBursts: { rate: 1, length: 4 } });
    const statuses: number[] = [];

    try {
      // Act
      for (let i = 0; i < 8; i += 1)
        statuses.push(await status(`${sim.url}/enhetsregisteret/api/enheter/${orgnr}`));

      // Assess
      expect(statuses).toEqual([429, 429, 429, 429, 429, 429, 429, 429]);
      expect(sim.stats().throttled).toBe(8);
    } finally {
      await sim.close();
    }
  });

  it('leaves requests alone between bursts and rejects a burst rate outside 0..1', async () => {
    // Prepare
    const sim = await startSimulator({ world, throttleBursts: { rate: 0, length: 4 } });

    try {
      // Act
      const answer = await status(`${sim.url}/enhetsregisteret/api/enheter/${orgnr}`);

      // Assess
      expect(answer).toBe(200);
      await expect(startSimulator({ world, throttleBursts: { rate: 2, length: 1 } })).rejects.toThrow(
        /throttleBursts/,
      );
    } finally {
      await sim.close();
    }
  });
});
