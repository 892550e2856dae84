/**
 * The generated world: debtors whose latent health follows a noisy random walk and drives what the
 * registries and the bureau publish about them, and whether they default. The risk model sees only
 * the published, lagged and noisy consequences, so a good model ranks well but not perfectly.
 *
 * Rates are higher than real life (a stressed book) so that a small demo of 1,000 subjects over
 * 30 days shows every kind of change; docs/scenarios.md lists them.
 */
import { addDays, assertIsoDate, daysBetween } from './calendar.ts';
import { randomOrgnr } from './ids.ts';
import { simulateArLedger } from './ledger.ts';
import {
  addCollection,
  addDebt,
  addRemark,
  address,
  auditorFirm,
  type Business,
  businessName,
  createBusiness,
  createIndividual,
  dayOfYear,
  HEALTH_DAILY_SD,
  type Individual,
  makeAccounts,
  NO_DEADLINE_DAY_OF_YEAR,
  officer,
  planNoFiling,
  planUkFiling,
  recordUkFiling,
  type Subject,
  ukDueDate,
  ukPeriodEnd,
} from './model.ts';
import { integer, mixSeed, mulberry32, normal, pick, type Random } from './prng.ts';
import { renderBrregAccounts, renderBrregEntity, renderBrregRoles } from './render/brreg.ts';
import { renderBureauCompany, renderBureauPerson } from './render/bureau.ts';
import {
  renderChFilingHistory,
  renderChInsolvency,
  renderChOfficers,
  renderChProfile,
} from './render/companies-house.ts';
import type {
  ChangeKind,
  FeedEntry,
  RolesFeedEntry,
  SimAnswer,
  SimChange,
  SimDefault,
  SimRoute,
  SimSubject,
  SimTruth,
  SimWorld,
} from './types.ts';

export interface WorldOptions {
  readonly seed: number;
  readonly subjects: number;
  /** Day 0, `YYYY-MM-DD`. */
  readonly startDate: string;
  /**
   * Multiplies every subject's daily event probabilities (registry, bureau and life events; not
   * health, filings or scores), e.g. to run the benchmark at a chosen daily change rate. @default 1
   */
  readonly eventRateScale?: number;
  /**
   * Portfolio rows beyond `subjects` with a valid organisation number that no registry knows (a
   * mistyped number, a customer enrolled under the wrong one): every lookup answers 404, as
   * Enhetsregisteret does. Daily tier. @default 0
   */
  readonly unknownSubjects?: number;
}

/** The start date the CLI and the demo use unless told otherwise: spans the Norwegian filing deadline. */
export const DEFAULT_START_DATE = '2026-07-15';

/**
 * Daily probabilities; hazards are scaled by `exp(-k · health)` where noted in the code.
 *
 * Credit quality is persistent: the health walk moves a subject by about 0.4 population standard
 * deviations a year, and a severe shock (a key customer lost, a fraud) strikes about 7 % of
 * subjects a year. Defaults follow {@link DEFAULT_HAZARD_SLOPE}; with these rates about 3 % of a
 * Norwegian debtor book, 6 % of the UK one and 2 % of the individuals default within a year.
 */
const RATE = {
  healthDrift: HEALTH_DAILY_SD,
  healthShock: 0.0002,
  address: 0.0008,
  name: 0.00015,
  managingDirector: 0.0006,
  board: 0.0008,
  auditor: 0.0003,
  remarkAdded: 0.0005,
  remarkResolved: 1 / 150,
  collectionOpened: 0.0004,
  collectionClosed: 1 / 100,
  debtAddedPerson: 0.0012,
  debtAddedBusiness: 0.00015,
  debtRemovedPerson: 1 / 500,
  debtRemovedBusiness: 1 / 150,
  bankruptcy: 0.000033,
  /** UK companies only, drawn from each company's own stream (see Business.distress). */
  administration: 0.00044,
  liquidation: 0.0001,
  forcedDissolutionNO: 0.006,
  forcedDissolutionUK: 0.004,
  voluntaryDeletion: 0.00004,
  deletionAfterBankruptcy: 1 / 150,
  deletionAfterLiquidation: 1 / 90,
  deletionAfterForced: 1 / 60,
  deletionAfterAdministration: 1 / 120,
  removal: 1 / 30,
  personDefault: 0.000022,
  emigration: 0.0004,
  death: 0.00025,
} as const;

