/**
 * The simulator over HTTP (node:http), with seeded fault injection, and an in-process transport that
 * answers the same way without sockets for backtests and fast tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpTransport } from '#shared/adapters/bureaus/transport.ts';
import { passNoonOf } from './intraday.ts';
import { type LateAnswers, lateAnswerBook, reportKeyOf } from './late.ts';
import { mulberry32, type Random } from './prng.ts';
import { respond } from './respond.ts';
import type { SimRequest, SimResponse, SimWorld } from './types.ts';

/** Fractions of requests, each from 0 to 1, their sum at most 1. */
export interface FaultRates {
  /** 503 with a registry-like error body. */
  readonly faultRate: number;
  /** The response is held past a client's timeout, then the connection is closed without an answer. */
  readonly timeoutRate: number;
  /** 200 with a truncated, garbled JSON body. */
  readonly malformedRate: number;
  /** 429 with `Retry-After: 1`. */
  readonly throttleRate: number;
}

export type FaultKind = 'fault' | 'timeout' | 'malformed' | 'throttle';

export interface SimulatorOptions {
  readonly world: SimWorld;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default: no faults. */
  readonly faults?: Partial<FaultRates>;
  /** Seed of the fault sequence; default 1. */
  readonly seed?: number;
  /** How long a timed-out request is held before its connection is closed; default 3000 ms. */
  readonly holdMs?: number;
  /** Bursts of 429: a bureau that throttles every caller for a while, not one request in many. */
  readonly throttleBursts?: ThrottleBursts;
  /** Older reports and held answers (see late.ts); default none. */
  readonly lateAnswers?: LateAnswers;
}

/** Bursts of 429 on top of the per-request faults. */
export interface ThrottleBursts {
  /** Chance, per request outside a burst, that a burst starts with it (0 to 1). */
  readonly rate: number;
  /** How many consecutive requests a burst answers 429. */
  readonly length: number;
}

export interface SimulatorStats {
  requests: number;
  faults: number;
  timeouts: number;
  malformed: number;
  throttled: number;
  /** Answers that were an older report (late.ts). */
  stale: number;
  /** Answers held before they were sent (late.ts). */
  delayed: number;
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; the registries' paths hang off it. */
  readonly url: string;
  readonly world: SimWorld;
  /** Moves the world to a simulated day (forwards or backwards). */
  setDay(day: number): void;
  /** The day's changes held until noon happen now (a world that changes within the day; intraday.ts). */
  passNoon(): void;
  day(): number;
  /** The simulated date, `YYYY-MM-DD`. */
  today(): string;
  stats(): SimulatorStats;
  /** Stops listening and ends every connection, including held ones. */
  close(): Promise<void>;
}

/**
 * Which fault, if any, one request gets: one draw from the seeded sequence per request, so a retry
 * draws again and can succeed.
 *
 * @example
 * const random = mulberry32(1);
 * decideFault(random, { faultRate: 0.1, timeoutRate: 0, malformedRate: 0, throttleRate: 0 }); // 'fault' or null
 */
export function decideFault(random: Random, rates: FaultRates): FaultKind | null {
  let u = random();
  const order: [FaultKind, number][] = [
    ['fault', rates.faultRate],
    ['timeout', rates.timeoutRate],
    ['malformed', rates.malformedRate],
    ['throttle', rates.throttleRate],
  ];
  for (const [kind, rate] of order) {
    if (u < rate) return kind;
    u -= rate;
  }
  return null;
}

function faultRates(faults: Partial<FaultRates> | undefined): FaultRates {
  const rates: FaultRates = {
    faultRate: faults?.faultRate ?? 0,
    timeoutRate: faults?.timeoutRate ?? 0,
    malformedRate: faults?.malformedRate ?? 0,
    throttleRate: faults?.throttleRate ?? 0,
  };
  for (const [name, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1))
      throw new Error(`faults.${name}: expected a fraction from 0 to 1, got ${rate}`);
  }
  const total = rates.faultRate + rates.timeoutRate + rates.malformedRate + rates.throttleRate;
  if (total > 1) throw new Error(`faults: the rates add up to ${total}, more than 1`);
  return rates;
}

