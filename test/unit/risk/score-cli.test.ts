import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '#shared/cli/command.ts';
import { parseCsvLine } from '#shared/cli/csv.ts';
import { scoreCommand, scoreFile } from '#shared/cli/score.ts';
import { DEFAULT_ACCOUNTS_PARAMS } from '#shared/domain/risk/accounts-params.ts';

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/score');

function fakeIo(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk), isTTY: false },
    env: {},
    cwd: ROOT,
    out: () => out,
    err: () => err,
  };
}

interface Line {
  id: string;
  pd: number | null;
  class: string | null;
  reasons: { code: string; text: string; contribution: number }[];
}

const readJsonl = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

const tmp = (): string => mkdtempSync(join(tmpdir(), 'credmon-score-'));

describe('credmon score', () => {
  it('scores each row of a small file, with quoting, extra columns and missing values', async () => {
    // Prepare
    const io = fakeIo();
    const out = join(tmp(), 'scores.jsonl');
    // Act
    const code = await scoreCommand.run([join(FIXTURES, 'companies.csv'), '--out', out, '--json'], io);
    // Assess
    expect(code).toBe(0);
    const lines = readJsonl(out);
    expect(lines.map((l) => l.id)).toEqual([
      'healthy',
      'distressed, inc',
      'no-history',
      'no-assets',
      'too-few',
    ]);
    const [healthy, distressed, noHistory, noAssets, tooFew] = lines;
    expect(healthy?.class).toBe('A');
    expect(['C', 'D']).toContain(distressed?.class);
    expect(distressed?.pd).toBeGreaterThan(10 * (healthy?.pd ?? 1));
    expect(distressed?.reasons[0]?.contribution).toBeGreaterThan(0);
    expect(noHistory?.reasons.map((r) => r.code)).toContain('ACCOUNTS_REVENUE_HISTORY_MISSING');
    for (const row of [noAssets, tooFew]) {
      expect(row).toMatchObject({ pd: null, class: null, reasons: [{ code: 'INSUFFICIENT_DATA' }] });
    }
    const summary = JSON.parse(io.out().trim().split('\n').at(-1) ?? '');
    expect(summary).toEqual({ rows: 5, scored: 3, insufficient: 2, classes: expect.any(Object) });
    expect(summary.classes.A + summary.classes.B + summary.classes.C + summary.classes.D).toBe(3);
  });

  it.each([
    ['missing-column.csv', /missing-column\.csv:1:1: header lacks column\(s\): previousRevenue/],
    ['non-numeric.csv', /non-numeric\.csv:3:4: column shortTermLiabilities: expected a number, got 'abc'/],
    ['broken-quoting.csv', /broken-quoting\.csv:3:\d+: unexpected character after a closing quote/],
  ])('fails with exit 1 on %s, naming file, line and column', async (file, message) => {
    // Prepare
    const io = fakeIo();
    // Act
    const code = await scoreCommand.run([join(FIXTURES, file), '--out', join(tmp(), 'o.jsonl')], io);
    // Assess
    expect(code).toBe(1);
    expect(io.err()).toMatch(message);
  });

  it('fails with exit 1 when the input file does not exist', async () => {
    // Prepare
    const io = fakeIo();
    // Act
    const code = await scoreCommand.run(['no/such.csv', '--out', join(tmp(), 'o.jsonl')], io);
    // Assess
    expect(code).toBe(1);
    expect(io.err()).toContain('no/such.csv');
  });

  it.each([
    [['in.csv'], /--out is required/],
    [[], /missing argument: FILE\.csv/],
    [['in.csv', '--out', 'o.jsonl', '--bogus'], /unknown flag: --bogus/],
  ])('exits 2 on bad usage %p', async (argv, message) => {
    // Prepare
    const io = fakeIo();
    // Act
    const code = await scoreCommand.run(argv, io);
    // Assess
    expect(code).toBe(2);
    expect(io.err()).toMatch(message);
  });

  it('rejects a params file with an unknown field, naming file and field', async () => {
    // Prepare
    const dir = tmp();
    const params = join(dir, 'params.json');
    writeFileSync(params, JSON.stringify({ ...(DEFAULT_ACCOUNTS_PARAMS as object), surprise: 1 }));
    const io = fakeIo();
    // Act
    const code = await scoreCommand.run(
      [join(FIXTURES, 'companies.csv'), '--out', join(dir, 'o.jsonl'), '--params', params],
      io,
    );
    // Assess
    expect(code).toBe(1);
    expect(io.err()).toMatch(/params\.json.*surprise/);
  });

  it('covers at least 98 % of the Polish companies, with bankruptcy rates rising from A to D', async () => {
    // Prepare
    const input = join(ROOT, 'data/polish-bankruptcy/1year-keyfigures.csv');
    const out = join(tmp(), 'polish.jsonl');
    const io = fakeIo();
    const bankrupt = new Map(
      readFileSync(input, 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => {
          const fields = parseCsvLine(line);
          return [fields[0], fields.at(-1) === '1'] as const;
        }),
    );
    // Act
    const code = await scoreCommand.run([input, '--out', out, '--json'], io);
    // Assess
    expect(code).toBe(0);
    const lines = readJsonl(out);
    expect(lines).toHaveLength(7027);
    const summary = JSON.parse(io.out().trim());
    expect(summary.scored / summary.rows).toBeGreaterThanOrEqual(0.98);
    const rates = (['A', 'B', 'C', 'D'] as const).map((c) => {
      const members = lines.filter((l) => l.class === c);
      expect(members.length).toBeGreaterThan(0);
      return members.filter((l) => bankrupt.get(l.id)).length / members.length;
    });
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1] ?? 0);
  });
});

describe('parseCsvLine', () => {
  it('splits RFC 4180 fields with quoted commas, quotes and empty fields', () => {
    // Prepare / Act / Assess
    expect(parseCsvLine('a,"b,c","say ""hi""",,')).toEqual(['a', 'b,c', 'say "hi"', '', '']);
  });

  it.each([
    ['a,"unclosed', /x\.csv:7:3: unclosed quoted field/],
    ['a,b"c', /x\.csv:7:4: quote inside an unquoted field/],
  ])('rejects %p naming the position', (line, message) => {
    // Prepare / Act / Assess
    expect(() => parseCsvLine(line, { file: 'x.csv', line: 7 })).toThrow(message);
  });
});

describe('scoreFile on a rejected input', () => {
  it('leaves no partial output and keeps an earlier good one', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'score-partial-'));
    const header =
      'id,totalAssets,currentAssets,shortTermLiabilities,totalLiabilities,equity,retainedEarnings,operatingResult,netResult,revenue,previousRevenue';
    const output = join(dir, 'out.jsonl');
    writeFileSync(output, 'earlier good output\n');
    const input = join(dir, 'bad.csv');
    writeFileSync(input, `${header}\na,100,50,20,40,60,10,5,4,90,80\nb,100,x,20,40,60,10,5,4,90,80\n`);
    // Act / Assess
    await expect(scoreFile(input, output, { stderr: { write: () => true } })).rejects.toThrow(
      /bad.csv:3:3: column currentAssets/,
    );
    expect(readFileSync(output, 'utf8')).toBe('earlier good output\n');
    expect(existsSync(`${output}.partial`)).toBe(false);
  });
});
