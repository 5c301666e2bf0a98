import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BagReport } from '../src/modules/evidence/index.ts';
import { writeBagDirectory, writeBagZip } from '../src/modules/evidence/index.ts';
import { SAMPLE_FILES, type TestBagContents, testBagContents } from './bag-factory.ts';
import { tempDir } from './helpers.ts';

const NODE = join(import.meta.dirname, '../node_modules/.bin/node');
const MAIN = join(import.meta.dirname, '../src/cli/main.ts');
const dir = tempDir('passage-cli-verify-');
/** An empty working directory: `passage verify` must leave it empty (no data directory, no database). */
const cwd = join(dir.path, 'clerk');
let fixture: TestBagContents;
let zip: string;
let bagDir: string;

/**
 * Runs `passage verify …` as a court clerk would, on a machine with no node: the data directory and database it
 * would use if it opened them do not exist (the database URL points at a closed port).
 */
function verify(args: string[]) {
  const result = spawnSync(NODE, [MAIN, 'verify', ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      PASSAGE_DATA: join(dir.path, 'no-such-node'),
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  mkdirSync(cwd);
  fixture = testBagContents(join(dir.path, 'store'), SAMPLE_FILES);
  zip = join(dir.path, 'IT-2024-000001.zip');
  bagDir = join(dir.path, 'IT-2024-000001');
  await writeBagZip(zip, fixture.contents);
  await writeBagDirectory(bagDir, fixture.contents);
  writeFileSync(join(dir.path, 'node.vkey'), `${fixture.vkey}\n`);
});
afterAll(() => dir.remove());

// Each run is a new process that loads the CLI: seconds on a loaded machine.
const slow = { timeout: 180_000 };

describe('passage verify', slow, () => {
  it('verifies a zip with the key, a file holding it, or its fingerprint, and exits 0', () => {
    for (const key of [fixture.vkey, join(dir.path, 'node.vkey'), fixture.fingerprint]) {
      const run = verify([zip, '--key', key]);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('External-Identifier: IT-2024-000001');
      expect(run.stdout).toContain(`Node key: ${fixture.fingerprint}`);
      expect(run.stdout).toMatch(/ok {6}Custody events are in the signed log \(6 of 6 passed\)/);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('VERIFIED: every check passed.');
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(join(dir.path, 'no-such-node'))).toBe(false);
  });

  it('without --key verifies against the bag’s own key and warns that the key was not checked', () => {
    const run = verify([bagDir]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('NOT checked against an independent source');
    expect(run.stdout).toContain('WARNING: No key was given');
    expect(run.stdout).toContain('VERIFIED against the bag’s own key only');
  });

  it('prints the whole report as JSON with --json', () => {
    const run = verify([zip, '--key', fixture.fingerprint, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as BagReport;
    expect(report).toMatchObject({
      ok: true,
      format: 'zip',
      key: { source: 'supplied fingerprint', independent: true },
      counts: { payloadFiles: 3, items: 3, events: 6 },
    });
    expect(report.checks.every((c) => c.ok && c.kind && c.where !== undefined && c.message)).toBe(true);
  });

  it('exits 1 and says what failed and where when the bag was altered', () => {
    const altered = join(dir.path, 'altered');
    cpSync(bagDir, altered, { recursive: true });
    const target = fixture.contents.payload[0]?.path as string;
    writeFileSync(join(altered, target), `${readFileSync(join(altered, target), 'utf8')}one more line\n`);
    const run = verify([altered, '--key', fixture.vkey]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAILED  Payload files match both manifests (2 of 3 passed)');
    expect(run.stdout).toContain(`${target}: sha256 differs from manifest-sha256.txt line 1`);
    expect(run.stdout).toContain('FAILED  Payload-Oxum');
    expect(run.stdout).toMatch(/NOT VERIFIED: \d+ of \d+ checks failed\.\n$/);

    const json = verify([altered, '--key', fixture.vkey, '--json']);
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as BagReport).checks.filter((c) => !c.ok).map((c) => c.where)).toContain(target);
  });

  it('exits 1 when the key does not match the bag', () => {
    const other = verify([zip, '--key', `SHA256:${'A'.repeat(42)}E`]);
    expect(other.status).toBe(1);
    expect(other.stdout).toContain(`custody/node.vkey: has fingerprint ${fixture.fingerprint}`);
  });

  it('exits 2 for usage errors: no such bag, a malformed key or fingerprint, a missing argument', () => {
    const missing = verify([join(dir.path, 'nothing.zip')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nothing.zip: no such file or directory');
    const badKey = verify([zip, '--key', 'not-a-key']);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toContain('--key must be a verifier key');
    const badFingerprint = verify([zip, '--key', 'SHA256:tooShort']);
    expect(badFingerprint.status).toBe(2);
    expect(badFingerprint.stderr).toContain('is not a key fingerprint');
    const noBag = verify([]);
    expect(noBag.status).toBe(2);
    expect(noBag.stderr).toContain("missing required argument 'bag'");
    expect(readdirSync(cwd)).toEqual([]);
  });
});
