/**
 * The simulator's HTTP semantics without sockets: routes a request to a world's resource at the
 * real registries' paths, pages the change feed, and answers errors in each registry's own format.
 * Pure: the same world on the same day gives the same answer.
 */
import { BureauPersonLookup } from '#shared/adapters/bureaus/credmon-bureau/wire.ts';
import { BRREG_BASE, brregNotFound, regnskapError } from './render/brreg.ts';
import { bureauError } from './render/bureau.ts';
import { chNotFound } from './render/companies-house.ts';
import type {
  FeedEntry,
  RolesFeedEntry,
  SimAnswer,
  SimRequest,
  SimResponse,
  SimRoute,
  SimWorld,
} from './types.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
const FEED_PATH = '/enhetsregisteret/api/oppdateringer/enheter';
const ROLES_FEED_PATH = '/enhetsregisteret/api/oppdateringer/roller';
const PERSON_LOOKUP_PATH = '/credit-bureau/v1/persons/lookup';

/**
 * Answers one request from the world as it is on its current day.
 *
 * @example
 * respond(world, { method: 'GET', path: '/enhetsregisteret/api/enheter/923609016', query: {}, body: undefined });
 * // { status: 200, headers: { 'content-type': 'application/json' }, body: { organisasjonsnummer: '923609016', ... } }
 */
export function respond(world: SimWorld, request: SimRequest): SimResponse {
  const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
  if (path === FEED_PATH) {
    if (request.method !== 'GET') return json(notAllowed(path));
    return json(feedPage(world.feed(), request.query, world.day()));
  }
  if (path === ROLES_FEED_PATH) {
    if (request.method !== 'GET') return json(notAllowed(path));
    return json(rolesFeedPage(world.rolesFeed?.() ?? [], request.query, world.day()));
  }
  const parsed = parseRoute(request.method, path, request.body);
  if ('error' in parsed) return json(parsed.error);
  const answer = world.resource(parsed.route);
  return json(answer ?? notFound(parsed.route, path));
}

function json(answer: SimAnswer): SimResponse {
  return { status: answer.status, headers: JSON_HEADERS, body: answer.body };
}

type Parsed = { route: SimRoute } | { error: SimAnswer };

/**
 * The resource a request names, or the error the registry would answer.
 *
 * @example
 * parseRoute('GET', '/company/SC571653/officers', undefined); // { route: { kind: 'ch-officers', companyNumber: 'SC571653' } }
 */
export function parseRoute(method: string, path: string, body: unknown): Parsed {
  let match = /^\/enhetsregisteret\/api\/enheter\/([^/]+)(\/roller)?$/.exec(path);
  if (match) {
    const orgnr = decodeURIComponent(match[1] ?? '');
    if (method !== 'GET') return { error: notAllowed(path) };
    if (!/^\d{9}$/.test(orgnr)) return { error: brregBadRequest(path, orgnr) };
    return { route: { kind: match[2] ? 'brreg-roller' : 'brreg-enhet', orgnr } };
  }
  match = /^\/regnskapsregisteret\/regnskap\/([^/]+)$/.exec(path);
  if (match) {
    if (method !== 'GET') return { error: notAllowed(path) };
    return { route: { kind: 'brreg-regnskap', orgnr: decodeURIComponent(match[1] ?? '') } };
  }
  match = /^\/company\/([^/]+)(?:\/(officers|insolvency|filing-history))?$/.exec(path);
  if (match) {
    if (method !== 'GET') return { error: notAllowed(path) };
    const companyNumber = decodeURIComponent(match[1] ?? '').toUpperCase();
    const kind =
      match[2] === 'officers'
        ? 'ch-officers'
        : match[2] === 'insolvency'
          ? 'ch-insolvency'
          : match[2] === 'filing-history'
            ? 'ch-filing-history'
            : 'ch-profile';
    return { route: { kind, companyNumber } };
  }
  match = /^\/credit-bureau\/v1\/companies\/([^/]+)\/([^/]+)$/.exec(path);
  if (match) {
    if (method !== 'GET') return { error: notAllowed(path) };
    return {
      route: {
        kind: 'bureau-company',
        country: decodeURIComponent(match[1] ?? '').toUpperCase(),
        registryId: decodeURIComponent(match[2] ?? ''),
      },
    };
  }
  if (path === PERSON_LOOKUP_PATH) {
    if (method !== 'POST') return { error: notAllowed(path) };
    const lookup = BureauPersonLookup.safeParse(body);
    if (!lookup.success) {
      return { error: bureauError(400, 'BAD_REQUEST', 'expected a JSON body { country, nationalId }') };
    }
    return {
      route: {
        kind: 'bureau-person',
        country: lookup.data.country.toUpperCase(),
        nationalId: lookup.data.nationalId.replace(/\s|-/g, ''),
      },
    };
  }
  return { error: unknownPath(path) };
}

