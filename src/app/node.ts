import type { FastifyInstance } from 'fastify';
import { type Db, openDb } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import type { AuthOptions } from '../modules/identity/auth.service.ts';
import { type AdminChannel, openAdminChannel } from './admin-channel.ts';
import type { Config } from './config.ts';
import { loadKeys } from './keys.ts';
import { type AppOptions, buildApp } from './server.ts';
import { createServices, type Services } from './services.ts';

export interface NodeOptions extends AppOptions {
  /** An already open database (tests); otherwise the one the configuration names. */
  db?: Db;
  auth?: Partial<AuthOptions>;
}

/** Opens the database, applies pending migrations and loads the keys: what both the server and the CLI need. */
export async function openServices(config: Config, options: NodeOptions = {}): Promise<Services> {
  const keys = loadKeys(config);
  const db = options.db ?? (await openDb(config));
  try {
    await migrate(db);
  } catch (error) {
    if (!options.db) await db.close();
    throw error;
  }
  return createServices(config, db, keys, options.auth);
}

export interface RunningNode {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/** Starts a node: HTTP on the configured address, and the local admin channel for the `passage` CLI. */
export async function startNode(config: Config, options: NodeOptions = {}): Promise<RunningNode> {
  const services = await openServices(config, options);
  let app: FastifyInstance | null = null;
  let admin: AdminChannel | null = null;
  const close = async () => {
    await admin?.close();
    await app?.close();
    if (!options.db) await services.db.close();
  };
  try {
    app = await buildApp(services, options);
    await app.listen({ host: config.host, port: config.port });
    admin = await openAdminChannel(services);
  } catch (error) {
    await close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, services, url: `http://${config.host}:${port}`, close };
}
