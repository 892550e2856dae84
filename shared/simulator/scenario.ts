/**
 * Scenario files (`credmon local --scenario FILE`): hand-written timelines of registry and bureau
 * answers, served exactly as written on the days they name. docs/scenarios.md documents the format.
 */
import { z } from 'zod';
import { CountryCode, IsoDate, SubjectKind } from '#shared/domain/snapshot.ts';
import { SubjectId, Tier } from '#shared/domain/subject.ts';
import { addDays, assertIsoDate } from './calendar.ts';
import { routePath } from './respond.ts';
import type { FeedEntry, SimAnswer, SimChange, SimDefault, SimRoute, SimSubject, SimWorld } from './types.ts';

const PERSON_LOOKUP_PATH = '/credit-bureau/v1/persons/lookup';
const ENTITY_PATH = /^\/enhetsregisteret\/api\/enheter\/(\d{9})$/;

export const ScenarioAnswer = z.object({
  status: z.number().int().min(100).max(599),
  body: z.unknown(),
});
export type ScenarioAnswer = z.infer<typeof ScenarioAnswer>;

export const ScenarioTimelineEntry = z.object({
  day: z.number().int().nonnegative(),
  /** Keyed by request path without query, e.g. `/enhetsregisteret/api/enheter/923609016`. */
  responses: z.record(z.string().regex(/^\/\S*$/, 'a path starting with /'), ScenarioAnswer),
});

export const ScenarioSubject = z
  .object({
    id: SubjectId,
    kind: SubjectKind,
    country: CountryCode,
    registryId: z.string().min(1).optional(),
    nationalId: z.string().min(1).optional(),
    tier: Tier,
    portfolio: z.string().min(1),
    creditLimit: z.number().nonnegative().optional(),
    paymentTermsDays: z.number().int().nonnegative().optional(),
    exposure: z.number().optional(),
    timeline: z.array(ScenarioTimelineEntry),
  })
  .superRefine((subject, ctx) => {
    if (subject.kind === 'business' && !subject.registryId) {
      ctx.addIssue({ code: 'custom', path: ['registryId'], message: 'a business needs a registryId' });
    }
    if (subject.kind === 'individual' && !subject.nationalId) {
      ctx.addIssue({ code: 'custom', path: ['nationalId'], message: 'an individual needs a nationalId' });
    }
  });
export type ScenarioSubject = z.infer<typeof ScenarioSubject>;

export const ScenarioFile = z
  .object({ startDate: IsoDate, subjects: z.array(ScenarioSubject).min(1) })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const owners = new Map<string, string>();
    file.subjects.forEach((subject, i) => {
      if (ids.has(subject.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['subjects', i, 'id'],
          message: `duplicate subject id '${subject.id}'`,
        });
      }
      ids.add(subject.id);
      subject.timeline.forEach((entry, t) => {
        for (const path of Object.keys(entry.responses)) {
          if (path === PERSON_LOOKUP_PATH) continue;
          const owner = owners.get(path);
          if (owner !== undefined && owner !== subject.id) {
            ctx.addIssue({
              code: 'custom',
              path: ['subjects', i, 'timeline', t, 'responses', path],
              message: `path already answered by subject '${owner}'`,
            });
          }
          owners.set(path, subject.id);
        }
      });
    });
  });
export type ScenarioFile = z.infer<typeof ScenarioFile>;

/**
 * Parses a scenario (the parsed JSON of a file) into a world. Errors name the file and the field path.
 *
 * @example
 * const world = loadScenario(JSON.parse(readFileSync(file, 'utf8')), file);
 * world.advanceTo(3);
 */
