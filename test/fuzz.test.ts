import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/db/client.ts';
import { runFuzz } from './fuzz-run.ts';
import { testDb } from './helpers.ts';

/**
 * Every operation of the served OpenAPI document, fed generated bad inputs (test/fuzz-inputs.ts) as a user who may
 * call it: no answer may be 5xx. `npm run bench:fuzz` runs the same at 100 000 inputs.
 */
const RUNS_PER_OPERATION = Number(process.env.PASSAGE_FUZZ_RUNS ?? 3);

describe('fuzz over the OpenAPI document', () => {
  let db: Db;
  beforeAll(async () => {
    db = await testDb();
  });
  afterAll(() => db.close());

  it('answers no generated input with a 5xx, on every operation', { timeout: 300_000 }, async () => {
    const summary = await runFuzz(db, { runsPerOperation: RUNS_PER_OPERATION });
    expect(summary.operations).toBeGreaterThan(100);
    expect(summary.sent).toBe(summary.operations * RUNS_PER_OPERATION * 2);
    const report = summary.failures.map((f) => `${f.operation}\n${f.report}`).join('\n\n');
    expect(
      summary.failures.map((f) => f.operation),
      report,
    ).toEqual([]);
    expect(summary.byClass['5xx'] ?? 0).toBe(0);
  });
});
