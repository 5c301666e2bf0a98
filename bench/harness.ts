/**
 * What the PostgreSQL benchmarks share: a database of their own (dropped before and after), a node's services on
 * it with a signed-in-equivalent case worker, latency summaries, tables and the facts of the machine they ran on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/app/config.ts';
import { operatorContext } from '../src/app/operations.ts';
import { createServices, type Services } from '../src/app/services.ts';
import type { Db } from '../src/db/client.ts';
import type { RequestContext } from '../src/modules/audit/index.ts';
import { ensureKeys, loadKeys } from '../src/modules/key-custody/index.ts';

export const SERVER_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseUrl(database: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  return url.href;
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops and creates `name`; the returned function drops it again. */
export async function freshDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain database name`);
  await onServer(`drop database if exists ${name} with (force)`);
  await onServer(`create database ${name}`);
  return { url: databaseUrl(name), drop: () => onServer(`drop database if exists ${name} with (force)`) };
}

export interface BenchNode {
  services: Services;
  /** A case worker of `agencyId`, as the authentication hook would build it from a session. */
  worker: RequestContext;
  agencyId: string;
  dispose(): void;
}

/** A node's services on `db`, with keys in a temporary data directory, one agency and one case worker in it. */
export async function benchNode(db: Db): Promise<BenchNode> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passage-bench-'));
  const config = loadConfig({ dataDir }, { PASSAGE_NODE_ID: 'bench', PASSAGE_COUNTRY: 'IT' });
  ensureKeys(config);
  const services = createServices(config, db, loadKeys(config));
  const operator = operatorContext('bench');
  const agency = await services.users.createAgency(operator, { name: 'Bench NGO', country: 'IT', orgType: 'NGO' });
  const created = await services.users.createUser(operator, {
    email: 'case.worker@bench.example.org',
    displayName: 'Bench case worker',
    password: 'correct horse battery staple',
    roles: [{ role: 'case_worker', agency: agency.id }],
  });
  return {
    services,
    agencyId: agency.id,
    worker: {
      actor: { kind: 'user', userId: created.user.id, memberships: [{ role: 'case_worker', agencyId: agency.id }] },
      requestId: null,
    },
    dispose: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of latencies in milliseconds. */
export function summarise(latencies: readonly number[]): Summary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  const sum = sorted.reduce((total, x) => total + x, 0);
  return {
    n: sorted.length,
    mean: sum / sorted.length,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : '–');

/** Prints rows under a title as an aligned plain-text table; numbers right-aligned. */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.every((r) => /^[-–\d.,×%/ ]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Cores, memory, Node and the PostgreSQL server's version and the settings that bear on the figures. */
export async function machineFacts(db: Db): Promise<string[]> {
  const [server] = await db.query<Record<string, string>>(
    `select version() as version, current_setting('shared_buffers') as shared_buffers,
            current_setting('work_mem') as work_mem, current_setting('synchronous_commit') as synchronous_commit,
            current_setting('max_connections') as max_connections`,
  );
  const cpu = cpus();
  return [
    `machine:    ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `node:       ${process.version}`,
    `postgres:   ${server?.version?.split(',')[0]}`,
    `settings:   shared_buffers=${server?.shared_buffers} work_mem=${server?.work_mem} synchronous_commit=${server?.synchronous_commit} max_connections=${server?.max_connections}`,
    `server:     ${new URL(SERVER_URL).host} (shared with other work on this machine)`,
  ];
}

/** Runs `fn`, then `cleanup` even on failure or Ctrl-C, and exits with the outcome. */
export async function runBench(fn: () => Promise<void>, cleanup: () => Promise<void>): Promise<void> {
  let cleaned = false;
  const clean = async () => {
    if (cleaned) return;
    cleaned = true;
    await cleanup();
  };
  process.once('SIGINT', () => {
    clean().finally(() => process.exit(130));
  });
  try {
    await fn();
  } finally {
    await clean();
  }
}
