/** The feed-poll handler's wiring: what it measures when a poll succeeds and when a feed fails. */
import type { Context } from 'aws-lambda';
import { createFeedPollHandler } from '#functions/feed-poll/create-handler.ts';
import { createObservability } from '#shared/observability.ts';
import type { PollFeedDependencies } from '#shared/use-cases/poll-feed.ts';
import type { FeedCursor } from '#shared/use-cases/ports.ts';

const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function feed(readPage: PollFeedDependencies['readPage']): Omit<PollFeedDependencies, 'remainingMs'> {
  let cursor: FeedCursor | null = { lastId: 100, updatedAt: '2026-07-19T06:00:00Z' };
  return {
    feed: 'brreg/enheter',
    country: 'NO',
    readPage,
    store: { findByRegistry: async () => null },
    cursors: {
      get: async () => cursor,
      advance: async (_feed: string, _from: number | null, to: number) => {
        cursor = { lastId: to, updatedAt: '2026-07-20T06:00:00Z' };
        return true;
      },
    },
    queue: { sendMonitorJobs: async () => undefined },
    now: () => new Date('2026-07-20T06:00:00Z'),
  };
}

function handlerWith(readPage: PollFeedDependencies['readPage']) {
  const metrics: string[] = [];
  const handler = createFeedPollHandler({
    ...createObservability({
      serviceName: 'test',
      logSink: () => {},
      metricsSink: (line) => metrics.push(line),
    }),
    feeds: [feed(readPage)],
  });
  const names = () => metrics.flatMap((line) => Object.keys(JSON.parse(line) as object));
  return { handler, names };
}

describe('feed-poll handler', () => {
  it('measures the pages, changes and subjects of a poll', async () => {
    // Prepare
    const { handler, names } = handlerWith(async () => ({ changes: [], lastId: null }));
    // Act
    await handler({ requestedBy: 'schedule' }, context);
    // Assess
    expect(names()).toEqual(expect.arrayContaining(['FeedPages', 'FeedChanges', 'FeedSubjectsEnqueued']));
    expect(names()).not.toContain('FeedPollFailures');
  });

  it('counts a failed poll in FeedPollFailures and rethrows for the schedule to retry', async () => {
    // Prepare
    const { handler, names } = handlerWith(async () => {
      throw new Error('brreg: HTTP 503');
    });
    // Act
    const failure = await handler({ requestedBy: 'schedule' }, context).catch((error: unknown) => error);
    // Assess
    expect(failure).toEqual(new Error('brreg: HTTP 503'));
    expect(names()).toContain('FeedPollFailures');
  });
});
