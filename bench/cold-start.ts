/**
 * Cold start of a node: time from `passage start` to the first 200 from `/ready`, on a fresh data directory
 * (keys, initdb, migrations) and again on the same, existing directory. Prints both and their ratio.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const NODE = join(import.meta.dirname, '../node_modules/.bin/node');
const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
const PORT = 18_480;

async function timeToReady(dataDir: string): Promise<number> {
  const started = performance.now();
  const child = spawn(NODE, [MAIN, 'start', '--data', dataDir, '--port', String(PORT)], {
    stdio: 'ignore',
    env: { ...process.env, DATABASE_URL: '', PASSAGE_LOG_LEVEL: 'warn' },
  });
  try {
    for (let i = 0; i < 1200; i++) {
      const ready = await fetch(`http://127.0.0.1:${PORT}/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return performance.now() - started;
      await sleep(50);
    }
    throw new Error('the node did not become ready within a minute');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'passage-bench-'));
try {
  const fresh = await timeToReady(dir);
  const existing = await timeToReady(dir);
  console.log(`cold start to /ready, fresh data directory:    ${(fresh / 1000).toFixed(2)} s`);
  console.log(`cold start to /ready, existing data directory: ${(existing / 1000).toFixed(2)} s`);
  console.log(`ratio existing / fresh: ${(existing / fresh).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
