/**
 * Issue proof (feed cursors): on the embedded AWS, a first feed poll with no stored cursor starts at
 * each Brønnøysund feed's head as of the poll and stores it, instead of paging the feed from its
 * first entry; the next poll goes on from the stored cursor; and a roles-feed update for a monitored
 * organisation number sends that subject to a check, as an entity update does.
 */
import { BRREG_ENTITY_FEED, BRREG_ROLES_FEED } from '#shared/adapters/bureaus/brreg/feed-source.ts';
import { DynamoCursorStore } from '#shared/adapters/store/cursor-store.ts';
import { SCHEDULES } from '#shared/catalogue.ts';
import { type LocalPipeline, startLocalPipeline } from '#shared/local/pipeline.ts';
import { type Simulator, startSimulator } from '#shared/simulator/server.ts';
import { createWorld } from '#shared/simulator/world.ts';
import { enrolSubjects } from '#shared/use-cases/enrol-subjects.ts';
import type { PollFeedResult } from '#shared/use-cases/poll-feed.ts';
import { BENCH_PACING } from '../../bench/pipeline.ts';

/** In this world (seed 7, 300 subjects) the first roles event is on day 3, the second on day 6. */
const FIRST_POLL_DAY = 4;
const ROLES_DAY = 6;
const ROLES_SUBJECT = 'sim-00165';

describe('the Brønnøysund feed cursors', () => {
  let simulator: Simulator;
  let pipeline: LocalPipeline;
  let cursors: DynamoCursorStore;
  const byFeed = (results: PollFeedResult[], index: number) => {
    const result = results[index];
    if (!result) throw new Error(`no result for feed ${index}`);
    return result;
  };

  beforeAll(async () => {
    simulator = await startSimulator({
      world: createWorld({ seed: 7, subjects: 300, startDate: '2026-07-15' }),
    });
    const { world } = simulator;
    pipeline = await startLocalPipeline({
      simulatorUrl: simulator.url,
      pacing: BENCH_PACING,
      now: () => new Date(`${world.today()}T06:00:00.000Z`),
      metricsSink: () => {},
    });
    cursors = new DynamoCursorStore(pipeline.composition.clients.dynamodb, {
      tableName: pipeline.resources.tableName,
    });
    const { store, sealer } = pipeline.composition;
    await enrolSubjects(world.portfolio(), { store, sealer, tokenKey: pipeline.config.tokenKey });
  });

  afterAll(async () => {
    await pipeline?.stop();
    await simulator?.close();
  });

  it('starts at the head on the first poll, stores it, goes on from it, and checks a subject whose roles changed', async () => {
    // Prepare: the deployment happens on day 4 and baselines every subject.
    const { world } = simulator;
    simulator.setDay(FIRST_POLL_DAY);
    for (const { tier } of SCHEDULES) await pipeline.requestTier(tier, 'baseline');
    await pipeline.waitIdle();
    const now = `${world.today()}T06:00:00.000Z`;
    const entityIdsBefore = world
      .feed()
      .filter((e) => e.dato < now)
      .map((e) => e.oppdateringsid);
    const entitiesSince = world.feed().filter((e) => e.dato >= now);
    const rolesBefore = [...(world.rolesFeed?.() ?? [])];
    const versionBefore = (await pipeline.composition.store.get(ROLES_SUBJECT))?.version ?? -1;
    expect(await cursors.get(BRREG_ENTITY_FEED)).toBeNull();
    expect(await cursors.get(BRREG_ROLES_FEED)).toBeNull();

    // Act: the first poll, then two days later the second.
    const first = await pipeline.pollFeeds();
    const afterFirst = {
      entity: await cursors.get(BRREG_ENTITY_FEED),
      roles: await cursors.get(BRREG_ROLES_FEED),
    };
    simulator.setDay(ROLES_DAY);
    const second = await pipeline.pollFeeds();
    await pipeline.waitIdle();
    const state = await pipeline.composition.store.get(ROLES_SUBJECT);

    // Assess: the entity feed's head lies past every change made before the poll, so the first
    // poll read only what changed from then on.
    const entity = byFeed(first, 0);
    expect(entity.from).toBeNull();
    expect(entity.head).toBeGreaterThanOrEqual(Math.max(...entityIdsBefore));
    expect(entity.head).toBeLessThan(Math.min(...entitiesSince.map((e) => e.oppdateringsid)));
    expect(entity.changes).toBe(entitiesSince.length);
    expect(afterFirst.entity?.lastId).toBe(entity.to);
    // The roles feed had nothing since the poll: its head is its newest event, read from the day before.
    const roles = byFeed(first, 1);
    expect(roles).toMatchObject({ from: null, head: rolesBefore.at(-1)?.id, changes: 0 });
    expect(afterFirst.roles?.lastId).toBe(rolesBefore.at(-1)?.id);

    // The second poll goes on from the stored cursors; the roles event of day 6 checks its subject.
    expect(byFeed(second, 0)).toMatchObject({ from: entity.to, head: null });
    const rolesAgain = byFeed(second, 1);
    const roleEvents = (world.rolesFeed?.() ?? []).filter((e) => e.id > (afterFirst.roles?.lastId ?? 0));
    expect(rolesAgain).toMatchObject({
      from: afterFirst.roles?.lastId,
      head: null,
      changes: roleEvents.length,
    });
    expect(rolesAgain.subjects).toBe(1);
    expect(rolesAgain.jobs).toBe(1);
    expect(world.truth().changes.filter((c) => c.subjectId === ROLES_SUBJECT)).toEqual([
      { day: ROLES_DAY, subjectId: ROLES_SUBJECT, kind: 'board' },
    ]);
    expect(state?.version).toBe(versionBefore + 1);
    expect((await cursors.get(BRREG_ROLES_FEED))?.lastId).toBe(roleEvents.at(-1)?.id);
  });
});
