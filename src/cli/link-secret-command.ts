/**
 * `passage link secret`: installs (or rotates) a linkage group's shared encoding secret on this owner node. The
 * secret is read from a file, never from the command line (where the shell history and process list would keep it),
 * and is never printed; the node answers with the secret's fingerprint, to compare with the other owners'.
 */
import { type Command, Option } from 'commander';
import { DEFAULT_DATA_DIR } from '../app/config.ts';
import type { operations } from '../app/operations.ts';
import { RecordsFileError, readSecretFile } from '../modules/linkage-engine/index.ts';
import { runCommand } from './console.ts';

const MIN_SECRET_BYTES = 32;

export function registerLinkSecretCommand(link: Command): void {
  link
    .command('secret')
    .description("install or rotate a linkage group's shared encoding secret on this owner node (never on the unit)")
    .requiredOption('--group <id>', 'the linkage group id')
    .requiredOption('--secret-file <file>', `file holding the secret: at least ${MIN_SECRET_BYTES} bytes`)
    .addOption(
      new Option('--data <dir>', `data directory of the node (default: $PASSAGE_DATA or ./${DEFAULT_DATA_DIR})`),
    )
    .action(async (opts: { group: string; secretFile: string; data?: string }) => {
      const secret = Buffer.from(await readSecretFile(opts.secretFile));
      if (secret.length < MIN_SECRET_BYTES) {
        throw new RecordsFileError(`the secret file ${opts.secretFile} must hold at least ${MIN_SECRET_BYTES} bytes`);
      }
      const group = (await runCommand({ dataDir: opts.data }, 'linkage.secret', {
        group: opts.group,
        secret: secret.toString('base64'),
      })) as Awaited<ReturnType<(typeof operations)['linkage.secret']>>;
      secret.fill(0);
      console.log(`secret installed for ${group.name} (${group.id}) at ${group.secret?.installedAt}`);
      console.log(`fingerprint ${group.secret?.fingerprint}: the other owners must show the same`);
    });
}
