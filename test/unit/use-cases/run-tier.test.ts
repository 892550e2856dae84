import { TIER_SHARDS } from '#shared/catalogue.ts';
import type { FanOutRequest, JobQueue, MonitorJob } from '#shared/use-cases/ports.ts';
import { fanOut } from '#shared/use-cases/run-tier.ts';
import { InMemoryStore } from '../../support/in-memory-store.ts';
import { equinor, subjectFor } from '../domain/snapshot-builders.ts';

class RecordingQueue implements JobQueue {
  readonly jobs: MonitorJob[] = [];
  readonly fanOuts: FanOutRequest[] = [];
  async sendMonitorJobs(jobs: readonly MonitorJob[]) {
    this.jobs.push(...jobs);
  }
  async sendFanOut(requests: readonly FanOutRequest[]) {
    this.fanOuts.push(...requests);
  }
}

async function storeWith(count: number) {
  const store = new InMemoryStore();
  for (let i = 0; i < count; i++) {
    await store.enrol({ ...subjectFor(equinor()), id: `s-${i}`, tier: 'daily' }, null);
  }
  return store;
}

const now = () => new Date('2026-07-20T06:00:00Z');

describe('fanOut', () => {
  it('turns a SubjectEnrolled detail into one monitor job of exactly that subject, monthly too', async () => {
    // Prepare: the bus delivers the event's detail as the fan-out message
    const store = await storeWith(3);
    await store.enrol({ ...subjectFor(equinor()), id: 'late', tier: 'monthly' }, null);
    await store.enrol({ ...subjectFor(equinor()), id: 'gone', tier: 'monthly' }, null);
    await store.remove('gone');
    const queue = new RecordingQueue();
    const deps = { store, queue, now, remainingMs: () => 60_000 };
    // Act
    const result = await fanOut({ subjectId: 'late', tier: 'monthly' }, deps);
    const removed = await fanOut({ subjectId: 'gone', tier: 'monthly' }, deps);
    // Assess
    expect(result).toEqual({ subjects: 1, jobs: 1, continued: false });
    expect(removed).toEqual({ subjects: 0, jobs: 0, continued: false });
    expect(queue.jobs).toMatchObject([
      { tier: 'monthly', subjects: [{ id: 'late', version: 0, hash: null }] },
    ]);
    expect(queue.jobs[0]?.subjects).toHaveLength(1);
    expect(queue.fanOuts).toEqual([]);
  });

  it('splits a tier request into one request per shard, never reading the table', async () => {
    const store = await storeWith(3);
    const queue = new RecordingQueue();
    await fanOut(
      { tier: 'weekly', requestedBy: 'schedule' },
      { store, queue, now, remainingMs: () => 60_000 },
    );
    expect(queue.fanOuts).toHaveLength(TIER_SHARDS);
    expect(new Set(queue.fanOuts.map((r) => r.runId)).size).toBe(1);
    expect(queue.jobs).toHaveLength(0);
    expect(store.reads).toBe(0);
  });

  it('checks the feed tier with the daily run, since the feeds do not name accounts or bureau changes', async () => {
    // Prepare
    const store = new InMemoryStore();
    for (const [id, tier] of [
      ['d-1', 'daily'],
      ['f-1', 'feed'],
      ['f-2', 'feed'],
      ['w-1', 'weekly'],
    ] as const) {
      await store.enrol({ ...subjectFor(equinor()), id, tier }, null);
    }
    const runTier = async (tier: 'daily' | 'weekly') => {
      const queue = new RecordingQueue();
      const deps = { store, queue, now, remainingMs: () => 60_000 };
      await fanOut({ tier, requestedBy: 'schedule' }, deps);
      for (const shard of [...queue.fanOuts]) await fanOut(shard, deps);
      return queue.jobs.flatMap((job) => job.subjects.map((subject) => `${job.tier}:${subject.id}`)).sort();
    };
    // Act
    const daily = await runTier('daily');
    const weekly = await runTier('weekly');
    // Assess
    expect(daily).toEqual(['daily:d-1', 'feed:f-1', 'feed:f-2']);
    expect(weekly).toEqual(['weekly:w-1']);
  });

  it('pages a shard into jobs of several subjects each', async () => {
    const store = await storeWith(60);
    const queue = new RecordingQueue();
    const result = await fanOut(
      { tier: 'daily', runId: 'r1', requestedAt: now().toISOString(), shard: 0, cursor: null },
      { store, queue, now, remainingMs: () => 60_000 },
      { subjectsPerJob: 25, pageSize: 50 },
    );
    expect(result).toEqual({ subjects: 60, jobs: 3, continued: false });
    expect(queue.jobs.map((job) => job.subjects.length)).toEqual([25, 25, 10]);
    expect(queue.jobs.every((job) => job.runId === 'r1' && job.tier === 'daily')).toBe(true);
  });

  it('continues through the queue when the time budget runs out', async () => {
    const store = await storeWith(120);
    const queue = new RecordingQueue();
    const result = await fanOut(
      { tier: 'daily', runId: 'r1', requestedAt: now().toISOString(), shard: 0, cursor: null },
      { store, queue, now, remainingMs: () => 1_000 },
      { subjectsPerJob: 25, pageSize: 50, reserveMs: 30_000 },
    );
    expect(result.continued).toBe(true);
    expect(result.subjects).toBe(50);
    expect(queue.fanOuts).toEqual([expect.objectContaining({ shard: 0, cursor: '50', runId: 'r1' })]);
  });

  it('goes on to the feed tier of the same shard after the daily one, through the queue when time is short', async () => {
    // Prepare: one page empties the daily shard, and the budget leaves no time for another.
    const store = await storeWith(10);
    const queue = new RecordingQueue();
    const shardOf = (tier: 'daily' | 'feed') => ({
      tier,
      runId: 'r1',
      requestedAt: now().toISOString(),
      cursor: null,
    });
    // Act
    const result = await fanOut(
      { ...shardOf('daily'), shard: 3 },
      { store, queue, now, remainingMs: () => 1_000 },
      { reserveMs: 30_000 },
    );
    // Assess: no separate shard requests for the feed tier, one continuation into it.
    expect(result.continued).toBe(true);
    expect(queue.fanOuts).toEqual([{ ...shardOf('feed'), shard: 3 }]);
  });
});