/**
 * A registry-like error body for an injected 503 or 429, in the format of the registry the path belongs to.
 *
 * @example
 * injectedErrorBody('/company/00002065', 429); // { errors: [{ error: 'too-many-requests', type: 'ch:service' }] }
 */
export function injectedErrorBody(path: string, status: 503 | 429): unknown {
  const title = status === 503 ? 'Service Unavailable' : 'Too Many Requests';
  if (path.startsWith('/company/')) {
    return {
      errors: [{ error: status === 503 ? 'service-unavailable' : 'too-many-requests', type: 'ch:service' }],
    };
  }
  if (path.startsWith('/credit-bureau/')) {
    return { error: { code: status === 503 ? 'UNAVAILABLE' : 'RATE_LIMITED', message: title } };
  }
  if (path.startsWith('/regnskapsregisteret/')) {
    return {
      timestamp: '1970-01-01T00:00:00.000+0000',
      status: String(status),
      error: title,
      message: title,
      path,
    };
  }
  return { detail: title, instance: path, status, title };
}

/**
 * A JSON text cut short and garbled: what a proxy that dropped the connection mid-body delivers.
 *
 * @example
 * malformedJson({ navn: 'EQUINOR ASA' }); // '{"navn":"EQUI\u0000'
 */
export function malformedJson(body: unknown): string {
  const text = JSON.stringify(body) ?? '';
  return `${text.slice(0, Math.max(2, Math.floor(text.length / 2)))}\u0000`;
}

/**
 * Starts the simulator on `host:port` (default 127.0.0.1, any free port).
 *
 * @example
 * const sim = await startSimulator({ world: createWorld({ seed: 1, subjects: 100, startDate: '2026-07-15' }) });
 * await fetch(`${sim.url}/enhetsregisteret/api/enheter/${sim.world.portfolio()[0]?.registryId}`);
 * await sim.close();
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { world } = options;
  const rates = faultRates(options.faults);
  const random = mulberry32(options.seed ?? 1);
  const holdMs = options.holdMs ?? 3000;
  const counts: SimulatorStats = {
    requests: 0,
    faults: 0,
    timeouts: 0,
    malformed: 0,
    throttled: 0,
    stale: 0,
    delayed: 0,
  };
  const late = options.lateAnswers
    ? lateAnswerBook<SimResponse>(options.seed ?? 1, options.lateAnswers)
    : null;
  const held = new Map<Socket, NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const bursts = options.throttleBursts;
  if (
    bursts &&
    !(bursts.rate >= 0 && bursts.rate <= 1 && Number.isInteger(bursts.length) && bursts.length >= 0)
  )
    throw new Error(
      `throttleBursts: expected a rate from 0 to 1 and a whole length ≥ 0, got ${JSON.stringify(bursts)}`,
    );
  // Its own sequence, so that adding bursts leaves the per-request fault sequence as it was.
  const burstRandom = mulberry32((options.seed ?? 1) ^ 0x5eed);
  let burstLeft = 0;
  const inBurst = (): boolean => {
    if (!bursts) return false;
    if (burstLeft === 0 && burstRandom() < bursts.rate) burstLeft = bursts.length;
    if (burstLeft === 0) return false;
    burstLeft -= 1;
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counts.requests += 1;
    const request = await readRequest(req);
    const drawn = decideFault(random, rates);
    const fault = inBurst() ? 'throttle' : drawn;
    if (fault === 'timeout') {
      counts.timeouts += 1;
      const socket = req.socket;
      held.set(
        socket,
        setTimeout(() => {
          held.delete(socket);
          socket.destroy();
        }, holdMs),
      );
      return;
    }
    if (fault === 'fault' || fault === 'throttle') {
      const status = fault === 'fault' ? 503 : 429;
      if (fault === 'fault') counts.faults += 1;
      else counts.throttled += 1;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (status === 429) headers['retry-after'] = '1';
      res.writeHead(status, headers).end(JSON.stringify(injectedErrorBody(request.path, status)));
      return;
    }
    let answer: SimResponse = respond(world, request);
    const key = late && answer.status === 200 ? reportKeyOf(request) : null;
    const older = late && key ? late.olderAnswer(key, world.day(), answer, sameReport) : undefined;
    if (older) {
      counts.stale += 1;
      answer = older;
    } else if (late && key) late.served(key, world.day(), answer);
    const holdAnswerMs = late?.delayMs(older !== undefined) ?? 0;
    if (holdAnswerMs > 0) {
      counts.delayed += 1;
      await new Promise((resolve) => setTimeout(resolve, holdAnswerMs));
    }
    if (fault === 'malformed') {
      counts.malformed += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(malformedJson(answer.body));
      return;
    }
    res.writeHead(answer.status, answer.headers).end(JSON.stringify(answer.body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: message, status: 500, title: 'Internal Server Error' }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    world,
    setDay: (day) => world.advanceTo(day),
    passNoon: () => passNoonOf(world),
    day: () => world.day(),
    today: () => world.today(),
    stats: () => ({ ...counts }),
    close: async () => {
      for (const timer of held.values()) clearTimeout(timer);
      held.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The header that tells the simulator which real host a local run's request was for. */
