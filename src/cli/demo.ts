import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, SETTINGS_FILE } from '../app/config.ts';
import { ensureKeys } from '../app/keys.ts';
import { type RunningNode, startNode } from '../app/node.ts';
import { operatorContext } from '../app/operations.ts';
import type { Services } from '../app/services.ts';
import { unseal } from '../lib/seal.ts';
import { findUserByEmail } from '../modules/identity/identity.repository.ts';
import { totpContext } from '../modules/identity/users.service.ts';
import type { Role } from '../modules/policy/policy.ts';

/** Fictional agencies and staff of the Italian node of "Ana's passage" (see the acceptance scenario). */
const AGENCIES = [
  { key: 'ngo', name: 'Casa Aurora', orgType: 'NGO' },
  { key: 'inspectorate', name: 'Ispettorato del Lavoro di Latina', orgType: 'LabourInspectorate' },
  { key: 'prosecution', name: 'Procura della Repubblica di Latina', orgType: 'ProsecutionService' },
  { key: 'fund', name: 'Fondo per le vittime di tratta', orgType: 'CompensationFund' },
  { key: 'oversight', name: 'Garante nazionale', orgType: 'OversightBody' },
] as const;

/** One user per role, signing in as `demoEmail(role)` unless a second user of the role needs an address of its own. */
const USERS: {
  role: Role;
  displayName: string;
  agency: (typeof AGENCIES)[number]['key'] | null;
  email?: string;
}[] = [
  { role: 'case_worker', displayName: 'Giulia Ferri', agency: 'ngo' },
  { role: 'supervisor', displayName: 'Marta Conti', agency: 'ngo' },
  // A second supervisor approves a closure that the first asked for: nobody approves their own request.
  { role: 'supervisor', displayName: 'Davide Rinaldi', agency: 'ngo', email: 'supervisor2@node-it.example' },
  { role: 'investigator', displayName: 'Luca Bassi', agency: 'inspectorate' },
  { role: 'prosecutor', displayName: 'Paola Riva', agency: 'prosecution' },
  { role: 'reparations_officer', displayName: 'Sergio Neri', agency: 'fund' },
  { role: 'oversight', displayName: 'Elena Greco', agency: null },
  { role: 'coordinator', displayName: 'Franco Galli', agency: null },
  { role: 'node_admin', displayName: 'Admin Passage', agency: null },
];

/** Demo sign-in details are printed for anyone at the console: never use a demo node for real cases. */
export const DEMO_PASSWORD = 'passage-demo-2026';

export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  displayName: string;
  totpSecret: string;
}

export const demoEmail = (role: Role) => `${role.replace('_', '.')}@node-it.example`;

/** Adds the demo agencies and users (one per role, two supervisors), once; returns every demo user's sign-in details. */
export async function seedDemo(services: Services): Promise<DemoUser[]> {
  const ctx = operatorContext('demo');
  const agencies = new Map<string, string>();
  const existing = await services.users.listAgencies(ctx);
  for (const agency of AGENCIES) {
    const found = existing.find((a) => a.name === agency.name);
    const id = found?.id ?? (await services.users.createAgency(ctx, { ...agency, country: 'IT' })).id;
    agencies.set(agency.key, id);
  }
  const users: DemoUser[] = [];
  for (const user of USERS) {
    const { role, displayName, agency } = user;
    const email = user.email ?? demoEmail(role);
    let record = await findUserByEmail(services.db, email);
    if (!record) {
      const roles = [{ role, agency: agency ? (agencies.get(agency) ?? null) : null }];
      record = (await services.users.createUser(ctx, { email, displayName, password: DEMO_PASSWORD, roles })).user;
    }
    const totpSecret = unseal(services.keys.kek, record.totpSecretSealed as string, totpContext(record.id));
    users.push({ email, password: DEMO_PASSWORD, role, displayName, totpSecret });
  }
  return users;
}

/** Marks a data directory as a demo node of node-it (Italy), keeping settings it already has. */
export function prepareDemoDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SETTINGS_FILE);
  const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const demo = {
    nodeId: 'node-it',
    nodeName: 'Passage Italia (demo)',
    country: 'IT',
    logLevel: 'warn',
    ...settings,
    demo: true,
  };
  writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
}

export interface DemoNode extends RunningNode {
  users: DemoUser[];
  createdKeys: string[];
}

export async function startDemoNode(options: { dataDir: string; port: number; logger?: boolean }): Promise<DemoNode> {
  prepareDemoDir(options.dataDir);
  const config = loadConfig({ dataDir: options.dataDir, port: options.port });
  const createdKeys = ensureKeys(config);
  const node = await startNode(config, { logger: options.logger ?? false });
  try {
    return { ...node, users: await seedDemo(node.services), createdKeys };
  } catch (error) {
    await node.close();
    throw error;
  }
}
