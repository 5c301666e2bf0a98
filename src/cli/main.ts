import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { adminSocketPath, isAnswering } from '../app/admin-client.ts';
import { type ConfigOverrides, DEFAULT_DATA_DIR, loadConfig, resolveDataDir, SETTINGS_FILE } from '../app/config.ts';
import { ensureKeys } from '../modules/key-custody/index.ts';
import { ORG_TYPES } from '../shared/org-types.ts';
import { type Reach, ROLES } from '../shared/policy.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerBackupCommands } from './backup-commands.ts';
import { registerCaseCommands } from './cases-commands.ts';
import { runCommand } from './console.ts';
import { registerCustodyCommands } from './custody-commands.ts';
import { registerEvidenceCommands } from './evidence-commands.ts';
import { describeFailure } from './failure.ts';
import { registerLinkCommands } from './link-commands.ts';
import { registerMlaCommands } from './mla-commands.ts';
import { printAgencies, printCreatedUser, printDemo, printUsers, printVerify } from './output.ts';
import { registerPeerCommands } from './peer-commands.ts';
import { readSecret } from './prompt.ts';
import { registerTeamCommands } from './team-commands.ts';
import { registerVerifyCommand } from './verify-command.ts';

const dataOption = () =>
  new Option('--data <dir>', `data directory of the node (default: $PASSAGE_DATA or ./${DEFAULT_DATA_DIR})`);

const port = (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return Number(value);
};

/** `role` or `role@agency` (agency id or name). */
type Grant = { role: string; agency: string | null; reach?: Reach; team?: string };

/** `role[@agency[:own|:team=<team>]]`: a role for the node, for an agency, or for a team of it or own cases only. */
const roleGrant = (value: string, previous: Grant[] = []): Grant[] => {
  const [role = '', scope = ''] = value.split('@');
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new InvalidArgumentError(`"${role}" is not a role; use one of ${ROLES.join(', ')}`);
  }
  const colon = scope.lastIndexOf(':');
  const reachText = colon < 0 ? '' : scope.slice(colon + 1);
  const agency = (colon < 0 ? scope : scope.slice(0, colon)) || null;
  if (!reachText) return [...previous, { role, agency }];
  if (reachText === 'own') return [...previous, { role, agency, reach: 'own' }];
  if (reachText.startsWith('team=') && reachText.length > 5) {
    return [...previous, { role, agency, reach: 'team', team: reachText.slice(5) }];
  }
  throw new InvalidArgumentError(`"${reachText}" is not a reach; write role@agency:own or role@agency:team=<team>`);
};

/** The node serves the web app from WEB_ROOT; a fresh clone has none built yet. */
async function buildWebAppIfMissing(): Promise<void> {
  const { WEB_ROOT } = await import('../app/server.ts');
  const { ensureWebApp } = await import('./web-build.ts');
  await ensureWebApp(WEB_ROOT);
}

const program = new Command('passage')
  .description('Passage: a federated, survivor-centred case-cooperation platform against human trafficking')
  .showHelpAfterError()
  // Each command reads the options written after its name: `demo code --data DIR` is code's --data, not demo's.
  .enablePositionalOptions()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('init')
  .description("create a node's data directory: settings, Ed25519 signing key, key-encryption key, database")
  .addOption(dataOption())
  .option('--node-id <id>', 'node id, e.g. node-it')
  .option('--name <name>', 'display name of the node')
  .option('--country <code>', 'ISO 3166-1 alpha-2 country of the jurisdiction')
  .action(async (opts: { data?: string; nodeId?: string; name?: string; country?: string }) => {
    const dataDir = resolveDataDir({ dataDir: opts.data });
    const file = join(dataDir, SETTINGS_FILE);
    const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
    const next = {
      ...settings,
      ...clean({ nodeId: opts.nodeId, nodeName: opts.name, country: opts.country?.toUpperCase() }),
    };
    const config = loadConfig({ dataDir, nodeId: next.nodeId, nodeName: next.nodeName, country: next.country });
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    reportKeys(ensureKeys(config));
    const { openServices } = await import('../app/node.ts');
    await (await openServices(config, 'passage init')).close();
    console.log(`Node ${config.nodeId} is ready in ${dataDir}. Start it with: passage start --data ${dataDir}`);
  });

