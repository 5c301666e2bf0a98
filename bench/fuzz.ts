/**
 * The full fuzz run (issue 14): at least 100 000 generated bad inputs over every operation of the served OpenAPI
 * document, signed in as a user who may call each one, on PGlite (or PostgreSQL when DATABASE_URL is set). Prints
 * progress and a summary: inputs sent, answers by status class, duration; exits 1 when any answer was 5xx.
 *
 *   npm run bench:fuzz [-- --inputs 100000 --seed 1]
 */
import { parseArgs } from 'node:util';
import { createTestDb, dropTestDbTemplate, prepareTestDbTemplate } from '../src/db/testing.ts';
import { runFuzz } from '../test/fuzz-run.ts';

const { values } = parseArgs({ options: { inputs: { type: 'string' }, seed: { type: 'string' } } });
const inputs = Number(values.inputs ?? 100_000);
const seed = values.seed === undefined ? undefined : Number(values.seed);

const template = await prepareTestDbTemplate();
const db = await createTestDb(template);
const database = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
let operations = 131;
try {
  const started = performance.now();
  const summary = await runFuzz(db, {
    // Two rounds over every operation; the count per operation is found from the first progress report on.
    runsPerOperation: Math.ceil(inputs / 2 / operations),
    ...(seed === undefined ? {} : { seed }),
    ...(process.env.FUZZ_TRACE
      ? { onOperation: (key: string, ms: number) => console.log(`${Math.round(ms)} ms; ${key}`) }
      : {}),
    onFailure: (failure) => console.log(`\nFAILED ${failure.operation}\n${failure.report}\n`),
    onProgress: (done, total, s) => {
      operations = s.operations;
      if (done % 5000 === 0) {
        const seconds = (performance.now() - started) / 1000;
        console.log(`${done}/${total} inputs, ${Math.round(done / seconds)}/s, ${JSON.stringify(s.byClass)}`);
      }
    },
  });
  console.log(
    `\nFuzz on ${database}: ${summary.operations} operations, ${summary.sent} inputs in ${(summary.ms / 1000).toFixed(1)} s`,
  );
  console.log(`  ${Math.round(summary.sent / (summary.ms / 1000))} inputs/s`);
  for (const [statusClass, count] of Object.entries(summary.byClass).sort()) console.log(`  ${statusClass}: ${count}`);
  process.exitCode = summary.failures.length > 0 || (summary.byClass['5xx'] ?? 0) > 0 ? 1 : 0;
} finally {
  await db.close();
  await dropTestDbTemplate(template);
}
