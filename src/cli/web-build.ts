import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the web app when the node would otherwise serve none: a fresh clone has no `dist/web` (nor the folder that
 * PASSAGE_WEB_DIST names), and `npm install && npx passage start` must still give a working web app. The build runs
 * once; later starts find it. Vite is a development dependency: without it the node runs its API and says why
 * the web app is missing.
 */
export async function ensureWebApp(webRoot: string, log: (line: string) => void = console.log): Promise<void> {
  if (existsSync(join(webRoot, 'index.html'))) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(
      `The web app is not built in ${webRoot}, and Vite, which builds it, is not installed: the node serves its API ` +
        'only. Run `npm install` (with the development dependencies) and `npm run build:web` to add it.',
    );
    return;
  }
  log(`Building the web app into ${webRoot} (once, on the first start; this takes a minute)…`);
  const started = Date.now();
  // vite.config.ts writes to PASSAGE_WEB_DIST when set: the same folder the server reads (WEB_ROOT).
  await vite.build({
    configFile: join(import.meta.dirname, '../web/vite.config.ts'),
    build: { outDir: webRoot },
    logLevel: 'warn',
  });
  log(`Web app built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}
