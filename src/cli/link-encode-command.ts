/**
 * `passage link encode`: a CSV of records → an encodings file of CLKs under a linkage schema and the group's secret.
 * Files only: no data directory, database or network. The output appears whole or not at all.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  encodeCsv,
  loadSchemaArgument,
  RecordsFileError,
  readSecretFile,
  writeEncodings,
} from '../modules/linkage-engine/index.ts';
import { phasedProgressBar } from './output.ts';

export function registerLinkEncodeCommand(link: Command): void {
  link
    .command('encode')
    .description(
      'encode a CSV of records as CLK Bloom filters under a clkhash v3 linkage schema and the shared secret; ' +
        'writes an encodings file for passage link match',
    )
    .requiredOption(
      '--schema <schema.json>',
      'linkage schema (clkhash v3 JSON), or "survivor" / "perpetrator" for the default schemas',
    )
    .requiredOption('--secret-file <file>', "file holding the linkage group's secret (at least 16 bytes)")
    .requiredOption(
      '--in <records.csv>',
      "CSV with a header row: the schema's feature identifiers, in order, and an id",
    )
    .requiredOption('--out <encodings.json>', 'encodings file to write (replaced whole, never half-written)')
    .option('--id-column <name>', 'column holding the record id (default: the first column)')
    .option('--no-progress', 'no progress bar')
    .action(
      async (opts: {
        schema: string;
        secretFile: string;
        in: string;
        out: string;
        idColumn?: string;
        progress: boolean;
      }) => {
        const started = performance.now();
        const schema = await loadSchemaArgument(opts.schema);
        const secret = await readSecretFile(opts.secretFile);
        let csv: string;
        try {
          csv = await readFile(opts.in, 'utf8');
        } catch (error) {
          throw new RecordsFileError(`cannot read ${opts.in} (${(error as NodeJS.ErrnoException).code})`);
        }
        const progress = phasedProgressBar<'encode'>(
          opts.progress,
          () => 'Encoding {bar} {percentage}% | {value}/{total} records',
        );
        let encodings: Awaited<ReturnType<typeof encodeCsv>>;
        try {
          encodings = await encodeCsv(schema, secret, csv, {
            idColumn: opts.idColumn,
            onProgress: (done, total) => progress.update('encode', done, total),
          });
        } catch (error) {
          if (error instanceof RecordsFileError) throw new RecordsFileError(`${opts.in}: ${error.message}`);
          throw error;
        } finally {
          progress.stop();
        }
        await writeEncodings(opts.out, encodings);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `Encoded ${encodings.records.length} records as ${schema.l}-bit CLKs (schema ${schema.sha256.slice(0, 12)}) ` +
            `to ${opts.out} in ${seconds} s.`,
        );
      },
    );
}
