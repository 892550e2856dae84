/**
 * The feed tier: read a registry's change feed from its stored cursor, re-check only the monitored
 * subjects it names, then move the cursor. Jobs go out before the cursor moves, so a crash between
 * the two re-sends a page's jobs (checks are idempotent: an unchanged hash stops at the fetch) but
 * never skips a page. Each invocation reads a bounded number of pages; the next poll goes on.
 *
 * A feed without a stored cursor (a first deployment) starts at the feed's head as of the poll, and
 * stores it before reading on: what changed before is what enrolment's baseline check reads, and
 * paging 25 million entries of the registry's history would only re-check subjects already checked.
 */
import type { FeedCursorStore, JobQueue, JobSubject, MonitorJob, SubjectStore } from './ports.ts';

/** One entry of a change feed, as the poll needs it. */
export interface FeedChange {
  readonly registryId: string;
  readonly updateId: number;
  /** False when the feed says the change touched nothing a snapshot is built from. */
  readonly relevant: boolean;
}

export interface FeedPage {
  /** Ascending `updateId`, all after the id asked for. */
  readonly changes: readonly FeedChange[];
  /** The highest id on the page; null for an empty page. */
  readonly lastId: number | null;
}

export interface PollFeedDependencies {
  /** Cursor name, `<provider>/<feed>`, e.g. `brreg/enheter`. */
  readonly feed: string;
  /** Country of the registry whose ids the feed carries. */
  readonly country: string;
  /** Reads the page of changes after `afterId`. */
  readPage(afterId: number, size: number): Promise<FeedPage>;
  /**
   * The feed's head as of `at`: a cursor after which lie only changes made from `at` on. Asked only
   * when no cursor is stored; without it such a feed starts at `initialAfterId`.
   */
  readHead?(at: Date): Promise<number>;
  readonly store: Pick<SubjectStore, 'findByRegistry'>;
  readonly cursors: FeedCursorStore;
  readonly queue: Pick<JobQueue, 'sendMonitorJobs'>;
  now(): Date;
  /** Milliseconds left in the invocation. @default unlimited */
  remainingMs?(): number;
}

export interface PollFeedSettings {
  /** Changes per feed page. @default 500 */
  readonly pageSize?: number;
  /** Pages per invocation: a backlog is read over several polls. @default 20 */
  readonly maxPages?: number;
  /** Subjects per monitor job message. @default 25 */
  readonly subjectsPerJob?: number;
  /**
   * Where a feed without a stored cursor and without `readHead` starts (exclusive).
   * @default 0
   */
  readonly initialAfterId?: number;
  /** Registry lookups in flight at once. @default 10 */
  readonly lookupConcurrency?: number;
  /** Stop reading pages when less than this is left of the invocation. @default 20000 */
  readonly reserveMs?: number;
}

export interface PollFeedResult {
  readonly pages: number;
  /** Feed entries read. */
  readonly changes: number;
  /** Distinct monitored subjects sent for a check. */
  readonly subjects: number;
  readonly jobs: number;
  /** The cursor before and after the poll. */
  readonly from: number | null;
  readonly to: number | null;
  /** True when the last page read was the feed's head. */
  readonly caughtUp: boolean;
  /** True when another poller moved the cursor first: this poll stopped there. */
  readonly overtaken: boolean;
  /** The head this poll found and stored because no cursor was stored; null otherwise. */
  readonly head: number | null;
}

/**
 * Polls one change feed once.
 *
 * @example
 * const result = await pollFeed({ feed: 'brreg/enheter', country: 'NO', readPage, store, cursors, queue, now });
 * // result.subjects monitored subjects were re-checked; the cursor is at result.to
 */
export async function pollFeed(
  deps: PollFeedDependencies,
  settings: PollFeedSettings = {},
): Promise<PollFeedResult> {
  const pageSize = settings.pageSize ?? 500;
  const maxPages = settings.maxPages ?? 20;
  const subjectsPerJob = settings.subjectsPerJob ?? 25;
  const reserveMs = settings.reserveMs ?? 20_000;
  const remainingMs = deps.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const requestedAt = deps.now().toISOString();

  const stored = await deps.cursors.get(deps.feed);
  const from = stored?.lastId ?? null;
  let at = from;
  let head: number | null = null;
  if (at === null && deps.readHead) {
    head = await deps.readHead(deps.now());
    // Stored before any page is read, so a poll that fails later still starts from here next time;
    // a poller that stored one first wins, and this one goes on from that.
    at = (await deps.cursors.advance(deps.feed, null, head))
      ? head
      : ((await deps.cursors.get(deps.feed))?.lastId ?? head);
  }
  let afterId = at ?? settings.initialAfterId ?? 0;
  const looked = new Set<string>();
  const sent = new Set<string>();
  let pages = 0;
  let changes = 0;
  let jobs = 0;
  let caughtUp = false;
  let overtaken = false;

  while (pages < maxPages && remainingMs() > reserveMs) {
    const page = await deps.readPage(afterId, pageSize);
    pages++;
    if (page.lastId === null || page.changes.length === 0) {
      caughtUp = true;
      break;
    }
    changes += page.changes.length;
    const registryIds = [
      ...new Set(page.changes.filter((change) => change.relevant).map((change) => change.registryId)),
    ].filter((id) => !looked.has(id));
    for (const id of registryIds) looked.add(id);
    const found = await mapLimited(registryIds, settings.lookupConcurrency ?? 10, (id) =>
      deps.store.findByRegistry(deps.country, id),
    );
    const subjects = found.filter(
      (subject): subject is JobSubject => subject !== null && !sent.has(subject.id),
    );
    for (const subject of subjects) sent.add(subject.id);

    const runId = `feed-${deps.feed}-${afterId + 1}-${page.lastId}`;
    const batch = chunk(subjects, subjectsPerJob).map(
      (group): MonitorJob => ({ tier: 'feed', runId, requestedAt, subjects: group }),
    );
    if (batch.length > 0) await deps.queue.sendMonitorJobs(batch);
    jobs += batch.length;

    // Only now, with the page's jobs on the queue, may the cursor pass the page.
    if (!(await deps.cursors.advance(deps.feed, at, page.lastId))) {
      overtaken = true;
      break;
    }
    at = page.lastId;
    afterId = page.lastId;
    if (page.changes.length < pageSize) {
      caughtUp = true;
      break;
    }
  }
  return { pages, changes, subjects: sent.size, jobs, from, to: at, caughtUp, overtaken, head };
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
