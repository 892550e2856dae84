import { request } from 'node:http';
import { mulberry32 } from '#shared/simulator/prng.ts';
import { decideFault, startSimulator, worldTransport } from '#shared/simulator/server.ts';
import { createWorld } from '#shared/simulator/world.ts';

const world = createWorld({ seed: 1, subjects: 50, startDate: '2026-07-15' });
const orgnr = world.portfolio().find((s) => s.country === 'NO' && s.kind === 'business')?.registryId ?? '';

function httpGet(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startSimulator', () => {
  it('serves the world over HTTP on 127.0.0.1 and follows setDay', async () => {
    // Prepare
    const sim = await startSimulator({ world });

    try {
      // Act
      const answer = await httpGet(`${sim.url}/enhetsregisteret/api/enheter/${orgnr}`);
      sim.setDay(3);

      // Assess
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).organisasjonsnummer).toBe(orgnr);
      expect([sim.day(), sim.today()]).toEqual([3, '2026-07-18']);
      expect(sim.stats().requests).toBe(1);
    } finally {
      await sim.close();
      world.advanceTo(0);
    }
  });

  it('injects faults at the seeded rates, each request drawing afresh', async () => {
    // Prepare
    const faults = { faultRate: 0.1, timeoutRate: 0.05, malformedRate: 0.05, throttleRate: 0.1 };
    const sim = await startSimulator({ world, faults, seed: 7, holdMs: 10 });
    const replay = mulberry32(7);
    const expected = { fault: 0, timeout: 0, malformed: 0, throttle: 0, none: 0 };
    for (let i = 0; i < 200; i += 1) expected[decideFault(replay, faults) ?? 'none'] += 1;
    const seen = { fault: 0, timeout: 0, malformed: 0, throttle: 0, none: 0 };

    try {
      // Act
      for (let i = 0; i < 200; i += 1) {
        try {
          const answer = await httpGet(`${sim.url}/enhetsregisteret/api/enheter/${orgnr}`);
          if (answer.status === 503) seen.fault += 1;
          else if (answer.status === 429) {
            seen.throttle += 1;
            expect(answer.headers['retry-after']).toBe('1');
          } else {
            try {
              JSON.parse(answer.body);
              seen.none += 1;
            } catch {
              seen.malformed += 1;
            }
          }
        } catch {
          seen.timeout += 1;
        }
      }

      // Assess
      expect(seen).toEqual(expected);
      expect(expected).toEqual({ fault: 16, timeout: 6, malformed: 13, throttle: 16, none: 149 });
      expect(sim.stats()).toEqual({
        requests: 200,
        faults: 16,
        timeouts: 6,
        malformed: 13,
        throttled: 16,
        stale: 0,
        delayed: 0,
      });
    } finally {
      await sim.close();
    }
  });

  it('lets a retry succeed even at a high fault rate', async () => {
    // Prepare
    const sim = await startSimulator({ world, faults: { faultRate: 0.6, throttleRate: 0.3 }, seed: 3 });

    try {
      // Act
      const statuses: number[] = [];
      while (statuses.at(-1) !== 200 && statuses.length < 50) {
        statuses.push((await httpGet(`${sim.url}/enhetsregisteret/api/enheter/${orgnr}`)).status);
      }

      // Assess
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.length).toBeGreaterThan(1);
    } finally {
      await sim.close();
    }
  });

  it('close() ends connections it is holding for a simulated timeout', async () => {
    // Prepare
    const sim = await startSimulator({ world, faults: { timeoutRate: 1 }, holdMs: 600_000 });
    const pending = httpGet(`${sim.url}/company/00000000`).then(
      () => 'answered',
      () => 'closed',
    );
    while (sim.stats().timeouts === 0) await new Promise((resolve) => setImmediate(resolve));

    // Act
    await sim.close();

    // Assess
    await expect(pending).resolves.toBe('closed');
  });

  it('rejects fault rates that do not make sense', async () => {
    await expect(startSimulator({ world, faults: { faultRate: 0.7, timeoutRate: 0.5 } })).rejects.toThrow(
      /add up/,
    );
    await expect(startSimulator({ world, faults: { faultRate: -1 } })).rejects.toThrow(/faultRate/);
  });
});

describe('worldTransport', () => {
  it('answers through respond() without sockets, under a base path', async () => {
    // Prepare
    const transport = worldTransport(world, 'http://simulator.local/base');
    const person = world.portfolio().find((s) => s.kind === 'individual');

    // Act
    const entity = await transport({
      method: 'GET',
      url: `http://simulator.local/base/enhetsregisteret/api/enheter/${orgnr}`,
      headers: {},
      timeoutMs: 1000,
    });
    const lookup = await transport({
      method: 'POST',
      url: 'http://simulator.local/base/credit-bureau/v1/persons/lookup',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ country: 'NO', nationalId: person?.nationalId }),
      timeoutMs: 1000,
    });

    // Assess
    expect(entity.status).toBe(200);
    expect(entity.headers['content-type']).toBe('application/json');
    expect(JSON.parse(entity.body).organisasjonsnummer).toBe(orgnr);
    expect(JSON.parse(lookup.body)).toMatchObject({ kind: 'person', schema: 'credmon.bureau/v1' });
  });
});
