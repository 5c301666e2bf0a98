import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/cli/openapi.ts';
import { createTestNode, type TestNode } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..');
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
/** Operations that answer with a redirect only (redocly.yaml says why the linter's own rule is off). */
const REDIRECTS = new Set(['getAuthOidcStart', 'getAuthOidcCallback']);

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

type Operations = Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;

let node: TestNode;
let document: { paths: Operations; servers?: { url: string }[] };
const dir = mkdtempSync(join(tmpdir(), 'passage-openapi-lint-'));

beforeAll(async () => {
  node = await createTestNode();
  const response = await node.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(async () => {
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the linter as a user would (`redocly lint`), on a file, and reads its findings as JSON. */
async function lint(file: string): Promise<{ problems: Problem[]; errors: number; warnings: number }> {
  const run = await promisify(execFile)(
    process.execPath,
    [REDOCLY, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json', '--max-problems', '10000'],
    { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
  ).catch((failure: { stdout?: string; stderr?: string }) => {
    // The linter exits 1 when it finds errors; its findings are still on standard output.
    if (!failure.stdout) throw new Error(`redocly did not run: ${failure.stderr}`);
    return { stdout: failure.stdout };
  });
  const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Problem[] };
  return { problems: report.problems, errors: report.totals.errors, warnings: report.totals.warnings };
}

const where = (problems: Problem[]) =>
  problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);

describe('the served OpenAPI document under an external linter (Redocly, recommended ruleset)', () => {
  it('has no errors and no warnings, as served by a node', async () => {
    const file = join(dir, 'served.json');
    writeFileSync(file, JSON.stringify(document));
    const { problems, errors, warnings } = await lint(file);
    expect(where(problems)).toEqual([]);
    expect({ errors, warnings }).toEqual({ errors: 0, warnings: 0 });
  }, 60_000);

  it('has no errors and no warnings as committed (every optional feature described, a relative server)', async () => {
    const file = join(dir, 'committed.json');
    writeFileSync(file, JSON.stringify(await openApiDocument()));
    const { problems, errors, warnings } = await lint(file);
    expect(where(problems)).toEqual([]);
    expect({ errors, warnings }).toEqual({ errors: 0, warnings: 0 });
  }, 60_000);

  it('is refused by the same linter when an operation loses its security (the check can fail)', async () => {
    const broken = structuredClone(document) as { paths: Operations };
    const firstProtected = Object.values(broken.paths)
      .flatMap((item) => Object.values(item))
      .find((operation) => (operation as { security?: unknown[] }).security?.length) as { security?: unknown };
    delete firstProtected.security;
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(broken));
    const { problems } = await lint(file);
    expect(problems.map((p) => p.ruleId)).toContain('security-defined');
  }, 60_000);

  it('names the node as its server, and answers 2XX on every operation but the OIDC redirects', async () => {
    expect(document.servers?.map((s) => s.url)).toEqual([node.services.config.publicUrl]);
    const committed = (await openApiDocument()) as { paths: Operations };
    const without2xx = Object.entries(committed.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => !Object.keys(op.responses ?? {}).some((status) => /^2/.test(status)))
        .map(([method, op]) => op.operationId ?? `${method} ${path}`),
    );
    expect(without2xx.sort()).toEqual([...REDIRECTS].sort());
  });
});