/**
 * How steeply the hazard of default (bankruptcy, administration, an individual's material default)
 * rises as health falls: `exp(-2 · health)`. The healthiest tenth of a book then defaults more than 100
 * times less often than the weakest tenth, the spread between the best and worst classes of
 * commercial failure scores; other trouble (remarks, collection) rises more gently, as `exp(-1.2 · health)`.
 */
const DEFAULT_HAZARD_SLOPE = 2;

/**
 * How much administration raises the bankruptcy hazard: e^2, the odds ratio of the risk model's
 * restructuring term (RISK_TERMS.restructuring, +2.0 log-odds), so the model's premium for the state
 * matches what the world does.
 */
const ADMINISTRATION_HAZARD = Math.exp(2);

/** Feed ids start near the real feed's magnitude; consecutive entries leave gaps as the real one does. */
const FEED_START_ID = 25_000_000;
/** The roles feed numbers its events apart from the entity feed. */
const ROLES_FEED_START_ID = 3_000_000;

interface WorldState {
  day: number;
  subjects: Subject[];
  changes: SimChange[];
  defaults: SimDefault[];
  feed: FeedEntry[];
  nextFeedId: number;
  rolesFeed: RolesFeedEntry[];
  nextRolesFeedId: number;
}

/**
 * Creates a deterministic world of `subjects` debtors: about 70 % Norwegian businesses, 10 % UK
 * companies and 20 % Norwegian individuals. Same options ⇒ same world, on any machine.
 *
 * @example
 * const world = createWorld({ seed: 1, subjects: 1000, startDate: '2026-07-15' });
 * world.advanceTo(30);
 * world.truth().changes.length; // a few hundred changes of mixed kinds
 */
export function createWorld(options: WorldOptions): SimWorld {
  assertIsoDate(options.startDate, 'startDate');
  if (!Number.isInteger(options.subjects) || options.subjects < 0) {
    throw new Error(`subjects: expected a whole number ≥ 0, got ${options.subjects}`);
  }
  const eventScale = options.eventRateScale ?? 1;
  if (!Number.isFinite(eventScale) || eventScale <= 0) {
    throw new Error(`eventRateScale: expected a number > 0, got ${options.eventRateScale}`);
  }
  let state = initialState(options);
  const advanceTo = (day: number): void => {
    if (!Number.isInteger(day) || day < 0) throw new Error(`day: expected a whole number ≥ 0, got ${day}`);
    // Going back replays from day 0: the world is a pure function of (options, day).
    if (day < state.day) state = initialState(options);
    while (state.day < day) step(state, options.startDate, eventScale);
  };
  const byRegistry = new Map<string, Business>();
  const byNationalId = new Map<string, Individual>();
  const index = (): void => {
    byRegistry.clear();
    byNationalId.clear();
    for (const subject of state.subjects) {
      if (subject.kind === 'business') byRegistry.set(`${subject.country}:${subject.registryId}`, subject);
      else byNationalId.set(`${subject.country}:${subject.nationalId}`, subject);
    }
  };
  index();
  const unknown = unknownRows(options, state.subjects);
  return {
    startDate: options.startDate,
    day: () => state.day,
    today: () => addDays(options.startDate, state.day),
    advanceTo: (day) => {
      advanceTo(day);
      index();
    },
    portfolio: () => [...state.subjects.map(toSimSubject), ...unknown],
    truth: (): SimTruth => ({ changes: [...state.changes], defaults: [...state.defaults] }),
    feed: () => state.feed,
    rolesFeed: () => state.rolesFeed,
    resource: (route) => resource(route, byRegistry, byNationalId, addDays(options.startDate, state.day)),
    // From a fresh day-0 state: the ledger describes the year before day 0 whatever day the world is on.
    arLedger: () => simulateArLedger(initialState(options).subjects, options),
  };
}