export const ROUTED_HOST_HEADER = 'x-credmon-routed-host';

/** The registries' real hosts and the paths each serves (any other host is the credit bureau's own). */
const REGISTRY_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'data.brreg.no': ['/enhetsregisteret/', '/regnskapsregisteret/'],
  'api.company-information.service.gov.uk': ['/company/'],
};

/**
 * Whether the real API at `host` has `path`: a request a local run routed here for one registry's
 * host but with another's path would 404 in production, so it 404s here too.
 *
 * @example
 * servedAt('data.brreg.no', '/company/SC571653'); // false
 */
export function servedAt(host: string, path: string): boolean {
  const prefixes = REGISTRY_HOSTS[host.toLowerCase()];
  return prefixes ? prefixes.some((prefix) => path.startsWith(prefix)) : path.startsWith('/credit-bureau/');
}

/** Two credit-bureau answers say the same but for their report date. */
function sameReport(a: SimResponse, b: SimResponse): boolean {
  const facts = (answer: SimResponse) => JSON.stringify({ ...(answer.body as object), reportDate: null });
  return a.status === b.status && facts(a) === facts(b);
}

async function readRequest(req: IncomingMessage): Promise<SimRequest> {
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const routedHost = req.headers[ROUTED_HOST_HEADER];
  const wrongHost = typeof routedHost === 'string' && !servedAt(routedHost, url.pathname);
  return {
    method: req.method ?? 'GET',
    path: wrongHost ? `/not-served-at/${routedHost}${url.pathname}` : url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: parseJson(text),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An {@link HttpTransport} that answers from the world directly, without sockets or faults: backtests
 * run a year of monitoring in-process through the real adapters. `baseUrl` is the prefix adapters
 * are configured with; everything after it is the registry path.
 *
 * @example
 * const transport = worldTransport(world, 'http://simulator.local');
 * await transport({ method: 'GET', url: 'http://simulator.local/company/SC571653', headers: {}, timeoutMs: 1000 });
 */
export function worldTransport(world: SimWorld, baseUrl: string): HttpTransport {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  return async (request) => {
    const url = new URL(request.url);
    const path =
      basePath && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    const answer = respond(world, {
      method: request.method,
      path: path || '/',
      query: Object.fromEntries(url.searchParams),
      body: request.body === undefined ? undefined : parseJson(request.body),
    });
    return { status: answer.status, headers: { ...answer.headers }, body: JSON.stringify(answer.body) };
  };
}