export function loadScenario(json: unknown, fileName: string): SimWorld {
  const parsed = ScenarioFile.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `${fileName}: ${formatPath(issue.path)}: ${issue.message}`,
    );
    throw new Error(lines.join('\n'));
  }
  try {
    assertIsoDate(parsed.data.startDate, 'startDate');
  } catch (error) {
    throw new Error(`${fileName}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return createScenarioWorld(parsed.data);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

interface Step {
  readonly day: number;
  readonly answer: ScenarioAnswer;
}

/** The days on which one resource's answer is set, in day order; later entries of one day win. */
type Track = Step[];

/**
 * A world that serves a scenario: on day d each path answers with the latest timeline entry at or
 * before d that names it; a path not (yet) named answers 404 in its registry's format.
 *
 * @example
 * const world = createScenarioWorld(ScenarioFile.parse(json));
 */
export function createScenarioWorld(file: ScenarioFile): SimWorld {
  const byPath = new Map<string, { subjectId: string; track: Track }>();
  const byPerson = new Map<string, Track>();
  const tracksOf = new Map<string, Map<string, Track>>();
  for (const subject of file.subjects) {
    const own = new Map<string, Track>();
    tracksOf.set(subject.id, own);
    const timeline = [...subject.timeline].sort((a, b) => a.day - b.day);
    for (const entry of timeline) {
      for (const [path, answer] of Object.entries(entry.responses)) {
        const track = own.get(path) ?? [];
        own.set(path, track);
        const last = track.at(-1);
        if (last && last.day === entry.day) track[track.length - 1] = { day: entry.day, answer };
        else track.push({ day: entry.day, answer });
      }
    }
    for (const [path, track] of own) {
      if (path === PERSON_LOOKUP_PATH) {
        byPerson.set(`${subject.country}:${subject.nationalId ?? ''}`, track);
      } else {
        byPath.set(path, { subjectId: subject.id, track });
      }
    }
  }
  const changes = deriveChanges(tracksOf);
  const defaults = deriveDefaults(changes);
  const feed = deriveFeed(byPath, file.startDate);
  let current = 0;

  const at = (track: Track | undefined): SimAnswer | undefined => {
    let found: SimAnswer | undefined;
    for (const step of track ?? []) {
      if (step.day > current) break;
      found = step.answer;
    }
    return found;
  };

  return {
    startDate: file.startDate,
    day: () => current,
    today: () => addDays(file.startDate, current),
    advanceTo: (day) => {
      if (!Number.isInteger(day) || day < 0) throw new Error(`day: expected a whole number ≥ 0, got ${day}`);
      current = day;
    },
    portfolio: () => file.subjects.map(toSimSubject),
    truth: () => ({
      changes: changes.filter((c) => c.day <= current),
      defaults: defaults.filter((d) => d.day <= current),
    }),
    resource: (route: SimRoute) => {
      if (route.kind === 'bureau-person') return at(byPerson.get(`${route.country}:${route.nationalId}`));
      return at(byPath.get(routePath(route))?.track);
    },
    feed: () => feed.filter((e) => e.day <= current),
  };
}

function toSimSubject(subject: ScenarioSubject): SimSubject {
  return {
    id: subject.id,
    kind: subject.kind,
    country: subject.country,
    registryId: subject.registryId ?? null,
    nationalId: subject.nationalId ?? null,
    portfolioId: subject.portfolio,
    tier: subject.tier,
    creditLimit: subject.creditLimit ?? null,
    paymentTermsDays: subject.paymentTermsDays ?? null,
    exposure: subject.exposure ?? null,
  };
}

/** JSON with sorted keys: two answers are the same when they would parse to the same value. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Steps whose answer differs from the one before; the first step counts only after day 0. */
function changedSteps(track: Track): { step: Step; previous: Step | undefined }[] {
  const result: { step: Step; previous: Step | undefined }[] = [];
  track.forEach((step, i) => {
    const previous = track[i - 1];
    if (previous === undefined) {
      if (step.day > 0) result.push({ step, previous });
      return;
    }
    if (
      previous.answer.status !== step.answer.status ||
      canonical(previous.answer.body) !== canonical(step.answer.body)
    ) {
      result.push({ step, previous });
    }
  });
  return result;
}

function field(answer: ScenarioAnswer | undefined, name: string): unknown {
  const body = answer?.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

/** What an entity answer's change means, in the generated world's change kinds where it can tell. */
function entityChangeKind(step: Step, previous: Step | undefined): string {
  if (step.answer.status === 410) return 'removed';
  if (field(step.answer, 'respons_klasse') === 'SlettetEnhet') return 'dissolved';
  const became = (name: string) =>
    field(step.answer, name) === true && field(previous?.answer, name) !== true;
  if (became('konkurs')) return 'bankruptcy';
  if (became('underTvangsavviklingEllerTvangsopplosning')) return 'forced-dissolution';
  if (became('underAvvikling')) return 'liquidation';
  return 'registry-change';
}

function deriveChanges(tracksOf: ReadonlyMap<string, ReadonlyMap<string, Track>>): SimChange[] {
  const changes: SimChange[] = [];
  for (const [subjectId, tracks] of tracksOf) {
    for (const [path, track] of tracks) {
      for (const { step, previous } of changedSteps(track)) {
        const kind = ENTITY_PATH.test(path) ? entityChangeKind(step, previous) : 'response-changed';
        changes.push({ day: step.day, subjectId, kind, path });
      }
    }
  }
  return changes.sort(
    (a, b) => a.day - b.day || (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0),
  );
}

function deriveDefaults(changes: readonly SimChange[]): SimDefault[] {
  const seen = new Set<string>();
  const defaults: SimDefault[] = [];
  for (const change of changes) {
    if (change.kind !== 'bankruptcy' || seen.has(change.subjectId)) continue;
    seen.add(change.subjectId);
    defaults.push({ subjectId: change.subjectId, day: change.day });
  }
  return defaults;
}

/** Brønnøysund's feed for the scenario: one entry per day on which an entity's answer changed. */
function deriveFeed(
  byPath: ReadonlyMap<string, { subjectId: string; track: Track }>,
  startDate: string,
): FeedEntry[] {
  const pending: { day: number; orgnr: string; type: FeedEntry['endringstype'] }[] = [];
  for (const [path, { track }] of byPath) {
    const orgnr = ENTITY_PATH.exec(path)?.[1];
    if (orgnr === undefined) continue;
    for (const { step, previous } of changedSteps(track)) {
      const kind = entityChangeKind(step, previous);
      const type =
        previous === undefined
          ? 'Ny'
          : kind === 'removed'
            ? 'Fjernet'
            : kind === 'dissolved'
              ? 'Sletting'
              : 'Endring';
      pending.push({ day: step.day, orgnr, type });
    }
  }
  pending.sort((a, b) => a.day - b.day || (a.orgnr < b.orgnr ? -1 : a.orgnr > b.orgnr ? 1 : 0));
  let perDay = 0;
  let lastDay = -1;
  return pending.map((p, i) => {
    perDay = p.day === lastDay ? perDay + 1 : 0;
    lastDay = p.day;
    const time = new Date(6 * 3_600_000 + perDay * 1_000).toISOString().slice(11);
    return {
      oppdateringsid: 1_000 + i,
      day: p.day,
      dato: `${addDays(startDate, p.day)}T${time}`,
      organisasjonsnummer: p.orgnr,
      endringstype: p.type,
    };
  });
}
