import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '#shared/cli/command.ts';
import { createLedgerImportCommand, importLedgerFile, ledgerImportCommand } from '#shared/cli/ledger.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';

const fixtures = join(__dirname, '..', '..', 'fixtures', 'ledger');

function fakeIo(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    env: {},
    cwd: fixtures,
    out: () => out,
    err: () => err,
  };
}

describe('credmon ledger import', () => {
  it('prints rejected rows with line and reason and ends stdout with the JSON summary', async () => {
    // Prepare
    const io = fakeIo();
    const command = createLedgerImportCommand({
      persist: async (experience) => ({ stored: experience.size - 1, unknown: ['slowpay-as'] }),
    });
    // Act
    const code = await command.run(['ar-ledger.csv', '--json', '--as-of', '2026-06-15'], io);
    // Assess
    expect(code).toBe(0);
    expect(io.err()).toContain(
      "ar-ledger.csv:3: paidDate: not a calendar date (expected YYYY-MM-DD), got '2026-02-30'\n",
    );
    expect(io.err()).toContain('ar-ledger.csv:6: invoiceId: duplicate of line 2 for the same customerId\n');
    const last = io.out().trimEnd().split('\n').pop() ?? '';
    expect(io.err()).toContain('not monitored (experience not stored): slowpay-as\n');
    expect(JSON.parse(last)).toEqual({
      imported: 4,
      customers: 2,
      stored: 1,
      unknown: ['slowpay-as'],
      rejected: [
        { line: 3, reason: "paidDate: not a calendar date (expected YYYY-MM-DD), got '2026-02-30'" },
        { line: 4, reason: "amount: must be a number greater than 0, got '-500'" },
        { line: 5, reason: 'dueDate: missing' },
        { line: 6, reason: 'invoiceId: duplicate of line 2 for the same customerId' },
      ],
    });
  });

  it('hands the payment experience to the injected persistence', async () => {
    // Prepare
    const io = fakeIo();
    const persisted: Map<string, PaymentExperience>[] = [];
    const command = createLedgerImportCommand({
      persist: async (experience, { dataDir }) => {
        persisted.push(experience);
        return { stored: dataDir === join(fixtures, 'elsewhere') ? experience.size : 0, unknown: [] };
      },
    });
    // Act
    const code = await command.run(
      ['ar-ledger.json', '--as-of', '2026-06-15', '--data-dir', 'elsewhere'],
      io,
    );
    // Assess
    expect(code).toBe(0);
    expect(persisted).toHaveLength(1);
    expect(persisted[0]?.get('acme-no')).toMatchObject({
      paidInvoices: 1,
      weightedDaysBeyondTerms: -10,
      paydex: 90,
    });
    expect(io.out()).toBe('');
    expect(io.err()).toContain(`stored ${persisted[0]?.size}`);
  });

  it('fails with exit code 1 when nothing can be imported, 2 on bad usage', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'credmon-ledger-'));
    writeFileSync(join(dir, 'bad.csv'), 'customerId,amount\nc-1,5\n');
    const io = { ...fakeIo(), cwd: dir };
    const usage = fakeIo();
    // Act
    const code = await ledgerImportCommand.run(['bad.csv'], io);
    const usageCode = await ledgerImportCommand.run([], usage);
    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain('bad.csv:1: header: missing column invoiceId, issueDate, dueDate, currency');
    expect(usageCode).toBe(2);
  });

  it('rejects an unknown extension and a bad --as-of naming them', async () => {
    // Prepare / Act / Assess
    await expect(importLedgerFile(join(fixtures, 'ar-ledger.txt'), '2026-06-15')).rejects.toThrow(
      /expected a \.csv or \.json file/,
    );
    await expect(importLedgerFile(join(fixtures, 'ar-ledger.csv'), '15.06.2026')).rejects.toThrow(/--as-of/);
  });
});
