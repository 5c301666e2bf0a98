/**
 * `passage mla list|alerts`: the node's MLA requests with their statutory clocks, from the console (as the console
 * operator, who sees clocks and states but never the persons concerned).
 */
import { type Command, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import type { Clock } from '../modules/mla/index.ts';
import { MLA_STATES, SIDES } from '../shared/mla-states.ts';
import { runCommand } from './console.ts';
import { table } from './output.ts';

type Result<N extends keyof typeof operations> = Awaited<ReturnType<(typeof operations)[N]>>;

/** A clock as one cell: `decision 12d running`, `acknowledgement -3d breached`. */
const describeClock = (c: Clock) => `${c.name} ${c.daysLeft}d ${c.state}`;

export function registerMlaCommands(program: Command, dataOption: () => Option): void {
  const mla = program
    .command('mla')
    .description('mutual legal assistance requests with other nodes, and their statutory clocks');

  mla
    .command('list')
    .description('list the MLA requests, newest first, with their clocks (days left and state)')
    .addOption(new Option('--side <side>', 'only those this node issued or executes').choices(SIDES))
    .addOption(new Option('--state <state>', 'only those in this state').choices(MLA_STATES))
    .option('--json', 'print them as JSON')
    .addOption(dataOption())
    .action(
      async (opts: {
        side?: (typeof SIDES)[number];
        state?: (typeof MLA_STATES)[number];
        json?: boolean;
        data?: string;
      }) => {
        const list = (await runCommand({ dataDir: opts.data }, 'mla.list', {
          side: opts.side,
          state: opts.state,
          limit: 200,
        })) as Result<'mla.list'>;
        if (opts.json) console.log(JSON.stringify(list, null, 2));
        else if (list.requests.length === 0) console.log('No MLA requests.');
        else
          table(
            ['ID', 'SIDE', 'PEER', 'STATE', 'URGENT', 'CLOCKS'],
            list.requests.map((r) => [
              r.id,
              r.side,
              r.peer,
              r.state,
              r.urgent ? 'yes' : '',
              r.clocks.map(describeClock).join(', '),
            ]),
          );
      },
    );

  mla
    .command('alerts')
    .description(
      'the clocks approaching their due date or past it, most urgent first (exit code 1 when any is breached)',
    )
    .option('--json', 'print them as JSON')
    .addOption(dataOption())
    .action(async (opts: { json?: boolean; data?: string }) => {
      const alerts = (await runCommand({ dataDir: opts.data }, 'mla.alerts')) as Result<'mla.alerts'>;
      if (opts.json) console.log(JSON.stringify(alerts, null, 2));
      else if (alerts.length === 0) console.log('No MLA deadline is approaching or breached.');
      else
        table(
          ['DUE', 'DAYS LEFT', 'CLOCK', 'STATE', 'REQUEST', 'SIDE', 'PEER'],
          alerts.map((a) => [
            a.clock.due,
            String(a.clock.daysLeft),
            a.clock.name,
            a.clock.state,
            a.requestId,
            a.side,
            a.peer,
          ]),
        );
      if (alerts.some((a) => a.clock.state === 'breached')) process.exitCode = 1;
    });
}
