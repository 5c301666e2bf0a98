import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminSocketPath, callAdminChannel, isAnswering } from '../app/admin-client.ts';
import { type ConfigOverrides, loadConfig } from '../app/config.ts';
import { DataDirBusyError } from '../app/data-lock.ts';
import type { OpenServices } from '../app/node.ts';
import type { OperationArgs, OperationName } from '../app/operations.ts';

const STARTUP_WAIT_MS = 60_000;

/**
 * Runs an operator command against the node of `dataDir`: through the running node's admin channel when it is up
 * (the embedded database admits one process), otherwise directly on the database.
 */
export async function runCommand<N extends OperationName>(
  overrides: ConfigOverrides,
  name: N,
  args: OperationArgs<N> | Record<string, never> = {},
): Promise<unknown> {
  const operator = userInfo().username;
  const config = loadConfig(overrides);
  const deadline = Date.now() + STARTUP_WAIT_MS;
  for (;;) {
    if (await isAnswering(adminSocketPath(config.dataDir))) {
      return callAdminChannel(config.dataDir, name, args, operator);
    }
    // The server's code is loaded only when the command runs here rather than in the node.
    const { openServices } = await import('../app/node.ts');
    const { operatorContext, runOperation } = await import('../app/operations.ts');
    let services: OpenServices;
    try {
      services = await openServices(config, `passage ${name}`);
    } catch (error) {
      // A node that is starting holds the database before its admin channel opens: wait for the channel.
      if (!(error instanceof DataDirBusyError) || Date.now() > deadline) throw error;
      await sleep(250);
      continue;
    }
    try {
      return await runOperation(services, name, args, operatorContext(operator));
    } finally {
      await services.close();
    }
  }
}