function initialState(options: WorldOptions): WorldState {
  const subjects: Subject[] = [];
  for (let i = 0; i < options.subjects; i += 1) {
    // A fixed pattern of 10 keeps the mix exact for any size and independent of the seed.
    const slot = i % 10;
    if (slot < 7) subjects.push(createBusiness(options.seed, i, 'NO', options.startDate));
    else if (slot === 7) subjects.push(createBusiness(options.seed, i, 'GB', options.startDate));
    else subjects.push(createIndividual(options.seed, i, options.startDate));
  }
  for (const subject of subjects) refreshScore(subject);
  return {
    day: 0,
    subjects,
    changes: [],
    defaults: [],
    feed: [],
    nextFeedId: FEED_START_ID,
    rolesFeed: [],
    nextRolesFeedId: ROLES_FEED_START_ID,
  };
}

/** The rows of {@link WorldOptions.unknownSubjects}: numbers none of the world's businesses has. */
function unknownRows(options: WorldOptions, subjects: readonly Subject[]): SimSubject[] {
  const count = options.unknownSubjects ?? 0;
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`unknownSubjects: expected a whole number ≥ 0, got ${options.unknownSubjects}`);
  }
  const known = new Set(subjects.map((subject) => (subject.kind === 'business' ? subject.registryId : '')));
  const random = mulberry32(mixSeed(options.seed, 404));
  const rows: SimSubject[] = [];
  while (rows.length < count) {
    const registryId = randomOrgnr(random);
    if (known.has(registryId)) continue;
    known.add(registryId);
    rows.push({
      id: `unknown-${rows.length + 1}`,
      kind: 'business',
      country: 'NO',
      registryId,
      nationalId: null,
      portfolioId: 'unknown',
      tier: 'daily',
      creditLimit: 100_000,
      paymentTermsDays: 30,
      exposure: 20_000,
    });
  }
  return rows;
}

function toSimSubject(subject: Subject): SimSubject {
  return {
    id: subject.id,
    kind: subject.kind,
    country: subject.country,
    registryId: subject.kind === 'business' ? subject.registryId : null,
    nationalId: subject.kind === 'individual' ? subject.nationalId : null,
    portfolioId: subject.terms.portfolioId,
    tier: subject.terms.tier,
    creditLimit: subject.terms.creditLimit,
    paymentTermsDays: subject.terms.paymentTermsDays,
    exposure: subject.terms.exposure,
  };
}

function resource(
  route: SimRoute,
  byRegistry: ReadonlyMap<string, Business>,
  byNationalId: ReadonlyMap<string, Individual>,
  today: string,
): SimAnswer | undefined {
  switch (route.kind) {
    case 'brreg-enhet':
    case 'brreg-roller':
    case 'brreg-regnskap': {
      const business = byRegistry.get(`NO:${route.orgnr}`);
      if (!business) return undefined;
      if (route.kind === 'brreg-enhet') return renderBrregEntity(business);
      if (route.kind === 'brreg-roller') return renderBrregRoles(business);
      return renderBrregAccounts(business);
    }
    case 'ch-profile':
    case 'ch-officers':
    case 'ch-insolvency':
    case 'ch-filing-history': {
      const business = byRegistry.get(`GB:${route.companyNumber}`);
      if (!business) return undefined;
      if (route.kind === 'ch-profile') return renderChProfile(business, today);
      if (route.kind === 'ch-officers') return renderChOfficers(business);
      if (route.kind === 'ch-insolvency') return renderChInsolvency(business);
      return renderChFilingHistory(business);
    }
    case 'bureau-company': {
      const country = route.country === 'UK' ? 'GB' : route.country;
      const business = byRegistry.get(`${country}:${route.registryId}`);
      return business ? renderBureauCompany(business, today) : undefined;
    }
    case 'bureau-person': {
      const individual = byNationalId.get(`${route.country}:${route.nationalId}`);
      return individual ? renderBureauPerson(individual, today) : undefined;
    }
  }
}

