/**
 * `credmon ledger import` on a data directory that `credmon local` has checked: the payment
 * experience is stored on the subject, and the next check re-assesses it although the bureaus
 * report nothing new, moving its class and alerting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '#shared/cli/main.ts';
import type { AlertV1 } from '#shared/domain/alert.ts';
import { LEDGER_COLUMNS } from '#shared/domain/ledger.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { runLocal } from '#shared/local/run.ts';
import { addDays } from '#shared/simulator/calendar.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';

const WORLD = { seed: 3, subjects: 12, startDate: DEFAULT_START_DATE };

/** Twelve invoices, each paid 150 days after its due date, all before day 0. */
function slowPayerCsv(customerId: string): string {
  const rows = [LEDGER_COLUMNS.join(',')];
  for (let i = 0; i < 12; i++) {
    const issue = addDays(DEFAULT_START_DATE, -(200 + 10 * i));
    const due = addDays(issue, 30);
    rows.push([customerId, `INV-${i}`, issue, due, '10000.00', 'NOK', addDays(due, 150), ''].join(','));
  }
  rows.push(['nobody-we-know', 'INV-X', '2026-01-01', '2026-01-31', '500', 'NOK', '', ''].join(','));
  return `${rows.join('\n')}\n`;
}

describe('credmon ledger import on a data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credmon-ledger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the payment experience and the next check re-assesses and alerts on the class change', async () => {
    // Prepare: a baseline check of a small portfolio, and a customer in class A or B.
    await runLocal({ world: createWorld(WORLD), days: 1, dataDir: dir });
    const before = await openDataDir(dir);
    let customer: { id: string; class: string; pd: number } | null = null;
    try {
      for (const subject of createWorld(WORLD).portfolio()) {
        const state = await before.composition.store.get(subject.id);
        if (state?.risk && ['A', 'B'].includes(state.risk.class) && subject.kind === 'business') {
          customer = { id: subject.id, class: state.risk.class, pd: state.risk.pd };
          break;
        }
      }
    } finally {
      await before.close();
    }
    if (customer === null) throw new Error('the test world has no business in class A or B');
    writeFileSync(join(dir, 'ledger.csv'), slowPayerCsv(customer.id));

    // Act
    let stdout = '';
    const code = await main(
      ['ledger', 'import', 'ledger.csv', '--as-of', DEFAULT_START_DATE, '--data-dir', dir, '--json'],
      {
        stdout: { write: (chunk: string) => (stdout += chunk) },
        stderr: { write: () => true },
        env: {},
        cwd: dir,
      },
    );
    const stored = await openDataDir(dir);
    const afterImport = await stored.composition.store.get(customer.id).finally(() => stored.close());
    const alerts: AlertV1[] = [];
    await runLocal({
      world: createWorld(WORLD),
      days: 1,
      dataDir: dir,
      onAlert: (alert) => alerts.push(alert),
    });
    const checked = await openDataDir(dir);
    const afterCheck = await checked.composition.store.get(customer.id).finally(() => checked.close());

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null')).toMatchObject({
      imported: 13,
      customers: 2,
      stored: 1,
      unknown: ['nobody-we-know'],
    });
    expect(afterImport?.paymentExperience).toMatchObject({ paidInvoices: 12, maxDaysBeyondTerms: 150 });
    expect(afterImport?.hash).toBeNull();
    expect(afterCheck?.risk?.pd).toBeGreaterThan(customer.pd);
    expect(afterCheck?.risk?.reasons.map((r) => r.code)).toContain('PAYMENT_EXPERIENCE_SLOW');
    const moved = alerts.filter((a) => a.subject.id === customer.id && a.type === 'risk-class-changed');
    expect(moved).toHaveLength(1);
    expect(moved[0]?.risk.previousClass).toBe(customer.class);
    expect(alerts.filter((a) => a.subject.id !== customer.id)).toEqual([]);
  }, 60_000);
});
