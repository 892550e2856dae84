/**
 * The README's promise, through the real command line: `credmon local` runs the whole pipeline on
 * the embedded AWS and every alert it publishes reaches the subscriber exactly once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertV1 } from '#shared/domain/alert.ts';
import schema from '../../docs/alert-contract/alert.schema.json' with { type: 'json' };

const root = join(__dirname, '..', '..');

function credmon(args: string[], cwd: string) {
  // The Node that runs the tests (the project's own), whatever the shell's PATH says.
  return spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'bin', 'credmon.ts'), ...args],
    {
      cwd,
      encoding: 'utf8',
      timeout: 240_000,
      // As a user runs it: no warnings silenced, so a notice on stderr fails the test.
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
}

describe('credmon local', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'credmon-e2e-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('delivers every published alert once, each a valid credmon.alert/v1 message', () => {
    // Act
    const run = credmon(
      ['local', '--subjects', '200', '--days', '10', '--json', '--alerts-out', 'a.jsonl'],
      work,
    );
    // Assess
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(summary.subjects).toBe(200);
    expect(summary.alertsPublished).toBeGreaterThan(200);
    expect(summary.alertsDelivered).toBe(summary.alertsPublished);
    expect(summary.dlq).toBe(0);
    expect(summary.pendingOutboxes).toBe(0);
    expect(summary.iam.checked).toBeGreaterThan(1000);
    expect(summary.iam).toMatchObject({ denied: 0, deniedCalls: [] });
    expect(Object.values(summary.riskClasses as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(200);

    const lines = readFileSync(join(work, 'a.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(summary.alertsDelivered);
    const alerts = lines.map((line) => AlertV1.parse(JSON.parse(line)));
    expect(new Set(alerts.map((alert) => alert.alertId)).size).toBe(alerts.length);
    expect(alerts.filter((alert) => alert.type === 'baseline')).toHaveLength(200);
    // Each line carries exactly the published contract's top-level fields.
    for (const alert of alerts)
      expect(Object.keys(alert).sort()).toEqual(Object.keys(schema.properties).sort());
    // Human-readable lines: one per alert before the summary.
    expect(
      run.stdout.split('\n').filter((line) => / (INFO|LOW|MEDIUM|HIGH|CRITICAL) /.test(line)),
    ).toHaveLength(alerts.length);
  });

  it('rejects an unknown flag in one line with exit code 2', () => {
    const run = credmon(['local', '--dayz', '3'], work);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['credmon local: unknown flag: --dayz']);
  });
});