/** One simulated day for every subject, in a fixed order. */
function step(state: WorldState, startDate: string, eventScale: number): void {
  state.day += 1;
  const date = addDays(startDate, state.day);
  const context: StepContext = {
    state,
    date,
    dayOfYear: dayOfYear(date),
    feedToday: 0,
    rolesFeedToday: 0,
    eventScale,
  };
  for (const subject of state.subjects) {
    if (subject.kind === 'business') stepBusiness(subject, context);
    else stepIndividual(subject, context);
    refreshScore(subject, context);
  }
}

interface StepContext {
  readonly state: WorldState;
  readonly date: string;
  readonly dayOfYear: number;
  feedToday: number;
  rolesFeedToday: number;
  /** See WorldOptions.eventRateScale. */
  readonly eventScale: number;
}

function record(context: StepContext, subject: Subject, kind: ChangeKind): void {
  context.state.changes.push({ day: context.state.day, subjectId: subject.id, kind });
  if (subject.kind !== 'business' || subject.country !== 'NO') return;
  if (kind === 'managing-director' || kind === 'board' || kind === 'auditor') {
    recordRoles(context, subject.registryId);
    return;
  }
  const endringstype = feedType(kind);
  if (!endringstype) return;
  const { state } = context;
  state.nextFeedId += integer(subject.random, 1, 40);
  // Entries of one day are spread over its working hours, in id order.
  const millis = 6 * 3_600_000 + context.feedToday * 7_919 + integer(subject.random, 0, 7_000);
  context.feedToday += 1;
  state.feed.push({
    oppdateringsid: state.nextFeedId,
    day: state.day,
    dato: `${context.date}T${new Date(Math.min(millis, 86_399_999)).toISOString().slice(11)}`,
    organisasjonsnummer: subject.registryId,
    endringstype,
  });
}

/**
 * A roles-feed event. Its gaps and times come from the day's count, not the subject's random
 * stream, so that the world's changes are those it made before it had a roles feed.
 */
function recordRoles(context: StepContext, orgnr: string): void {
  const { state } = context;
  state.nextRolesFeedId += 1 + ((context.rolesFeedToday * 7_919) % 13);
  const millis = 6 * 3_600_000 + context.rolesFeedToday * 6_133;
  context.rolesFeedToday += 1;
  state.rolesFeed.push({
    id: state.nextRolesFeedId,
    day: state.day,
    time: `${context.date}T${new Date(Math.min(millis, 86_399_999)).toISOString().slice(11)}`,
    organisasjonsnummer: orgnr,
  });
}

/** Which changes the Enhetsregisteret feed shows: roles, accounts figures and credit are other registers. */
function feedType(kind: ChangeKind): FeedEntry['endringstype'] | null {
  switch (kind) {
    case 'address':
    case 'name':
    case 'accounts-published':
    case 'bankruptcy':
    case 'liquidation':
    case 'forced-dissolution':
      return 'Endring';
    case 'dissolved':
      return 'Sletting';
    case 'removed':
      return 'Fjernet';
    default:
      return null;
  }
}

function walkHealth(subject: Subject): void {
  const random = subject.random;
  // Uniform steps with the normal's variance: a walk of many steps is Gaussian anyway, and cheaper.
  subject.health += -0.002 * subject.health + RATE.healthDrift * 3.4641016 * (random() - 0.5);
  if (random() < RATE.healthShock) subject.health -= 0.6 + 0.8 * random();
}

