import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '#shared/errors.ts';
import { ENDPOINTS_FILE, readServedDataDir, writeServedDataDir } from '#shared/local/open-data-dir.ts';

describe('readServedDataDir', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'credmon-served-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is null when no process serves the directory', () => {
    expect(readServedDataDir(dir)).toBeNull();
  });

  it('returns the environment a live server wrote, and nothing once it is released', () => {
    // Prepare
    const release = writeServedDataDir(dir, { TABLE_NAME: 'credmon-credmon' });
    // Act
    const served = readServedDataDir(dir);
    release();
    // Assess
    expect(served).toMatchObject({ pid: process.pid, environment: { TABLE_NAME: 'credmon-credmon' } });
    expect(readServedDataDir(dir)).toBeNull();
  });

  it('ignores a file left behind by a process that has exited', () => {
    // Prepare: the pid of a process that has certainly ended
    const { pid } = spawnSync(process.execPath, ['-e', '0']);
    writeFileSync(join(dir, ENDPOINTS_FILE), JSON.stringify({ pid, environment: {} }));
    // Act / Assess
    expect(readServedDataDir(dir)).toBeNull();
  });

  it('names the file and the field when the file is not what a server writes', () => {
    writeFileSync(join(dir, ENDPOINTS_FILE), JSON.stringify({ pid: 'x', environment: {} }));
    expect(() => readServedDataDir(dir)).toThrow(InputError);
    expect(() => readServedDataDir(dir)).toThrow(/endpoints\.json: pid:/);
    writeFileSync(join(dir, ENDPOINTS_FILE), '{');
    expect(() => readServedDataDir(dir)).toThrow(/endpoints\.json: not valid JSON/);
  });
});
