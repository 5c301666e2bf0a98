import { type ChildProcess, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../src/db/client.ts';
import { readCaseSheet, writeCaseSheet } from '../src/modules/htcds/index.ts';
import { tempDir } from './helpers.ts';
import { commandEnvironment, MAIN, NODE, startPassage, stopPassage } from './passage-command.ts';

const dir = tempDir('passage-cli-cases-');
const file = (name: string) => join(dir.path, name);
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

function passage(args: string[]) {
  const result = spawnSync(NODE, [MAIN, ...args, '--data', dir.path], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Counts rows straight in the node's database (only while no command holds it). */
async function count(table: 'cases' | 'disclosures'): Promise<number> {
  const db = await openDb({ dataDir: dir.path, databaseUrl: env.DATABASE_URL ?? null });
  try {
    return Number((await db.query<{ n: bigint }>(`select count(*) as n from ${table}`))[0]?.n);
  } finally {
    await db.close();
  }
}

const HEADER = 'psg_ReportedAt,prs_FirstName,prs_SecondName,prs_Birthdate,prs_Gender,vic_TraffickingStatus,Colour';
const ANA = '2024-02-01,Ana,Rusu,1999-03-14,Feminine,ActualVictimOfTrafficking,blue';
const ION = '2024-02-02,Ion,Popa,1988-11-02,Masculine,PossibleVictimOfTrafficking,red';
const LIA = '2024-02-04,Lia,Ceban,2001-07-09,Feminine,ActualVictimOfTrafficking,grey';
/** Born after the report: rejected. */
const VERA = '2024-02-03,Vera,Lungu,2030-01-01,Feminine,ActualVictimOfTrafficking,green';
const csv = (name: string, ...rows: string[]) => {
  writeFileSync(file(name), `${[HEADER, ...rows].join('\n')}\n`);
  return file(name);
};

const AGENCY = 'Casa Rifugio';

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  expect(passage(['init', '--node-id', 'node-it', '--country', 'IT']).status).toBe(0);
  const agency = passage(['agency', 'add', '--name', AGENCY, '--country', 'IT', '--type', 'NGO']);
  expect(agency.status, agency.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

const slow = { timeout: 180_000 };

describe('passage htcds import', slow, () => {
  it('imports a CSV file, warns about unknown columns, and draws no bar when the output is not a terminal', async () => {
    const result = passage(['htcds', 'import', csv('first.csv', ANA, ION), '--agency', AGENCY]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Read 2 rows from');
    expect(result.stdout).toMatch(/Imported 2 cases into Casa Rifugio: IT-2024-\d{6}, IT-2024-\d{6}\./);
    expect(result.stderr).toContain('Warning: column "Colour" is not an HTCDS field');
    expect(result.stdout).not.toMatch(/[█░]|Importing/);
    expect(await count('cases')).toBe(2);
  });

  it('imports an xlsx workbook in the toolkit layout, by agency id, and reports as JSON', async () => {
    const agencies = passage(['agency', 'list']).stdout;
    const agencyId = agencies
      .split('\n')
      .find((line) => line.includes(AGENCY))
      ?.split(/\s+/)[0] as string;
    await writeCaseSheet(
      file('olena.xlsx'),
      ['psg_ReportedAt', 'prs_FirstName', 'prs_Gender', 'vic_TraffickingStatus'],
      [
        {
          psg_ReportedAt: '2024-03-01',
          prs_FirstName: 'Olena',
          prs_Gender: 'Feminine',
          vic_TraffickingStatus: 'ActualVictimOfTrafficking',
        },
      ],
      'xlsx',
    );
    const result = passage(['htcds', 'import', file('olena.xlsx'), '--agency', agencyId, '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      committed: true,
      format: 'htcds',
      rows: 1,
      imported: 1,
      rejected: [],
      agency: { id: agencyId, name: AGENCY },
      references: [expect.stringMatching(/^IT-2024-\d{6}$/)],
    });
    expect(await count('cases')).toBe(3);
  });

  it('imports nothing when one row is bad: non-zero exit, and every problem by row and column, no values', async () => {
    const result = passage(['htcds', 'import', csv('bad.csv', ANA, VERA), '--agency', AGENCY]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('1 of 2 rows are not valid; nothing was imported');
    expect(result.stderr).toMatch(/ {2}row 3, prs_Birthdate: .+/);
    expect(result.stderr).toContain('Give --partial');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/Vera|Lungu|2030-01-01/);
    expect(existsSync(`${file('bad.csv')}.rejects.csv`)).toBe(false);
    expect(await count('cases')).toBe(3);
  });

  it('with --partial imports the valid rows and writes the rejects (row, column, reason) to a file', async () => {
    const source = csv('mixed.csv', LIA, VERA);
    const result = passage(['htcds', 'import', source, '--agency', AGENCY, '--partial']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 1 case into Casa Rifugio');
    expect(result.stdout).toMatch(/Rejected 1 row:\n {2}row 3, prs_Birthdate: /);
    const rejects = readFileSync(`${source}.rejects.csv`, 'utf8').replace(/^\uFEFF/, '');
    expect(rejects.split('\n')[0]).toBe('row,column,reason');
    expect(rejects).toMatch(/^3,prs_Birthdate,/m);
    expect(rejects).not.toMatch(/Vera|2030/);
    expect(statSync(`${source}.rejects.csv`).mode & 0o777).toBe(0o600);
    expect(await count('cases')).toBe(4);

    // Nothing valid: nothing imported, a non-zero exit, and the rejects where --rejects says.
    const allBad = csv('all-bad.csv', VERA);
    const named = passage(['htcds', 'import', allBad, '--agency', AGENCY, '--partial', '--rejects', file('r.csv')]);
    expect(named.status).toBe(1);
    expect(named.stdout).toContain('Imported 0 cases');
    expect(readFileSync(file('r.csv'), 'utf8')).toMatch(/^2,prs_Birthdate,/m);
    expect(await count('cases')).toBe(4);
  });

  it('skips rows imported before, and writes the rejected rows with --rejected to fix and import again', async () => {
    const source = file('mixed.csv');
    const again = passage(['htcds', 'import', source, '--agency', AGENCY, '--partial', '--rejected', file('fix.xlsx')]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0 cases');
    expect(again.stdout).toContain('Skipped 1 row imported before');
    expect(again.stdout).toContain(`The rejected rows, to fix and import again, are in ${file('fix.xlsx')}.`);
    expect(statSync(file('fix.xlsx')).mode & 0o777).toBe(0o600);
    const rejected = await readCaseSheet(file('fix.xlsx'));
    expect(rejected.rows).toHaveLength(1);
    expect(rejected.rows[0]?.fields).toMatchObject({ prs_FirstName: 'Vera', prs_Birthdate: '2030-01-01' });

    // Fixed, the file imports; the error column is not read as data.
    const fixed = { ...rejected.rows[0]?.fields, prs_Birthdate: '2003-01-01' };
    await writeCaseSheet(file('fixed.xlsx'), rejected.columns, [fixed], 'xlsx');
    const imported = passage(['htcds', 'import', file('fixed.xlsx'), '--agency', AGENCY]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 1 case into Casa Rifugio');
    expect(imported.stderr).toBe('');
    expect(await count('cases')).toBe(5);
  });

  it('stops with exit status 2 on a file that is not a spreadsheet, or none at all', async () => {
    writeFileSync(file('binary.csv'), Buffer.from([0, 1, 2, 3, 4]));
    const malformed = passage(['htcds', 'import', file('binary.csv'), '--agency', AGENCY]);
    expect(malformed.status).toBe(2);
    expect(malformed.stderr.trim()).toBe(
      'passage: The file is not an .xlsx or .csv file. Save it from Excel as .xlsx or CSV.',
    );
    writeFileSync(file('noheader.csv'), 'a,b,c\n1,2,3\n');
    const noHeader = passage(['htcds', 'import', file('noheader.csv'), '--agency', AGENCY]);
    expect(noHeader.status).toBe(2);
    expect(noHeader.stderr).toContain('no header row with HTCDS field names');
    const missing = passage(['htcds', 'import', file('nowhere.csv'), '--agency', AGENCY]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nowhere.csv is not a file');
    const noAgency = passage(['htcds', 'import', file('first.csv'), '--agency', 'Nobody']);
    expect(noAgency.status).toBe(1);
    expect(noAgency.stderr).toContain('The agency "Nobody" was not found');
    expect(await count('cases')).toBe(5);
  });
});

describe('passage htcds export', slow, () => {
  it('writes the toolkit layout without identity fields unless a purpose is given, and will not overwrite', async () => {
    const before = await count('disclosures');
    const plain = passage(['htcds', 'export', '--agency', AGENCY, '--out', file('out.csv')]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('Exported 5 cases of Casa Rifugio');
    expect(plain.stdout).toContain('Identity fields are left out');
    const sheet = await readCaseSheet(file('out.csv'));
    expect(sheet.rows).toHaveLength(5);
    expect(sheet.columns).toEqual(expect.arrayContaining(['psg_CaseReference', 'prs_Gender', 'cas_Status']));
    expect(sheet.columns).not.toContain('prs_FirstName');
    expect(readFileSync(file('out.csv'), 'utf8')).not.toMatch(/Rusu|Popa|Olena/);
    expect(statSync(file('out.csv')).mode & 0o777).toBe(0o600);
    expect(await count('disclosures')).toBe(before);

    const again = passage(['htcds', 'export', '--agency', AGENCY, '--out', file('out.csv')]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('exists. Give --force to replace it.');
    const badName = passage(['htcds', 'export', '--agency', AGENCY, '--out', file('out.txt')]);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('must end in .xlsx or .csv');

    const identity = passage([
      'htcds',
      'export',
      '--agency',
      AGENCY,
      '--out',
      file('out.csv'),
      '--purpose',
      'administration',
      '--force',
    ]);
    expect(identity.status, identity.stderr).toBe(0);
    expect(identity.stdout).toContain('Identity fields are included for the purpose "administration"');
    const revealed = await readCaseSheet(file('out.csv'));
    expect(revealed.columns).toContain('prs_FirstName');
    expect(revealed.rows.map((r) => r.fields.prs_FirstName).sort()).toEqual(['Ana', 'Ion', 'Lia', 'Olena', 'Vera']);
    expect(await count('disclosures')).toBe(before + 5);
  });

  it('writes an xlsx workbook that reads back', async () => {
    const result = passage(['htcds', 'export', '--agency', AGENCY, '--out', file('out.xlsx'), '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ cases: 5, purpose: null, agency: { name: AGENCY } });
    expect((await readCaseSheet(file('out.xlsx'))).rows).toHaveLength(5);
  });
});

describe('passage case list and show', slow, () => {
  it('lists cases as JSON and shows one by reference, pseudonymously', () => {
    const list = passage(['case', 'list', '--json', '--agency', AGENCY]);
    expect(list.status, list.stderr).toBe(0);
    const { total, cases } = JSON.parse(list.stdout);
    expect(total).toBe(5);
    expect(cases[0]).toMatchObject({ reference: expect.stringMatching(/^IT-2024-\d{6}$/), stage: 'reported' });
    expect(list.stdout).not.toMatch(/Rusu|Popa|Olena/);
    const staged = passage(['case', 'list', '--stage', 'closed', '--json']);
    expect(JSON.parse(staged.stdout).total).toBe(0);
    const table = passage(['case', 'list']);
    expect(table.stdout).toMatch(/^REFERENCE\s+STAGE/);
    expect(table.stdout).toContain('5 cases.');

    const reference = cases.find(
      (c: { traffickingStatus: string }) => c.traffickingStatus === 'PossibleVictimOfTrafficking',
    )?.reference as string;
    const show = passage(['case', 'show', reference, '--json']);
    expect(show.status, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.case).toMatchObject({ reference, survivor: { attributes: { prs_Gender: 'Masculine' } } });
    expect(shown.identity).toBeNull();
    expect(show.stdout).not.toContain('Popa');
    const byId = passage(['case', 'show', shown.case.id]);
    expect(byId.stdout).toMatch(new RegExp(`^Case +${reference} \\(id ${shown.case.id}\\)$`, 'm'));
    expect(byId.stdout).toMatch(/^Identity on record: .*prs_SecondName.* Give --purpose to see it\.$/m);
  });

  it('shows the identity with a purpose, and records the disclosure', async () => {
    const before = await count('disclosures');
    const { cases } = JSON.parse(passage(['case', 'list', '--json']).stdout);
    const shown = passage(['case', 'show', cases.at(-1).reference, '--purpose', 'administration']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Identity (disclosed for the purpose "administration", recorded)');
    expect(shown.stdout).toMatch(/^ {2}prs_FirstName +(Ana|Ion|Olena)$/m);
    expect(await count('disclosures')).toBe(before + 1);
  });

  it('refuses a case that does not exist', () => {
    const result = passage(['case', 'show', 'IT-1999-000001']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/The case was not found/);
  });
});

describe('passage htcds through the running node', slow, () => {
  let node: ChildProcess;
  beforeAll(async () => {
    node = await startPassage(['--data', dir.path, '--port', '0'], env);
  });
  afterAll(() => stopPassage(node));

  it('imports and exports over the admin channel, with the rejected rows of a failed import', () => {
    const failed = passage(['htcds', 'import', file('bad.csv'), '--agency', AGENCY]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/ {2}row 3, prs_Birthdate: .+/);
    // Rows not imported before: the ones of first.csv are in, and a second import skips them.
    const rows = csv(
      'over-channel.csv',
      '2024-02-05,Dan,Moraru,1995-05-05,Masculine,PossibleVictimOfTrafficking,',
      '2024-02-06,Eva,Rotaru,1997-06-06,Feminine,ActualVictimOfTrafficking,',
    );
    const imported = passage(['htcds', 'import', rows, '--agency', AGENCY]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 2 cases into Casa Rifugio');
    const again = passage(['htcds', 'import', file('first.csv'), '--agency', AGENCY]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0 cases');
    const malformed = passage(['htcds', 'import', file('binary.csv'), '--agency', AGENCY]);
    expect(malformed.status).toBe(2);
    const exported = passage(['htcds', 'export', '--agency', AGENCY, '--out', file('running.csv')]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('Exported 7 cases of Casa Rifugio');
  });
});

describe('passage case void', slow, () => {
  it('voids a case created in error: gone from the list and from reads, kept in the audit trail', async () => {
    const before = JSON.parse(passage(['case', 'list', '--json']).stdout);
    const target = before.cases[0] as { id: string; reference: string };
    const missing = passage(['case', 'void', '--case', target.reference]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/--reason/);
    const voided = passage(['case', 'void', '--case', target.reference, '--reason', 'Created in error']);
    expect(voided.status, voided.stderr).toBe(0);
    expect(voided.stdout).toContain(`Voided case ${target.reference}`);
    const after = JSON.parse(passage(['case', 'list', '--json']).stdout);
    expect(after.total).toBe(before.total - 1);
    expect(after.cases.map((c: { id: string }) => c.id)).not.toContain(target.id);
    const shown = passage(['case', 'show', target.reference]);
    expect(shown.status).toBe(1);
    expect(shown.stderr).toMatch(/not found/);
    const db = await openDb({ dataDir: dir.path, databaseUrl: env.DATABASE_URL ?? null });
    try {
      const trail = await db.query<{ actor: string }>(
        "select actor from audit_log where action = 'case.void' and resource = $1 and outcome = 'success'",
        [`case:${target.id}`],
      );
      expect(trail).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