/**
 * Competing daily events: one uniform draw picks at most one event, each with its own probability.
 * Rare events dominate a long run's cost, so one draw per subject-day instead of one per event keeps
 * a year of 10,000 subjects fast.
 */
const rates = new Float64Array(16);

function choose(random: Random, count: number, scale: number): number {
  let u = random();
  for (let i = 0; i < count; i += 1) {
    const rate = (rates[i] ?? 0) * scale;
    if (u < rate) return i;
    u -= rate;
  }
  return -1;
}

/** Slots of {@link rates}; individuals reuse the business-only slots 2–4 (see stepIndividual). */
const Event = {
  Address: 0,
  Name: 1,
  ManagingDirector: 2,
  Board: 3,
  Auditor: 4,
  Liquidation: 5,
  VoluntaryDeletion: 6,
  ForcedDissolution: 7,
  Bankruptcy: 8,
  Deletion: 9,
  RemarkAdded: 10,
  RemarkResolved: 11,
  CollectionOpened: 12,
  CollectionClosed: 13,
  DebtAdded: 14,
  DebtRemoved: 15,
} as const;
type Event = number;

function stepBusiness(b: Business, context: StepContext): void {
  const { date } = context;
  if (b.status === 'removed') return;
  if (b.status === 'dissolved') {
    const deletedFor = b.deletedOn ? daysBetween(b.deletedOn, date) : 0;
    if (b.country === 'NO' && deletedFor >= 10 && b.random() < RATE.removal) {
      b.status = 'removed';
      b.removedOn = date;
      record(context, b, 'removed');
    }
    return;
  }
  walkHealth(b);
  const active = b.status === 'active';
  if (active) stepFiling(b, context);
  // x = exp(-0.4·health): weaker subjects (x > 1) see more trouble and resolve it more slowly.
  const x = Math.exp(-0.4 * b.health);
  const x3 = x * x * x;
  const defaultHazard = Math.exp(-DEFAULT_HAZARD_SLOPE * b.health);
  const credit = b.credit;
  const credited = b.status !== 'bankruptcy';
  const stress = 1 + 0.5 * credit.openCollections + 0.3 * credit.openRemarks;
  if (active && b.country === 'GB') {
    // Distress that creditors stop short of a winding-up: the company enters administration.
    const hazard = RATE.administration * defaultHazard * stress * context.eventScale;
    if (b.distress() < hazard) {
      b.status = 'administration';
      b.administrationSince = date;
      credit.dirty = true;
      record(context, b, 'restructuring');
      return;
    }
  }
  rates.fill(0);
  if (active) {
    rates[Event.Address] = RATE.address;
    rates[Event.Name] = RATE.name;
    if (b.country === 'NO' && b.manager) rates[Event.ManagingDirector] = RATE.managingDirector;
    if (b.board.length > 0) rates[Event.Board] = RATE.board;
    if (b.country === 'NO' && b.legalForm !== 'ENK') rates[Event.Auditor] = RATE.auditor;
    rates[Event.Liquidation] = RATE.liquidation * x;
    rates[Event.VoluntaryDeletion] = RATE.voluntaryDeletion;
    if (b.overdueSince && daysBetween(b.overdueSince, date) >= 30) {
      rates[Event.ForcedDissolution] =
        b.country === 'NO' ? RATE.forcedDissolutionNO : RATE.forcedDissolutionUK;
    }
  }
  if (credited) {
    const proceeding = b.status === 'administration' ? ADMINISTRATION_HAZARD : 3;
    rates[Event.Bankruptcy] = RATE.bankruptcy * defaultHazard * stress * (active ? 1 : proceeding);
    rates[Event.RemarkAdded] = RATE.remarkAdded * x3;
    rates[Event.RemarkResolved] = (credit.openRemarks * RATE.remarkResolved) / x;
    rates[Event.CollectionOpened] = RATE.collectionOpened * x3;
    rates[Event.CollectionClosed] = (credit.openCollections * RATE.collectionClosed) / x;
    rates[Event.DebtAdded] = RATE.debtAddedBusiness * x * x;
    rates[Event.DebtRemoved] = credit.debts.length * RATE.debtRemovedBusiness;
  }
  if (!active) {
    const since = b.bankruptcySince ?? b.forcedSince ?? b.liquidationSince ?? b.administrationSince;
    if (since && daysBetween(since, date) >= 20) {
      rates[Event.Deletion] =
        b.status === 'bankruptcy'
          ? RATE.deletionAfterBankruptcy
          : b.status === 'liquidation'
            ? RATE.deletionAfterLiquidation
            : b.status === 'administration'
              ? RATE.deletionAfterAdministration
              : RATE.deletionAfterForced;
    }
  }
  const event = choose(b.random, 16, context.eventScale);
  if (event < 0) return;
  switch (event) {
    case Event.Liquidation:
      b.status = 'liquidation';
      b.liquidationSince = date;
      record(context, b, 'liquidation');
      break;
    case Event.ForcedDissolution:
      b.status = 'forced-dissolution';
      b.forcedSince = date;
      record(context, b, 'forced-dissolution');
      break;
    case Event.Bankruptcy:
      b.status = 'bankruptcy';
      b.bankruptcySince = date;
      record(context, b, 'bankruptcy');
      context.state.defaults.push({ subjectId: b.id, day: context.state.day });
      break;
    case Event.VoluntaryDeletion:
    case Event.Deletion:
      b.status = 'dissolved';
      b.deletedOn = date;
      record(context, b, 'dissolved');
      break;
    default:
      if (event <= Event.Auditor) registryEvent(b, event, context);
      else creditEvent(b, event, context, false);
  }
  credit.dirty = true;
}