/**
 * The path a route is served at; scenario files key their answers by it.
 *
 * @example
 * routePath({ kind: 'brreg-roller', orgnr: '923609016' }); // '/enhetsregisteret/api/enheter/923609016/roller'
 */
export function routePath(route: SimRoute): string {
  switch (route.kind) {
    case 'brreg-enhet':
      return `/enhetsregisteret/api/enheter/${route.orgnr}`;
    case 'brreg-roller':
      return `/enhetsregisteret/api/enheter/${route.orgnr}/roller`;
    case 'brreg-regnskap':
      return `/regnskapsregisteret/regnskap/${route.orgnr}`;
    case 'ch-profile':
      return `/company/${route.companyNumber}`;
    case 'ch-officers':
      return `/company/${route.companyNumber}/officers`;
    case 'ch-insolvency':
      return `/company/${route.companyNumber}/insolvency`;
    case 'ch-filing-history':
      return `/company/${route.companyNumber}/filing-history`;
    case 'bureau-company':
      return `/credit-bureau/v1/companies/${route.country}/${route.registryId}`;
    case 'bureau-person':
      return PERSON_LOOKUP_PATH;
  }
}

/**
 * The 404 a registry gives for a resource it does not have, in that registry's format.
 *
 * @example
 * notFound({ kind: 'ch-profile', companyNumber: '00000000' }, '/company/00000000').body;
 * // { errors: [{ error: 'company-profile-not-found', type: 'ch:service' }] }
 */
export function notFound(route: SimRoute, path: string): SimAnswer {
  switch (route.kind) {
    case 'brreg-enhet':
    case 'brreg-roller':
      return brregNotFound(path, `Enhet med organisasjonsnummer ${route.orgnr} ble ikke funnet`);
    case 'brreg-regnskap':
      return regnskapError(404, 'Not Found', `Fant ikke regnskap for ${route.orgnr}`, route.orgnr);
    case 'ch-profile':
    case 'ch-officers':
    case 'ch-filing-history':
      return chNotFound('company-profile-not-found');
    case 'ch-insolvency':
      return chNotFound('company-insolvencies-not-found');
    case 'bureau-company':
    case 'bureau-person':
      return bureauError(404, 'NOT_FOUND', 'the bureau has no report on this subject');
  }
}

function unknownPath(path: string): SimAnswer {
  if (path.startsWith('/company/')) return chNotFound('company-profile-not-found');
  if (path.startsWith('/credit-bureau/')) return bureauError(404, 'NOT_FOUND', `no such resource: ${path}`);
  if (path.startsWith('/regnskapsregisteret/')) {
    return {
      status: 404,
      body: { ...(regnskapError(404, 'Not Found', 'No message available', '').body as object), path },
    };
  }
  return brregNotFound(path);
}

function notAllowed(path: string): SimAnswer {
  if (path.startsWith('/credit-bureau/'))
    return bureauError(405, 'METHOD_NOT_ALLOWED', `method not allowed on ${path}`);
  return {
    status: 405,
    body: { detail: 'Method not allowed', instance: path, status: 405, title: 'Method Not Allowed' },
  };
}

