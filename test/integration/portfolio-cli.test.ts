/**
 * The portfolio commands on a data directory, one after another as a user runs them: import,
 * list, show, remove; and listing by class after `credmon local` has checked a portfolio.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '#shared/cli/main.ts';
import { PORTFOLIO_COLUMNS } from '#shared/domain/portfolio-import.ts';
import { openDataDir } from '#shared/local/open-data-dir.ts';
import { runLocal } from '#shared/local/run.ts';
import { createWorld, DEFAULT_START_DATE } from '#shared/simulator/world.ts';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line, parsed. */
  readonly json: () => Record<string, unknown>;
}

async function credmon(dir: string, ...argv: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv, '--data-dir', dir], {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd: dir,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') };
}

const CSV = [
  PORTFOLIO_COLUMNS.join(','),
  'eq,business,NO,923609016,,Equinor ASA,core,daily,500000,30,120000',
  'sc,business,GB,SC571653,,"Acme, Scotland",uk,weekly,,,',
  'kari,individual,NO,,10038000581,Kari Nordmann,retail,monthly,10000,14,0',
  'typo,business,NO,923609017,,Typo AS,core,daily,,,',
  'eq,business,NO,923609016,,Equinor again,core,daily,,,',
  '',
].join('\n');

describe('credmon portfolio on a data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credmon-portfolio-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('imports, lists, shows and removes; a re-run imports nothing twice', async () => {
    // Prepare
    writeFileSync(join(dir, 'debtors.csv'), CSV);

    // Act
    const first = await credmon(dir, 'portfolio', 'import', 'debtors.csv', '--json');
    const again = await credmon(dir, 'portfolio', 'import', 'debtors.csv', '--json');
    const listed = await credmon(dir, 'portfolio', 'list', '--json');
    const core = await credmon(dir, 'portfolio', 'list', '--portfolio', 'core', '--tier', 'daily', '--json');
    const shown = await credmon(dir, 'portfolio', 'show', 'kari', '--json');
    const removed = await credmon(dir, 'portfolio', 'remove', 'kari');
    const afterRemoval = await credmon(dir, 'portfolio', 'list', '--json');
    const shownAfter = await credmon(dir, 'portfolio', 'show', 'kari', '--json');
    const table = await credmon(dir, 'portfolio', 'list');

    // Assess
    expect(first.code).toBe(0);
    expect(first.json()).toEqual({
      imported: 3,
      unchanged: 0,
      rejected: [
        {
          line: 5,
          reason: 'registryId: 923609017 is not a valid Norwegian organisation number (mod-11 check digit)',
        },
        { line: 6, reason: 'id: eq is a duplicate of line 2' },
      ],
    });
    expect(again.json()).toMatchObject({ imported: 0, unchanged: 3 });
    expect(listed.json()).toMatchObject({ count: 3 });
    expect((core.json().subjects as { id: string }[]).map((s) => s.id)).toEqual(['eq']);
    expect(shown.json()).toMatchObject({ id: 'kari', monitored: true, subject: { kind: 'individual' } });
    expect(shown.stdout).not.toMatch(/10038000581|Kari Nordmann/);
    expect(removed).toMatchObject({ code: 0, stdout: 'kari: removed\n' });
    expect((afterRemoval.json().subjects as { id: string }[]).map((s) => s.id).sort()).toEqual(['eq', 'sc']);
    expect(shownAfter.json()).toMatchObject({
      monitored: false,
      snapshot: null,
      risk: null,
      alerts: [],
      checks: [],
    });
    expect(table.stdout).toMatch(/^PORTFOLIO\s+ID\s+KIND/);
    expect(table.stdout).toMatch(/2 subjects\n$/);
  });

  it('adds one subject from flags and refuses an invalid one with the reason', async () => {
    const added = await credmon(
      dir,
      'portfolio',
      'add',
      '--id',
      'sc',
      '--country',
      'GB',
      '--registry-id',
      'sc571653',
      '--portfolio',
      'uk',
    );
    const bad = await credmon(
      dir,
      'portfolio',
      'add',
      '--id',
      'x',
      '--country',
      'SE',
      '--registry-id',
      '5560000000',
      '--portfolio',
      'uk',
    );
    const missing = await credmon(dir, 'portfolio', 'add', '--country', 'GB');

    expect(added).toMatchObject({ code: 0, stdout: 'sc: created\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('country: SE has no supported registry (monitorable: NO, GB)');
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--id is required') });
  });

  it('rejects a malformed file whole with a clear message', async () => {
    writeFileSync(join(dir, 'broken.csv'), 'id,kind\nx,business\n');
    const result = await credmon(dir, 'portfolio', 'import', 'broken.csv', '--json');
    const listed = await credmon(dir, 'portfolio', 'list', '--json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /broken\.csv:1: not a portfolio header: missing columns country, .*; nothing was imported/,
    );
    expect(listed.json()).toMatchObject({ count: 0 });
  });

  it("lists by class after credmon local has checked the portfolio, and erases a checked individual's history", async () => {
    // Prepare: a short local run fills the data directory
    const world = createWorld({ seed: 3, subjects: 30, startDate: DEFAULT_START_DATE });
    await runLocal({ world, dataDir: dir, days: 2 });

    // Act
    const all = await credmon(dir, 'portfolio', 'list', '--json');
    const subjects = all.json().subjects as { id: string; kind: string; riskClass: string | null }[];
    const byClass = new Map<string, string[]>();
    for (const s of subjects)
      byClass.set(s.riskClass ?? '-', [...(byClass.get(s.riskClass ?? '-') ?? []), s.id]);
    const [someClass, members] = [...byClass.entries()].find(([c]) => c !== '-') ?? ['A', []];
    const filtered = await credmon(dir, 'portfolio', 'list', '--class', someClass, '--json');
    const person = subjects.find((s) => s.kind === 'individual' && s.riskClass !== null);
    const before = await credmon(dir, 'portfolio', 'show', person?.id ?? '-', '--json');
    await credmon(dir, 'portfolio', 'remove', person?.id ?? '-');
    const data = await openDataDir(dir);
    const history = await data.composition.store.history(person?.id ?? '-');
    const state = await data.composition.store.get(person?.id ?? '-');
    await data.close();

    // Assess
    expect(subjects).toHaveLength(30);
    expect(subjects.every((s) => s.riskClass !== null)).toBe(true);
    expect((filtered.json().subjects as { id: string }[]).map((s) => s.id).sort()).toEqual(
      [...members].sort(),
    );
    expect(before.json()).toMatchObject({ snapshot: { subjectId: person?.id } });
    expect((before.json().checks as unknown[]).length).toBeGreaterThan(0);
    expect(history).toEqual([]);
    expect(state).toMatchObject({ monitored: false, sealedNationalId: null, snapshot: null, risk: null });
    expect(JSON.stringify(state)).not.toMatch(/pt_/);
  });
});
