import { fileURLToPath } from 'node:url';

export const PORT = 4173;
export const BASE_URL = `http://127.0.0.1:${PORT}`;

/** Where serve.ts leaves the demo users; outside Playwright's output folder, which it empties when a run starts. */
export const USERS_FILE = fileURLToPath(new URL('../../test-results/demo-users.json', import.meta.url));
