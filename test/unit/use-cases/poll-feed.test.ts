import { type FeedChange, type FeedPage, pollFeed } from '#shared/use-cases/poll-feed.ts';
import type { FeedCursor, FeedCursorStore, JobSubject, MonitorJob } from '#shared/use-cases/ports.ts';
import { sweepOutboxes } from '#shared/use-cases/sweep-outboxes.ts';

class MemoryCursors implements FeedCursorStore {
  cursor: FeedCursor | null = null;
  /** Moves the cursor as a concurrent poller would, right before the next advance. */
  racer: number | null = null;
  async get() {
    return this.cursor;
  }
  async advance(_feed: string, from: number | null, to: number) {
    if (this.racer !== null) {
      this.cursor = { lastId: this.racer, updatedAt: 'x' };
      this.racer = null;
    }
    if ((this.cursor?.lastId ?? null) !== from || (from !== null && to <= from)) return false;
    this.cursor = { lastId: to, updatedAt: 'x' };
    return true;
  }
}

const subject = (id: string, registryId: string): JobSubject => ({
  id,
  kind: 'business',
  country: 'NO',
  registryId,
  personToken: null,
  sealedNationalId: null,
  version: 1,
  hash: 'h',
});

/** A feed of `ids` (registry ids in update order, from update id 1) read `size` at a time. */
function feed(ids: readonly string[], options: { failAfter?: number; irrelevant?: Set<number> } = {}) {
  const reads: number[] = [];
  return {
    reads,
    async readPage(afterId: number, size: number): Promise<FeedPage> {
      reads.push(afterId);
      if (options.failAfter !== undefined && afterId >= options.failAfter) throw new Error('feed down');
      const changes: FeedChange[] = ids
        .map((registryId, i) => ({ registryId, updateId: i + 1, relevant: !options.irrelevant?.has(i + 1) }))
        .filter((c) => c.updateId > afterId)
        .slice(0, size);
      return { changes, lastId: changes.at(-1)?.updateId ?? null };
    },
  };
}

function setup(ids: readonly string[], options: Parameters<typeof feed>[1] = {}) {
  const monitored = new Map([
    ['923609016', subject('equinor', '923609016')],
    ['914778271', subject('dnb', '914778271')],
  ]);
  const sent: MonitorJob[] = [];
  const cursors = new MemoryCursors();
  const source = feed(ids, options);
  const deps = {
    feed: 'brreg/enheter',
    country: 'NO',
    readPage: source.readPage,
    store: { findByRegistry: async (_c: string, id: string) => monitored.get(id) ?? null },
    cursors,
    queue: {
      sendMonitorJobs: async (jobs: readonly MonitorJob[]) => {
        sent.push(...jobs);
      },
    },
    now: () => new Date('2026-10-08T06:00:00Z'),
  };
  return { deps, sent, cursors, source };
}

