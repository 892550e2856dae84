import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataDir, writeServedDataDir } from '#shared/local/open-data-dir.ts';
import { type LocalStack, startLocalStack } from '#shared/local/stack.ts';

describe('openDataDir', () => {
  let dir: string;
  let server: LocalStack;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credmon-open-'));
    server = await startLocalStack();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("uses a live server's endpoints instead of opening the directory", async () => {
    // Prepare: a served stack holding one subject
    await server.composition.store.enrol(
      {
        id: 'acme',
        kind: 'business',
        country: 'NO',
        registryId: '923609016',
        personToken: null,
        portfolioId: 'core',
        tier: 'daily',
        creditLimit: null,
        paymentTermsDays: null,
        exposure: null,
      },
      null,
    );
    const release = writeServedDataDir(dir, server.environments.monitor ?? {});
    // Act
    const data = await openDataDir(dir);
    const state = await data.composition.store.get('acme');
    await data.close();
    release();
    // Assess
    expect(data.served).toBe(true);
    expect(state?.subject.registryId).toBe('923609016');
  });

  it('opens the on-disk state itself when nobody serves it, and keeps it across openings', async () => {
    // Prepare
    const first = await openDataDir(dir);
    await first.composition.store.enrol(
      {
        id: 'kept',
        kind: 'business',
        country: 'GB',
        registryId: 'SC571653',
        personToken: null,
        portfolioId: 'uk',
        tier: 'weekly',
        creditLimit: 1000,
        paymentTermsDays: 30,
        exposure: 0,
      },
      null,
    );
    await first.close();
    // Act
    const second = await openDataDir(dir);
    const state = await second.composition.store.get('kept');
    await second.close();
    // Assess
    expect(first.served).toBe(false);
    expect(state?.subject.portfolioId).toBe('uk');
  });
});
