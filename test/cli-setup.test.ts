/**
 * Set-up as the README tells it: `passage start` on a fresh clone serves the web app (it builds it when none is built),
 * and the sign-in code command that `passage demo` prints, with its `--data`, reads that demo node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoNode, startDemoNode } from '../src/cli/demo.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE } from './passage-command.ts';

const slow = { timeout: 300_000 };

/** Runs `passage …` from the folder `cwd` without blocking this process. */
function runPassageIn(cwd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [MAIN, ...args], { env, cwd, timeout: 120_000 });
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
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
});
afterAll(async () => {
  await dropDatabase();
});

describe('passage start on a fresh install', slow, () => {
  const dir = tempDir('passage-start-');
  const web = tempDir('passage-web-');
  let node: ChildProcess | undefined;
  afterAll(async () => {
    if (node && node.exitCode === null) {
      node.kill('SIGTERM');
      await new Promise((resolve) => node?.once('exit', resolve));
    }
    dir.remove();
    web.remove();
  });

  it('builds the web app when none is built, says so, and serves it', async () => {
    // An empty folder stands for the dist/web that a fresh clone does not have.
    const webRoot = join(web.path, 'dist');
    node = spawn(NODE, [MAIN, 'start', '--data', dir.path, '--port', '0'], {
      env: { ...env, PASSAGE_WEB_DIST: webRoot },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      node?.stdout?.on('data', (chunk) => {
        out += chunk;
        const match = out.match(/listening on (http:\/\/\S+)/);
        if (match?.[1]) resolve(match[1]);
      });
      node?.once('exit', (code) => reject(new Error(`node exited with ${code}: ${out}`)));
    });
    expect(out).toContain(`Building the web app into ${webRoot}`);
    expect(out).toMatch(/Web app built in \d+ s\./);
    expect(existsSync(join(webRoot, 'index.html'))).toBe(true);
    const page = await fetch(`${url}/cases`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(`${url}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('passage demo code', slow, () => {
  const dir = tempDir('passage-demo-code-');
  let demo: DemoNode | undefined;
  // Starting a demo node migrates and seeds a database: a minute or more on a loaded machine.
  beforeAll(async () => {
    demo = await startDemoNode({ dataDir: join(dir.path, 'node-it'), port: 0 });
  }, 240_000);
  afterAll(async () => {
    await demo?.close();
    dir.remove();
  });

  it('reads the demo node that --data names (not passage-demo/node-it)', async () => {
    const user = demo?.users[0];
    if (!user) throw new Error('the demo node has no user');
    // Run from an empty folder: the default passage-demo/node-it does not exist there.
    const cwd = tempDir('passage-cwd-');
    try {
      // Not spawnSync: the demo node runs in this process and answers the command over its admin channel.
      const result = await runPassageIn(cwd.path, ['demo', 'code', user.email, '--data', join(dir.path, 'node-it')]);
      expect(result.status, result.stderr).toBe(0);
      const printed = result.stdout.trim();
      expect(printed).toMatch(/^\d{6}$/);
      // The code changes every 30 seconds: it is the one of now or of the step before.
      const now = Date.now();
      const expected = await Promise.all(
        [now, now - 30_000].map((at) => generate({ secret: user.totpSecret, epoch: Math.floor(at / 1000) })),
      );
      expect(expected).toContain(printed);
      expect(existsSync(join(cwd.path, 'passage-demo'))).toBe(false);
    } finally {
      cwd.remove();
    }
  });
});
