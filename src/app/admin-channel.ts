import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { AppError } from '../lib/errors.ts';
import { adminSocketPath, isAnswering } from './admin-client.ts';
import { isOperation, operatorContext, runOperation } from './operations.ts';
import type { Services } from './services.ts';

/**
 * The running node's console: a Unix socket in the data directory, readable only by the node's own OS user
 * (mode 0600), over which the `passage` CLI runs operations while the node holds the embedded database.
 * The client side is in `admin-client.ts`, which the CLI loads without the server's code.
 */
const MAX_BODY = 64 * 1024;

export interface AdminChannel {
  path: string;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<{ args?: unknown; operator?: string }> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY) throw new AppError('body_too_large', 413, 'The command is too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new AppError('malformed_json', 400, 'The command is not valid JSON.');
  }
}

export async function openAdminChannel(services: Services): Promise<AdminChannel> {
  const path = adminSocketPath(services.config.dataDir);
  if (existsSync(path)) {
    // An AppError, so that the CLI prints this message for the operator (src/cli/failure.ts) on PostgreSQL too,
    // where no lock on the data directory is taken first.
    if (await isAnswering(path)) {
      throw new AppError('node_running', 409, `Another Passage node is already running on ${services.config.dataDir}`);
    }
    rmSync(path);
  }
  const server: Server = createServer(async (request, response) => {
    const name = (request.url ?? '').replace(/^\//, '');
    let status = 200;
    let body: unknown;
    try {
      if (request.method !== 'POST' || !isOperation(name))
        throw new AppError('unknown_command', 404, `There is no command "${name}".`);
      const { args, operator } = await readJson(request);
      body = { result: await runOperation(services, name, args ?? {}, operatorContext(operator)) };
    } catch (error) {
      const known = error instanceof AppError;
      status = known ? error.status : 500;
      body = {
        error: {
          id: known ? error.id : 'internal_error',
          message: known ? error.message : 'The command failed on the node.',
        },
      };
    }
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
  });
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  } finally {
    process.umask(previous);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
