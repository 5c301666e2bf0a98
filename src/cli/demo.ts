import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, SETTINGS_FILE } from '../app/config.ts';
import { type RunningNode, startNode } from '../app/node.ts';
import { operatorContext } from '../app/operations.ts';
import type { Services } from '../app/services.ts';
import { ensureKeys } from '../modules/key-custody/index.ts';
import type { OrgType } from '../shared/org-types.ts';
import type { Membership, Role } from '../shared/policy.ts';
import { seedScenario } from './demo-scenario.ts';

type Agency = { key: string; name: string; orgType: OrgType };
type Staff = { role: Role; displayName: string; agency: string | null; email?: string };

/** A demo node of "Ana's passage" (see the acceptance scenario): fictional agencies and one user per role. */
export interface DemoNodeSpec {
  nodeId: 'node-it' | 'node-md' | 'node-ro';
  country: string;
  name: string;
  agencies: Agency[];
  users: Staff[];
}

const ITALY: DemoNodeSpec = {
  nodeId: 'node-it',
  country: 'IT',
  name: 'Passage Italia (demo)',
  agencies: [
    { key: 'ngo', name: 'Casa Aurora', orgType: 'NGO' },
    { key: 'inspectorate', name: 'Ispettorato del Lavoro di Latina', orgType: 'LabourInspectorate' },
    { key: 'prosecution', name: 'Procura della Repubblica di Latina', orgType: 'ProsecutionService' },
    { key: 'fund', name: 'Fondo per le vittime di tratta', orgType: 'CompensationFund' },
    { key: 'oversight', name: 'Garante nazionale', orgType: 'OversightBody' },
  ],
  users: [
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
  ],
};

const MOLDOVA: DemoNodeSpec = {
  nodeId: 'node-md',
  country: 'MD',
  name: 'Passage Moldova (demo)',
  agencies: [
    { key: 'ngo', name: 'Centrul Speranța', orgType: 'NGO' },
    { key: 'police', name: 'Centrul pentru Combaterea Traficului de Persoane', orgType: 'LawEnforcement' },
    {
      key: 'prosecution',
      name: 'Procuratura pentru Combaterea Criminalității Organizate',
      orgType: 'ProsecutionService',
    },
  ],
  users: [
    { role: 'case_worker', displayName: 'Elena Ciobanu', agency: 'ngo' },
    { role: 'supervisor', displayName: 'Vera Munteanu', agency: 'ngo' },
    { role: 'investigator', displayName: 'Ion Rotaru', agency: 'police' },
    { role: 'prosecutor', displayName: 'Mihai Lungu', agency: 'prosecution' },
    { role: 'coordinator', displayName: 'Natalia Cojocaru', agency: null },
    { role: 'node_admin', displayName: 'Admin Passage', agency: null },
  ],
};

const ROMANIA: DemoNodeSpec = {
  nodeId: 'node-ro',
  country: 'RO',
  name: 'Passage România (demo)',
  agencies: [
    { key: 'ngo', name: 'Adăpost București', orgType: 'NGO' },
    { key: 'police', name: 'Poliția Română — Serviciul de combatere a traficului', orgType: 'LawEnforcement' },
  ],
  users: [
    { role: 'case_worker', displayName: 'Andreea Ionescu', agency: 'ngo' },
    { role: 'supervisor', displayName: 'Cristina Dumitru', agency: 'ngo' },
    { role: 'investigator', displayName: 'Radu Stan', agency: 'police' },
    { role: 'coordinator', displayName: 'Sorin Popa', agency: null },
    { role: 'node_admin', displayName: 'Admin Passage', agency: null },
  ],
};

/** The three nodes of the scenario, in the order of their ports. */
export const DEMO_NODES: readonly DemoNodeSpec[] = [ITALY, MOLDOVA, ROMANIA];

/** Demo sign-in details are printed for anyone at the console: never use a demo node for real cases. */
export const DEMO_PASSWORD = 'passage-demo-2026';

export interface DemoUser {
  email: string;
  password: string;
  role: Role;
  displayName: string;
  totpSecret: string;
  userId: string;
  memberships: Membership[];
}

export const demoEmail = (role: Role, nodeId = 'node-it') => `${role.replace('_', '.')}@${nodeId}.example`;