function registryEvent(b: Business, event: Event, context: StepContext): void {
  const random = b.random;
  const { date } = context;
  switch (event) {
    case Event.Address:
      b.address = address(random, b.country);
      record(context, b, 'address');
      return;
    case Event.Name: {
      const from = b.previousNames.at(-1)?.to ?? b.foundedOn;
      b.previousNames.push({ name: b.name, from, to: date });
      b.name = businessName(random, b.country, b.legalForm);
      record(context, b, 'name');
      return;
    }
    case Event.ManagingDirector:
      if (b.manager) b.formerOfficers.push({ ...b.manager, to: date, role: 'DAGL' });
      b.manager = officer(random, false, date);
      record(context, b, 'managing-director');
      return;
    case Event.Board: {
      const leaving = integer(random, 0, b.board.length - 1);
      const member = b.board[leaving];
      if (member) b.formerOfficers.push({ ...member, to: date, role: leaving === 0 ? 'LEDE' : 'MEDL' });
      b.board.splice(leaving, 1, officer(random, b.country === 'GB', date));
      record(context, b, 'board');
      return;
    }
    default:
      b.auditor = auditorFirm(random);
      record(context, b, 'auditor');
  }
}

function creditEvent(subject: Subject, event: Event, context: StepContext, person: boolean): void {
  const random = subject.random;
  const credit = subject.credit;
  const { date } = context;
  switch (event) {
    case Event.RemarkAdded:
      addRemark(credit, random, date, person);
      record(context, subject, 'payment-remark-added');
      return;
    case Event.RemarkResolved: {
      const open = credit.remarks.filter((r) => r.settledDate === null);
      const remark = open[integer(random, 0, open.length - 1)];
      if (remark) remark.settledDate = date;
      record(context, subject, 'payment-remark-resolved');
      return;
    }
    case Event.CollectionOpened:
      addCollection(credit, random, date, 1);
      record(context, subject, 'collection-opened');
      return;
    case Event.CollectionClosed: {
      const open = credit.collections.filter((c) => c.closedDate === null);
      const collection = open[integer(random, 0, open.length - 1)];
      if (collection) collection.closedDate = date;
      record(context, subject, 'collection-closed');
      return;
    }
    case Event.DebtAdded:
      addDebt(credit, random, date, person);
      record(context, subject, 'debt-register-added');
      return;
    case Event.DebtRemoved:
      credit.debts.splice(integer(random, 0, credit.debts.length - 1), 1);
      record(context, subject, 'debt-register-removed');
      return;
    default:
      return;
  }
}

