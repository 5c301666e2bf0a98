import { type ChildProcess, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../src/modules/audit/index.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE, startPassage, stopPassage } from './passage-command.ts';

const dir = tempDir('passage-cli-audit-');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

function passage(args: string[]) {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', dir.path], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function auditJson(...args: string[]): AuditRecord[] {
  const result = passage(['audit', 'list', '--purpose', 'oversight', '--json', ...args]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as AuditRecord[];
}

const AGENCY = 'Casa Quercia';
let caseId: string;

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  expect(passage(['init', '--node-id', 'node-it', '--country', 'IT']).status).toBe(0);
  expect(passage(['agency', 'add', '--name', AGENCY, '--country', 'IT', '--type', 'NGO']).status).toBe(0);
  const sheet = join(dir.path, 'one.csv');
  writeFileSync(sheet, 'psg_ReportedAt,prs_FirstName,prs_Gender\n2024-02-01,Teodolinda,Feminine\n');
  const imported = passage(['htcds', 'import', sheet, '--agency', AGENCY]);
  expect(imported.status, imported.stderr).toBe(0);
  const listed = passage(['case', 'list', '--json']);
  expect(listed.status, listed.stderr).toBe(0);
  caseId = (JSON.parse(listed.stdout) as { cases: { id: string }[] }).cases[0]?.id as string;
  expect(caseId).toBeTruthy();
}, 240_000);
afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

const slow = { timeout: 180_000 };

describe('passage audit list', slow, () => {
  it('prints the latest records as a table, and records the read with its purpose', () => {
    const result = passage(['audit', 'list', '--purpose', 'oversight', '--limit', '3']);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEQ +AT +ACTOR +ACTION +RESOURCE +RECORDS +PURPOSE +OUTCOME$/);
    expect(lines).toHaveLength(4);
    // Its own read is the latest record, so the last line.
    expect(lines[3]).toMatch(/operator:\S+ +audit\.read +oversight +success$/);
  });

  it('filters by action family, actor, outcome and time, and prints JSON', () => {
    const reads = auditJson('--action', 'case.*', '--since', '1h');
    expect(reads.map((r) => r.action)).toContain('case.list');
    expect(reads.every((r) => r.action.startsWith('case.'))).toBe(true);
    const list = reads.find((r) => r.action === 'case.list');
    // One record for the whole list, naming the cases it showed.
    expect(list?.resources).toEqual([`case:${caseId}`]);
    expect(list?.actor).toMatch(/^operator:/);
    expect(auditJson('--action', 'case.*', '--until', '2000-01-01')).toEqual([]);
    expect(auditJson('--actor', 'anonymous')).toEqual([]);
    const succeeded = auditJson('--outcome', 'success');
    expect(succeeded.length).toBeGreaterThan(0);
    expect(succeeded.every((r) => r.outcome === 'success')).toBe(true);
    // Chronological: the latest N, oldest of them first.
    const seqs = auditJson('--limit', '5').map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(5);
  });

  it("finds a case's records, including the list reads that showed it", () => {
    const about = auditJson('--resource', `case:${caseId}`);
    expect(about.map((r) => r.action)).toEqual(expect.arrayContaining(['case.create', 'case.list']));
    expect(about.every((r) => r.resource === `case:${caseId}` || r.resources?.includes(`case:${caseId}`))).toBe(true);
    expect(JSON.stringify(about)).not.toContain('Teodolinda');
  });

  it('refuses a purpose that does not justify reading the trail, and a bad time', () => {
    const wrong = passage(['audit', 'list', '--purpose', 'statistics']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain("argument 'statistics' is invalid");
    const missing = passage(['audit', 'list']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('--purpose');
    const time = passage(['audit', 'list', '--purpose', 'oversight', '--since', 'last tuesday']);
    expect(time.status).not.toBe(0);
    expect(time.stderr).toContain('ISO 8601');
  });
});

describe('passage audit list through the running node', slow, () => {
  let node: ChildProcess;
  beforeAll(async () => {
    node = await startPassage(['--data', dir.path, '--port', '0'], env);
  });
  afterAll(() => stopPassage(node));

  it('reads the trail over the admin channel, recorded like any read', () => {
    const before = auditJson('--action', 'audit.read');
    const after = auditJson('--action', 'audit.read');
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({ action: 'audit.read', purpose: 'oversight', outcome: 'success' });
    const verify = passage(['audit', 'verify']);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('Audit trail intact');
  });
});
