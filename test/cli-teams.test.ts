// `passage team …` and grants narrowed to own cases or a team through `passage user add --role` (issue 14 item 7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';
import { commandEnvironment, runPassage } from './passage-command.ts';

const dir = tempDir('passage-cli-teams-');
let env: Record<string, string>;
let dropDatabase: () => Promise<void> = async () => {};

const passage = (args: string[]) => runPassage([...args, '--data', dir.path], env);

beforeAll(async () => {
  ({ env, drop: dropDatabase } = await commandEnvironment());
  const init = await passage(['init', '--node-id', 'node-it', '--name', 'Passage Italia', '--country', 'IT']);
  expect(init.status, init.stderr).toBe(0);
  const agency = await passage(['agency', 'add', '--name', 'Caritas', '--country', 'IT', '--type', 'NGO']);
  expect(agency.status, agency.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await dropDatabase();
  dir.remove();
});

describe('passage team', { timeout: 180_000 }, () => {
  it('adds a team, grants roles narrowed to it and to own cases, and names its members', async () => {
    const team = await passage(['team', 'add', '--agency', 'Caritas', '--name', 'North', '--json']);
    expect(team.status, team.stderr).toBe(0);
    const [north] = JSON.parse(team.stdout);
    expect(north).toMatchObject({ name: 'North', members: [] });

    const own = await passage([
      'user',
      'add',
      '--email',
      'own@example.org',
      '--name',
      'Own',
      '--no-password',
      '--role',
      'case_worker@Caritas:own',
    ]);
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout).toContain('(case_worker@Caritas:own)');
    const lead = await passage([
      'user',
      'add',
      '--email',
      'lead@example.org',
      '--name',
      'Lead',
      '--no-password',
      '--role',
      'supervisor@Caritas:team=North',
    ]);
    expect(lead.status, lead.stderr).toBe(0);
    expect(lead.stdout).toContain('(supervisor@Caritas:team=North)');
    const wrong = await passage([
      'user',
      'add',
      '--email',
      'x@example.org',
      '--name',
      'X',
      '--no-password',
      '--role',
      'supervisor@Caritas:all',
    ]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('is not a reach');

    const added = await passage(['team', 'add-member', north.id, 'own@example.org']);
    expect(added.status, added.stderr).toBe(0);
    const list = await passage(['team', 'list', '--json']);
    const [listed] = JSON.parse(list.stdout);
    expect(listed.members).toHaveLength(1);
    const removed = await passage(['team', 'remove-member', north.id, listed.members[0]]);
    expect(removed.status, removed.stderr).toBe(0);
    expect(JSON.parse((await passage(['team', 'list', '--json'])).stdout)[0].members).toEqual([]);
  });
});