program
  .command('start')
  .description('start the node (creates keys and database on first start)')
  .addOption(dataOption())
  .option('--port <port>', 'port to listen on (default: $PASSAGE_PORT or 8080)', port)
  .option('--host <host>', 'address to listen on (default: $PASSAGE_HOST or 127.0.0.1)')
  .action(async (opts: { data?: string; port?: number; host?: string }) => {
    const config = loadConfig({ dataDir: opts.data, port: opts.port, host: opts.host });
    reportKeys(ensureKeys(config));
    await buildWebAppIfMissing();
    const { startNode } = await import('../app/node.ts');
    const node = await startNode(config);
    console.log(`Passage node ${config.nodeId} is listening on ${node.url}`);
    onShutdown(node.close);
  });

program
  .command('migrate')
  .description('apply pending database migrations')
  .addOption(dataOption())
  .action(async (opts: { data?: string }) => {
    const config = loadConfig({ dataDir: opts.data });
    if (await isAnswering(adminSocketPath(config.dataDir))) {
      console.log('The node is running; it applied its migrations when it started.');
      return;
    }
    const { openServices } = await import('../app/node.ts');
    await (await openServices(config, 'passage migrate')).close();
    console.log('The database schema is current.');
  });

const user = program.command('user').description('manage the users of the node');
user
  .command('add')
  .description(
    'add a user; asks for the password (or reads it from piped standard input) and prints the TOTP secret once',
  )
  .addOption(dataOption())
  .requiredOption('--email <email>', 'email address (the sign-in name)')
  .requiredOption('--name <name>', 'display name')
  .requiredOption(
    '--role <role[@agency]>',
    `role, optionally scoped to an agency, and narrowed to its own cases (:own) or a team's (:team=<team>), ` +
      `as role[@agency[:own|:team=<team>]] (repeatable): ${ROLES.join(', ')}`,
    roleGrant,
  )
  .option('--no-password', 'the user signs in only through the OIDC provider')
  .action(async (opts: { data?: string; email: string; name: string; role: Grant[]; password: boolean }) => {
    const password = opts.password ? await readSecret('Password (at least 12 characters): ') : undefined;
    const result = await runCommand(overrides(opts), 'user.add', {
      email: opts.email,
      displayName: opts.name,
      password,
      roles: opts.role,
    });
    printCreatedUser(result as Parameters<typeof printCreatedUser>[0]);
  });
user
  .command('list')
  .description('list users and their roles')
  .addOption(dataOption())
  .action(async (opts: { data?: string }) => printUsers((await runCommand(overrides(opts), 'user.list')) as never));
user
  .command('disable')
  .description('disable a user and end their sessions')
  .argument('<user>', 'email or id')
  .addOption(dataOption())
  .action(async (who: string, opts: { data?: string }) => {
    await runCommand(overrides(opts), 'user.disable', { user: who });
    console.log(`Disabled ${who}; their sessions have ended.`);
  });

user
  .command('enable')
  .description('enable a disabled user again')
  .argument('<user>', 'email or id')
  .addOption(dataOption())
  .action(async (who: string, opts: { data?: string }) => {
    await runCommand(overrides(opts), 'user.enable', { user: who });
    console.log(`Enabled ${who}.`);
  });
user
  .command('reset-totp')
  .description('issue a new TOTP secret for a user whose key was lost or exposed; prints it once')
  .argument('<user>', 'email or id')
  .addOption(dataOption())
  .action(async (who: string, opts: { data?: string }) =>
    printCreatedUser((await runCommand(overrides(opts), 'user.reset-totp', { user: who })) as never, 'New key for'),
  );

const agency = program.command('agency').description('manage agencies');
agency
  .command('add')
  .description('add an agency')
  .addOption(dataOption())
  .requiredOption('--name <name>', 'name of the agency')
  .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 country')
  .addOption(new Option('--type <type>', 'HTCDS org_Type').choices(ORG_TYPES).makeOptionMandatory())
  .action(async (opts: { data?: string; name: string; country: string; type: string }) => {
    const created = await runCommand(overrides(opts), 'agency.add', {
      name: opts.name,
      country: opts.country,
      orgType: opts.type,
    });
    printAgencies([created as never]);
  });
agency
  .command('list')
  .description('list agencies')
  .addOption(dataOption())
  .action(async (opts: { data?: string }) =>
    printAgencies((await runCommand(overrides(opts), 'agency.list')) as never),
  );

const audit = program.command('audit').description('the audit trail');
audit
  .command('verify')
  .description('recompute the hash chain and report the first broken record')
  .addOption(dataOption())
  .action(async (opts: { data?: string }) => {
    const result = (await runCommand(overrides(opts), 'audit.verify')) as Parameters<typeof printVerify>[0];
    printVerify(result);
    if (!result.ok) process.exitCode = 3;
  });
