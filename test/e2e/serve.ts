/** Starts a throw-away demo node for the end-to-end tests and tells them its users. Playwright runs and stops it. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startDemoNode } from '../../src/cli/demo.ts';
import { PORT, USERS_FILE } from './environment.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'passage-e2e-'));
const node = await startDemoNode({ dataDir, port: PORT });
await mkdir(dirname(USERS_FILE), { recursive: true });
await writeFile(USERS_FILE, JSON.stringify(node.users, null, 2));
// playwright.config.ts waits for this line, so the users file is complete before any test reads it.
console.log(`Passage e2e node ready at ${node.url}`);

const stop = async () => {
  await node.close();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
