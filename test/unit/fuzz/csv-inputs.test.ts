import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CsvSyntaxError, parseCsvLine, readCsv } from '#shared/cli/csv.ts';
import { scoreFile } from '#shared/cli/score.ts';
import { LedgerRow, parseLedgerCsv, parseLedgerJson } from '#shared/domain/ledger.ts';
import { KEY_FIGURE_NAMES } from '#shared/domain/risk/accounts.ts';
import { InputError } from '#shared/errors.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credmon-csv-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function tempFile(content: string | Uint8Array, ext = 'csv'): string {
  const file = join(dir, `f${fileNo++}.${ext}`);
  writeFileSync(file, content);
  return file;
}

/** Text made of the characters CSV parsers trip over. */
const csvChar = fc.constantFrom(
  'a',
  'b',
  '1',
  '.',
  '-',
  ',',
  '"',
  ' ',
  '\n',
  '\r\n',
  '\r',
  'é',
  '\uFEFF',
  '\t',
);
const csvText = fc.array(csvChar, { maxLength: 60 }).map((cs) => cs.join(''));

/** A cell written as a careful exporter would: quoted when it must be. */
const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

const numberCell = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '9'.repeat(400), '0x10', '1,5', ' 12 ', '', '-0'),
);

function expectCsvError(error: unknown, file: string, maxLine: number): void {
  expect(error).toBeInstanceOf(CsvSyntaxError);
  const e = error as CsvSyntaxError;
  expect(e.file).toBe(file);
  expect(e.line).toBeGreaterThanOrEqual(1);
  expect(e.line).toBeLessThanOrEqual(maxLine);
  expect(e.column).toBeGreaterThanOrEqual(1);
  expect(e.message.startsWith(`${file}:${e.line}:${e.column}: `)).toBe(true);
}

const physicalLines = (text: string): number => text.split('\n').length;

