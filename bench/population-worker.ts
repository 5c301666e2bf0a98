/** A loading thread of survivor-population.ts: seals its share of the batches with the real vault and inserts them. */
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import type { Queryable } from '../src/db/client.ts';
import { IdentityVault } from '../src/modules/survivors/index.ts';
import { seededRandom } from './names.ts';
import {
  addSurvivor,
  BATCH,
  emptyBatch,
  insertBatch,
  type LoadJob,
  type LoadProgress,
  type SampledSurvivor,
} from './survivor-population.ts';

const job = workerData as LoadJob;
const client = new pg.Client({ connectionString: job.url });
await client.connect();
try {
  // Foreign-key triggers off for the bulk load: every row points at rows of the same batch or the bench agency.
  await client.query('set session_replication_role = replica');
  const q: Queryable = {
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(sql, params as unknown[])).rows as T[],
  };
  const vault = await IdentityVault.open(q, Buffer.from(job.kek));
  for (let b = job.worker; b * BATCH < job.count; b += job.workers) {
    // One seed per batch: the population is the same whatever the number of workers.
    const random = seededRandom(b + 1);
    const batch = emptyBatch();
    const sample: SampledSurvivor[] = [];
    const end = Math.min(job.count, (b + 1) * BATCH);
    for (let i = b * BATCH; i < end; i++) {
      const name = addSurvivor(batch, vault, random, i);
      if (i % job.sampleEvery === 0) sample.push({ personId: batch.persons.id.at(-1) as string, name });
    }
    await insertBatch(client, job.agencyId, batch);
    parentPort?.postMessage({ loaded: end - b * BATCH, sample } satisfies LoadProgress);
  }
} finally {
  await client.end();
}
