/** The deployed bureau hosts routed to the simulator, keeping the real paths. */
import type { HttpRequest, HttpResponse } from '#shared/adapters/bureaus/transport.ts';
import { routedTransport } from '#shared/local/simulated-bureaus.ts';
import { servedAt } from '#shared/simulator/server.ts';

const ORIGINS = ['https://data.brreg.no', 'https://api.company-information.service.gov.uk'];

function recording() {
  const seen: HttpRequest[] = [];
  const inner = async (request: HttpRequest): Promise<HttpResponse> => {
    seen.push(request);
    return { status: 200, headers: {}, body: '{}' };
  };
  return { seen, inner };
}

describe('routedTransport', () => {
  it('sends a deployed host to the simulator with the same path and query, naming the host it was for', async () => {
    // Prepare
    const { seen, inner } = recording();
    const transport = routedTransport(ORIGINS, 'http://127.0.0.1:4100', inner);
    // Act
    await transport({
      method: 'GET',
      url: 'https://data.brreg.no/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=25000001&size=100',
      headers: { accept: 'application/json' },
      timeoutMs: 1000,
    });
    // Assess
    expect(seen[0]?.url).toBe(
      'http://127.0.0.1:4100/enhetsregisteret/api/oppdateringer/enheter?oppdateringsid=25000001&size=100',
    );
    expect(seen[0]?.headers).toEqual({
      accept: 'application/json',
      'x-credmon-routed-host': 'data.brreg.no',
    });
  });

  it('refuses a host the configuration does not name, and any host when no simulator is attached', async () => {
    // Prepare
    const { seen, inner } = recording();
    const request = { method: 'GET' as const, headers: {}, timeoutMs: 1000 };
    // Act / Assess
    await expect(
      routedTransport(ORIGINS, 'http://127.0.0.1:4100', inner)({ ...request, url: 'https://example.org/x' }),
    ).rejects.toThrow('no local route to https://example.org');
    await expect(
      routedTransport(
        ORIGINS,
        undefined,
        inner,
      )({ ...request, url: 'https://data.brreg.no/enhetsregisteret/api/enheter/1' }),
    ).rejects.toThrow('no simulated bureaus in this local stack');
    expect(seen).toHaveLength(0);
  });
});

describe('servedAt', () => {
  it("answers a registry's paths only at its real host", () => {
    expect(servedAt('data.brreg.no', '/enhetsregisteret/api/enheter/923609016')).toBe(true);
    expect(servedAt('data.brreg.no', '/regnskapsregisteret/regnskap/923609016')).toBe(true);
    expect(servedAt('data.brreg.no', '/company/SC571653')).toBe(false);
    expect(servedAt('api.company-information.service.gov.uk', '/company/SC571653/officers')).toBe(true);
    expect(
      servedAt('api.company-information.service.gov.uk', '/enhetsregisteret/api/enheter/923609016'),
    ).toBe(false);
    expect(servedAt('bureau.example.com', '/credit-bureau/v1/companies/NO/923609016')).toBe(true);
    expect(servedAt('bureau.example.com', '/company/SC571653')).toBe(false);
  });
});