describe('fuzz: CSV reader', () => {
  it('parseCsvLine gives fields or a CsvSyntaxError at a column inside the line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', ',', '"', ' ', 'x'), { maxLength: 30 }).map((c) => c.join('')),
        (text) => {
          try {
            const fields = parseCsvLine(text, { file: 'in.csv', line: 7 });
            expect(fields.length).toBeGreaterThanOrEqual(1);
          } catch (error) {
            expectCsvError(error, 'in.csv', 7);
            expect((error as CsvSyntaxError).column).toBeLessThanOrEqual(text.length + 1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseCsvLine reads back any row a careful exporter wrote', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !/[\r\n]/.test(s)),
          { minLength: 1, maxLength: 6 },
        ),
        (cells) => {
          expect(parseCsvLine(cells.map(quote).join(','))).toEqual(cells);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('readCsv gives records with the line they start on, or a CsvSyntaxError naming file and line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvText, fc.uint8Array({ maxLength: 80 })), async (content) => {
        const file = tempFile(content);
        const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
        const records: { line: number; fields: string[] }[] = [];
        try {
          for await (const record of readCsv(file)) records.push(record);
        } catch (error) {
          expectCsvError(error, file, physicalLines(text));
          return;
        }
        const lines = records.map((r) => r.line);
        expect(lines).toEqual([...lines].sort((a, b) => a - b));
        for (const line of lines) expect(line).toBeGreaterThanOrEqual(1);
        for (const line of lines) expect(line).toBeLessThanOrEqual(physicalLines(text));
      }),
      { numRuns: 200 },
    );
  });

  it('readCsv reads back records whose quoted cells span lines, each at its first line', async () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', ' ', 'ø'), maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        async (rows) => {
          // A row whose only text is empty would be a blank line, which the reader skips by design.
          const written = rows.map((cells) => `x${cells.map(quote).join(',')}`.replace(/^x/, 'id,'));
          const file = tempFile(written.join('\r\n'));
          const records: { line: number; fields: string[] }[] = [];
          for await (const record of readCsv(file)) records.push(record);
          let line = 1;
          const expected = written.map((text, i) => {
            const at = line;
            line += physicalLines(text);
            return { line: at, fields: ['id', ...(rows[i] ?? [])] };
          });
          expect(records).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

const HEADER = 'customerId,invoiceId,issueDate,dueDate,amount,currency,paidDate,paidAmount';
const dateCell = fc.oneof(
  fc.constantFrom('2026-01-01', '2026-02-30', '2026-13-01', '', '01.02.2026', '2026-1-1', '0000-00-00'),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);
const ledgerCell = fc.oneof(
  numberCell,
  dateCell,
  fc.string({ maxLength: 8 }),
  fc.constantFrom('NOK', 'c1', 'i1'),
);

function expectValidLedger(result: ReturnType<typeof parseLedgerCsv>, maxLine: number): void {
  for (const row of result.rows) {
    expect(LedgerRow.safeParse(row).success).toBe(true);
    expect(Number.isFinite(row.amount)).toBe(true);
    if (row.paidAmount !== null) expect(Number.isFinite(row.paidAmount)).toBe(true);
  }
  for (const { line, reason } of result.rejected) {
    expect(line).toBeGreaterThanOrEqual(1);
    expect(line).toBeLessThanOrEqual(maxLine);
    expect(reason).toMatch(/^\S+: /);
  }
}

describe('fuzz: ledger import', () => {
  it('parseLedgerCsv answers any text with valid rows and rejections naming line and column', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          csvText,
          csvText.map((t) => `${HEADER}\n${t}`),
        ),
        (csv) => {
          expectValidLedger(
            parseLedgerCsv(csv),
            physicalLines(csv.replaceAll('\r\n', '\n').replaceAll('\r', '\n')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseLedgerCsv answers rows of random cells, numbers and dates, row by row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(ledgerCell, { minLength: 6, maxLength: 9 }), { maxLength: 8 }),
        (rows) => {
          const csv = [HEADER, ...rows.map((cells) => cells.map(quote).join(','))].join('\n');
          const result = parseLedgerCsv(csv);
          expectValidLedger(result, rows.length + 1 + rows.flat().join('').split('\n').length);
          expect(result.rows.length + result.rejected.length).toBeLessThanOrEqual(rows.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  const invoice = fc.record({
    customerId: fc.oneof(fc.constant('c1'), fc.string({ maxLength: 4 })),
    invoiceId: fc.oneof(fc.uuid(), fc.constant('')),
    issueDate: dateCell,
    dueDate: dateCell,
    amount: fc.oneof(fc.double(), fc.constant(1000), numberCell, fc.constant(null)),
    currency: fc.constantFrom('NOK', 'nok', 'EURO', ''),
    paidDate: fc.oneof(dateCell, fc.constant(null)),
  });

  it('parseLedgerJson answers any JSON with valid rows and rejections naming line and column', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue().map((j) => JSON.stringify(j) ?? ''),
          fc.array(fc.oneof(invoice, fc.jsonValue())).map((a) => JSON.stringify(a, null, 2)),
          csvText,
        ),
        (json) => expectValidLedger(parseLedgerJson(json), physicalLines(json)),
      ),
      { numRuns: 300 },
    );
  });

  it('parseLedgerJson puts each rejection on the line its invoice starts, whatever surrounds the list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(invoice, fc.jsonValue({ maxDepth: 1 })), { minLength: 1, maxLength: 5 }),
        fc.dictionary(fc.constantFrom('meta', 'source', 'x'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
        fc.boolean(),
        (invoices, extra, invoicesFirst) => {
          const doc = invoicesFirst ? { invoices, ...extra } : { ...extra, invoices };
          const json = JSON.stringify(doc, null, 2);
          const result = parseLedgerJson(json);
          // Each element is pretty-printed alone: its first line is where the element starts.
          const listStart = json.split('\n').findIndex((l) => l.startsWith('  "invoices": ')) + 1;
          let line = listStart + 1;
          const starts = invoices.map((element) => {
            const at = line;
            line += (JSON.stringify(element, null, 2) ?? 'null').split('\n').length;
            return at;
          });
          for (const { line: rejectedLine } of result.rejected) expect(starts).toContain(rejectedLine);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: score input', () => {
  const SCORE_HEADER = ['id', ...KEY_FIGURE_NAMES].join(',');

  it('scoreFile scores every row or rejects the file with an InputError naming file and line', async () => {
    const header = fc.oneof(
      fc.constant(SCORE_HEADER),
      fc.shuffledSubarray(SCORE_HEADER.split(','), { minLength: 1 }).map((c) => c.join(',')),
      csvText,
    );
    const row = fc.array(fc.oneof(numberCell, fc.string({ maxLength: 5 }), csvText), {
      minLength: 9,
      maxLength: 11,
    });
    await fc.assert(
      fc.asyncProperty(header, fc.array(row, { maxLength: 6 }), fc.boolean(), async (head, rows, raw) => {
        const text = [
          head,
          ...rows.map((cells) => (raw ? cells.join(',') : cells.map(quote).join(','))),
        ].join('\n');
        const input = tempFile(text);
        const output = join(dir, `out${fileNo++}.jsonl`);
        try {
          const summary = await scoreFile(input, output, { stderr: { write: () => true } });
          expect(summary.rows).toBe(summary.scored + summary.insufficient);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          expect((error as Error).message.startsWith(`${input}:`)).toBe(true);
          if (error instanceof CsvSyntaxError) expect(error.line).toBeLessThanOrEqual(physicalLines(text));
        }
      }),
      { numRuns: 150 },
    );
  });
});
