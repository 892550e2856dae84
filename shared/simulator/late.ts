/**
 * Late and out-of-order answers, the simulator's way. A bureau answer can reflect the world as it
 * was: a report computed before the world changed that reaches the caller after a newer one (a
 * slow replica, a queue, a cache). The simulator serves, for a seeded fraction of subject-days, the
 * first credit-bureau request of the day with a report it served on an earlier day (its own, older
 * `reportDate`) when it differs from today's, held back as a late answer is; later requests that
 * day get today's. With duplicate deliveries and held
 * answers (`delayRate`) the older and the newer report of one day arrive in either order.
 *
 * Only the credit bureau's answers go stale here: its payload states as of when it is (the report
 * date), so a consumer can tell an older report; the registries' payloads do not, and an older one
 * from them would be indistinguishable from the truth. Which subject-days are stale is a pure
 * function of (seed, key, day), so a verifier can tell which checks saw an older report.
 */
import { mixSeed, mulberry32 } from './prng.ts';
import type { SimRequest } from './types.ts';

export interface LateAnswers {
  /** Fraction of (credit-bureau report, day) pairs whose first request gets an older report. */
  readonly staleRate: number;
  /** Fraction of requests, of any registry, whose answer is held `delayMs` before it is sent. */
  readonly delayRate: number;
  /** How long a delayed answer is held; below the client's timeout, else it is a timeout. */
  readonly delayMs: number;
  /** Older reports are served only before this day, so that the last day's checks read the truth. */
  readonly untilDay?: number;
}

/**
 * The key of a credit-bureau report: its path for a company, the person looked up for a person;
 * null for any other request.
 *
 * @example
 * reportKeyOf({ method: 'GET', path: '/credit-bureau/v1/companies/NO/923609016', query: {}, body: undefined });
 * // 'company:NO:923609016'
 */
export function reportKeyOf(request: SimRequest): string | null {
  const company = /^\/credit-bureau\/v1\/companies\/([^/]+)\/([^/]+)$/.exec(request.path);
  if (company)
    return `company:${decodeURIComponent(company[1] ?? '').toUpperCase()}:${decodeURIComponent(company[2] ?? '')}`;
  if (request.path === '/credit-bureau/v1/persons/lookup') {
    const body = (request.body ?? {}) as { country?: unknown; nationalId?: unknown };
    if (typeof body.country !== 'string' || typeof body.nationalId !== 'string') return null;
    return `person:${body.country.toUpperCase()}:${body.nationalId.replace(/\s|-/g, '')}`;
  }
  return null;
}

/**
 * Whether the first request of a report on a day gets an older report.
 *
 * @example
 * isStaleDay(1, 0.05, 'company:NO:923609016', 12); // the same answer on every call
 */
export function isStaleDay(seed: number, rate: number, key: string, day: number): boolean {
  if (rate <= 0) return false;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(mixSeed(seed, 0x1a7e, h, day))() < rate;
}

/**
 * The server's memory of what it served: per report, today's answer and the last one of an
 * earlier day, and whether today's first request was answered yet.
 *
 * @example
 * const late = lateAnswerBook(1, { staleRate: 0.05, delayRate: 0.02, delayMs: 150 });
 * const older = late.olderAnswer(key, day); // serve it instead of today's when not undefined
 * late.served(key, day, answer);
 */
export function lateAnswerBook<A>(seed: number, options: LateAnswers) {
  /** Per report, the last answers of distinct days, oldest first (at most three). */
  const history = new Map<string, { day: number; answer: A }[]>();
  const asked = new Set<string>();
  const delayRandom = mulberry32(mixSeed(seed, 0xde1a));
  return {
    /**
     * The older report to serve instead of `fresh`, if this is the stale first request of the day
     * and the older one says something else (an older report that equals today's harms no one).
     * It is the report of two days with checks back, when there is one: older than what the last
     * check committed, so that the job's own hash does not hide it.
     */
    olderAnswer(key: string, day: number, fresh: A, same: (a: A, b: A) => boolean): A | undefined {
      const first = !asked.has(`${key}@${day}`);
      asked.add(`${key}@${day}`);
      if (!first || (options.untilDay !== undefined && day >= options.untilDay)) return undefined;
      if (!isStaleDay(seed, options.staleRate, key, day)) return undefined;
      const before = (history.get(key) ?? []).filter((entry) => entry.day < day);
      const older = (before.at(-2) ?? before.at(-1))?.answer;
      return older !== undefined && !same(older, fresh) ? older : undefined;
    },
    /** Records today's answer of a report. */
    served(key: string, day: number, answer: A): void {
      const entries = history.get(key) ?? [];
      const last = entries.at(-1);
      if (last && last.day > day) return;
      if (last && last.day === day) entries[entries.length - 1] = { day, answer };
      else entries.push({ day, answer });
      history.set(key, entries.slice(-3));
    },
    /** How long to hold this answer, 0 for none; one draw per request. An older report is late by nature. */
    delayMs(older: boolean): number {
      const drawn = options.delayRate > 0 && delayRandom() < options.delayRate;
      return drawn || older ? options.delayMs : 0;
    },
  };
}
