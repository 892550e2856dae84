import { runSoak } from '#shared/soak/run.ts';

describe('chaos soak (small)', () => {
  it('loses no change and announces none twice under faults, crashes, duplicates and a restart', async () => {
    // Prepare: every kind of fault at half the full soak's bureau rates (a monitor job is retried
    // whole, so the full rates cost minutes), frequent crashes and duplicates so that a few days of
    // a small portfolio meet each of them, and the restart on day 1 with jobs queued.
    const options = {
      subjects: 60,
      days: 3,
      seed: 3,
      faults: { faultRate: 0.05, timeoutRate: 0.02, malformedRate: 0.01, throttleRate: 0 },
      throttleBursts: { rate: 0.004, length: 20 },
      crashRate: 0.1,
      duplicateRate: 0.2,
      restartAtDay: 1,
    };

    // Act
    const report = await runSoak(options);

    // Assess: every fault happened, and nothing was lost, duplicated or left pending.
    expect(report.crashesInjected).toBeGreaterThan(0);
    expect(report.duplicateDeliveries).toBeGreaterThan(0);
    expect(report.restarts).toBe(1);
    expect(report.bureau.malformed).toBeGreaterThan(0);
    expect(report.bureau.throttled).toBeGreaterThan(0);
    expect(report.alertsCommitted).toBeGreaterThan(report.subjects);
    expect({
      lost: report.lost,
      duplicateAlerts: report.duplicateAlerts,
      pendingOutboxes: report.pendingOutboxes,
      dlqAfterRedrive: report.dlqAfterRedrive,
      unreported: report.changesMade - report.changesReported,
      deniedCalls: report.iam.deniedCalls,
    }).toEqual({
      lost: 0,
      duplicateAlerts: 0,
      pendingOutboxes: 0,
      dlqAfterRedrive: 0,
      unreported: 0,
      deniedCalls: [],
    });
    // Every AWS call of every function, across the restart, was authorized against its deployed role.
    expect(report.iam.checked).toBeGreaterThan(1000);
    expect(report.iam.denied).toBe(0);
  }, 120_000);
});
