/**
 * Runs `credmon` as a child process, for the end-to-end tests of `credmon local --serve`: the same as
 * `npx tsx bin/credmon.ts …`, but as one process (`node --import tsx`), so that a signal reaches the
 * server itself as a user's `kill <pid>` or Ctrl-C does, not an npx or tsx wrapper.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { readServedDataDir, type ServedDataDir } from '#shared/local/open-data-dir.ts';

export const REPO = resolve(__dirname, '../../..');

export interface Running {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Starts `credmon <args>` from the repository root. */
export function credmon(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/credmon.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | string>((done) => {
    child.on('exit', (code, signal) => done(code ?? signal ?? -1));
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs `credmon <args>` to completion. */
export async function credmonOnce(
  args: readonly string[],
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = credmon(args);
  const code = await run.exited;
  return { code, ...run.output() };
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined> | T | null | undefined,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, everyMs));
  }
}

/** Waits until the server announced itself in `<dataDir>/endpoints.json` (or exited, which fails). */
export async function waitServed(dataDir: string, server: Running): Promise<ServedDataDir> {
  let exit: number | string | null = null;
  void server.exited.then((code) => {
    exit = code;
  });
  return waitFor(`credmon local --serve on ${dataDir}`, () => {
    if (exit !== null) {
      throw new Error(`the server exited (${exit}) before serving:\n${server.output().stderr}`);
    }
    const served = readServedDataDir(dataDir);
    return served?.pid === server.child.pid ? served : null;
  });
}
