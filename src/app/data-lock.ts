import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database may be opened by one process at a time. Whoever opens it (the node, or the CLI while the
 * node is stopped) holds `<data>/passage.lock` with its process id; a lock whose process is gone is taken over.
 */
export interface DataLock {
  release(): void;
}

export class DataDirBusyError extends Error {
  readonly pid: number;
  readonly holder: string;
  constructor(pid: number, holder: string) {
    super(`The data directory is in use by ${holder} (process ${pid}).`);
    this.pid = pid;
    this.holder = holder;
  }
}

export const lockPath = (dataDir: string) => join(dataDir, 'passage.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, if a living process does. */
export function lockHolder(dataDir: string): { pid: number; holder: string } | null {
  try {
    const [pid, holder = 'another process'] = readFileSync(lockPath(dataDir), 'utf8').split('\n');
    return alive(Number(pid)) ? { pid: Number(pid), holder } : null;
  } catch {
    return null;
  }
}

export function acquireDataLock(dataDir: string, holder: string): DataLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = lockPath(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n${holder}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = lockHolder(dataDir);
      if (current) throw new DataDirBusyError(current.pid, current.holder);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`Could not lock ${path}`);
}
