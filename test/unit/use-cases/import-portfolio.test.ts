import fc from 'fast-check';
import { createSealer } from '#shared/adapters/crypto/sealer.ts';
import { type ControlEvent, controlEvent } from '#shared/domain/bus-events.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import type { MonitoredSubject } from '#shared/domain/subject.ts';
import { InputError } from '#shared/errors.ts';
import {
  addSubject,
  importPortfolio,
  type PortfolioDependencies,
  PortfolioFileError,
  parsePortfolioFile,
} from '#shared/use-cases/import-portfolio.ts';
import type { SubjectStore } from '#shared/use-cases/ports.ts';

const HEADER = PORTFOLIO_COLUMNS.join(',');
const bytes = (text: string) => new TextEncoder().encode(text);

/** An in-memory store that records every enrolment. */
function memoryStore() {
  const subjects = new Map<string, { subject: MonitoredSubject; sealed: string | null }>();
  const writes: string[] = [];
  const store = {
    async enrol(subject: MonitoredSubject, sealed: string | null) {
      writes.push(subject.id);
      const existing = subjects.get(subject.id);
      subjects.set(subject.id, { subject, sealed });
      if (!existing) return 'created' as const;
      return JSON.stringify(existing.subject) === JSON.stringify(subject)
        ? ('unchanged' as const)
        : ('updated' as const);
    },
  } as unknown as SubjectStore;
  return { store, subjects, writes };
}

function deps(store: SubjectStore): PortfolioDependencies {
  return { store, sealer: createSealer('a-seal-key-for-tests'), tokenKey: 'a-token-key-for-tests' };
}

const FILE = [
  HEADER,
  'eq,business,NO,923609016,,Equinor ASA,core,daily,500000,30,120000',
  'sc,business,GB,SC571653,,"Acme, Scotland",uk,weekly,,,',
  'kari,individual,NO,,10038000581,Kari Nordmann,retail,monthly,10000,14,0',
  'bad,business,NO,923609017,,Typo AS,core,daily,,,',
  '',
].join('\r\n');

