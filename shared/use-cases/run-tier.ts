/**
 * Fan-out: turn "run tier T" into monitor jobs without ever scanning the table. A tier request is
 * split into one request per shard of the sparse tier index; each shard is paged until a time budget
 * runs out, then continued through the fan-out queue, so a million subjects never meet the
 * function's time limit.
 */
import { randomUUID } from 'node:crypto';
import { TIER_SHARDS } from '#shared/catalogue.ts';
import type { Tier } from '#shared/domain/subject.ts';
import type { FanOutRequest, JobQueue, JobSubject, MonitorJob, SubjectStore } from './ports.ts';

/**
 * The tier a shard goes on to once it is paged. The change feeds name a subject only when its
 * registry entry changes; its accounts and everything the credit bureau knows (remarks, collection,
 * score) change without a feed entry, so the feed tier's subjects are also checked in full with the
 * daily run. Chained per shard rather than given shard requests of their own: those would cost a
 * message, an invocation and a query per shard even when the feed tier is empty.
 */
export const CHECKED_NEXT: Readonly<Partial<Record<Tier, Tier>>> = { daily: 'feed' };

export interface FanOutDependencies {
  readonly store: SubjectStore;
  readonly queue: JobQueue;
  now(): Date;
  /** Milliseconds left before the invocation must stop paging and continue through the queue. */
  remainingMs(): number;
}

export interface FanOutSettings {
  /** Subjects per monitor job message. @default 25 */
  readonly subjectsPerJob?: number;
  /** Items per index page. @default 500 */
  readonly pageSize?: number;
  /** Stop paging when less than this is left of the invocation. @default 30000 */
  readonly reserveMs?: number;
}

export interface FanOutResult {
  readonly subjects: number;
  readonly jobs: number;
  readonly continued: boolean;
}

/**
 * Handles one fan-out request: splits a tier into shards, or pages one shard (and then the same
 * shard of the {@link CHECKED_NEXT} tier).
 *
 * @example
 * await fanOut({ tier: 'daily', requestedBy: 'schedule' }, deps); // sends 16 shard requests
 */
export async function fanOut(
  request: FanOutRequest,
  deps: FanOutDependencies,
  settings: FanOutSettings = {},
): Promise<FanOutResult> {
  const runId = request.runId ?? `${request.tier}-${deps.now().toISOString()}-${randomUUID().slice(0, 8)}`;
  const requestedAt = request.requestedAt ?? deps.now().toISOString();
  if (request.subjectId !== undefined) return checkOne(request.subjectId, request, runId, requestedAt, deps);
  const { shard } = request;
  if (shard === undefined) {
    const shards: FanOutRequest[] = Array.from({ length: TIER_SHARDS }, (_, index) => ({
      tier: request.tier,
      runId,
      requestedAt,
      shard: index,
      cursor: null,
    }));
    await deps.queue.sendFanOut(shards);
    return { subjects: 0, jobs: 0, continued: true };
  }

  const subjectsPerJob = settings.subjectsPerJob ?? 25;
  const pageSize = settings.pageSize ?? 500;
  const reserveMs = settings.reserveMs ?? 30_000;
  let tier: Tier | undefined = request.tier;
  let cursor = request.cursor ?? null;
  let subjects = 0;
  let jobs = 0;
  do {
    const page = await deps.store.pageTier(tier, shard, cursor, pageSize);
    const pageTier = tier;
    const batch = chunk(page.subjects, subjectsPerJob).map(
      (group): MonitorJob => ({ tier: pageTier, runId, requestedAt, subjects: group }),
    );
    await deps.queue.sendMonitorJobs(batch);
    subjects += page.subjects.length;
    jobs += batch.length;
    cursor = page.cursor;
    if (cursor === null) tier = CHECKED_NEXT[tier];
  } while (tier !== undefined && deps.remainingMs() > reserveMs);

  if (tier !== undefined) {
    await deps.queue.sendFanOut([{ tier, runId, requestedAt, shard, cursor }]);
  }
  return { subjects, jobs, continued: tier !== undefined };
}

/** One subject's check now (its baseline after enrolment); nothing when it is not monitored. */
async function checkOne(
  subjectId: string,
  request: FanOutRequest,
  runId: string,
  requestedAt: string,
  deps: FanOutDependencies,
): Promise<FanOutResult> {
  const state = await deps.store.get(subjectId);
  if (!state?.monitored) return { subjects: 0, jobs: 0, continued: false };
  const subject: JobSubject = {
    id: state.subject.id,
    kind: state.subject.kind,
    country: state.subject.country,
    registryId: state.subject.registryId,
    personToken: state.subject.personToken,
    sealedNationalId: state.sealedNationalId,
    version: state.version,
    hash: state.hash,
  };
  await deps.queue.sendMonitorJobs([{ tier: request.tier, runId, requestedAt, subjects: [subject] }]);
  return { subjects: 1, jobs: 1, continued: false };
}

function chunk(items: readonly JobSubject[], size: number): JobSubject[][] {
  const groups: JobSubject[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
