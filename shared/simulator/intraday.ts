/**
 * A world that changes within the day. In the generated world every change of day d is there from
 * the day's first request; in the real one a bankruptcy is registered at two in the afternoon, after
 * the morning's scheduled checks read the entry as it was, and the change feed announces it then.
 * This wrapper holds back, for a seeded share of the subjects that change on a day, that day's
 * changes until {@link IntradayWorld.passNoon}: before noon their resources answer as on the day
 * before (from a second world, kept a day behind), and their feed entries are not yet in the feeds;
 * after noon both show the change, the feed entries numbered after the morning's, as a real feed
 * appends them. Which subjects are held is a pure function of (seed, subject, day).
 */
import { mixSeed, mulberry32 } from './prng.ts';
import type { FeedEntry, RolesFeedEntry, SimAnswer, SimRoute, SimWorld } from './types.ts';

export interface IntradayOptions {
  readonly seed: number;
  /** Share of the subjects changing on a day whose changes come after noon (0 to 1). */
  readonly rate: number;
}

export interface IntradayWorld extends SimWorld {
  /** The day's held changes happen now. */
  passNoon(): void;
  /** `subjectId@day` of the subjects whose changes were held on a day so far. */
  heldSubjectDays(): ReadonlySet<string>;
}

/** The subject key a route names: an organisation or company number, or a national id. */
function keyOf(route: SimRoute): string {
  switch (route.kind) {
    case 'brreg-enhet':
    case 'brreg-roller':
    case 'brreg-regnskap':
      return route.orgnr;
    case 'ch-profile':
    case 'ch-officers':
    case 'ch-insolvency':
    case 'ch-filing-history':
      return route.companyNumber;
    case 'bureau-company':
      return route.registryId;
    case 'bureau-person':
      return route.nationalId.replace(/\s|-/g, '');
  }
}

function drawn(seed: number, key: string, day: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(mixSeed(seed, 0x1d4e, h, day))();
}

/**
 * @example
 * const world = intradayWorld(createWorld(options), createWorld(options), { seed: 1, rate: 0.3 });
 * world.advanceTo(5); // morning: held subjects answer as on day 4
 * world.passNoon(); // afternoon: every change of day 5 is there
 */
export function intradayWorld(world: SimWorld, behind: SimWorld, options: IntradayOptions): IntradayWorld {
  let morning = false;
  let held = new Set<string>();
  const heldDays = new Set<string>();
  const keyOfSubject = new Map(
    world.portfolio().map((s) => [s.id, (s.registryId ?? s.nationalId ?? '').replace(/\s|-/g, '')]),
  );
  const heldOrgnrs = (): Set<string> => (morning ? held : new Set());

  /** The day's feed entries, morning ones first: ids and times reassigned in that order. */
  const reorder = <E>(
    entries: readonly E[],
    day: (e: E) => number,
    orgnr: (e: E) => string,
    renumber: (e: E, from: E) => E,
  ): E[] => {
    const today = world.day();
    const before = entries.filter((e) => day(e) < today);
    const todays = entries.filter((e) => day(e) === today);
    const late = todays.filter((e) => held.has(orgnr(e)));
    if (late.length === 0) return [...entries];
    const ordered = [...todays.filter((e) => !held.has(orgnr(e))), ...late];
    const renumbered = ordered.map((e, i) => renumber(e, todays[i] as E));
    const visible = heldOrgnrs();
    return [...before, ...renumbered.filter((e) => !visible.has(orgnr(e)))];
  };

  return {
    ...world,
    day: () => world.day(),
    today: () => world.today(),
    portfolio: () => world.portfolio(),
    truth: () => world.truth(),
    arLedger: world.arLedger ? () => world.arLedger?.() ?? [] : undefined,
    advanceTo(day: number) {
      world.advanceTo(day);
      behind.advanceTo(Math.max(0, day - 1));
      const changed = new Set(
        world
          .truth()
          .changes.filter((c) => c.day === day)
          .map((c) => c.subjectId),
      );
      held = new Set();
      if (day > 0 && options.rate > 0) {
        for (const subjectId of changed) {
          const key = keyOfSubject.get(subjectId);
          if (!key || drawn(options.seed, key, day) >= options.rate) continue;
          held.add(key);
          heldDays.add(`${subjectId}@${day}`);
        }
      }
      morning = held.size > 0;
    },
    passNoon() {
      morning = false;
    },
    heldSubjectDays: () => heldDays,
    resource(route: SimRoute): SimAnswer | undefined {
      return morning && held.has(keyOf(route)) ? behind.resource(route) : world.resource(route);
    },
    feed(): readonly FeedEntry[] {
      return reorder(
        world.feed(),
        (e) => e.day,
        (e) => e.organisasjonsnummer,
        (e, slot) => ({ ...e, oppdateringsid: slot.oppdateringsid, dato: slot.dato }),
      );
    },
    ...(world.rolesFeed
      ? {
          rolesFeed: (): readonly RolesFeedEntry[] =>
            reorder(
              world.rolesFeed?.() ?? [],
              (e) => e.day,
              (e) => e.organisasjonsnummer,
              (e, slot) => ({ ...e, id: slot.id, time: slot.time }),
            ),
        }
      : {}),
  };
}

/**
 * Noon in a world that changes within the day; nothing in one that does not.
 *
 * @example
 * passNoonOf(simulator.world);
 */
export function passNoonOf(world: SimWorld): void {
  (world as Partial<IntradayWorld>).passNoon?.();
}