describe('importPortfolio', () => {
  it('enrols the good rows, reports the bad ones, and imports nothing twice', async () => {
    // Prepare
    const { store, subjects } = memoryStore();
    // Act
    const first = await importPortfolio(bytes(FILE), 'debtors.csv', deps(store));
    const second = await importPortfolio(bytes(FILE), 'debtors.csv', deps(store));
    // Assess
    expect(first).toEqual({
      imported: 3,
      updated: 0,
      unchanged: 0,
      rejected: [
        {
          line: 5,
          reason: 'registryId: 923609017 is not a valid Norwegian organisation number (mod-11 check digit)',
        },
      ],
    });
    expect(second).toMatchObject({ imported: 0, unchanged: 3 });
    const kari = subjects.get('kari');
    expect(kari?.subject.personToken).toMatch(/^pt_[0-9a-f]{32}$/);
    expect(kari?.sealed).toMatch(/^v1\./);
    expect(JSON.stringify([...subjects.values()])).not.toMatch(/10038000581|Kari Nordmann/);
    expect(subjects.get('eq')?.subject).toMatchObject({
      creditLimit: 500000,
      paymentTermsDays: 30,
      exposure: 120000,
    });
  });

  it('rejects a file that is not UTF-8 whole, naming the line', async () => {
    const { store, writes } = memoryStore();
    const latin1 = Buffer.from(`${HEADER}\nbr,business,NO,923609016,,Br\xf8d AS,core,daily,,,\n`, 'latin1');
    await expect(importPortfolio(latin1, 'erp.csv', deps(store))).rejects.toThrow(
      'erp.csv:2: not valid UTF-8; save the file as UTF-8 and import again',
    );
    expect(writes).toEqual([]);
  });

  it('rejects a file with broken quoting whole, even when earlier rows are good', async () => {
    const { store, writes } = memoryStore();
    const broken = `${HEADER}\neq,business,NO,923609016,,Equinor,core,daily,,,\nx,business,NO,923609016,,"Unclosed,core,daily,,,\n`;
    await expect(importPortfolio(bytes(broken), 'erp.csv', deps(store))).rejects.toThrow(
      /^erp\.csv:3:\d+: unclosed quoted field at end of file; nothing was imported$/,
    );
    expect(writes).toEqual([]);
  });

  it('rejects a file whose header misses a column', () => {
    expect(() => parsePortfolioFile(bytes('id,kind,country\n'), 'x.csv')).toThrow(PortfolioFileError);
    expect(() => parsePortfolioFile(bytes('id,kind,country\n'), 'x.csv')).toThrow(
      /missing columns registryId, nationalId/,
    );
  });

  it('accepts a byte order mark and LF or CRLF line ends', () => {
    const { rows } = parsePortfolioFile(bytes(`\uFEFF${FILE.replaceAll('\r\n', '\n')}`), 'bom.csv');
    expect(rows.map((r) => r.id)).toEqual(['eq', 'sc', 'kari']);
  });

  it('never crashes on random bytes or lines, and writes all or nothing of what it validated', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        'eq,business,NO,923609016,,Equinor,core,daily,,,',
        'sc,business,GB,SC571653,,x,uk,weekly,1,2,3',
        'kari,individual,NO,,10038000581,K,retail,monthly,,,',
        '"a""b",business,NO,923609016,,"q,"",r",core,daily,,,',
        '"',
        ',,,,,,,,,,',
      ),
      fc.string({ maxLength: 40 }),
    );
    const file = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(line, { maxLength: 8 }).map((lines) => bytes([HEADER, ...lines].join('\n'))),
    );
    await fc.assert(
      fc.asyncProperty(file, async (input) => {
        const { store, writes } = memoryStore();
        try {
          const report = await importPortfolio(input, 'fuzz.csv', deps(store));
          const valid = parsePortfolioFile(input, 'fuzz.csv').rows.map((r) => r.id);
          expect(writes.sort()).toEqual(valid.sort());
          expect(report.imported + report.unchanged).toBe(valid.length);
        } catch (error) {
          expect(error).toBeInstanceOf(PortfolioFileError);
          expect(writes).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('addSubject', () => {
  it('validates one subject like a file row', async () => {
    const { store } = memoryStore();
    const outcome = await addSubject(
      {
        id: 'eq',
        kind: 'business',
        country: 'no',
        registryId: '923 609 016',
        portfolio: 'core',
        tier: 'Daily',
        creditLimit: 1000,
      },
      deps(store),
    );
    expect(outcome).toBe('created');
    await expect(
      addSubject(
        { id: 'x', kind: 'business', country: 'NO', registryId: '1', portfolio: 'p', tier: 'daily' },
        deps(store),
      ),
    ).rejects.toThrow(new InputError('registryId: 1 is not a Norwegian organisation number (9 digits)'));
  });
});

describe('baseline requests on enrolment', () => {
  /** A control bus that records what was put on it. */
  function recordingBus() {
    const events: ControlEvent[] = [];
    return {
      events,
      bus: {
        async putControlEvents(batch: readonly ControlEvent[]) {
          events.push(...batch);
        },
      },
    };
  }

  it('asks for a baseline of every imported subject, whatever its tier, with ids and tier only', async () => {
    // Prepare
    const { store } = memoryStore();
    const { bus, events } = recordingBus();
    // Act
    await importPortfolio(bytes(FILE), 'debtors.csv', { ...deps(store), bus });
    // Assess
    expect([...events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { type: 'SubjectEnrolled', detail: { subjectId: 'eq', tier: 'daily' } },
      { type: 'SubjectEnrolled', detail: { subjectId: 'kari', tier: 'monthly' } },
      { type: 'SubjectEnrolled', detail: { subjectId: 'sc', tier: 'weekly' } },
    ]);
    const text = JSON.stringify(events);
    expect(text).not.toContain('10038000581');
    expect(text).not.toContain('Kari Nordmann');
    for (const event of events) expect(() => controlEvent(event.type, event.detail)).not.toThrow();
  });

  it('asks again for an updated subject, and for nothing when a file is imported unchanged', async () => {
    // Prepare
    const { store } = memoryStore();
    await importPortfolio(bytes(FILE), 'debtors.csv', deps(store));
    const { bus, events } = recordingBus();
    const corrected = FILE.replace('eq,business,NO,923609016', 'eq,business,NO,974760673');
    // Act
    await importPortfolio(bytes(FILE), 'debtors.csv', { ...deps(store), bus });
    const unchanged = events.length;
    await importPortfolio(bytes(corrected), 'debtors.csv', { ...deps(store), bus });
    // Assess
    expect(unchanged).toBe(0);
    expect(events).toEqual([{ type: 'SubjectEnrolled', detail: { subjectId: 'eq', tier: 'daily' } }]);
  });

  it('asks for the baseline of one added subject', async () => {
    // Prepare
    const { store } = memoryStore();
    const { bus, events } = recordingBus();
    // Act
    await addSubject(
      {
        id: 'acme',
        kind: 'business',
        country: 'NO',
        registryId: '923609016',
        portfolio: 'core',
        tier: 'monthly',
      },
      { ...deps(store), bus },
    );
    // Assess
    expect(events).toEqual([{ type: 'SubjectEnrolled', detail: { subjectId: 'acme', tier: 'monthly' } }]);
  });

  it('puts nothing on the bus when the enrolment fails, and enrols without a bus', async () => {
    // Prepare
    const { store, subjects } = memoryStore();
    const { bus, events } = recordingBus();
    // Act
    const invalid = addSubject(
      { id: 'x', kind: 'business', country: 'NO', portfolio: 'core' },
      { ...deps(store), bus },
    );
    await importPortfolio(bytes(FILE), 'debtors.csv', deps(store));
    // Assess
    await expect(invalid).rejects.toBeInstanceOf(InputError);
    expect(events).toEqual([]);
    expect(subjects.size).toBe(3);
  });
});
