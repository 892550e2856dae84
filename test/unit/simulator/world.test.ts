import { isValidFnr, isValidOrgnr, randomFnr, randomOrgnr } from '#shared/simulator/ids.ts';
import { mulberry32 } from '#shared/simulator/prng.ts';
import { CHANGE_KINDS } from '#shared/simulator/types.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';

const options = { seed: 1, subjects: 1000, startDate: DEFAULT_START_DATE };

describe('createWorld', () => {
  it('is deterministic: same seed, same portfolio and same truth', () => {
    // Prepare
    const a = createWorld(options);
    const b = createWorld(options);

    // Act
    a.advanceTo(30);
    b.advanceTo(30);

    // Assess
    expect(b.portfolio()).toEqual(a.portfolio());
    expect(b.truth()).toEqual(a.truth());
    expect(createWorld({ ...options, seed: 2 }).portfolio()).not.toEqual(a.portfolio());
  });

  it('gives the same world on a day whether reached in one jump, day by day, or going back', () => {
    // Prepare
    const jump = createWorld(options);
    const walk = createWorld(options);
    const back = createWorld(options);

    // Act
    jump.advanceTo(20);
    for (let day = 1; day <= 20; day += 1) walk.advanceTo(day);
    back.advanceTo(40);
    back.advanceTo(20);

    // Assess
    expect(walk.truth()).toEqual(jump.truth());
    expect(back.truth()).toEqual(jump.truth());
    expect(back.feed()).toEqual(jump.feed());
    expect(back.today()).toBe('2026-08-04');
  });

  it('mixes Norwegian businesses, UK companies and Norwegian individuals with valid identifiers', () => {
    // Prepare
    const world = createWorld(options);

    // Act
    const portfolio = world.portfolio();

    // Assess
    const no = portfolio.filter((s) => s.kind === 'business' && s.country === 'NO');
    const uk = portfolio.filter((s) => s.country === 'GB');
    const people = portfolio.filter((s) => s.kind === 'individual');
    expect([no.length, uk.length, people.length]).toEqual([700, 100, 200]);
    expect(no.every((s) => isValidOrgnr(s.registryId ?? '') && s.portfolioId === 'nordics')).toBe(true);
    expect(uk.every((s) => /^(\d{8}|SC\d{6})$/.test(s.registryId ?? '') && s.portfolioId === 'uk')).toBe(
      true,
    );
    expect(uk.some((s) => s.registryId?.startsWith('SC'))).toBe(true);
    expect(people.every((s) => isValidFnr(s.nationalId ?? '') && s.registryId === null)).toBe(true);
    expect(new Set(portfolio.map((s) => s.tier))).toEqual(new Set(['daily', 'weekly', 'monthly']));
    expect(new Set(portfolio.map((s) => s.id)).size).toBe(1000);
  });

  it('makes every kind of change in 1000 subjects over 30 days, a few hundred changes in all', () => {
    // Prepare
    const world = createWorld(options);

    // Act
    world.advanceTo(30);

    // Assess
    const counts = new Map<string, number>();
    for (const change of world.truth().changes) counts.set(change.kind, (counts.get(change.kind) ?? 0) + 1);
    const missing = CHANGE_KINDS.filter((kind) => !counts.has(kind));
    expect(missing).toEqual([]);
    expect(world.truth().changes.length).toBeGreaterThan(300);
    expect(world.truth().changes.length).toBeLessThan(1500);
    expect(world.truth().changes.every((c) => c.day >= 1 && c.day <= 30)).toBe(true);
  });

  it('runs a year ahead with defaults concentrated among subjects the bureau already scored low', () => {
    // Prepare
    const world = createWorld({ seed: 3, subjects: 2000, startDate: '2026-01-01' });
    const scores = world.portfolio().flatMap((s) => {
      const answer = world.resource(
        s.kind === 'business'
          ? { kind: 'bureau-company', country: s.country, registryId: s.registryId ?? '' }
          : { kind: 'bureau-person', country: s.country, nationalId: s.nationalId ?? '' },
      );
      const score = (answer?.body as { credit: { score: number | null } } | undefined)?.credit.score;
      return typeof score === 'number' ? [{ id: s.id, score }] : [];
    });

    // Act
    world.advanceTo(365);

    // Assess
    const { defaults } = world.truth();
    expect(defaults.length).toBeGreaterThan(20);
    expect(new Set(defaults.map((d) => d.subjectId)).size).toBe(defaults.length);
    const defaulted = new Set(defaults.map((d) => d.subjectId));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const bad = scores.filter((s) => defaulted.has(s.id)).map((s) => s.score);
    const good = scores.filter((s) => !defaulted.has(s.id)).map((s) => s.score);
    expect(mean(bad)).toBeLessThan(mean(good) - 10);
    // Noisy, not a mirror: some defaulters looked fine at the start.
    expect(Math.max(...bad)).toBeGreaterThan(mean(good));
  });
});

describe('identifier check digits', () => {
  it('accepts real and generated numbers and rejects a changed digit', () => {
    // Prepare
    const random = mulberry32(5);

    // Act
    const fnrs = Array.from(
      { length: 200 },
      (_, i) => randomFnr(random, `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`).fnr,
    );
    const orgnrs = Array.from({ length: 200 }, () => randomOrgnr(random));

    // Assess
    expect(isValidOrgnr('923609016')).toBe(true);
    expect(isValidOrgnr('923609017')).toBe(false);
    expect(fnrs.every(isValidFnr)).toBe(true);
    expect(orgnrs.every(isValidOrgnr)).toBe(true);
    const flipped = fnrs.map((f) => `${f.slice(0, 10)}${(Number(f[10]) + 1) % 10}`);
    expect(flipped.some(isValidFnr)).toBe(false);
  });
});
