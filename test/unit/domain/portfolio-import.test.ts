import {
  isValidCompanyNumber,
  isValidNationalInsuranceNumber,
  isValidNorwegianNationalId,
  isValidOrganisationNumber,
  MalformedPortfolioError,
  PORTFOLIO_COLUMNS,
  type PortfolioRecord,
  validatePortfolio,
} from '#shared/domain/portfolio-import.ts';

const HEADER: PortfolioRecord = { line: 1, fields: [...PORTFOLIO_COLUMNS] };

/** A record from the file's columns; unspecified columns are empty. */
function row(
  line: number,
  values: Partial<Record<(typeof PORTFOLIO_COLUMNS)[number], string>>,
): PortfolioRecord {
  return { line, fields: PORTFOLIO_COLUMNS.map((column) => values[column] ?? '') };
}

const equinor = {
  id: 'eq',
  kind: 'business',
  country: 'NO',
  registryId: '923609016',
  portfolio: 'core',
  tier: 'daily',
};
const scottish = {
  id: 'sc',
  kind: 'business',
  country: 'GB',
  registryId: 'SC571653',
  portfolio: 'uk',
  tier: 'weekly',
};
const kari = {
  id: 'kari',
  kind: 'individual',
  country: 'NO',
  nationalId: '10038000581',
  name: 'Kari Nordmann',
  portfolio: 'retail',
  tier: 'monthly',
};

