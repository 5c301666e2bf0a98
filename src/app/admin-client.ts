import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { AppError } from '../lib/errors.ts';
import type { OperationName } from './operations.ts';

export const adminSocketPath = (dataDir: string) => join(dataDir, 'admin.sock');

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
