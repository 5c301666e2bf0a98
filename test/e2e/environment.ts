import { fileURLToPath } from 'node:url';

// E2E_PORT lets two browser-test runs share a machine (each with its own PASSAGE_WEB_DIST).
export const PORT = Number(process.env.E2E_PORT ?? 4173);
export const BASE_URL = `http://127.0.0.1:${PORT}`;

/** Where serve.ts leaves the demo users; outside Playwright's output folder, which it empties when a run starts. */
export const USERS_FILE = fileURLToPath(new URL(`../../test-results/demo-users-${PORT}.json`, import.meta.url));
