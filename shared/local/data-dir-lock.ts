/**
 * One writer per data directory. The embedded AWS keeps its state in files that two processes must
 * never open at once, so whoever opens the files (a `credmon local --serve`, a batch `credmon local`,
 * or a command that starts its own stack on a stopped directory) first takes `<dataDir>/credmon.lock`.
 * The lock names its holder, so the next one fails with a message that says who to stop; a lock whose
 * process is gone (killed, crashed) is taken over.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const LOCK_FILE = 'credmon.lock';

export const LockHolder = z.object({
  pid: z.number().int().positive(),
  /** ISO timestamp of when the holder took the lock. */
  since: z.string(),
  /** What holds it, e.g. `credmon local --serve`. */
  command: z.string(),
  /** The edge and DynamoDB endpoints, once a server listens. */
  endpoints: z.record(z.string(), z.string()).optional(),
});
export type LockHolder = z.infer<typeof LockHolder>;

/** Thrown when a live process holds the directory; the message names it (and is all the CLI prints). */
export class DataDirBusyError extends Error {
  constructor(
    message: string,
    readonly holder: LockHolder,
  ) {
    super(message);
  }
}

export interface DataDirLock {
  readonly holder: LockHolder;
  /** Records where the holder listens (shown to whoever finds the directory busy). */
  update(endpoints: Record<string, string>): void;
  release(): void;
}

/**
 * Takes the lock of `dataDir` for this process, or throws {@link DataDirBusyError} naming the live
 * holder (pid, command, since, endpoints). Creation is atomic (`O_EXCL`): of two racing processes
 * exactly one wins.
 *
 * @example
 * const lock = acquireDataDirLock('.credmon', 'credmon local --serve');
 * try { … } finally { lock.release(); }
 */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  let holder: LockHolder = { pid: process.pid, since: new Date().toISOString(), command };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeExclusive(file, holder);
      return {
        get holder() {
          return holder;
        },
        update(endpoints) {
          holder = { ...holder, endpoints };
          // Replaced atomically: the lock file never disappears while this process holds it.
          const temporary = `${file}.${process.pid}.tmp`;
          writeFileSync(temporary, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
          renameSync(temporary, file);
        },
        release() {
          const current = readLockHolder(dataDir);
          if (current?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readLockHolder(dataDir);
    if (current && isAlive(current.pid) && current.pid !== process.pid) {
      throw new DataDirBusyError(busyMessage(dataDir, current), current);
    }
    // Stale (its process is gone) or unreadable (a writer died mid-write): take it over.
    rmSync(file, { force: true });
  }
  throw new Error(`${file}: could not take the lock (another process keeps recreating it)`);
}

/** The current holder of `dataDir`'s lock, alive or not; null when there is no readable lock. */
export function readLockHolder(dataDir: string): LockHolder | null {
  const file = join(dataDir, LOCK_FILE);
  if (!existsSync(file)) return null;
  try {
    const parsed = LockHolder.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A live holder of `dataDir`'s lock other than this process, or null.
 *
 * @example
 * liveLockHolder('.credmon'); // { pid: 4242, command: 'credmon local --serve', … } | null
 */
export function liveLockHolder(dataDir: string): LockHolder | null {
  const holder = readLockHolder(dataDir);
  return holder && holder.pid !== process.pid && isAlive(holder.pid) ? holder : null;
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists as another user. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function busyMessage(dataDir: string, holder: LockHolder): string {
  const where = holder.endpoints
    ? `, endpoints ${Object.entries(holder.endpoints)
        .map(([name, url]) => `${name} ${url}`)
        .join(', ')}`
    : '';
  return (
    `data directory ${dataDir} is in use by process ${holder.pid} (${holder.command}, since ${holder.since}${where}); ` +
    `stop it (kill ${holder.pid}) or use another --data-dir`
  );
}

function writeExclusive(file: string, holder: LockHolder): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
}
