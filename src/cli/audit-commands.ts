/**
 * `passage audit list`: the audit trail from the console, as the console operator, who states why they read it (the
 * read is itself recorded, with that purpose). Directly on the database when the node is stopped, over the admin
 * channel when it runs.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { operations } from '../app/operations.ts';
import { RULES } from '../shared/policy.ts';
import { runCommand } from './console.ts';
import { table } from './output.ts';

type AuditRecord = Awaited<ReturnType<(typeof operations)['audit.list']>>[number];

const OUTCOMES = ['success', 'denied', 'failure'] as const;
const DURATION = /^(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** An ISO 8601 date or date-time, or a time ago (`15m`, `24h`, `7d`), as an ISO date-time. */
export function parseTime(value: string, now = Date.now()): string {
  const ago = DURATION.exec(value);
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]).toISOString();
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new InvalidArgumentError('give an ISO 8601 date or time, or a time ago such as 24h or 7d');
  return new Date(time).toISOString();
}

const limit = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  }
  return Number(value);
};

/** The records a list read showed, or the ids a refusal asked for, in one cell: the first two and how many more. */
function describeResources(resources: string[] | null): string {
  if (!resources || resources.length === 0) return '';
  const shown = resources.slice(0, 2).join(' ');
  return resources.length > 2 ? `${shown} +${resources.length - 2}` : shown;
}

const describeOutcome = (r: AuditRecord) =>
  r.omitted ? `${r.outcome} (${r.omitted} more, not recorded one by one)` : r.outcome;

export function registerAuditCommands(audit: Command, dataOption: () => Option): void {
  audit
    .command('list')
    .description(
      'the last records of the audit trail (oldest of them first), filtered; the read is recorded with its purpose',
    )
    .addOption(
      new Option('--purpose <purpose>', 'why you read the trail')
        .choices(RULES['audit.read'].purposes)
        .makeOptionMandatory(),
    )
    .option('--actor <actor>', 'only records of this actor: user:<id>, operator:<name> or anonymous')
    .option('--action <action>', 'only this action, or a family of them: case.*')
    .option('--resource <id>', 'only records about this record (case:<id>), also among those a list read showed')
    .addOption(new Option('--outcome <outcome>', 'only this outcome').choices(OUTCOMES))
    .option('--since <time>', 'from this time on: an ISO 8601 date or time, or a time ago (24h, 7d)', (v) =>
      parseTime(v),
    )
    .option('--until <time>', 'before this time: an ISO 8601 date or time, or a time ago', (v) => parseTime(v))
    .option('--limit <n>', 'how many records at most, the latest (1–1000)', limit, 100)
    .option('--json', 'print the records as a JSON array, with their hashes')
    .addOption(dataOption())
    .action(
      async (opts: {
        purpose: (typeof RULES)['audit.read']['purposes'][number];
        actor?: string;
        action?: string;
        resource?: string;
        outcome?: (typeof OUTCOMES)[number];
        since?: string;
        until?: string;
        limit: number;
        json?: boolean;
        data?: string;
      }) => {
        const newestFirst = (await runCommand({ dataDir: opts.data }, 'audit.list', {
          purpose: opts.purpose,
          filter: {
            actor: opts.actor,
            action: opts.action,
            resource: opts.resource,
            outcome: opts.outcome,
            from: opts.since,
            to: opts.until,
            newestFirst: true,
            limit: opts.limit,
          },
        })) as AuditRecord[];
        const records = newestFirst.toReversed();
        if (opts.json) console.log(JSON.stringify(records, null, 2));
        else if (records.length === 0) console.log('No audit records match.');
        else
          table(
            ['SEQ', 'AT', 'ACTOR', 'ACTION', 'RESOURCE', 'RECORDS', 'PURPOSE', 'OUTCOME'],
            records.map((r) => [
              String(r.seq),
              r.at,
              r.actor,
              r.action,
              r.resource ?? '',
              describeResources(r.resources),
              r.purpose ?? '',
              describeOutcome(r),
            ]),
          );
      },
    );
}
