import { Presets, SingleBar } from 'cli-progress';
import qrcode from 'qrcode-terminal';
import type { VerifyResult } from '../modules/audit/index.ts';
import type { AgencyRecord as Agency, presentUser } from '../modules/user-accounts/index.ts';
import type { DemoNode } from './demo.ts';

type User = ReturnType<typeof presentUser>;

/** Prints rows as aligned columns. */
export function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  for (const row of rows) console.log(line(row));
}

/** A grant as `passage user add --role` takes it: role[@agency[:own|:team=<team>]]. */
const grant = (r: User['roles'][number]) => {
  if (!r.agencyName) return r.role;
  const reach = r.reach === 'own' ? ':own' : r.reach === 'team' ? `:team=${r.teamName}` : '';
  return `${r.role}@${r.agencyName}${reach}`;
};
const roles = (user: User) => user.roles.map(grant).join(', ');

export function printAgencies(agencies: Agency[]): void {
  table(
    ['ID', 'COUNTRY', 'TYPE', 'NAME'],
    agencies.map((a) => [a.id, a.country, a.orgType, a.name]),
  );
}

export function printUsers(users: User[]): void {
  table(
    ['ID', 'EMAIL', 'NAME', 'ROLES', 'STATUS'],
    users.map((u) => [u.id, u.email, u.displayName, roles(u), u.disabledAt ? 'disabled' : 'active']),
  );
}

export function printCreatedUser(created: { user: User; totp: { secret: string; uri: string } }, verb = 'Added'): void {
  console.log(`${verb} ${created.user.email} (${roles(created.user)}), id ${created.user.id}.`);
  console.log('Give the user this TOTP secret for their authenticator app. It is shown only now:');
  console.log(`  ${created.totp.secret}`);
  qrcode.generate(created.totp.uri, { small: true });
}

export function printVerify(result: VerifyResult): void {
  if (result.ok) {
    console.log(`Audit trail intact: ${result.records} records, head ${result.headHash}.`);
    return;
  }
  const broken = result.firstBroken;
  console.log(
    `Audit trail BROKEN at record ${broken?.seq} (${broken?.reason}); the ${result.records} records before it are intact.`,
  );
}

export function printDemo(nodes: DemoNode[], dataDir: string): void {
  console.log(`\nEvery demo user's password: ${nodes[0]?.users[0]?.password}`);
  for (const node of nodes) {
    console.log(`\n${node.spec.name}: ${node.url}`);
    table(
      ['EMAIL', 'ROLE', 'TOTP SECRET'],
      node.users.map((u) => [u.email, u.role, u.totpSecret]),
    );
  }
  const first = nodes[0];
  console.log('\nRoles that can read survivor identity also need a code. Get the current one with:');
  console.log(`  npm run passage -- demo code ${first?.users[0]?.email} --data ${dataDir}/${first?.spec.nodeId}`);
  console.log('or add the TOTP secret to an authenticator app. Stop the nodes with Ctrl+C.\n');
}

/**
 * A progress bar per phase of a long command (a new bar when the phase changes), labelled by `format(phase)`; nothing
 * unless `wanted` and the output is a terminal.
 */
export function phasedProgressBar<P extends string>(wanted: boolean, format: (phase: P) => string) {
  let bar: SingleBar | undefined;
  let current: P | undefined;
  const enabled = wanted && process.stdout.isTTY === true;
  return {
    update(phase: P, done: number, total: number): void {
      if (!enabled) return;
      if (phase !== current) {
        bar?.stop();
        bar = new SingleBar(
          { format: format(phase), stream: process.stdout, hideCursor: true },
          Presets.shades_classic,
        );
        bar.start(total, done);
        current = phase;
      } else {
        bar?.setTotal(total);
        bar?.update(done);
      }
    },
    stop(): void {
      bar?.stop();
      bar = undefined;
    },
  };
}