describe('pollFeed', () => {
  it('sends feed-tier jobs for exactly the monitored subjects named, once each, then moves the cursor', async () => {
    // Prepare
    const { deps, sent, cursors } = setup(['923609016', '999999999', '923609016', '914778271', '111111111']);
    // Act
    const result = await pollFeed(deps, { pageSize: 2 });
    // Assess
    expect(sent.flatMap((job) => job.subjects.map((s) => s.id))).toEqual(['equinor', 'dnb']);
    expect(sent.every((job) => job.tier === 'feed')).toBe(true);
    expect(result).toMatchObject({ changes: 5, subjects: 2, from: null, to: 5, caughtUp: true });
    expect(cursors.cursor?.lastId).toBe(5);
  });

  it('resumes after its cursor and never passes a page it could not read', async () => {
    // Prepare
    const { deps, cursors, source } = setup(['923609016', '914778271', '923609016', '914778271'], {
      failAfter: 2,
    });
    cursors.cursor = { lastId: 0, updatedAt: 'x' };
    // Act
    const error = await pollFeed(deps, { pageSize: 2 }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(source.reads).toEqual([0, 2]);
    expect(cursors.cursor?.lastId).toBe(2);
  });

  it('skips changes that cannot change a snapshot but still moves past them', async () => {
    // Prepare
    const { deps, sent, cursors } = setup(['923609016'], { irrelevant: new Set([1]) });
    // Act
    await pollFeed(deps);
    // Assess
    expect(sent).toEqual([]);
    expect(cursors.cursor?.lastId).toBe(1);
  });

  it('stops, without moving the cursor back, when another poller got ahead', async () => {
    // Prepare
    const { deps, cursors } = setup(['923609016', '914778271', '923609016']);
    cursors.racer = 3;
    // Act
    const result = await pollFeed(deps, { pageSize: 1 });
    // Assess
    expect(result.overtaken).toBe(true);
    expect(cursors.cursor?.lastId).toBe(3);
  });

  it('starts a feed without a cursor at its head, stores it, and the next poll goes on from it', async () => {
    // Prepare
    const { deps, sent, cursors, source } = setup(['923609016', '914778271', '923609016', '914778271']);
    const asked: Date[] = [];
    const withHead = {
      ...deps,
      readHead: async (at: Date) => {
        asked.push(at);
        return 3;
      },
    };
    // Act
    const first = await pollFeed(withHead, { pageSize: 10 });
    const second = await pollFeed(withHead, { pageSize: 10 });
    // Assess
    expect(asked).toEqual([new Date('2026-10-08T06:00:00Z')]);
    expect(first).toMatchObject({ from: null, head: 3, to: 4, changes: 1 });
    expect(second).toMatchObject({ from: 4, head: null, to: 4, changes: 0 });
    expect(source.reads).toEqual([3, 4]);
    expect(sent.flatMap((job) => job.subjects.map((s) => s.id))).toEqual(['dnb']);
    expect(cursors.cursor?.lastId).toBe(4);
  });

  it('goes on from the head another poller stored first', async () => {
    // Prepare
    const { deps, cursors, source } = setup(['1', '2', '3', '4', '5']);
    cursors.racer = 4;
    // Act
    const result = await pollFeed({ ...deps, readHead: async () => 2 }, { pageSize: 10 });
    // Assess
    expect(result).toMatchObject({ head: 2, to: 5 });
    expect(source.reads).toEqual([4]);
    expect(cursors.cursor?.lastId).toBe(5);
  });

  it('stores the head even when the first page then fails', async () => {
    // Prepare
    const { deps, cursors } = setup(['1', '2', '3'], { failAfter: 0 });
    // Act
    const error = await pollFeed({ ...deps, readHead: async () => 2 }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(cursors.cursor?.lastId).toBe(2);
  });

  it('reads at most maxPages pages per invocation', async () => {
    // Prepare
    const { deps, cursors } = setup(['1', '2', '3', '4', '5']);
    // Act
    const result = await pollFeed(deps, { pageSize: 1, maxPages: 2 });
    // Assess
    expect(result).toMatchObject({ pages: 2, caughtUp: false, to: 2 });
    expect(cursors.cursor?.lastId).toBe(2);
  });
});

describe('sweepOutboxes', () => {
  it('republishes outboxes past the grace period, clears them by version, and reports the oldest left', async () => {
    // Prepare
    const now = new Date('2026-10-08T06:30:00Z');
    const alert = { alertId: 'al_1' } as never;
    const states = new Map([
      [
        'old',
        { subject: { id: 'old' }, version: 4, outbox: [alert], outboxSince: '2026-10-08T06:00:00.000Z' },
      ],
      [
        'failing',
        { subject: { id: 'failing' }, version: 2, outbox: [alert], outboxSince: '2026-10-08T06:10:00.000Z' },
      ],
    ]);
    const published: string[] = [];
    const cleared: [string, number][] = [];
    const store = {
      pendingOutboxes: async (olderThan: string, limit: number) =>
        [...states]
          .filter(([, s]) => s.outbox.length > 0 && s.outboxSince < olderThan)
          .sort(([, a], [, b]) => a.outboxSince.localeCompare(b.outboxSince))
          .slice(0, limit)
          .map(([id]) => id),
      get: async (id: string) => (states.get(id) ?? null) as never,
      clearOutbox: async (id: string, version: number) => {
        cleared.push([id, version]);
        states.set(id, { subject: { id }, version, outbox: [], outboxSince: '' });
      },
      appendHistory: async () => {},
      appendAlerts: async () => {},
    };
    let calls = 0;
    const publisher = {
      publish: async () => {
        calls++;
        if (calls === 2) throw new Error('SNS throttled');
        published.push('ok');
      },
    };
    // Act
    const result = await sweepOutboxes({ store, publisher, now: () => now }, { graceMinutes: 5 });
    // Assess
    expect(cleared).toEqual([['old', 4]]);
    expect(result).toMatchObject({ swept: 1, alerts: 1, oldestPendingSeconds: 20 * 60 });
    expect(result.failures).toEqual([{ subjectId: 'failing', reason: 'Error: SNS throttled' }]);
  });
});