function stepFiling(b: Business, context: StepContext): void {
  const { date } = context;
  const random = b.random;
  const lastYear = b.accounts.at(-1)?.year ?? 0;
  if (b.country === 'NO') {
    const year = Number(date.slice(0, 4));
    const doy = context.dayOfYear;
    if (b.filingYear !== year) planNoFiling(b, year);
    if (doy === b.filingDayOfYear && lastYear < year - 1) {
      const published = makeAccounts(b, year - 1, b.health + 0.3 * normal(random), date);
      b.accounts.push(published);
      // The registry updates the headcount with the annual accounts: it follows the year's revenue.
      b.employees = Math.max(0, Math.round(published.revenue / 1_500_000));
      b.filingDayOfYear = null;
      b.overdueSince = null;
      b.credit.dirty = true;
      record(context, b, 'accounts-published');
    } else if (doy === NO_DEADLINE_DAY_OF_YEAR + 1 && lastYear < year - 1 && !b.overdueSince) {
      b.overdueSince = date;
      b.credit.dirty = true;
      record(context, b, 'accounts-overdue');
    }
    return;
  }
  const period = lastYear + 1;
  if (b.plannedFiling === date) {
    b.accounts.push(makeAccounts(b, period, b.health + 0.3 * normal(random), date));
    recordUkFiling(b, date, ukPeriodEnd(b.referenceMonth, period));
    b.overdueSince = null;
    b.credit.dirty = true;
    planUkFiling(b, period + 1);
    record(context, b, 'accounts-published');
  } else if (!b.overdueSince && date > ukDueDate(b.referenceMonth, period)) {
    b.overdueSince = date;
    b.credit.dirty = true;
    record(context, b, 'accounts-overdue');
  }
}

const PersonEvent = { Emigration: 16, Death: 17, Default: 18 } as const;

function stepIndividual(p: Individual, context: StepContext): void {
  if (p.status !== 'active') return;
  const random = p.random;
  const { date } = context;
  walkHealth(p);
  const x = Math.exp(-0.4 * p.health);
  const x3 = x * x * x;
  const credit = p.credit;
  rates.fill(0);
  if (!p.addressProtected) rates[Event.Address] = RATE.address;
  rates[Event.Name] = RATE.name * 0.5;
  rates[Event.RemarkAdded] = RATE.remarkAdded * x3;
  rates[Event.RemarkResolved] = (credit.openRemarks * RATE.remarkResolved) / x;
  rates[Event.CollectionOpened] = RATE.collectionOpened * x3;
  rates[Event.CollectionClosed] = (credit.openCollections * RATE.collectionClosed) / x;
  rates[Event.DebtAdded] = RATE.debtAddedPerson * x;
  rates[Event.DebtRemoved] = credit.debts.length * RATE.debtRemovedPerson;
  // Person-only events reuse the slots businesses use for registry events that individuals lack.
  rates[Event.ManagingDirector] = RATE.emigration;
  rates[Event.Board] = RATE.death * p.mortality;
  rates[Event.Auditor] = p.defaulted ? 0 : RATE.personDefault * Math.exp(-DEFAULT_HAZARD_SLOPE * p.health);
  const chosen = choose(random, 16, context.eventScale);
  if (chosen < 0) return;
  const event: number =
    chosen === Event.ManagingDirector
      ? PersonEvent.Emigration
      : chosen === Event.Board
        ? PersonEvent.Death
        : chosen === Event.Auditor
          ? PersonEvent.Default
          : chosen;
  credit.dirty = true;
  switch (event) {
    case PersonEvent.Emigration:
      p.status = 'emigrated';
      p.statusDate = date;
      p.address = null;
      record(context, p, 'emigrated');
      return;
    case PersonEvent.Death:
      p.status = 'deceased';
      p.statusDate = date;
      record(context, p, 'deceased');
      return;
    case PersonEvent.Default:
      // A material default: a large claim goes to collection and lands in the debt register.
      p.defaulted = true;
      addCollection(credit, random, date, 5);
      addDebt(credit, random, date, true);
      record(context, p, 'collection-opened');
      record(context, p, 'debt-register-added');
      context.state.defaults.push({ subjectId: p.id, day: context.state.day });
      return;
    case Event.Address:
      p.address = address(random, 'NO');
      record(context, p, 'address');
      return;
    case Event.Name:
      p.name = { ...p.name, last: pick(random, ['Nordmann', 'Berge', 'Moen', 'Vik', 'Aas']) };
      record(context, p, 'name');
      return;
    default:
      creditEvent(p, event, context, true);
  }
}

