import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { BASE_URL, PORT } from './environment.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Specs that start nodes of their own and add them to the demo node's peers. */
const FEDERATION = /(peers|mla|jit|transfers|referrals|linkage)\.spec\.ts$/;

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: '*.spec.ts',
  projects: [
    { name: 'node', testIgnore: FEDERATION },
    // These specs peer the demo node with nodes of their own, and the Peers page lists them all: one at a time.
    { name: 'federation', testMatch: FEDERATION, workers: 1 },
  ],
  outputDir: `${repoRoot}/test-results/e2e-${PORT}`,
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: BASE_URL,
    locale: 'en-GB',
    trace: 'retain-on-failure',
    // Debian's Chromium: no browser download is possible on the project's machines.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-gpu',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node_modules/.bin/node test/e2e/serve.ts',
    cwd: repoRoot,
    url: `${BASE_URL}/api/node`,
    wait: { stdout: /Passage e2e node ready/ },
    timeout: 120_000,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stderr: 'pipe',
  },
});
