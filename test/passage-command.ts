/** Running the `passage` command as an operator would, in a child process, for the tests of the console. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createTestDatabaseUrl } from '../src/db/testing.ts';

/** The Node.js the project pins, and the command's entry point. */
export const NODE = join(import.meta.dirname, '../node_modules/.bin/node');
export const MAIN = join(import.meta.dirname, '../src/cli/main.ts');

export interface CommandEnvironment {
  env: Record<string, string>;
  /** Drops the database made for the commands, when there is one. */
  drop(): Promise<void>;
}

/**
 * The environment of the command's processes: nothing of this process's but PATH and HOME, so that no setting leaks
 * in; on PostgreSQL (DATABASE_URL set) a clean migrated database of their own, on PGlite their data directory's.
 */
export async function commandEnvironment(): Promise<CommandEnvironment> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PASSAGE_LOG_LEVEL: 'warn',
  };
  if (!process.env.DATABASE_URL) return { env, drop: async () => {} };
  const database = await createTestDatabaseUrl(inject('dbTemplate'));
  env.DATABASE_URL = database.url;
  return { env, drop: database.drop };
}

/** Runs `passage …` without blocking this process, where a node of the test must answer the command meanwhile. */
export function runPassage(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [MAIN, ...args], { env, timeout: 120_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Starts a node with `passage start …` in a child process; resolves once the node says it listens. */
export async function startPassage(args: string[], env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(NODE, [MAIN, 'start', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the node exited with ${code}`)));
  });
  return child;
}

/** Stops a node started by `startPassage` as its service manager would, and waits until it has exited. */
export async function stopPassage(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

/** Runs `passage link …` in `dir` as a linkage officer would, on a machine with no node (HOME is `dir` too). */
export function runLink(args: string[], dir: string) {
  const result = spawnSync(NODE, [MAIN, 'link', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
