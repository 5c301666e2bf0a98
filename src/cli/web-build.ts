import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the web app into `webRoot` (the server's WEB_ROOT: dist/web, or the folder PASSAGE_WEB_DIST names).
 * `npm install` builds it (the `prepare` script runs this file), and `passage start` builds it when none is built,
 * so that `npm install && npx passage start` gives a working web app on a fresh clone. Without `force`, an existing
 * build is kept. Vite is a development dependency: without it the node runs its API and the line says why the web app
 * is missing. The build goes to a folder of its own and is moved in place when complete, so that nodes starting at
 * the same moment never serve, or write over, half a build.
 */
export async function ensureWebApp(
  webRoot: string,
  { force = false, log = console.log }: { force?: boolean; log?: (line: string) => void } = {},
): Promise<void> {
  const built = () => existsSync(join(webRoot, 'index.html'));
  if (built() && !force) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(
      `The web app is not built in ${webRoot}, and Vite, which builds it, is not installed: the node serves its API ` +
        'only. Run `npm install` (with the development dependencies) to build it.',
    );
    return;
  }
  log(`Building the web app into ${webRoot} (this takes a minute)…`);
  const started = Date.now();
  const building = `${webRoot}.building-${process.pid}`;
  try {
    await vite.build({
      configFile: join(import.meta.dirname, '../web/vite.config.ts'),
      build: { outDir: building, emptyOutDir: true },
      logLevel: 'warn',
    });
    if (built() && !force) return; // another process finished first: its build is the same
    // The old build (or an empty folder) moves aside and the new one takes its name: two renames, no copying.
    const old = `${webRoot}.old-${process.pid}`;
    if (existsSync(webRoot)) renameSync(webRoot, old);
    renameSync(building, webRoot);
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  log(`Web app built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

// `node src/cli/web-build.ts` (npm's `prepare`, after every `npm install`): a fresh build for the sources installed.
if (import.meta.main) {
  const { WEB_ROOT } = await import('../app/server.ts');
  await ensureWebApp(WEB_ROOT, { force: true });
}
