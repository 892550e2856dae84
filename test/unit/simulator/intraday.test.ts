import { intradayWorld } from '#shared/simulator/intraday.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';

const OPTIONS = { seed: 4, subjects: 300, startDate: DEFAULT_START_DATE };

/** A day on which some Norwegian company changes, with that company's organisation number. */
function changingCompany() {
  const probe = createWorld(OPTIONS);
  for (let day = 1; day < 30; day++) {
    probe.advanceTo(day);
    const feedToday = probe.feed().filter((e) => e.day === day);
    if (feedToday.length >= 2) return { day, orgnrs: feedToday.map((e) => e.organisasjonsnummer) };
  }
  throw new Error('no day with two feed entries');
}

describe('intradayWorld', () => {
  it('holds every change of the day until noon: resources as the day before, feed entries after the morning’s', () => {
    // Prepare: every changing subject changes in the afternoon
    const { day, orgnrs } = changingCompany();
    const world = intradayWorld(createWorld(OPTIONS), createWorld(OPTIONS), { seed: 1, rate: 1 });
    const yesterday = createWorld(OPTIONS);
    yesterday.advanceTo(day - 1);
    const today = createWorld(OPTIONS);
    today.advanceTo(day);
    const route = { kind: 'brreg-enhet' as const, orgnr: orgnrs[0] ?? '' };

    // Act
    world.advanceTo(day);
    const morning = { answer: world.resource(route), feed: world.feed() };
    world.passNoon();
    const afternoon = { answer: world.resource(route), feed: world.feed() };

    // Assess
    expect(morning.answer).toEqual(yesterday.resource(route));
    expect(afternoon.answer).toEqual(today.resource(route));
    expect(morning.feed.filter((e) => e.day === day)).toEqual([]);
    const lastMorningId = Math.max(...morning.feed.map((e) => e.oppdateringsid));
    const afternoonIds = afternoon.feed.filter((e) => e.day === day).map((e) => e.oppdateringsid);
    expect(afternoonIds.length).toBe(today.feed().filter((e) => e.day === day).length);
    expect(Math.min(...afternoonIds)).toBeGreaterThan(lastMorningId);
    expect([...world.heldSubjectDays()].every((key) => key.endsWith(`@${day}`))).toBe(true);
  });

  it('changes nothing at rate 0', () => {
    const { day, orgnrs } = changingCompany();
    const world = intradayWorld(createWorld(OPTIONS), createWorld(OPTIONS), { seed: 1, rate: 0 });
    const plain = createWorld(OPTIONS);
    world.advanceTo(day);
    plain.advanceTo(day);
    const route = { kind: 'brreg-enhet' as const, orgnr: orgnrs[0] ?? '' };
    expect(world.resource(route)).toEqual(plain.resource(route));
    expect(world.feed()).toEqual(plain.feed());
    expect(world.heldSubjectDays().size).toBe(0);
  });
});
