import type { Context } from 'aws-lambda';
import { createLedgerDropHandler, ledgerReportKeyOf } from '#functions/ledger-drop/create-handler.ts';
import type { PaymentExperience } from '#shared/domain/risk/paydex.ts';
import { createObservability } from '#shared/observability.ts';

const CSV = [
  'customerId,invoiceId,issueDate,dueDate,amount,currency,paidDate,paidAmount',
  'acme,1,2026-09-01,2026-10-01,1000,NOK,2026-10-31,',
  'acme,2,2026-09-01,2026-10-01,-5,NOK,,',
  'stranger,3,2026-09-01,2026-10-01,500,NOK,,',
  '',
].join('\n');

function setup(files: Record<string, string>) {
  const written = new Map<string, string>();
  const stored = new Map<string, PaymentExperience>();
  const logs: string[] = [];
  const handler = createLedgerDropHandler({
    ...createObservability({
      serviceName: 'test',
      logSink: (line) => logs.push(line),
      metricsSink: () => {},
    }),
    store: {
      async setPaymentExperience(subjectId, experience) {
        if (subjectId !== 'acme') return false;
        stored.set(subjectId, experience);
        return true;
      },
    },
    objects: {
      async get(_bucket, key) {
        const text = files[key];
        if (text === undefined) throw new Error(`no such key ${key}`);
        return new TextEncoder().encode(text);
      },
      async put(_bucket, key, body) {
        written.set(key, body);
      },
    },
  });
  const drop = (key: string) =>
    handler(
      {
        'detail-type': 'Object Created',
        source: 'aws.s3',
        time: '2026-11-23T08:00:00Z',
        detail: { bucket: { name: 'ledger-bucket' }, object: { key } },
      },
      {} as Context,
    );
  return { drop, written, stored, logs };
}

describe('ledger drop folder', () => {
  it('stores the payment experience as of the drop day and reports rows, customers and strangers', async () => {
    // Prepare
    const { drop, written, stored, logs } = setup({ 'incoming/ar ledger.csv': CSV });
    // Act
    await drop('incoming/ar+ledger.csv');
    // Assess
    expect(stored.get('acme')).toMatchObject({ paidInvoices: 1, maxDaysBeyondTerms: 30, asOf: '2026-11-23' });
    const report = JSON.parse(written.get('reports/ar ledger.csv.result.json') ?? 'null');
    expect(report).toEqual({
      file: 'incoming/ar ledger.csv',
      status: 'imported',
      asOf: '2026-11-23',
      imported: 2,
      rejected: [{ line: 3, reason: "amount: must be a number greater than 0, got '-5'" }],
      customers: 2,
      stored: 1,
      unknown: ['stranger'],
    });
    expect(logs.join('\n')).not.toContain('stranger');
  });

  it('refuses a file that is not a ledger in its report, and ignores objects outside incoming/', async () => {
    // Prepare
    const { drop, written } = setup({ 'incoming/notes.txt': 'hello', 'reports/x.csv.result.json': '{}' });
    // Act
    await drop('incoming/notes.txt');
    await drop('reports/x.csv.result.json');
    // Assess
    expect(JSON.parse(written.get(ledgerReportKeyOf('incoming/notes.txt')) ?? 'null')).toEqual({
      file: 'incoming/notes.txt',
      status: 'refused',
      error: 'incoming/notes.txt: expected a .csv or .json file',
    });
    expect([...written.keys()]).toEqual(['reports/notes.txt.result.json']);
  });
});
