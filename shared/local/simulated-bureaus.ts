/**
 * How a local run reaches the bureaus of its deployed configuration: the transport maps each
 * bureau's real origin (`https://data.brreg.no`, …) to the simulator, keeping path and query, so the
 * adapters build the very URLs they build in AWS; and the pacing, the one setting a simulated clock
 * changes (a simulated day passes in seconds, so AWS's timeouts and rate limits would stretch it).
 */
import type { z } from 'zod';
import { type BureauConfig, HttpSettings } from '#shared/adapters/bureaus/provider.ts';
import type { Quota } from '#shared/adapters/bureaus/quota.ts';
import { type HttpTransport, keepAliveTransport } from '#shared/adapters/bureaus/transport.ts';
import { ROUTED_HOST_HEADER } from '#shared/simulator/server.ts';

/** A local run's bureau pacing: resilience settings scaled to the simulated clock. */
export interface BureauPacing {
  readonly http: z.input<typeof HttpSettings>;
  readonly companiesHouseRateLimitPerSecond: number;
  /** Companies House's shared quota, scaled as its per-environment rate is (still counted in the table). */
  readonly companiesHouseQuota: Quota;
}

/**
 * Pacing of `credmon local`: the simulator answers in milliseconds, but one busy process can keep a
 * request waiting for seconds when a thousand subjects are in flight; a short timeout would open the breakers.
 */
export const SIMULATED_PACING: BureauPacing = {
  http: { timeoutMs: 10_000, maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2000, rateLimitPerSecond: 5000 },
  companiesHouseRateLimitPerSecond: 1000,
  companiesHouseQuota: { requests: 200_000, perSeconds: 5 },
};

/** The bureau origins of a configuration. */
export function bureauOrigins(bureaus: BureauConfig): string[] {
  const urls = [bureaus.brreg.baseUrl, bureaus.regnskap.baseUrl, bureaus.companiesHouse.baseUrl];
  if (bureaus.creditBureau) urls.push(bureaus.creditBureau.baseUrl);
  return [...new Set(urls.map((url) => new URL(url).origin))];
}

/**
 * @example
 * const transport = routedTransport(['https://data.brreg.no'], simulator.url);
 * await transport({ method: 'GET', url: 'https://data.brreg.no/enhetsregisteret/api/enheter/923609016', headers: {}, timeoutMs: 1000 });
 * // answered by the simulator at /enhetsregisteret/api/enheter/923609016
 */
export function routedTransport(
  origins: readonly string[],
  simulatorUrl: string | undefined,
  inner: HttpTransport = keepAliveTransport,
): HttpTransport {
  const routed = new Set(origins.map((origin) => new URL(origin).origin));
  return async (request) => {
    const url = new URL(request.url);
    if (!routed.has(url.origin)) {
      throw new Error(
        `no local route to ${url.origin}: a local run reaches only its configured bureaus (${[...routed].join(', ')})`,
      );
    }
    if (!simulatorUrl)
      throw new Error(`no simulated bureaus in this local stack: ${url.origin} is unreachable`);
    const target = new URL(`${url.pathname}${url.search}`, simulatorUrl);
    return inner({
      ...request,
      url: target.toString(),
      headers: { ...request.headers, [ROUTED_HOST_HEADER]: url.host },
    });
  };
}

/**
 * The bureau settings with the pacing applied.
 *
 * @example
 * const paced = withPacing(config.bureaus, SIMULATED_PACING);
 */
export function withPacing(bureaus: BureauConfig, pacing: BureauPacing | undefined): BureauConfig {
  if (!pacing) return bureaus;
  return {
    ...bureaus,
    http: HttpSettings.parse({ ...bureaus.http, ...pacing.http }),
    companiesHouse: {
      ...bureaus.companiesHouse,
      rateLimitPerSecond: pacing.companiesHouseRateLimitPerSecond,
      quota: pacing.companiesHouseQuota,
    },
  };
}