/**
 * The bureau's score and recommended limit. The bureau sees health only through a lagged view that
 * moves on material change, plus what is published (remarks, collection, arrears), plus its own error.
 */
function refreshScore(subject: Subject, context?: StepContext): void {
  const credit = subject.credit;
  if (Math.abs(subject.health - credit.bureauHealth) > 0.6) {
    credit.bureauHealth = subject.health;
    credit.dirty = true;
  }
  if (!credit.dirty) return;
  credit.dirty = false;
  credit.openRemarks = 0;
  credit.openCollections = 0;
  for (const remark of credit.remarks) if (!remark.settledDate) credit.openRemarks += 1;
  for (const collection of credit.collections) if (!collection.closedDate) credit.openCollections += 1;
  let score: number | null;
  if (subject.kind === 'business' && (subject.status === 'dissolved' || subject.status === 'removed')) {
    score = null;
  } else if (subject.kind === 'individual' && subject.status === 'deceased') {
    score = null;
  } else if (subject.kind === 'business' && subject.status === 'bankruptcy') {
    score = 0;
  } else {
    const open = { remarks: credit.openRemarks, collections: credit.openCollections };
    const debts =
      subject.kind === 'individual'
        ? 2 * Math.min(credit.debts.length, 5)
        : 6 * Math.min(credit.debts.length, 2);
    const arrears = subject.kind === 'business' && subject.overdueSince ? 8 : 0;
    const winding = subject.kind === 'business' && subject.status !== 'active' ? 40 : 0;
    const raw =
      55 +
      16 * credit.bureauHealth +
      credit.scoreNoise -
      10 * Math.min(open.remarks, 3) -
      8 * Math.min(open.collections, 2) -
      debts -
      arrears -
      winding;
    score = Math.min(99, Math.max(1, Math.round(raw)));
  }
  if (context && score === credit.score) return;
  const limit = score === null ? null : recommendedLimit(subject, score);
  if (context) record(context, subject, 'score');
  if (context && limit !== credit.limit) record(context, subject, 'credit-limit');
  credit.score = score;
  credit.limit = limit;
}

/** Limits move in steps of ten score points, as bureaus' limit tables do. */
function recommendedLimit(subject: Subject, score: number): number {
  const bucket = Math.floor(score / 10);
  if (bucket < 2) return 0;
  const base = subject.kind === 'business' ? subject.baseRevenue * 0.004 : 8_000;
  const raw = base * bucket;
  const magnitude = 10 ** Math.max(3, Math.floor(Math.log10(raw)) - 1);
  return Math.round(raw / magnitude) * magnitude;
}
