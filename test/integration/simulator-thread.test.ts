import { keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { respond } from '#shared/simulator/respond.ts';
import { startSimulatorThread } from '#shared/simulator/thread.ts';
import { createWorld } from '#shared/simulator/world.ts';

const OPTIONS = { seed: 4, subjects: 40, startDate: '2026-07-15', eventRateScale: 20 };

describe('startSimulatorThread', () => {
  it('serves the same world as an in-process copy, follows setDay and counts requests', async () => {
    // Prepare
    const reference = createWorld(OPTIONS);
    const simulator = await startSimulatorThread({ source: { kind: 'generated', options: OPTIONS } });
    const paths = reference
      .portfolio()
      .filter((subject) => subject.country === 'NO' && subject.kind === 'business')
      .map((subject) => `/enhetsregisteret/api/enheter/${subject.registryId}`);
    const answersAt = async (day: number) => {
      reference.advanceTo(day);
      const served: unknown[] = [];
      const expected: unknown[] = [];
      for (const path of paths) {
        const response = await keepAliveTransport({
          method: 'GET',
          url: `${simulator.url}${path}`,
          headers: {},
          timeoutMs: 5000,
        });
        served.push([response.status, JSON.parse(response.body)]);
        const answer = respond(reference, { method: 'GET', path, query: {}, body: undefined });
        expected.push([answer.status, answer.body]);
      }
      return { served, expected };
    };

    try {
      // Act
      const day0 = await answersAt(0);
      simulator.setDay(30);
      const day30 = await answersAt(30);
      const stats = simulator.stats();

      // Assess
      expect(paths.length).toBeGreaterThan(10);
      expect(day0.served).toEqual(day0.expected);
      expect(day30.served).toEqual(day30.expected);
      expect(day30.served).not.toEqual(day0.served);
      expect(simulator.today()).toBe(reference.today());
      expect(simulator.world.portfolio()).toEqual(reference.portfolio());
      expect(stats.requests).toBe(2 * paths.length);
    } finally {
      await simulator.close();
    }
  });

  it('reports a world that cannot be built instead of hanging', async () => {
    // Act
    const started = startSimulatorThread({
      source: { kind: 'scenario', file: '/nonexistent/scenario.json' },
    });

    // Assess
    await expect(started).rejects.toThrow(/nonexistent/);
  });
});
