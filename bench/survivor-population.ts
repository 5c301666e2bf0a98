/**
 * Fills a benchmark database with survivors quickly, without calling `CasesService.create` a million times: names
 * from `names.ts`, identities sealed by the real IdentityVault (so ciphertexts and blind-index tokens are what
 * Passage stores), persons, their tokens and one case each inserted in batches through `unnest`. Also writes the
 * plaintext names (normalised as the blind index normalises them) to a scratch table for the pg_trgm baseline.
 *
 * The load runs with foreign-key triggers off (session_replication_role = replica; the rows are consistent by
 * construction) and builds the token indexes after the load, as a bulk load would; the schema ends as migrated.
 */
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { ulid } from 'ulid';
import { normaliseName } from '../src/lib/normalise.ts';
import type { IdentityVault } from '../src/modules/survivors/index.ts';
import type { FieldMap } from '../src/shared/case-fields.ts';
import {
  birthDate,
  citizenship,
  documentNumber,
  fullName,
  mobilePhone,
  primaryLanguage,
  randomName,
  type SurvivorName,
} from './names.ts';

export const BATCH = 2000;

export interface SampledSurvivor {
  personId: string;
  name: SurvivorName;
}

/** What the main thread hands each loading worker. */
export interface LoadJob {
  url: string;
  kek: Uint8Array;
  agencyId: string;
  count: number;
  worker: number;
  workers: number;
  sampleEvery: number;
}

/** What a loading worker reports after each batch. */
export interface LoadProgress {
  loaded: number;
  sample: SampledSurvivor[];
}

export interface Batch {
  persons: { id: string[]; attributes: string[]; wrappedKey: string[]; identity: string[]; nameTokens: number[] };
  tokens: { kind: string[]; token: string[]; personId: string[] };
  cases: { id: string[]; reference: string[]; survivorId: string[] };
  plain: { personId: string[]; name: string[] };
}

export const emptyBatch = (): Batch => ({
  persons: { id: [], attributes: [], wrappedKey: [], identity: [], nameTokens: [] },
  tokens: { kind: [], token: [], personId: [] },
  cases: { id: [], reference: [], survivorId: [] },
  plain: { personId: [], name: [] },
});

/**
 * Inserts `count` survivors with a case each in `agencyId`, sealing in `workers` threads (sealing costs far more
 * than inserting); returns about `sampleSize` of them, spread over the whole population, to search for.
 */
export async function populate(
  url: string,
  kek: Buffer,
  agencyId: string,
  options: { count: number; sampleSize: number; workers: number; progress: (loaded: number) => void },
): Promise<SampledSurvivor[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("set maintenance_work_mem = '1GB'");
    await client.query('alter table person_tokens drop constraint person_tokens_pkey');
    await client.query('drop index person_tokens_person');
    await client.query('create table bench_plain_names (person_id text not null, name text not null)');

    const sample: SampledSurvivor[] = [];
    let loaded = 0;
    const sampleEvery = Math.max(1, Math.floor(options.count / options.sampleSize));
    await Promise.all(
      Array.from({ length: options.workers }, (_, worker) => {
        const job: LoadJob = {
          url,
          kek,
          agencyId,
          count: options.count,
          worker,
          workers: options.workers,
          sampleEvery,
        };
        const thread = new Worker(new URL('./population-worker.ts', import.meta.url), { workerData: job });
        thread.on('message', (message: LoadProgress) => {
          loaded += message.loaded;
          sample.push(...message.sample);
          options.progress(loaded);
        });
        return new Promise<void>((resolve, reject) => {
          thread.once('error', reject);
          thread.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loader exited with ${code}`))));
        });
      }),
    );

    await client.query('alter table person_tokens add primary key (kind, token, person_id)');
    await client.query('create index person_tokens_person on person_tokens (person_id)');
    await client.query('create index bench_plain_names_trgm on bench_plain_names using gin (name gin_trgm_ops)');
    await client.query('vacuum analyze persons, person_tokens, cases, bench_plain_names');
    return sample;
  } finally {
    await client.end();
  }
}

/** Adds survivor number `index` (its names drawn from `random`) to the batch. */
export function addSurvivor(batch: Batch, vault: IdentityVault, random: () => number, index: number): SurvivorName {
  const name = randomName(random);
  const identity: FieldMap = {
    prs_FirstName: name.first,
    ...(name.middle ? { prs_MiddleName: name.middle } : {}),
    prs_SecondName: name.last,
    prs_Birthdate: birthDate(random),
    ...(random() < 0.6 ? { prs_IdentityNumber: documentNumber(random) } : {}),
    ...(random() < 0.5 ? { prs_MobilePhone: mobilePhone(random, name) } : {}),
    ...(name.aliases.length > 0 ? { psg_Aliases: name.aliases } : {}),
  };
  const personId = ulid();
  const sealed = vault.seal(personId, identity);
  const { persons, tokens, cases, plain } = batch;
  persons.id.push(personId);
  persons.attributes.push(
    JSON.stringify({
      prs_Gender: name.gender,
      prs_Citizenship: [citizenship(random, name)],
      prs_PrimaryLanguage: primaryLanguage(name),
    }),
  );
  persons.wrappedKey.push(sealed.wrappedKey);
  persons.identity.push(JSON.stringify(sealed.identity));
  persons.nameTokens.push(sealed.nameTokenCount);
  for (const t of sealed.tokens) {
    tokens.kind.push(t.kind);
    tokens.token.push(t.token);
    tokens.personId.push(personId);
  }
  cases.id.push(ulid());
  cases.reference.push(`IT-2026-${String(index + 1).padStart(7, '0')}`);
  cases.survivorId.push(personId);
  for (const written of [fullName(name), ...name.aliases]) {
    plain.personId.push(personId);
    plain.name.push(normaliseName(written));
  }
  return name;
}

export async function insertBatch(client: pg.ClientBase, agencyId: string, { persons, tokens, cases, plain }: Batch) {
  await client.query('begin');
  await client.query(
    `insert into persons (id, agency_id, attributes, wrapped_key, identity, name_tokens)
     select id, $2, attributes, wrapped_key, identity, name_tokens
     from unnest($1::text[], $3::jsonb[], $4::text[], $5::jsonb[], $6::int[])
       as t (id, attributes, wrapped_key, identity, name_tokens)`,
    [persons.id, agencyId, persons.attributes, persons.wrappedKey, persons.identity, persons.nameTokens],
  );
  await client.query(
    'insert into person_tokens (kind, token, person_id) select * from unnest($1::text[], $2::text[], $3::text[])',
    [tokens.kind, tokens.token, tokens.personId],
  );
  await client.query(
    `insert into cases (id, reference, agency_id, survivor_id, stage, stage_since, victim, reported_at, created_by)
     select id, reference, $4, survivor_id, 'reported', now(),
            '{"vic_TraffickingStatus": "PossibleVictimOfTrafficking"}', '2026-01-15', 'operator:bench'
     from unnest($1::text[], $2::text[], $3::text[]) as t (id, reference, survivor_id)`,
    [cases.id, cases.reference, cases.survivorId, agencyId],
  );
  await client.query('insert into bench_plain_names (person_id, name) select * from unnest($1::text[], $2::text[])', [
    plain.personId,
    plain.name,
  ]);
  await client.query('commit');
}