/** Adds the node's demo agencies and users, once; returns every demo user's sign-in details. */
export async function seedDemo(services: Services, spec: DemoNodeSpec = ITALY): Promise<DemoUser[]> {
  const ctx = operatorContext('demo');
  const agencies = new Map<string, string>();
  const existing = await services.users.listAgencies(ctx);
  for (const agency of spec.agencies) {
    const found = existing.find((a) => a.name === agency.name);
    const id = found?.id ?? (await services.users.createAgency(ctx, { ...agency, country: spec.country })).id;
    agencies.set(agency.key, id);
  }
  const users: DemoUser[] = [];
  for (const user of spec.users) {
    const { role, displayName, agency } = user;
    const email = user.email ?? demoEmail(role, spec.nodeId);
    let totp = await services.users.demoTotpSecret(email);
    if (!totp) {
      const roles = [{ role, agency: agency ? (agencies.get(agency) ?? null) : null }];
      const created = await services.users.createUser(ctx, { email, displayName, password: DEMO_PASSWORD, roles });
      totp = { userId: created.user.id, secret: created.totpSecret };
    }
    const memberships = [{ role, agencyId: agency ? (agencies.get(agency) ?? null) : null }];
    users.push({
      email,
      password: DEMO_PASSWORD,
      role,
      displayName,
      totpSecret: totp.secret,
      userId: totp.userId,
      memberships,
    });
  }
  return users;
}

/** Marks a data directory as a demo node, keeping settings it already has. */
export function prepareDemoDir(dataDir: string, spec: DemoNodeSpec = ITALY): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SETTINGS_FILE);
  const settings = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const demo = {
    nodeId: spec.nodeId,
    nodeName: spec.name,
    country: spec.country,
    logLevel: 'warn',
    ...settings,
    demo: true,
  };
  writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
}

export interface DemoNode extends RunningNode {
  spec: DemoNodeSpec;
  users: DemoUser[];
  createdKeys: string[];
}

export async function startDemoNode(options: {
  dataDir: string;
  port: number;
  logger?: boolean;
  spec?: DemoNodeSpec;
}): Promise<DemoNode> {
  const spec = options.spec ?? ITALY;
  prepareDemoDir(options.dataDir, spec);
  // Each demo node has its own embedded database, whatever DATABASE_URL says: three nodes never share one.
  const config = { ...loadConfig({ dataDir: options.dataDir, port: options.port }), databaseUrl: null };
  const createdKeys = ensureKeys(config);
  const node = await startNode(config, { logger: options.logger ?? false });
  try {
    return { ...node, spec, users: await seedDemo(node.services, spec), createdKeys };
  } catch (error) {
    await node.close();
    throw error;
  }
}

/**
 * `passage demo`: the three nodes of the scenario on consecutive ports from `port` (0: any free ports), each in its own
 * directory under `dataDir`, peered with each other (the fingerprints are read here, as an administrator would read
 * them out), with the story seeded on the first start.
 */
export async function startDemoFederation(options: {
  dataDir: string;
  port: number;
  logger?: boolean;
}): Promise<DemoNode[]> {
  const nodes: DemoNode[] = [];
  try {
    for (const [i, spec] of DEMO_NODES.entries()) {
      const dataDir = join(options.dataDir, spec.nodeId);
      const port = options.port === 0 ? 0 : options.port + i;
      nodes.push(await startDemoNode({ dataDir, port, logger: options.logger, spec }));
    }
    const ctx = operatorContext('demo');
    for (const node of nodes) {
      const known = new Set((await node.services.peers.list(ctx)).map((p) => p.nodeId));
      for (const other of nodes) {
        if (other === node || known.has(other.spec.nodeId)) continue;
        const { fingerprint } = other.services.peers;
        await node.services.peers.add(ctx, { url: other.url, fingerprint });
      }
    }
    const seeded = join(options.dataDir, 'scenario-seeded');
    if (!existsSync(seeded)) {
      await seedScenario(nodes);
      writeFileSync(seeded, `${new Date().toISOString()}\n`);
    }
    return nodes;
  } catch (error) {
    for (const node of nodes) await node.close();
    throw error;
  }
}