describe('check digits and formats', () => {
  it('accepts Norwegian organisation numbers with a valid mod-11 check digit only', () => {
    expect(isValidOrganisationNumber('923609016')).toBe(true);
    expect(isValidOrganisationNumber('923609017')).toBe(false);
    expect(isValidOrganisationNumber('92360901')).toBe(false);
  });

  it('accepts Norwegian national ids whose two check digits both hold', () => {
    expect(isValidNorwegianNationalId('10038000581')).toBe(true);
    expect(isValidNorwegianNationalId('10038000591')).toBe(false); // first check digit wrong
    expect(isValidNorwegianNationalId('10038000582')).toBe(false); // second check digit wrong
  });

  it('accepts UK company numbers of 8 digits or 2 letters and 6 digits', () => {
    expect(['SC571653', '04817263', 'OC123456'].map(isValidCompanyNumber)).toEqual([true, true, true]);
    expect(['4817263', 'SC57165', 'S1571653', 'SC5716531'].map(isValidCompanyNumber)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('accepts UK National Insurance numbers for individuals', () => {
    expect(isValidNationalInsuranceNumber('AB123456C')).toBe(true);
    expect(isValidNationalInsuranceNumber('GB123456C')).toBe(false);
    expect(isValidNationalInsuranceNumber('AB123456E')).toBe(false);
  });
});

describe('validatePortfolio', () => {
  it("turns good rows into enrolments and drops individuals' names", () => {
    // Act
    const { rows, rejected } = validatePortfolio([HEADER, row(2, equinor), row(3, scottish), row(4, kari)]);
    // Assess
    expect(rejected).toEqual([]);
    expect(rows.map((r) => [r.id, r.kind, r.country, r.registryId, r.tier])).toEqual([
      ['eq', 'business', 'NO', '923609016', 'daily'],
      ['sc', 'business', 'GB', 'SC571653', 'weekly'],
      ['kari', 'individual', 'NO', null, 'monthly'],
    ]);
    expect(JSON.stringify(rows)).not.toContain('Kari Nordmann');
  });

  it('rejects each bad row with its line and a reason naming the column', () => {
    const records = [
      HEADER,
      row(2, { ...equinor, id: 'a', registryId: '923609017' }),
      row(3, { ...equinor, id: 'b', country: 'XX' }),
      row(4, { ...equinor, id: 'c', country: 'SE' }),
      row(5, { ...scottish, id: 'd', registryId: 'S1234567' }),
      row(6, { ...kari, id: 'e', nationalId: '10038000582' }),
      row(7, { ...equinor, id: 'f', tier: 'hourly' }),
      row(8, { ...scottish, id: 'g', tier: 'feed' }),
      row(9, { ...equinor, id: 'h', creditLimit: '-5' }),
      row(10, { ...equinor, id: 'i', paymentTermsDays: '30.5', exposure: '1,000' }),
      row(11, { ...equinor, id: 'j', kind: 'trust' }),
    ];
    // Act
    const { rows, rejected } = validatePortfolio(records);
    // Assess
    expect(rows).toEqual([]);
    expect(rejected).toEqual([
      {
        line: 2,
        reason: 'registryId: 923609017 is not a valid Norwegian organisation number (mod-11 check digit)',
      },
      {
        line: 3,
        reason: expect.stringMatching(
          /^country: XX is not an ISO 3166-1 alpha-2 country code \(monitorable: NO, GB\)/,
        ),
      },
      { line: 4, reason: 'country: SE has no supported registry (monitorable: NO, GB)' },
      { line: 5, reason: expect.stringMatching(/^registryId: S1234567 is not a UK company number/) },
      { line: 6, reason: 'nationalId: not a valid Norwegian national id (mod-11 check digits)' },
      { line: 7, reason: 'tier: hourly is not a tier (daily, weekly, monthly, feed)' },
      { line: 8, reason: 'tier: feed is only for businesses in a country with a change feed (NO)' },
      { line: 9, reason: 'creditLimit: -5 is negative' },
      {
        line: 10,
        reason: expect.stringMatching(
          /^paymentTermsDays: 30\.5 is not a whole number of days; exposure: 1,000 is not a number/,
        ),
      },
      { line: 11, reason: 'kind: trust is not business or individual' },
    ]);
  });

  it('accepts the feed tier for Norwegian businesses', () => {
    const { rows } = validatePortfolio([HEADER, row(2, { ...equinor, tier: 'feed' })]);
    expect(rows[0]?.tier).toBe('feed');
  });

  it('never repeats a national id or a name in a reason', () => {
    const { rejected } = validatePortfolio([
      HEADER,
      row(2, { ...kari, nationalId: '10038000582', tier: 'x' }),
    ]);
    expect(rejected[0]?.reason).toMatch(/^nationalId: .*; tier: x/);
    expect(JSON.stringify(rejected)).not.toMatch(/10038000582|Kari/);
  });

  it('rejects a later row with an id seen before as a duplicate of the first line', () => {
    const { rows, rejected } = validatePortfolio([
      HEADER,
      row(2, equinor),
      row(3, { ...scottish, id: 'eq' }),
    ]);
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(rejected).toEqual([{ line: 3, reason: 'id: eq is a duplicate of line 2' }]);
  });

  it('rejects a row with a different number of fields than the header', () => {
    const { rejected } = validatePortfolio([HEADER, { line: 2, fields: ['a', 'business'] }]);
    expect(rejected).toEqual([{ line: 2, reason: 'row: expected 11 fields as in the header, got 2' }]);
  });

  it('accepts the columns in any order, with extra columns ignored', () => {
    const fields = [...PORTFOLIO_COLUMNS].reverse();
    const values: Record<string, string> = { ...equinor };
    const { rows } = validatePortfolio([
      { line: 1, fields: ['note', ...fields] },
      { line: 2, fields: ['hello', ...fields.map((column) => values[column] ?? '')] },
    ]);
    expect(rows[0]).toMatchObject({ id: 'eq', registryId: '923609016' });
  });

  it('rejects the whole file when the header misses a column or repeats one', () => {
    const missing = PORTFOLIO_COLUMNS.filter((column) => column !== 'tier');
    expect(() => validatePortfolio([{ line: 1, fields: missing }], { file: 'in.csv' })).toThrow(
      new MalformedPortfolioError(
        `in.csv:1: not a portfolio header: missing column tier (expected ${PORTFOLIO_COLUMNS.join(',')})`,
      ),
    );
    expect(() => validatePortfolio([{ line: 1, fields: [...PORTFOLIO_COLUMNS, 'id'] }])).toThrow(
      /repeated column id/,
    );
    expect(() => validatePortfolio([])).toThrow(/empty file/);
  });
});
