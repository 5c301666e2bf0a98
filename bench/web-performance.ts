/**
 * Issue 15, item 8: builds the web app, starts a demo node, signs a case worker in, opens a case, and runs Lighthouse
 * (the npm package, with Debian's Chromium) on the case list and on the case page. Prints the performance and
 * accessibility scores (desktop preset: Passage is used at a desk), the JavaScript each page downloaded, and the
 * gzipped size of every file of the build that the first page loads.
 *
 *   npm run bench:web            (CHROME_PATH chooses another Chromium; PORT the demo node's port)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { generate } from 'otplib';
import { build } from 'vite';

const PORT = Number(process.env.PORT ?? 18_490);
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const webRoot = mkdtempSync(join(tmpdir(), 'passage-bench-web-'));
const dataDir = mkdtempSync(join(tmpdir(), 'passage-bench-node-'));
// The server reads where the web app is when its module loads: set it before the demo node's code is imported.
process.env.PASSAGE_WEB_DIST = webRoot;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

console.log('Building the web app…');
await build({
  configFile: join(import.meta.dirname, '../src/web/vite.config.ts'),
  build: { outDir: webRoot },
  logLevel: 'warn',
});

// What index.html makes the browser load before anything else: the entry script and the files it preloads.
const index = readFileSync(join(webRoot, 'index.html'), 'utf8');
const initial = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1] as string);
const gz = (path: string) => gzipSync(readFileSync(join(webRoot, path))).length;

const { startDemoNode } = await import('../src/cli/demo.ts');
const node = await startDemoNode({ dataDir, port: PORT });
const base = node.url;
const chrome = await chromeLauncher.launch({
  chromePath: CHROME,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

try {
  // A case worker signs in as the web app does: password, then the authenticator's code.
  const worker = node.users.find((user) => user.role === 'case_worker');
  if (!worker) throw new Error('the demo node has no case worker');
  const cookies = new Map<string, string>();
  const call = async (method: string, path: string, body: unknown, csrf?: string) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { csrfToken: string; stage?: string; id?: string };
  };
  let session = await call('POST', '/api/auth/login', { email: worker.email, password: worker.password });
  if (session.stage === 'second_factor') {
    session = await call(
      'POST',
      '/api/auth/second-factor',
      { code: await generate({ secret: worker.totpSecret }) },
      session.csrfToken,
    );
  }
  const opened = await call(
    'POST',
    '/api/cases',
    { reportedAt: '2026-03-01', survivor: { prs_Gender: 'Feminine' }, confirmEmpty: true },
    session.csrfToken,
  );
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

  const pages = [
    { name: 'case list', url: `${base}/cases` },
    { name: 'case page', url: `${base}/cases/${encodeURIComponent(opened.id ?? '')}` },
  ];
  const rows: string[][] = [];
  for (const page of pages) {
    const result = await lighthouse(
      page.url,
      {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        // The session is the cookie sent with every request; each page is measured with an empty cache.
        extraHeaders: { Cookie: cookie },
      },
      desktopConfig,
    );
    if (!result) throw new Error(`Lighthouse gave no result for ${page.url}`);
    const { lhr } = result;
    const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const audit = (id: string) => lhr.audits[id]?.displayValue ?? '—';
    const summary = (
      lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] }
    )?.items;
    const script = summary?.find((item) => item.resourceType === 'script')?.transferSize ?? 0;
    const failed = Object.values(lhr.audits)
      .filter((a) => a.score === 0 && lhr.categories.accessibility?.auditRefs.some((ref) => ref.id === a.id))
      .map((a) => a.id);
    rows.push([
      page.name,
      String(score('performance')),
      String(score('accessibility')),
      audit('first-contentful-paint'),
      audit('largest-contentful-paint'),
      audit('total-blocking-time'),
      kb(script),
      failed.join(', ') || '—',
    ]);
  }

  console.log(`\nLighthouse ${desktopConfig.settings?.formFactor ?? 'desktop'} on ${base}, Chromium ${CHROME}`);
  const header = ['page', 'perf', 'a11y', 'FCP', 'LCP', 'TBT', 'JS sent', 'a11y audits failed'];
  console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- |').join('')}`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    `\nInitial JavaScript named by index.html, gzipped: ${kb(initial.reduce((sum, path) => sum + gz(path), 0))}`,
  );
  for (const path of initial) console.log(`  ${path}  ${kb(gz(path))}`);
} finally {
  chrome.kill();
  await node.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(webRoot, { recursive: true, force: true });
}
