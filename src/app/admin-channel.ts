import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { AppError } from './errors.ts';
import { isOperation, type OperationName, operatorContext, runOperation } from './operations.ts';
import type { Services } from './services.ts';

/**
 * The running node's console: a Unix socket in the data directory, readable only by the node's own OS user
 * (mode 0600), over which the `passage` CLI runs operations while the node holds the embedded database.
 */
export const adminSocketPath = (dataDir: string) => join(dataDir, 'admin.sock');

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
    if (await isAnswering(path))
      throw new Error(`Another Passage node is already running on ${services.config.dataDir}`);
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

/** Sends one operation to the node running on `dataDir`. */
export function callAdminChannel(
  dataDir: string,
  name: OperationName,
  args: unknown,
  operator: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        socketPath: adminSocketPath(dataDir),
        path: `/${name}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      async (res) => {
        try {
          const chunks: Buffer[] = [];
          for await (const chunk of res) chunks.push(chunk);
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (body.error) reject(new AppError(body.error.id, res.statusCode ?? 500, body.error.message));
          else resolve(body.result);
        } catch (error) {
          reject(error);
        }
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ args, operator }));
  });
}

/** Whether a node answers on the admin socket of `path` (a leftover socket file of a stopped node does not). */
export function isAnswering(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ socketPath: path, path: '/', method: 'GET' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}
