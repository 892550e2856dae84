/**
 * The feed-poll function: invoked by EventBridge Scheduler every few minutes, reads the change feeds
 * from their cursors and sends monitor jobs for the monitored subjects they name. Wiring only; the
 * work is pollFeed().
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import type { Observability } from '#shared/observability.ts';
import {
  type PollFeedDependencies,
  type PollFeedResult,
  type PollFeedSettings,
  pollFeed,
} from '#shared/use-cases/poll-feed.ts';

/** What the schedule sends; everything else about the poll is configuration. */
export const FeedPollRequest = z.object({ requestedBy: z.string().optional() });
export type FeedPollRequest = z.infer<typeof FeedPollRequest>;

export interface FeedPollHandlerDependencies extends Observability {
  /** One entry per feed polled, each with its own cursor. */
  readonly feeds: readonly Omit<PollFeedDependencies, 'remainingMs'>[];
  readonly settings?: PollFeedSettings;
}

/**
 * @example
 * export const handler = createFeedPollHandler({ feeds: brregFeedSources(bureaus, fetchTransport).map((source) => ({ ...source, store, cursors, queue, now })), logger, metrics });
 */
export function createFeedPollHandler(deps: FeedPollHandlerDependencies) {
  const { logger, metrics } = deps;
  const lambdaHandler = async (event: unknown, context: Context): Promise<PollFeedResult[]> => {
    const parsed = FeedPollRequest.safeParse(event ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`feed-poll request: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    const results: PollFeedResult[] = [];
    try {
      for (const feed of deps.feeds) {
        const result = await pollFeed(
          { ...feed, remainingMs: () => context.getRemainingTimeInMillis() },
          deps.settings,
        );
        metrics.addMetric('FeedPages', MetricUnit.Count, result.pages);
        metrics.addMetric('FeedChanges', MetricUnit.Count, result.changes);
        metrics.addMetric('FeedSubjectsEnqueued', MetricUnit.Count, result.subjects);
        logger.info('feed polled', { feed: feed.feed, requestedBy: parsed.data.requestedBy, ...result });
        results.push(result);
      }
      return results;
    } catch (error) {
      // The schedule retries on its next tick; the metric is what shows a feed stuck failing.
      metrics.addMetric('FeedPollFailures', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
  return middy(lambdaHandler, { timeoutEarlyInMillis: 0 });
}
