/**
 * What the key commands that run while the node is stopped (`passage keys rotate`, `passage keys rotate-signing`)
 * share: refusing a running node, locking its data directory, and writing key files so that a crash leaves either
 * the old or the new content whole.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { adminSocketPath, isAnswering } from '../../app/admin-client.ts';
import { acquireDataLock, DataDirBusyError, type DataLock } from '../../app/data-lock.ts';
import { AppError } from '../../lib/errors.ts';

/** Refuses when the node of `dataDir` answers on its admin socket; `key` names what is rotated offline. */
export async function refuseWhileRunning(dataDir: string, key: string): Promise<void> {
  if (await isAnswering(adminSocketPath(dataDir))) throw nodeRunning(key);
}

/** Locks `dataDir` for `command`, refusing when another process (a node, another rotation) holds it. */
export function lockDataDir(dataDir: string, command: string, key: string): DataLock {
  try {
    return acquireDataLock(dataDir, command);
  } catch (error) {
    if (error instanceof DataDirBusyError) throw nodeRunning(key, `${error.holder} (process ${error.pid})`);
    throw error;
  }
}

function nodeRunning(key: string, holder = 'the Passage node'): AppError {
  return new AppError(
    'node_running',
    409,
    `The data directory is in use by ${holder}. Stop the node first: ${key} is rotated offline.`,
  );
}

/** Replaces `file` with `content` (mode 600) so that it holds the old or the new content whole after a crash. */
export function writeDurably(file: string, content: string): void {
  const temporary = `${file}.tmp`;
  // A leftover of a crash during an earlier write: nothing depends on it.
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncDir(dirname(file));
}

/** Makes renames in `dir` durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
