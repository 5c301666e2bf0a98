/**
 * `passage team add|list|add-member|remove-member`: the teams of an agency, which role grants narrowed to a team
 * (`passage user add --role supervisor@<agency>:team=<team>`) reach. The commands run as the console operator.
 */
import type { Command, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import { runCommand } from './console.ts';
import { table } from './output.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;
type Team = Result<'team.add'>;

function printTeams(teams: readonly Team[], json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(teams, null, 2));
    return;
  }
  table(
    ['ID', 'AGENCY', 'NAME', 'MEMBERS'],
    teams.map((t) => [t.id, t.agencyId, t.name, t.members.join(', ') || '-']),
  );
}

export function registerTeamCommands(program: Command, dataOption: () => Option): void {
  const team = program
    .command('team')
    .description("the teams of an agency, whose members' cases a role granted with reach team=<team> reaches");

  team
    .command('add')
    .description('add a team to an agency')
    .requiredOption('--agency <agency>', 'agency id or name')
    .requiredOption('--name <name>', 'name of the team, unique in its agency')
    .option('--json', 'print the team as JSON')
    .addOption(dataOption())
    .action(async (opts: { agency: string; name: string; json?: boolean; data?: string }) => {
      const added = (await runCommand({ dataDir: opts.data }, 'team.add', {
        agency: opts.agency,
        name: opts.name,
      })) as Team;
      printTeams([added], opts.json);
    });

  team
    .command('list')
    .description('list the teams and their members (user ids)')
    .option('--json', 'print the teams as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      printTeams((await runCommand({ dataDir: opts.data }, 'team.list')) as Team[], opts.json);
    });

  team
    .command('add-member')
    .description("add a user who holds a role in the team's agency")
    .argument('<team>', 'team id')
    .argument('<user>', 'email or id')
    .addOption(dataOption())
    .action(async (id: string, user: string, opts: { data?: string }) => {
      const changed = (await runCommand({ dataDir: opts.data }, 'team.member-add', { team: id, user })) as Team;
      console.log(`${user} is a member of ${changed.name}; it has ${changed.members.length} member(s).`);
    });

  team
    .command('remove-member')
    .description('remove a member from a team')
    .argument('<team>', 'team id')
    .argument('<user>', 'user id')
    .addOption(dataOption())
    .action(async (id: string, user: string, opts: { data?: string }) => {
      const changed = (await runCommand({ dataDir: opts.data }, 'team.member-remove', { team: id, user })) as Team;
      console.log(`${user} is no longer a member of ${changed.name}.`);
    });
}
