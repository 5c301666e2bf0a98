import type { FastifyInstance } from 'fastify';
import { type Db, openDb } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { DestroyedKeys, loadKeys } from '../modules/key-custody/index.ts';
import { reapplyErasures } from '../modules/survivors/index.ts';
import type { AuthOptions } from '../modules/user-accounts/index.ts';
import { type AdminChannel, openAdminChannel } from './admin-channel.ts';
import type { Config } from './config.ts';
import { acquireDataLock } from './data-lock.ts';
import { sealClearText } from './seal-at-rest.ts';
import { type AppOptions, buildApp } from './server.ts';
import { createServices, type Services } from './services.ts';

export interface NodeOptions extends AppOptions {
  /** An already open database (tests); otherwise the one the configuration names. */
  db?: Db;
  auth?: Partial<AuthOptions>;
}

export interface OpenServices extends Services {
  /** Closes the database (unless the caller supplied it) and releases the data directory. */
  close(): Promise<void>;
}

/**
 * Opens the database, applies pending migrations and loads the keys: what both the server and the CLI need.
 * The embedded database is locked for this process until `close`.
 */
export async function openServices(config: Config, holder: string, options: NodeOptions = {}): Promise<OpenServices> {
  const keys = loadKeys(config);
  const lock = options.db || config.databaseUrl ? null : acquireDataLock(config.dataDir, holder);
  let db: Db | null = null;
  const close = async () => {
    if (db && !options.db) await db.close();
    lock?.release();
  };
  try {
    db = options.db ?? (await openDb(config));
    await migrate(db);
    const services = createServices(config, db, keys, options.auth);
    // A database restored from a backup taken before an erasure holds the erased data again: erase it once more.
    await reapplyErasures(db, services.audit, DestroyedKeys.of(config), {
      actor: { kind: 'operator', name: holder },
      requestId: null,
    });
    // A wave 1 node (or a backup of one) holds free text in clear: seal it (migration 0015's upgrade step).
    await sealClearText(services);
    return { ...services, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface RunningNode {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a node: HTTP on the configured address, the local admin channel for the `passage` CLI, and the delivery of
 * the federation outbox.
 */
export async function startNode(config: Config, options: NodeOptions = {}): Promise<RunningNode> {
  const services = await openServices(config, 'the Passage node', options);
  let app: FastifyInstance | null = null;
  let admin: AdminChannel | null = null;
  let stopDelivery: (() => Promise<void>) | null = null;
  const close = async () => {
    await stopDelivery?.();
    await admin?.close();
    await app?.close();
    await services.close();
  };
  try {
    app = await buildApp(services, options);
    await app.listen({ host: config.host, port: config.port });
    admin = await openAdminChannel(services);
    stopDelivery = services.messages.startDelivery();
  } catch (error) {
    await close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, services, url: `http://${config.host}:${port}`, close };
}