function brregBadRequest(path: string, value: string): SimAnswer {
  return {
    status: 400,
    body: {
      tidsstempel: 0,
      status: 400,
      feilmelding: 'Feilaktig forespørsel',
      valideringsfeil: [
        {
          feilmelding: 'Organisasjonsnummer må bestå av 9 siffer',
          parametere: ['organisasjonsnummer'],
          feilaktigVerdi: value,
        },
      ],
      sti: path,
      antallFeil: 1,
    },
  };
}

function intParam(query: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const value = Number(query[name]);
  return query[name] !== undefined && Number.isInteger(value) && value >= 0 ? value : fallback;
}

/**
 * One page of `oppdateringer/enheter`: entries with `oppdateringsid` ≥ the query's, ascending (or
 * descending with `sort=id,DESC`), optionally from a timestamp (`dato`, inclusive) and for some
 * organisation numbers; an empty page has no `_embedded`.
 */
function feedPage(
  entries: readonly FeedEntry[],
  query: Readonly<Record<string, string>>,
  day: number,
): SimAnswer {
  const from = intParam(query, 'oppdateringsid', 1);
  const size = Math.min(Math.max(intParam(query, 'size', 20), 1), 10_000);
  const page = intParam(query, 'page', 0);
  const since = query.dato;
  const orgnrs = query.organisasjonsnummer ? new Set(query.organisasjonsnummer.split(',')) : null;
  const matching = entries.filter(
    (e) =>
      e.day <= day &&
      e.oppdateringsid >= from &&
      (since === undefined || e.dato >= since) &&
      (orgnrs === null || orgnrs.has(e.organisasjonsnummer)),
  );
  const ordered = /^id,desc$/i.test(query.sort ?? '') ? [...matching].reverse() : matching;
  const slice = ordered.slice(page * size, page * size + size);
  const search = new URLSearchParams({
    ...query,
    oppdateringsid: String(from),
    size: String(size),
  }).toString();
  const body: Record<string, unknown> = {};
  if (slice.length > 0) {
    body._embedded = {
      oppdaterteEnheter: slice.map((e) => ({
        oppdateringsid: e.oppdateringsid,
        dato: e.dato,
        organisasjonsnummer: e.organisasjonsnummer,
        endringstype: e.endringstype,
        _links: { enhet: { href: `${BRREG_BASE}/enhetsregisteret/api/enheter/${e.organisasjonsnummer}` } },
      })),
    };
  }
  body._links = { self: { href: `${BRREG_BASE}${FEED_PATH}?${search}` } };
  body.page = {
    size,
    totalElements: matching.length,
    totalPages: Math.ceil(matching.length / size),
    number: page,
  };
  return { status: 200, body };
}

/**
 * One page of `oppdateringer/roller`: a bare array of CloudEvents with `id` after the query's
 * `afterId` (exclusive) and, with `afterTime`, at or after that time, ascending.
 */
function rolesFeedPage(
  entries: readonly RolesFeedEntry[],
  query: Readonly<Record<string, string>>,
  day: number,
): SimAnswer {
  const afterId = intParam(query, 'afterId', 0);
  const size = Math.min(Math.max(intParam(query, 'size', 100), 1), 10_000);
  const since = query.afterTime;
  const orgnr = query.organisasjonsnummer;
  const body = entries
    .filter(
      (e) =>
        e.day <= day &&
        e.id > afterId &&
        (since === undefined || e.time >= since) &&
        (orgnr === undefined || e.organisasjonsnummer === orgnr),
    )
    .slice(0, size)
    .map((e) => ({
      specversion: '1.0',
      id: String(e.id),
      source: `${BRREG_BASE}${ROLES_FEED_PATH}`,
      type: 'no.brreg.enhetsregisteret.rolle.oppdatert',
      subject: `${BRREG_BASE}/enhetsregisteret/api/enheter/${e.organisasjonsnummer}/roller`,
      time: e.time,
      datacontenttype: 'application/json',
      data: { organisasjonsnummer: e.organisasjonsnummer },
    }));
  return { status: 200, body };
}