registerAuditCommands(audit, dataOption);

const keys = program.command('keys').description("the node's keys");
keys
  .command('rotate')
  .description(
    'replace the key-encryption key: rewraps data keys, node secrets and TOTP secrets, not the data (node stopped)',
  )
  .addOption(dataOption())
  .action(async (opts: { data?: string }) => {
    const config = loadConfig(overrides(opts));
    const { rotateKek } = await import('../modules/key-custody/index.ts');
    const { operatorContext } = await import('../app/operations.ts');
    const { KEK_HOLDERS } = await import('../app/services.ts');
    const result = await rotateKek(config, operatorContext(), KEK_HOLDERS, { report: (line) => console.log(line) });
    if (result.retiredFile) {
      console.log(
        `Back up the new key. Keep ${result.retiredFile} as long as you keep backups made before the rotation, ` +
          'then destroy it.',
      );
    }
  });

keys
  .command('rotate-signing')
  .description(
    "replace the node's Ed25519 signing key; the old key endorses the new one and keeps verifying for a grace " +
      'period (node stopped)',
  )
  .addOption(dataOption())
  .option('--grace-days <days>', 'how long the old key keeps verifying (default 30)', (value: string) => {
    if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('must be a number of days');
    return Number(value);
  })
  .action(async (opts: { data?: string; graceDays?: number }) => {
    const config = loadConfig(overrides(opts));
    const { rotateSigningKey } = await import('../modules/key-custody/index.ts');
    const { operatorContext } = await import('../app/operations.ts');
    await rotateSigningKey(config, operatorContext(), {
      graceDays: opts.graceDays,
      report: (line) => console.log(line),
    });
  });

registerCaseCommands(program, dataOption);
registerBackupCommands(program, dataOption);
registerEvidenceCommands(program, dataOption);
registerCustodyCommands(program, dataOption);
registerPeerCommands(program, dataOption);
registerTeamCommands(program, dataOption);
registerMlaCommands(program, dataOption);
// Offline: it opens no data directory, database or key, so it runs on any machine holding a bag.
registerVerifyCommand(program);
registerLinkCommands(program);

const demo = program
  .command('demo')
  .description(
    'start the three demo nodes of the acceptance scenario (node-it, node-md, node-ro), peered, with the story ' +
      'seeded and one demo user per role (never for real cases)',
  )
  .option('--data <dir>', 'directory of the demo nodes (one subdirectory per node)', 'passage-demo')
  .option('--port <port>', 'port of node-it; node-md and node-ro listen on the next two', port, 8080)
  .action(async (opts: { data: string; port: number }) => {
    await buildWebAppIfMissing();
    const { startDemoFederation } = await import('./demo.ts');
    const nodes = await startDemoFederation({ dataDir: resolveDataDir({ dataDir: opts.data }), port: opts.port });
    for (const node of nodes) reportKeys(node.createdKeys);
    printDemo(nodes, opts.data);
    onShutdown(async () => {
      for (const node of nodes) await node.close();
    });
  });
// `demo code --data DIR`: the `--data` after `code` is the code command's (a node's folder), not demo's (the parent).
demo.enablePositionalOptions();
demo
  .command('code')
  .description("print a demo user's current sign-in code (demo nodes only)")
  .argument('<email>', 'email of the demo user')
  .option('--data <dir>', 'data directory of the demo node', 'passage-demo/node-it')
  .action(async (email: string, opts: { data: string }) => {
    const { code } = (await runCommand({ dataDir: opts.data }, 'demo.code', { email })) as { code: string };
    console.log(code);
  });

program
  .command('openapi')
  .description('write the OpenAPI 3.1 document of the API')
  .option('--out <file>', 'where to write it', 'docs/openapi.json')
  .action(async (opts: { out: string }) => {
    const { writeOpenApi } = await import('./openapi.ts');
    await writeOpenApi(opts.out);
    console.log(`Wrote ${opts.out}`);
  });

function overrides(opts: { data?: string }): ConfigOverrides {
  return { dataDir: opts.data };
}

function clean<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function reportKeys(created: string[]): void {
  for (const file of created)
    console.log(`Created ${file} (mode 600). Back it up: without it the node's data cannot be read.`);
}

function onShutdown(close: () => Promise<void>): void {
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const failure = describeFailure(error);
  for (const line of failure.lines) console.error(line);
  process.exitCode = failure.exitCode;
}
